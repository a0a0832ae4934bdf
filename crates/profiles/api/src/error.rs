//! Errors of the profiles port, as data so they can cross a process boundary.

use serde::{Deserialize, Serialize};

/// The one message for a username or email that cannot be used, whichever it is.
const NOT_AVAILABLE: &str = "That username or email cannot be used. If you already have an \
                             account, sign in; otherwise choose another username or email.";

/// Why the profiles module refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ProfilesError {
    /// The input breaks a rule; `field` names the offending field for forms.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault (`username`, `email`, `password`, `display_name`, …).
        field: String,
        /// What is wrong, in words a person can act on.
        message: String,
    },
    /// The site does not take new sign-ups.
    #[error("sign-up is closed on this site")]
    SignupClosed,
    /// The username or the email is taken (or otherwise unusable). Always the same message,
    /// built by [`ProfilesError::not_available`], so sign-up does not reveal which emails
    /// have accounts.
    #[error("{0}")]
    NotAvailable(String),
    /// Unknown login, wrong password or suspended account: one answer for all three, so it
    /// does not reveal which accounts exist.
    #[error("that login and password do not match an active account")]
    InvalidCredentials,
    /// Too many failed sign-ins; try again after `retry_after_secs` seconds.
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until an attempt will be considered again (at least 1).
        retry_after_secs: u64,
    },
    /// No such account, token or profile.
    #[error("not found")]
    NotFound,
    /// The asker may not do this.
    #[error("you may not do this")]
    Forbidden,
    /// Storage could not be reached; retrying later may work.
    #[error("accounts are temporarily unavailable: {0}")]
    Storage(String),
}

impl ProfilesError {
    /// A validation error on `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ProfilesError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The one [`ProfilesError::NotAvailable`] answer, for a taken username and a taken
    /// email alike.
    pub fn not_available() -> Self {
        ProfilesError::NotAvailable(NOT_AVAILABLE.to_owned())
    }
}
