//! Limits and windows of the comments module, chosen by the server.

use chrono::TimeDelta;

/// At most `max` comments within any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Comments allowed inside the window (at least 1 is used).
    pub max: u32,
    /// How far back comments count.
    pub window: TimeDelta,
}

/// How the comments module guards against mistakes and abuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentsConfig {
    /// How long after writing it an author may change a comment's text (default 15 minutes).
    pub edit_window: TimeDelta,
    /// Longest body, in characters (default 5,000).
    pub max_body_chars: usize,
    /// Most links a comment by a new account may hold (default 2).
    pub new_account_max_links: usize,
    /// How long the same body by the same author on the same post and parent counts as a
    /// resubmission that returns the first comment (default 10 minutes).
    pub duplicate_window: TimeDelta,
    /// New comments per account (default 10 per 10 minutes).
    pub per_account: RateLimit,
    /// New comments per client address (default 30 per 10 minutes: room for a household or
    /// an office behind one address).
    pub per_client: RateLimit,
}

impl Default for CommentsConfig {
    fn default() -> Self {
        Self {
            edit_window: TimeDelta::minutes(15),
            max_body_chars: 5_000,
            new_account_max_links: 2,
            duplicate_window: TimeDelta::minutes(10),
            per_account: RateLimit {
                max: 10,
                window: TimeDelta::minutes(10),
            },
            per_client: RateLimit {
                max: 30,
                window: TimeDelta::minutes(10),
            },
        }
    }
}
