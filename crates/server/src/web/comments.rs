//! Writing comments: `POST /posts/{slug}/comments` (new comments and replies), editing and
//! deleting one's own (`/comments/{id}/edit`, `/comments/{id}/delete`), and the moderators'
//! buttons (`POST /comments/{id}/moderate`).
//!
//! A refused comment shows the post page again with the text kept and the reason next to
//! the form (4xx; a rate limit is a 429 with `Retry-After`). A filled honeypot field is
//! refused with a neutral 400 and saves nothing.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::TimeDelta;
use comments_api::{CommentEdit, CommentsError, ModerationAction, ModerationMode, NewComment};
use posts_api::{PostStatus, SlugLookup};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{NoFields, Session, SignedIn, VerifiedForm};
use super::chrome::Chrome;
use super::comment_section::Refused;
use super::comment_view::comments_actor;
use super::editor::actor_of;
use super::errors::PageError;
use super::post::{PostPage, render};
use super::view::path_segment;

/// Accounts younger than this may post only a few links per comment.
pub(crate) const NEW_ACCOUNT_AGE: TimeDelta = TimeDelta::hours(24);

/// The comment form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct CommentFields {
    #[serde(default)]
    body: String,
    /// Empty for a top-level comment.
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    idempotency_key: String,
    /// The honeypot: hidden from people, filled in by naive bots.
    #[serde(default)]
    website: String,
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The status a refused comment is shown again with, and the reason for the form; other
/// errors become error pages.
fn refusal(error: CommentsError) -> Result<(StatusCode, String), PageError> {
    match error {
        CommentsError::Invalid { message, .. } => Ok((StatusCode::UNPROCESSABLE_ENTITY, message)),
        CommentsError::PostNotOpen => Ok((
            StatusCode::CONFLICT,
            "This post is not open for comments.".to_owned(),
        )),
        CommentsError::EditWindowClosed => Ok((
            StatusCode::CONFLICT,
            "This comment can no longer be edited: the time to change it is over.".to_owned(),
        )),
        CommentsError::RateLimited { retry_after_secs } => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "You are commenting too fast. Please wait {} before trying again.",
                seconds(retry_after_secs)
            ),
        )),
        other => Err(other.into()),
    }
}

/// `90` → `2 minutes`, `1` → `1 second`.
fn seconds(secs: u64) -> String {
    match secs {
        1 => "1 second".to_owned(),
        0..60 => format!("{secs} seconds"),
        _ => {
            let minutes = secs.div_ceil(60);
            if minutes == 1 {
                "1 minute".to_owned()
            } else {
                format!("{minutes} minutes")
            }
        }
    }
}

