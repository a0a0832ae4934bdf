//! Errors of the posts port, as data so they can cross a process boundary.

use serde::{Deserialize, Serialize};

/// Why the posts module refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PostsError {
    /// The input breaks a rule; `field` names the offending field for forms.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault (`title`, `body`, `tags`, …), or `request`.
        field: String,
        /// What is wrong, in words a person can act on.
        message: String,
    },
    /// No such post (or not one the asker may see).
    #[error("post not found")]
    NotFound,
    /// The asker may not do this to this post.
    #[error("you may not change this post")]
    Forbidden,
    /// The request contradicts the post's state (e.g. scheduling a published post).
    #[error("{0}")]
    Conflict(String),
    /// Storage could not be reached; retrying later may work.
    #[error("posts are temporarily unavailable: {0}")]
    Unavailable(String),
}

impl PostsError {
    /// A validation error on `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        PostsError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}
