//! View models of comments: what the post page's thread and the moderation queue show,
//! built from the comments port's types with authors fetched in one batch.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use comments_api::{Actor, Comment, CommentStatus};
use serde::Serialize;

use super::auth::Session;
use super::view::AuthorView;

/// Replies nest this deep on the page; deeper ones are shown flat at this depth.
pub(crate) const MAX_DEPTH: u32 = 4;

/// The actor a signed-in viewer is for the comments module: editors and admins moderate
/// every post's comments, anyone else those of their own posts.
pub(crate) fn comments_actor(session: &Session) -> Actor {
    Actor {
        id: session.viewer.id,
        may_moderate_any: session.viewer.role.may_edit_any(),
    }
}

/// A random token for a comment form's `idempotency_key`: sending the same form twice
/// makes one comment. Drawn from the thread's CSPRNG, which asks the system for entropy
/// only to seed itself: a signed-in post page needs several keys per request, and one
/// `getrandom` call for each was an eighth of that page's CPU time.
pub(crate) fn random_key() -> String {
    let bytes: [u8; 16] = rand::random();
    kernel::hex::lower_hex(&bytes)
}

/// A timestamp as comments show it: `1 November 2026, 09:00 UTC`.
pub(crate) fn comment_time(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// A comment form as typed: the body kept after an error, the error next to it, and a
/// fresh idempotency key.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct CommentForm {
    /// The text typed so far.
    pub(crate) body: String,
    /// What to fix, if the last submission was refused.
    pub(crate) error: String,
    /// The form's idempotency key.
    pub(crate) key: String,
    /// Whether a reply form starts unfolded (it holds an error or text).
    pub(crate) open: bool,
}

impl CommentForm {
    /// An empty form with a fresh key.
    pub(crate) fn fresh() -> Self {
        Self {
            key: random_key(),
            ..Self::default()
        }
    }
}

/// One comment as a viewer sees it.
#[derive(Debug, Serialize)]
pub(crate) struct CommentView {
    pub(crate) id: i64,
    /// Indentation, at most [`MAX_DEPTH`].
    pub(crate) depth: u32,
    /// Absent for placeholders and accounts that are gone.
    pub(crate) author: Option<AuthorView>,
    /// Sanitized by the comments module.
    pub(crate) body_html: String,
    /// `visible`, `pending` or `hidden`.
    pub(crate) status: &'static str,
    /// `deleted` or `withheld` for placeholders.
    pub(crate) placeholder: Option<&'static str>,
    pub(crate) edited: bool,
    pub(crate) edited_at: Option<String>,
    pub(crate) created_at: String,
    pub(crate) created_on: String,
    /// `/posts/{slug}#comment-{id}`; empty when the post is not known (unpublished).
    pub(crate) permalink: String,
    /// The viewer wrote it and may still change its text.
    pub(crate) may_edit: bool,
    /// Until when they may (when they may now and the window ends).
    #[serde(skip)]
    pub(crate) editable_until: Option<DateTime<Utc>>,
    /// The viewer wrote it (and may delete it).
    pub(crate) own: bool,
    /// The viewer moderates it: approve / hide / delete buttons.
    pub(crate) moderate: bool,
    /// The viewer may answer it: their reply form.
    pub(crate) reply: Option<CommentForm>,
}

/// Who looks at comments, and what they may do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Viewing {
    /// The signed-in viewer's profile id.
    pub(crate) viewer_id: Option<i64>,
    /// Whether they moderate these comments.
    pub(crate) moderates: bool,
    /// Whether replies can be written now (signed in, post published).
    pub(crate) may_reply: bool,
    /// For the edit window.
    pub(crate) now: DateTime<Utc>,
    /// How long a comment's text can be changed.
    pub(crate) edit_window: TimeDelta,
}