/// Adds `Retry-After` to a re-rendered page when the refusal was a rate limit.
fn with_retry_after(mut response: HttpResponse, error: &CommentsError) -> HttpResponse {
    if let CommentsError::RateLimited { retry_after_secs } = error
        && let Ok(value) = header::HeaderValue::from_str(&retry_after_secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Whether the signed-in account is younger than [`NEW_ACCOUNT_AGE`]. The session carries
/// no creation date, so this asks the profiles port (one call per comment written).
async fn account_is_new(state: &AppState, session: &Session) -> Result<bool, PageError> {
    let profile = state
        .profiles
        .by_id(session.viewer.id)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?;
    Ok(profile.is_none_or(|p| state.clock.now() - p.created_at < NEW_ACCOUNT_AGE))
}

/// The address the client connects from, for the per-address rate limit.
fn client_ip(request: &HttpRequest) -> Option<String> {
    request.peer_addr().map(|addr| addr.ip().to_string())
}

/// `POST /posts/{slug}/comments`: a new comment or a reply.
pub(crate) async fn create(
    request: HttpRequest,
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    slug: web::Path<String>,
    VerifiedForm(fields): VerifiedForm<CommentFields>,
) -> Result<HttpResponse, PageError> {
    if !fields.website.trim().is_empty() {
        return Err(PageError::BadRequest(
            "Your comment could not be accepted. Go back and try again.",
        ));
    }
    let post = match state
        .posts
        .readable_by_slug(&slug, Some(actor_of(&session)))
        .await?
    {
        SlugLookup::Found(post) => *post,
        SlugLookup::Moved { .. } => return Err(PageError::NotFound),
    };
    let parent_id = match fields.parent_id.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| PageError::BadRequest("The comment you answer does not exist."))?,
        ),
    };
    let created = state
        .comments
        .create(NewComment {
            post_id: post.id,
            author: comments_actor(&session),
            parent_id,
            body: fields.body.clone(),
            idempotency_key: Some(fields.idempotency_key.clone()).filter(|k| !k.trim().is_empty()),
            client_ip: client_ip(&request),
            account_is_new: account_is_new(&state, &session).await?,
            mode: ModerationMode::parse(&state.site.current().moderation).unwrap_or_default(),
        })
        .await;
    let path = path_segment(&post.slug);
    match created {
        Ok(comment) if comment.awaiting_approval() => Ok(see_other(format!(
            "/posts/{path}?comment=pending#comment-{}",
            comment.id
        ))),
        Ok(comment) => Ok(see_other(format!("/posts/{path}#comment-{}", comment.id))),
        Err(error) => {
            let (status, message) = refusal(error.clone())?;
            let page = PostPage {
                status,
                refused: Some(Refused {
                    parent_id,
                    body: fields.body,
                    error: message,
                }),
                notice: None,
            };
            let response = render(&state, &chrome, Some(&session), post, page).await?;
            Ok(with_retry_after(response, &error))
        }
    }
}

/// A comment with the post it is on, for the pages about one comment.
#[derive(Debug, Serialize)]
struct CommentPage {
    id: i64,
    /// The post's URL path segment.
    post_path: String,
    /// The comment's Markdown, or the text just typed.
    body: String,
    created_at: String,
    created_on: String,
    error: String,
}

/// The comment `comment_id` as the viewer may see it, with its post's path segment.
async fn comment_and_post(
    state: &AppState,
    session: &Session,
    comment_id: &str,
) -> Result<(comments_api::Comment, posts_api::Authorship), PageError> {
    let comment_id: i64 = comment_id.parse().map_err(|_| PageError::NotFound)?;
    let comment = state
        .comments
        .by_id(comment_id, Some(comments_actor(session)))
        .await?;
    let post = state
        .posts
        .authorship(comment.post_id)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((comment, post))
}

/// Refuses anyone but the comment's author.
fn own(
    comment: &comments_api::Comment,
    session: &Session,
    what: &'static str,
) -> Result<(), PageError> {
    if comment.author_id == Some(session.viewer.id) {
        Ok(())
    } else {
        Err(PageError::Forbidden(what))
    }
}

fn comment_page(
    state: &AppState,
    chrome: &Chrome,
    template: &'static str,
    status: StatusCode,
    page: &CommentPage,
) -> Result<HttpResponse, PageError> {
    let html = state
        .pages
        .render(chrome, template, |context| context.insert("comment", page))?;
    Ok(chrome.page(status, html))
}

fn page_of(comment: &comments_api::Comment, post: &posts_api::Authorship) -> CommentPage {
    CommentPage {
        id: comment.id,
        post_path: path_segment(&post.slug),
        body: comment.body_markdown.clone(),
        created_at: comment.created_at.to_rfc3339(),
        created_on: super::comment_view::comment_time(comment.created_at),
        error: String::new(),
    }
}

/// `GET /comments/{id}/edit`: its author's form.
pub(crate) async fn edit_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (comment, post) = comment_and_post(&state, &session, &id).await?;
    own(&comment, &session, "You can only edit your own comments.")?;
    let page = page_of(&comment, &post);
    comment_page(&state, &chrome, "comment_edit.html", StatusCode::OK, &page)
}

/// The edit form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct EditFields {
    #[serde(default)]
    body: String,
}

