//! Errors of the search port, as data so they can cross a process boundary.

use serde::{Deserialize, Serialize};

/// Why search could not answer or take an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SearchError {
    /// The index (or the remote service) cannot be used right now: missing, corrupt,
    /// unreachable. Readers see "search temporarily unavailable"; the outbox retries events.
    #[error("search is temporarily unavailable: {0}")]
    Unavailable(String),
    /// The request breaks a rule; `field` names the offending field.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault (`page`, `event`, …).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// This adapter cannot do that (e.g. a remote service asked to reindex from a database
    /// it does not have).
    #[error("not supported here: {0}")]
    NotSupported(String),
}

impl SearchError {
    /// A validation error on `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        SearchError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// An unavailability with its cause.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        SearchError::Unavailable(cause.to_string())
    }
}
