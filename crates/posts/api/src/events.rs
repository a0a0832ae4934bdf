//! Events the posts module writes to the outbox, in the same transaction as the change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What search (and any other consumer) needs to know about a published post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostDocument {
    /// The post.
    pub post_id: i64,
    /// Its current slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The body as plain text (no markup).
    pub body_text: String,
    /// Normalised tags.
    pub tags: Vec<String>,
    /// The author's profile id.
    pub author_id: i64,
    /// When it went live.
    pub published_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Tags the post lost in this change (only in `PostUpdated`): lists of those tags no
    /// longer show it.
    #[serde(default)]
    pub former_tags: Vec<String>,
}

/// A change to a post that others may react to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostEvent {
    /// A post became visible to readers (published now, or its scheduled time came).
    PostPublished(PostDocument),
    /// A published post changed.
    PostUpdated(PostDocument),
    /// A published post went back to draft.
    PostUnpublished {
        /// The post.
        post_id: i64,
        /// Its slug at the time.
        slug: String,
        /// Its author.
        #[serde(default)]
        author_id: i64,
        /// Its tags at the time.
        #[serde(default)]
        tags: Vec<String>,
    },
    /// A post was deleted for good.
    PostDeleted {
        /// The post.
        post_id: i64,
        /// Its slug at the time.
        slug: String,
        /// Its author.
        #[serde(default)]
        author_id: i64,
        /// Its tags at the time.
        #[serde(default)]
        tags: Vec<String>,
    },
}

impl PostEvent {
    /// The outbox event type, e.g. `PostPublished`.
    pub fn event_type(&self) -> &'static str {
        match self {
            PostEvent::PostPublished(_) => "PostPublished",
            PostEvent::PostUpdated(_) => "PostUpdated",
            PostEvent::PostUnpublished { .. } => "PostUnpublished",
            PostEvent::PostDeleted { .. } => "PostDeleted",
        }
    }

    /// The post concerned.
    pub fn post_id(&self) -> i64 {
        match self {
            PostEvent::PostPublished(doc) | PostEvent::PostUpdated(doc) => doc.post_id,
            PostEvent::PostUnpublished { post_id, .. } | PostEvent::PostDeleted { post_id, .. } => {
                *post_id
            }
        }
    }
}
