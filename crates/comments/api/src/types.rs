//! Plain data types of the comments port.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a comment stands with moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// Shown to everyone.
    Visible,
    /// Waiting for a moderator's approval; shown to moderators and to its author only.
    Pending,
    /// Hidden by a moderator; shown to moderators only.
    Hidden,
}

impl CommentStatus {
    /// The name stored and shown: `visible`, `pending`, `hidden`.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Visible => "visible",
            CommentStatus::Pending => "pending",
            CommentStatus::Hidden => "hidden",
        }
    }

    /// Parses [`CommentStatus::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "visible" => Some(CommentStatus::Visible),
            "pending" => Some(CommentStatus::Pending),
            "hidden" => Some(CommentStatus::Hidden),
            _ => None,
        }
    }
}

/// The site's comment moderation setting, passed in by the caller on every new comment.
///
/// The post's author and site moderators (editors, admins) are never held for approval,
/// whatever the mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModerationMode {
    /// Comments are visible at once.
    #[default]
    Open,
    /// A commenter's comments wait for approval until a moderator has approved one of them
    /// (or one of them was published visible, e.g. while the site was open).
    FirstTime,
    /// Every comment waits for approval.
    All,
}

impl ModerationMode {
    /// The site setting's value: `open`, `first-time`, `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationMode::Open => "open",
            ModerationMode::FirstTime => "first-time",
            ModerationMode::All => "all",
        }
    }

    /// Parses [`ModerationMode::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(ModerationMode::Open),
            "first-time" => Some(ModerationMode::FirstTime),
            "all" => Some(ModerationMode::All),
            _ => None,
        }
    }
}

/// Who is asking, as far as comments care. The server derives it from the signed-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The profile id.
    pub id: i64,
    /// Editors and admins moderate comments on every post; anyone else only on their own
    /// posts (the module asks the posts port who wrote a post).
    pub may_moderate_any: bool,
}

/// A comment as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComment {
    /// The post commented on.
    pub post_id: i64,
    /// The signed-in commenter.
    pub author: Actor,
    /// The comment answered, on the same post; `None` for a top-level comment.
    pub parent_id: Option<i64>,
    /// The body in Markdown (rendered with the restricted comment profile).
    pub body: String,
    /// A random token the form carries: submitting the same token again (a double click, a
    /// retried request) returns the comment it created instead of a second one.
    pub idempotency_key: Option<String>,
    /// The client's address as the server sees it, for the per-address rate limit.
    pub client_ip: Option<String>,
    /// Whether the account is new (e.g. younger than a day): new accounts may post only a
    /// few links per comment.
    pub account_is_new: bool,
    /// The site's moderation setting.
    pub mode: ModerationMode,
}

/// A change of a comment's text by its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentEdit {
    /// The comment.
    pub comment_id: i64,
    /// The new body in Markdown.
    pub body: String,
    /// Whether the account is new (the link limit applies to edits too).
    pub account_is_new: bool,
}

/// What a moderator does to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModerationAction {
    /// Hide it from readers (it stays for moderators, and its replies stay in place).
    Hide,
    /// Make it visible: approve a pending comment or unhide a hidden one.
    Approve,
    /// Delete it, as its author could.
    Delete,
}

impl ModerationAction {
    /// The form value: `hide`, `approve`, `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Hide => "hide",
            ModerationAction::Approve => "approve",
            ModerationAction::Delete => "delete",
        }
    }

    /// Parses [`ModerationAction::as_str`]'s output (`unhide` is taken as `approve`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "hide" => Some(ModerationAction::Hide),
            "approve" | "unhide" => Some(ModerationAction::Approve),
            "delete" => Some(ModerationAction::Delete),
            _ => None,
        }
    }
}

