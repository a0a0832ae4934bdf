//! Error policy for HTML pages.
//!
//! Handlers return [`PageError`] for what they can foresee: a missing page is a 404, storage
//! that cannot be reached a 503, a broken template a 500 (logged; the reader sees no details).
//! [`render_error_pages`] then gives every 4xx/5xx response that is not JSON — the handlers'
//! and actix's own (unknown route, wrong method) — the site's error page, keeping the status
//! and headers such as `Allow` or `Retry-After`.

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError, web};

use comments_api::CommentsError;
use posts_api::PostsError;

use super::AppState;
use super::chrome::Chrome;
use super::pages::RenderError;

/// A specific message for the error page, set on an error response by whoever refused.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorMessage(pub(crate) &'static str);

/// What can go wrong while serving a page.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    /// Nothing lives at this address.
    #[error("page not found")]
    NotFound,
    /// The viewer may not do this; the message says why.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The request could not be read; the message says what to do.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Too many attempts; the client may try again after `retry_after_secs` (sent as
    /// `Retry-After` with a 429).
    #[error("too many attempts; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
    /// A module's storage is unreachable; try again later.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
    /// A template failed: our bug.
    #[error(transparent)]
    Render(#[from] RenderError),
}

impl From<PostsError> for PageError {
    fn from(error: PostsError) -> Self {
        match error {
            PostsError::Unavailable(reason) => PageError::Unavailable(reason),
            PostsError::Forbidden => PageError::Forbidden("You cannot change this post."),
            // Every other refusal means "nothing for you here".
            _ => PageError::NotFound,
        }
    }
}

/// For requests without a form to show again (moderation buttons, confirmations); the
/// comment forms render `Invalid`, `PostNotOpen` and `EditWindowClosed` next to the field.
impl From<CommentsError> for PageError {
    fn from(error: CommentsError) -> Self {
        match error {
            CommentsError::NotFound => PageError::NotFound,
            CommentsError::Forbidden => PageError::Forbidden("You cannot change this comment."),
            CommentsError::Invalid { .. } => PageError::BadRequest(
                "The comment could not be changed: the request was not valid.",
            ),
            CommentsError::PostNotOpen => {
                PageError::BadRequest("This post is not open for comments.")
            }
            CommentsError::EditWindowClosed => {
                PageError::BadRequest("This comment can no longer be edited.")
            }
            CommentsError::RateLimited { retry_after_secs } => {
                PageError::RateLimited { retry_after_secs }
            }
            CommentsError::Unavailable(reason) => PageError::Unavailable(reason),
        }
    }
}

/// Parses a `/page/{n}` segment: a positive number, else the page does not exist.
pub(crate) fn page_number(segment: &str) -> Result<u32, PageError> {
    match segment.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(PageError::NotFound),
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            PageError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            PageError::NotFound
            | PageError::Forbidden(_)
            | PageError::BadRequest(_)
            | PageError::RateLimited { .. } => {}
            PageError::Unavailable(reason) => tracing::warn!(%reason, "page unavailable"),
            PageError::Render(error) => tracing::error!(%error, "page failed to render"),
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            PageError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            PageError::RateLimited { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        let mut response = response.finish();
        if let PageError::Forbidden(message) | PageError::BadRequest(message) = self {
            response.extensions_mut().insert(ErrorMessage(message));
        }
        response
    }
}

/// The middleware that puts the error page on error responses.
pub(crate) fn render_error_pages<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(error_page)
}

/// Heading and message a person can act on, per status.
fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        404 => (
            "Page not found",
            "There is nothing at this address. The link may be mistyped, or the page may have been moved or removed.",
        ),
        400 => (
            "Request not understood",
            "The request could not be read. Check the address or go back and try again.",
        ),
        403 => ("Not allowed", "You do not have permission to do this."),
        413 => (
            "Too large",
            "What was sent is larger than this site accepts.",
        ),
        405 => (
            "Method not allowed",
            "This address does not accept that kind of request.",
        ),
        429 => (
            "Too many attempts",
            "Please wait a little before trying again.",
        ),
        503 => (
            "Temporarily unavailable",
            "The site cannot answer right now. Please try again in a few moments.",
        ),
        500..=599 => (
            "Something went wrong",
            "An error on our side stopped this page from loading. It has been logged; please try again later.",
        ),
        _ => (
            "Request not understood",
            "The request could not be handled. Check the address and try again.",
        ),
    }
}

fn error_page<B>(response: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // JSON errors keep their shape; HTML a handler rendered itself (a form shown again with
    // its errors) is already the page.
    let keep = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if keep {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let (request, original) = response.into_parts();
    let (heading, generic) = wording(status);
    let message = original
        .extensions()
        .get::<ErrorMessage>()
        .map_or(generic, |m| m.0);
    let rendered = request.app_data::<web::Data<AppState>>().map(|state| {
        state
            .pages
            .render(&Chrome::anonymous(), "error.html", |context| {
                context.insert(
                    "error",
                    &serde_json::json!({
                        "status": status.as_u16(),
                        "heading": heading,
                        "message": message,
                    }),
                );
            })
    });
    let body = match rendered {
        Some(Ok(html)) => html,
        Some(Err(error)) => {
            tracing::error!(%error, "error page failed to render");
            format!("<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1><p>{message}</p>")
        }
        None => {
            format!("<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1><p>{message}</p>")
        }
    };
    let mut page = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.append_header((name.clone(), value.clone()));
        }
    }
    page.insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8");
    let page: HttpResponse<BoxBody> = page.body(body);
    let response: ServiceResponse<EitherBody<B>> =
        ServiceResponse::new(request, page).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}
