//! Errors of the comments port, as data so they can cross a process boundary.

use serde::{Deserialize, Serialize};

/// Why the comments module refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CommentsError {
    /// The input breaks a rule; `field` names the offending field for forms.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault (`body`, `parent_id`, `idempotency_key`, `limit`, …).
        field: String,
        /// What is wrong, in words a person can act on.
        message: String,
    },
    /// No such comment or post (or not one the asker may see).
    #[error("not found")]
    NotFound,
    /// The asker may not do this to this comment.
    #[error("you may not change this comment")]
    Forbidden,
    /// Too many comments in a short time; try again after `retry_after_secs` seconds (send it
    /// as `Retry-After` with a 429).
    #[error("too many comments; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until a comment will be accepted again (at least 1).
        retry_after_secs: u64,
    },
    /// The post exists but takes no comments now (it is not published).
    #[error("this post is not open for comments")]
    PostNotOpen,
    /// The comment is older than the edit window allows.
    #[error("this comment can no longer be edited")]
    EditWindowClosed,
    /// Storage (or the posts module) could not be reached; retrying later may work.
    #[error("comments are temporarily unavailable: {0}")]
    Unavailable(String),
}

impl CommentsError {
    /// A validation error on `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        CommentsError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_survive_a_round_trip_through_json() {
        let errors = [
            CommentsError::invalid("body", "Write something."),
            CommentsError::NotFound,
            CommentsError::Forbidden,
            CommentsError::RateLimited {
                retry_after_secs: 42,
            },
            CommentsError::PostNotOpen,
            CommentsError::EditWindowClosed,
            CommentsError::Unavailable("down".into()),
        ];
        for error in errors {
            let json = serde_json::to_string(&error).unwrap();
            let back: CommentsError = serde_json::from_str(&json).unwrap();
            assert_eq!(back, error);
            assert!(!error.to_string().is_empty());
        }
        assert_eq!(
            CommentsError::RateLimited {
                retry_after_secs: 7
            }
            .to_string(),
            "too many comments; try again in 7 seconds"
        );
    }
}
