//! The API's one error shape, `{"errors": {"<field or body>": ["…"]}}`, with the spec's
//! status codes, and the translation of every module's refusals into it.

use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use comments_api::CommentsError;
use posts_api::PostsError;
use profiles_api::ProfilesError;

use super::dto::ErrorBody;

/// Why an API request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// The input breaks a rule (422); `field` is the wire name of the field at fault, or
    /// `body` for the request as a whole.
    #[error("{field}: {message}")]
    Invalid {
        /// Wire name of the field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No or an unusable token (401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The token holder may not do this (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Nothing at this address (404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The body is larger than the API accepts (413).
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// Too many attempts (429, with `Retry-After`).
    #[error("too many attempts; retry after {0} s")]
    RateLimited(u64),
    /// A module's storage cannot be reached (503, with `Retry-After`).
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
}

impl ApiError {
    /// A validation error on `field` (its wire name).
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The `errors` key and message of this error.
    fn entry(&self) -> (String, String) {
        match self {
            ApiError::Invalid { field, message } => (field.clone(), message.clone()),
            ApiError::Unauthorized(message)
            | ApiError::Forbidden(message)
            | ApiError::NotFound(message)
            | ApiError::TooLarge(message) => ("body".to_owned(), message.clone()),
            ApiError::RateLimited(secs) => (
                "body".to_owned(),
                format!("Too many attempts; try again in {secs} seconds."),
            ),
            ApiError::Unavailable(_) => (
                "body".to_owned(),
                "The service is temporarily unavailable; try again shortly.".to_owned(),
            ),
        }
    }
}

/// The JSON error body for `key` and `message`.
pub(crate) fn error_body(key: &str, message: &str) -> ErrorBody {
    ErrorBody {
        errors: BTreeMap::from([(key.to_owned(), vec![message.to_owned()])]),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Unavailable(reason) = self {
            tracing::warn!(%reason, "api unavailable");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Token"));
            }
            ApiError::RateLimited(secs) => {
                response.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        let (key, message) = self.entry();
        response.json(error_body(&key, &message))
    }
}

/// The wire name of a module's field name.
fn wire_field(field: &str) -> String {
    match field {
        "body_markdown" => "body".to_owned(),
        "tags" => "tagList".to_owned(),
        "bio_markdown" => "bio".to_owned(),
        "avatar_url" => "image".to_owned(),
        "page" | "per_page" => "offset".to_owned(),
        other => other.to_owned(),
    }
}

impl From<PostsError> for ApiError {
    fn from(error: PostsError) -> Self {
        match error {
            PostsError::Invalid { field, message } => ApiError::Invalid {
                field: wire_field(&field),
                message,
            },
            PostsError::NotFound => ApiError::NotFound("No such article.".to_owned()),
            PostsError::Forbidden => {
                ApiError::Forbidden("You may not change this article.".to_owned())
            }
            PostsError::Conflict(message) => ApiError::invalid("body", message),
            PostsError::Unavailable(reason) => ApiError::Unavailable(reason),
        }
    }
}

impl From<ProfilesError> for ApiError {
    fn from(error: ProfilesError) -> Self {
        match error {
            ProfilesError::Invalid { field, message } => ApiError::Invalid {
                field: wire_field(&field),
                message,
            },
            ProfilesError::SignupClosed => {
                ApiError::Forbidden("Sign-up is closed on this site.".to_owned())
            }
            ProfilesError::NotAvailable(message) => ApiError::invalid("body", message),
            ProfilesError::InvalidCredentials => ApiError::Unauthorized(
                "That email and password do not match an active account.".to_owned(),
            ),
            ProfilesError::RateLimited { retry_after_secs } => {
                ApiError::RateLimited(retry_after_secs)
            }
            ProfilesError::NotFound => ApiError::NotFound("No such profile.".to_owned()),
            ProfilesError::Forbidden => ApiError::Forbidden("You may not do this.".to_owned()),
            ProfilesError::Storage(reason) => ApiError::Unavailable(reason),
        }
    }
}

impl From<CommentsError> for ApiError {
    fn from(error: CommentsError) -> Self {
        match error {
            CommentsError::Invalid { field, message } => ApiError::Invalid {
                field: wire_field(&field),
                message,
            },
            CommentsError::NotFound => ApiError::NotFound("No such comment.".to_owned()),
            CommentsError::Forbidden => {
                ApiError::Forbidden("You may not change this comment.".to_owned())
            }
            CommentsError::RateLimited { retry_after_secs } => {
                ApiError::RateLimited(retry_after_secs)
            }
            CommentsError::PostNotOpen => {
                ApiError::invalid("body", "This article is not open for comments.")
            }
            CommentsError::EditWindowClosed => {
                ApiError::invalid("body", "This comment can no longer be edited.")
            }
            CommentsError::Unavailable(reason) => ApiError::Unavailable(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_refusals_map_to_the_spec_statuses_and_wire_fields() {
        let invalid: ApiError = PostsError::invalid("body_markdown", "Write something.").into();
        assert_eq!(invalid.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            invalid.entry(),
            ("body".to_owned(), "Write something.".to_owned())
        );
        let taken: ApiError = ProfilesError::not_available().into();
        assert_eq!(taken.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let forbidden: ApiError = CommentsError::Forbidden.into();
        assert_eq!(forbidden.status_code(), StatusCode::FORBIDDEN);
        let credentials: ApiError = ProfilesError::InvalidCredentials.into();
        assert_eq!(credentials.status_code(), StatusCode::UNAUTHORIZED);
        let down: ApiError = PostsError::Unavailable("db".into()).into();
        assert_eq!(down.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(down.entry().0, "body");
    }
}
