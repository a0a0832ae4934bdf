//! What the search module is fed: outbox events, unchanged, plus the author's name.

use serde::{Deserialize, Serialize};

/// The outbox event types search takes; every other type is ignored.
pub const EVENT_TYPES: [&str; 5] = [
    "PostPublished",
    "PostUpdated",
    "PostUnpublished",
    "PostDeleted",
    "ProfileUpdated",
];

/// An outbox event as search receives it: the event's type and JSON payload exactly as the
/// outbox holds them, plus the post author's names when the event concerns a post.
///
/// Post events name their author by id only. Search shows and searches author names, and a
/// remote `quire-search` cannot ask the profiles module, so the delivering side (the
/// `search` crate's indexer, which holds the profiles port) looks the author up and sends
/// the names along. Without them the index keeps the names it already knows for that author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEvent {
    /// The outbox event type, e.g. `PostPublished`.
    pub event_type: String,
    /// The outbox payload (JSON text), unchanged.
    pub payload: String,
    /// The post author's current names, if the sender knows them.
    #[serde(default)]
    pub author: Option<AuthorName>,
}

impl SearchEvent {
    /// An event without author names.
    pub fn new(event_type: impl Into<String>, payload: impl Into<String>) -> Self {
        Self {
            event_type: event_type.into(),
            payload: payload.into(),
            author: None,
        }
    }

    /// The same event carrying `author`.
    pub fn with_author(mut self, author: AuthorName) -> Self {
        self.author = Some(author);
        self
    }

    /// Whether search cares about this type of event.
    pub fn is_relevant(&self) -> bool {
        EVENT_TYPES.contains(&self.event_type.as_str())
    }
}

/// The names of a post's author, as search indexes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorName {
    /// The profile id.
    pub id: i64,
    /// The username (`author:` queries match it exactly, any case).
    pub username: String,
    /// The name shown.
    pub display_name: String,
}
