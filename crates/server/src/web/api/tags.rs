//! `/api/tags`: the tags of published articles.

use actix_web::{HttpResponse, web};

use super::dto::TagsResponse;
use super::errors::ApiError;
use crate::web::AppState;

/// Get tags
///
/// Tags of published articles, most used first.
#[utoipa::path(
    get, path = "/api/tags", operation_id = "GetTags", tag = "Tags",
    responses((status = 200, description = "The tags", body = TagsResponse))
)]
pub(crate) async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let tags = state.posts.tags().await?;
    Ok(HttpResponse::Ok().json(TagsResponse {
        tags: tags.into_iter().map(|t| t.tag).collect(),
    }))
}
