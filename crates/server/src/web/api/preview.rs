//! `POST /api/preview`: Markdown in, the site's rendered and sanitized HTML out — the
//! editor's live preview, and the same pipeline for API clients.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use super::auth::MaybeApiUser;
use super::dto::ErrorBody;
use super::errors::ApiError;
use crate::web::auth::Session;

/// Preview Markdown
///
/// Renders Markdown exactly as posts are rendered (highlighted code, sanitized HTML).
/// Writers only: an API token, or the site's session for the editor's own page (a preview
/// changes nothing, so the cookie opens no cross-site write).
#[utoipa::path(
    post, path = "/api/preview", operation_id = "PreviewMarkdown", tag = "Articles",
    request_body(content = String, content_type = "text/plain", description = "Markdown"),
    responses(
        (status = 200, description = "The rendered, sanitized HTML", body = String, content_type = "text/html"),
        (status = 401, description = "Not signed in as a writer", body = ErrorBody),
        (status = 413, description = "More text than a post may hold", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn preview(
    request: HttpRequest,
    caller: MaybeApiUser,
    body: String,
) -> Result<HttpResponse, ApiError> {
    let by_token = caller.0.is_some_and(|c| c.viewer.role.may_write());
    let by_session = request
        .extensions()
        .get::<Session>()
        .is_some_and(|s| s.viewer.role.may_write());
    if !(by_token || by_session) {
        return Err(ApiError::Unauthorized(
            "Sign in as an author to preview.".into(),
        ));
    }
    let rendered = kernel::markdown::render(&body, kernel::markdown::Profile::Post);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(rendered.html))
}
