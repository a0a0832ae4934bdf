//! `/api/articles/{slug}/favorite`: marking an article favorite and taking the mark back.

use actix_web::{HttpResponse, web};

use super::articles::find;
use super::assemble;
use super::auth::ApiUser;
use super::dto::{ErrorBody, SingleArticleResponse};
use super::errors::ApiError;
use crate::web::AppState;

/// Favorite an article
///
/// Marks the article favorite for the caller (idempotent).
#[utoipa::path(
    post, path = "/api/articles/{slug}/favorite", operation_id = "CreateArticleFavorite", tag = "Favorites",
    params(("slug" = String, Path, description = "Slug of the article")),
    responses(
        (status = 200, description = "The article, favorited", body = SingleArticleResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn favorite(
    state: web::Data<AppState>,
    caller: ApiUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let mut post = find(&state, Some(&caller), &slug).await?;
    post.favorites_count = state.posts.favorite(caller.viewer.id, post.id).await?;
    let article = assemble::article(&state, Some(&caller), post).await?;
    Ok(HttpResponse::Ok().json(SingleArticleResponse { article }))
}

/// Unfavorite an article
///
/// Takes the caller's favorite mark back (idempotent).
#[utoipa::path(
    delete, path = "/api/articles/{slug}/favorite", operation_id = "DeleteArticleFavorite", tag = "Favorites",
    params(("slug" = String, Path, description = "Slug of the article")),
    responses(
        (status = 200, description = "The article, no longer favorited", body = SingleArticleResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn unfavorite(
    state: web::Data<AppState>,
    caller: ApiUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let mut post = find(&state, Some(&caller), &slug).await?;
    post.favorites_count = state.posts.unfavorite(caller.viewer.id, post.id).await?;
    let article = assemble::article(&state, Some(&caller), post).await?;
    Ok(HttpResponse::Ok().json(SingleArticleResponse { article }))
}