/// A comment as one viewer may see it.
///
/// A comment the viewer may not read but whose replies they may is still listed, as a
/// placeholder, so the thread keeps its shape: [`Comment::deleted`] (its author or a
/// moderator deleted it) or [`Comment::withheld`] (it waits for approval or was hidden).
/// A placeholder has no author and an empty body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Id, opaque outside the comments module.
    pub id: i64,
    /// The post it is on.
    pub post_id: i64,
    /// The comment it answers.
    pub parent_id: Option<i64>,
    /// Its author's profile id (the server batch-fetches profiles); `None` for placeholders.
    pub author_id: Option<i64>,
    /// Sanitized HTML rendered from the Markdown; empty for placeholders.
    pub body_html: String,
    /// The Markdown source, for its author's edit form; empty for placeholders.
    pub body_markdown: String,
    /// Its moderation status. Readers only ever get `Visible` (or a withheld placeholder);
    /// its author may get their own `Pending` ("awaiting approval"); moderators get all.
    pub status: CommentStatus,
    /// Deleted, kept as a placeholder because it has replies.
    pub deleted: bool,
    /// Not shown to this viewer, kept as a placeholder because some of its replies are.
    pub withheld: bool,
    /// Replies above it: 0 for a top-level comment.
    pub depth: u32,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Its last change of any kind (text, moderation, deletion).
    pub updated_at: DateTime<Utc>,
    /// When its author last changed its text, if ever.
    pub edited_at: Option<DateTime<Utc>>,
}

impl Comment {
    /// Whether its text was changed after it was written.
    pub fn edited(&self) -> bool {
        self.edited_at.is_some()
    }

    /// Whether it is shown as a placeholder (deleted or withheld) rather than with its text.
    pub fn is_placeholder(&self) -> bool {
        self.deleted || self.withheld
    }

    /// Whether it waits for a moderator (show "awaiting approval" to its author).
    pub fn awaiting_approval(&self) -> bool {
        self.status == CommentStatus::Pending && !self.is_placeholder()
    }

    /// The depth to indent it by on a page nesting at most `max` levels: deeper replies are
    /// shown flat at `max`.
    pub fn display_depth(&self, max: u32) -> u32 {
        self.depth.min(max)
    }
}

/// What the comments module needs to know of a post to show its thread, for a caller that
/// has just read the post from the posts module (see [`crate::CommentsPort::thread_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPost {
    /// The post.
    pub post_id: i64,
    /// Its author, who moderates its comments.
    pub author_id: i64,
    /// Whether it is published (readers see comments of published posts only).
    pub published: bool,
}

/// A post's comments as one viewer may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// The post.
    pub post_id: i64,
    /// The comments in reading order: each top-level comment (oldest first) followed by its
    /// replies, depth first, each level oldest first — so a flat list indented by
    /// [`Comment::depth`] reads as the tree.
    pub comments: Vec<Comment>,
    /// Whether the viewer may moderate this post's comments (its author, editors, admins).
    pub viewer_moderates: bool,
}

impl Thread {
    /// Comments shown with their text and visible to everyone: what counts report.
    pub fn visible_count(&self) -> usize {
        self.comments
            .iter()
            .filter(|c| c.status == CommentStatus::Visible && !c.is_placeholder())
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for status in [
            CommentStatus::Visible,
            CommentStatus::Pending,
            CommentStatus::Hidden,
        ] {
            assert_eq!(CommentStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
        }
        for mode in [
            ModerationMode::Open,
            ModerationMode::FirstTime,
            ModerationMode::All,
        ] {
            assert_eq!(ModerationMode::parse(mode.as_str()), Some(mode));
            assert_eq!(
                serde_json::to_string(&mode).unwrap(),
                format!("\"{}\"", mode.as_str())
            );
        }
        for action in [
            ModerationAction::Hide,
            ModerationAction::Approve,
            ModerationAction::Delete,
        ] {
            assert_eq!(ModerationAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(
            ModerationAction::parse("unhide"),
            Some(ModerationAction::Approve)
        );
        assert_eq!(ModerationMode::parse("first_time"), None);
        assert_eq!(ModerationMode::default(), ModerationMode::Open);
        assert_eq!(CommentStatus::parse("deleted"), None);
    }

    #[test]
    fn display_depth_flattens_beyond_the_maximum() {
        let comment = Comment {
            id: 1,
            post_id: 1,
            parent_id: None,
            author_id: Some(1),
            body_html: String::new(),
            body_markdown: String::new(),
            status: CommentStatus::Pending,
            deleted: false,
            withheld: false,
            depth: 7,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
            edited_at: None,
        };
        assert_eq!(comment.display_depth(4), 4);
        assert_eq!(comment.display_depth(10), 7);
        assert!(comment.awaiting_approval());
        assert!(!comment.edited());
        let placeholder = Comment {
            deleted: true,
            ..comment
        };
        assert!(placeholder.is_placeholder());
        assert!(!placeholder.awaiting_approval());
    }
}
