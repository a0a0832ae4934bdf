//! `/api/articles/{slug}/comments`: reading, writing and deleting comments.

use actix_web::{HttpRequest, HttpResponse, web};
use comments_api::{ModerationMode, NewComment};

use super::articles::find;
use super::assemble;
use super::auth::{ApiUser, MaybeApiUser};
use super::dto::{ErrorBody, MultipleCommentsResponse, NewCommentRequest, SingleCommentResponse};
use super::errors::ApiError;
use crate::web::AppState;
use crate::web::comments::NEW_ACCOUNT_AGE;

/// Get comments
///
/// The article's comments the caller may see, in reading order. Auth is optional.
#[utoipa::path(
    get, path = "/api/articles/{slug}/comments", operation_id = "GetArticleComments", tag = "Comments",
    params(("slug" = String, Path, description = "Slug of the article")),
    responses(
        (status = 200, description = "The comments", body = MultipleCommentsResponse),
        (status = 401, description = "A token was sent but is not valid", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ),
    security((), ("Token" = []))
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let asker = caller.0.as_ref();
    let post = find(&state, asker, &slug).await?;
    let thread = state
        .comments
        .thread(post.id, asker.map(ApiUser::comment_actor))
        .await?;
    let comments = assemble::comments(&state, asker, thread.comments).await?;
    Ok(HttpResponse::Ok().json(MultipleCommentsResponse { comments }))
}

/// Add a comment
///
/// Writes a comment on a published article (the site's moderation mode and rate limits
/// apply: a comment held for approval is listed to its author and moderators only).
#[utoipa::path(
    post, path = "/api/articles/{slug}/comments", operation_id = "CreateArticleComment", tag = "Comments",
    params(("slug" = String, Path, description = "Slug of the article")),
    request_body = NewCommentRequest,
    responses(
        (status = 200, description = "The comment", body = SingleCommentResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "The body is empty, too long or has too many links", body = ErrorBody),
        (status = 429, description = "Too many comments; see `Retry-After`", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn create(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: ApiUser,
    slug: web::Path<String>,
    body: web::Json<NewCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let post = find(&state, Some(&caller), &slug).await?;
    let profile = state
        .profiles
        .by_id(caller.viewer.id)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("This account no longer exists.".into()))?;
    let comment = state
        .comments
        .create(NewComment {
            post_id: post.id,
            author: caller.comment_actor(),
            parent_id: None,
            body: body.into_inner().comment.body,
            idempotency_key: None,
            client_ip: request.peer_addr().map(|addr| addr.ip().to_string()),
            account_is_new: state.clock.now() - profile.created_at < NEW_ACCOUNT_AGE,
            mode: ModerationMode::parse(&state.site.current().moderation).unwrap_or_default(),
        })
        .await?;
    let author = assemble::profile(&profile, false);
    Ok(HttpResponse::Ok().json(SingleCommentResponse {
        comment: assemble::comment(comment, author),
    }))
}

/// Delete a comment
///
/// Deletes a comment: its author, or a moderator of the article.
#[utoipa::path(
    delete, path = "/api/articles/{slug}/comments/{id}", operation_id = "DeleteArticleComment", tag = "Comments",
    params(
        ("slug" = String, Path, description = "Slug of the article"),
        ("id" = i64, Path, description = "Id of the comment"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Someone else's comment", body = ErrorBody),
        (status = 404, description = "No such article or comment", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let post = find(&state, Some(&caller), &slug).await?;
    let comment = state
        .comments
        .by_id(id, Some(caller.comment_actor()))
        .await?;
    if comment.post_id != post.id {
        return Err(ApiError::NotFound("No such comment.".into()));
    }
    state.comments.delete(caller.comment_actor(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}