/// `POST /comments/{id}/edit`.
pub(crate) async fn edit(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(fields): VerifiedForm<EditFields>,
) -> Result<HttpResponse, PageError> {
    let (comment, post) = comment_and_post(&state, &session, &id).await?;
    let edited = state
        .comments
        .edit(
            comments_actor(&session),
            CommentEdit {
                comment_id: comment.id,
                body: fields.body.clone(),
                account_is_new: account_is_new(&state, &session).await?,
            },
        )
        .await;
    match edited {
        Ok(edited) => Ok(see_other(format!(
            "/posts/{}#comment-{}",
            path_segment(&post.slug),
            edited.id
        ))),
        Err(error) => {
            let (status, message) = refusal(error)?;
            let mut page = page_of(&comment, &post);
            page.body = fields.body;
            page.error = message;
            comment_page(&state, &chrome, "comment_edit.html", status, &page)
        }
    }
}

/// Whether the viewer moderates the comments of `post`.
fn moderates(session: &Session, post: &posts_api::Authorship) -> bool {
    comments_actor(session).may_moderate_any || post.author_id == session.viewer.id
}

/// `GET /comments/{id}/delete`: asks for confirmation (its author or a moderator).
pub(crate) async fn delete_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (comment, post) = comment_and_post(&state, &session, &id).await?;
    if !moderates(&session, &post) {
        own(&comment, &session, "You can only delete your own comments.")?;
    }
    let page = page_of(&comment, &post);
    comment_page(
        &state,
        &chrome,
        "comment_delete.html",
        StatusCode::OK,
        &page,
    )
}

/// `POST /comments/{id}/delete`.
pub(crate) async fn delete(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    let (comment, post) = comment_and_post(&state, &session, &id).await?;
    state
        .comments
        .delete(comments_actor(&session), comment.id)
        .await?;
    Ok(see_other(format!(
        "/posts/{}#comments",
        path_segment(&post.slug)
    )))
}

/// The moderation buttons' fields.
#[derive(Debug, Deserialize)]
pub(crate) struct ModerateFields {
    /// `approve`, `unhide`, `hide` or `delete`.
    #[serde(default)]
    action: String,
    /// `moderation` to go back to the queue; anything else goes back to the post.
    #[serde(default)]
    return_to: String,
}

/// `POST /comments/{id}/moderate`: approve, hide, unhide or delete (moderators only).
pub(crate) async fn moderate(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(fields): VerifiedForm<ModerateFields>,
) -> Result<HttpResponse, PageError> {
    let action = ModerationAction::parse(&fields.action)
        .ok_or(PageError::BadRequest("Choose approve, hide or delete."))?;
    let (comment, post) = comment_and_post(&state, &session, &id).await?;
    state
        .comments
        .moderate(comments_actor(&session), comment.id, action)
        .await?;
    let path = path_segment(&post.slug);
    Ok(see_other(if fields.return_to == "moderation" {
        "/moderation".to_owned()
    } else if action == ModerationAction::Delete || post.status != PostStatus::Published {
        format!("/posts/{path}#comments")
    } else {
        format!("/posts/{path}#comment-{}", comment.id)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_in_words() {
        assert_eq!(seconds(1), "1 second");
        assert_eq!(seconds(42), "42 seconds");
        assert_eq!(seconds(60), "1 minute");
        assert_eq!(seconds(61), "2 minutes");
    }

    #[test]
    fn refusals_keep_the_form_except_for_missing_things() {
        let (status, message) =
            refusal(CommentsError::invalid("body", "Write something.")).unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(message, "Write something.");
        let (status, _) = refusal(CommentsError::RateLimited {
            retry_after_secs: 5,
        })
        .unwrap();
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(matches!(
            refusal(CommentsError::NotFound),
            Err(PageError::NotFound)
        ));
        assert!(matches!(
            refusal(CommentsError::Forbidden),
            Err(PageError::Forbidden(_))
        ));
    }
}
