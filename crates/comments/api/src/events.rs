//! Events the comments module writes to the outbox, in the same transaction as the change.
//!
//! Each carries the comment and its post, so a page cache can evict the post's page. The
//! payload on the outbox is this enum serialized with serde (externally tagged, like
//! `posts_api::PostEvent`), and the outbox event type is [`CommentEvent::event_type`].

use serde::{Deserialize, Serialize};

use crate::CommentStatus;

/// A change to comments that others may react to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommentEvent {
    /// A comment was written (it may wait for approval: see `status`).
    CommentAdded {
        /// The comment.
        comment_id: i64,
        /// Its post.
        post_id: i64,
        /// The comment it answers, if any.
        parent_id: Option<i64>,
        /// Its author's profile id.
        author_id: i64,
        /// Its status on arrival.
        status: CommentStatus,
    },
    /// Its author changed a comment's text.
    CommentEdited {
        /// The comment.
        comment_id: i64,
        /// Its post.
        post_id: i64,
    },
    /// A moderator hid or approved a comment.
    CommentModerated {
        /// The comment.
        comment_id: i64,
        /// Its post.
        post_id: i64,
        /// Its new status.
        status: CommentStatus,
    },
    /// A comment was deleted, by its author or a moderator (it may remain as a "deleted"
    /// placeholder while it has replies).
    CommentDeleted {
        /// The comment.
        comment_id: i64,
        /// Its post.
        post_id: i64,
    },
    /// Every comment of a post was removed because the post was deleted.
    PostCommentsRemoved {
        /// The deleted post.
        post_id: i64,
        /// How many comments went.
        removed: u64,
    },
}

impl CommentEvent {
    /// The outbox event type, e.g. `CommentAdded`.
    pub fn event_type(&self) -> &'static str {
        match self {
            CommentEvent::CommentAdded { .. } => "CommentAdded",
            CommentEvent::CommentEdited { .. } => "CommentEdited",
            CommentEvent::CommentModerated { .. } => "CommentModerated",
            CommentEvent::CommentDeleted { .. } => "CommentDeleted",
            CommentEvent::PostCommentsRemoved { .. } => "PostCommentsRemoved",
        }
    }

    /// The post concerned.
    pub fn post_id(&self) -> i64 {
        match self {
            CommentEvent::CommentAdded { post_id, .. }
            | CommentEvent::CommentEdited { post_id, .. }
            | CommentEvent::CommentModerated { post_id, .. }
            | CommentEvent::CommentDeleted { post_id, .. }
            | CommentEvent::PostCommentsRemoved { post_id, .. } => *post_id,
        }
    }

    /// The comment concerned, if the event is about one comment.
    pub fn comment_id(&self) -> Option<i64> {
        match self {
            CommentEvent::CommentAdded { comment_id, .. }
            | CommentEvent::CommentEdited { comment_id, .. }
            | CommentEvent::CommentModerated { comment_id, .. }
            | CommentEvent::CommentDeleted { comment_id, .. } => Some(*comment_id),
            CommentEvent::PostCommentsRemoved { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_name_their_type_and_post_and_round_trip() {
        let events = [
            CommentEvent::CommentAdded {
                comment_id: 1,
                post_id: 2,
                parent_id: None,
                author_id: 3,
                status: CommentStatus::Pending,
            },
            CommentEvent::CommentEdited {
                comment_id: 1,
                post_id: 2,
            },
            CommentEvent::CommentModerated {
                comment_id: 1,
                post_id: 2,
                status: CommentStatus::Hidden,
            },
            CommentEvent::CommentDeleted {
                comment_id: 1,
                post_id: 2,
            },
            CommentEvent::PostCommentsRemoved {
                post_id: 2,
                removed: 5,
            },
        ];
        for event in events {
            assert_eq!(event.post_id(), 2);
            let json = serde_json::to_string(&event).unwrap();
            assert!(json.starts_with(&format!("{{\"{}\"", event.event_type())));
            let back: CommentEvent = serde_json::from_str(&json).unwrap();
            assert_eq!(back, event);
        }
    }
}