impl CommentView {
    /// The view of `comment`, linked under the post at `post_path` (already a URL path
    /// segment; empty when unknown).
    pub(crate) fn new(
        comment: Comment,
        authors: &HashMap<i64, AuthorView>,
        post_path: &str,
        viewing: Viewing,
    ) -> Self {
        let placeholder = if comment.deleted {
            Some("deleted")
        } else if comment.withheld {
            Some("withheld")
        } else {
            None
        };
        let own = placeholder.is_none()
            && viewing.viewer_id.is_some()
            && comment.author_id == viewing.viewer_id;
        // A window too long to add ends never.
        let window_end = comment.created_at.checked_add_signed(viewing.edit_window);
        let may_edit = own && window_end.is_none_or(|end| viewing.now < end);
        let reply = (viewing.may_reply
            && placeholder.is_none()
            && comment.status == CommentStatus::Visible)
            .then(CommentForm::fresh);
        Self {
            id: comment.id,
            depth: comment.display_depth(MAX_DEPTH),
            author: comment
                .author_id
                .filter(|_| placeholder.is_none())
                .and_then(|id| authors.get(&id).cloned()),
            status: comment.status.as_str(),
            placeholder,
            edited: comment.edited() && placeholder.is_none(),
            edited_at: comment.edited_at.map(|at| at.to_rfc3339()),
            created_at: comment.created_at.to_rfc3339(),
            created_on: comment_time(comment.created_at),
            permalink: if post_path.is_empty() {
                String::new()
            } else {
                format!("/posts/{post_path}#comment-{}", comment.id)
            },
            may_edit,
            editable_until: window_end.filter(|_| may_edit),
            own,
            moderate: viewing.moderates && placeholder.is_none(),
            reply,
            body_html: comment.body_html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keys_are_32_hex_digits_and_differ() {
        let (a, b) = (random_key(), random_key());
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    fn comment(id: i64, author: Option<i64>, depth: u32) -> Comment {
        Comment {
            id,
            post_id: 1,
            parent_id: None,
            author_id: author,
            body_html: "<p>hi</p>".into(),
            body_markdown: "hi".into(),
            status: CommentStatus::Visible,
            deleted: false,
            withheld: false,
            depth,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
            edited_at: None,
        }
    }

    fn viewing(viewer: Option<i64>, minutes_later: i64) -> Viewing {
        Viewing {
            viewer_id: viewer,
            moderates: false,
            may_reply: viewer.is_some(),
            now: DateTime::UNIX_EPOCH + TimeDelta::minutes(minutes_later),
            edit_window: TimeDelta::minutes(15),
        }
    }

    #[test]
    fn own_comments_are_editable_within_the_window_only() {
        let authors = HashMap::new();
        let fresh = CommentView::new(comment(1, Some(7), 0), &authors, "p", viewing(Some(7), 1));
        assert!(fresh.own && fresh.may_edit);
        assert_eq!(fresh.permalink, "/posts/p#comment-1");
        assert!(fresh.reply.is_some_and(|r| r.key.len() == 32));
        let late = CommentView::new(comment(1, Some(7), 0), &authors, "p", viewing(Some(7), 20));
        assert!(late.own && !late.may_edit);
        let other = CommentView::new(comment(1, Some(8), 9), &authors, "p", viewing(Some(7), 1));
        assert!(!other.own && !other.may_edit);
        assert_eq!(other.depth, MAX_DEPTH);
        let anonymous = CommentView::new(comment(1, Some(8), 0), &authors, "p", viewing(None, 1));
        assert!(anonymous.reply.is_none() && !anonymous.own);
    }

    #[test]
    fn placeholders_show_nothing_of_their_author() {
        let mut deleted = comment(2, Some(7), 1);
        deleted.deleted = true;
        let view = CommentView::new(deleted, &HashMap::new(), "p", viewing(Some(7), 1));
        assert_eq!(view.placeholder, Some("deleted"));
        assert!(!view.own && !view.moderate && view.reply.is_none() && view.author.is_none());
    }
}
