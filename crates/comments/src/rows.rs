//! Rows as stored, and what one viewer may see of them.

use chrono::NaiveDateTime;
use comments_api::{Comment, CommentStatus};
use diesel::prelude::*;

use crate::schema::comments;

/// A `comments` row (without its idempotency key, which never leaves the module).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub(crate) struct CommentRow {
    pub(crate) id: i64,
    pub(crate) post_id: i64,
    pub(crate) author_id: i64,
    pub(crate) parent_id: Option<i64>,
    pub(crate) body_markdown: String,
    pub(crate) body_html: String,
    pub(crate) status: String,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) created_at: NaiveDateTime,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) updated_at: NaiveDateTime,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) deleted_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) edited_at: Option<NaiveDateTime>,
}

/// Who is looking at a post's comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Viewing {
    /// The signed-in viewer, if any.
    pub(crate) viewer_id: Option<i64>,
    /// Whether they moderate the post (its author, an editor, an admin).
    pub(crate) moderates: bool,
}

/// How a row is shown to one viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sight {
    /// With its author and text.
    Full,
    /// As a "deleted" placeholder, if any reply under it is shown.
    Deleted,
    /// As a "withheld" placeholder (pending or hidden), if any reply under it is shown.
    Withheld,
}

impl CommentRow {
    /// The row's status; an unknown value (impossible under the CHECK constraint) reads as
    /// hidden, the least visible state.
    pub(crate) fn status(&self) -> CommentStatus {
        CommentStatus::parse(&self.status).unwrap_or(CommentStatus::Hidden)
    }

    /// Whether it was deleted and stays only as a placeholder.
    pub(crate) fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// How `viewing` sees this row. Readers see visible comments; a commenter also sees
    /// their own pending ones; moderators see everything.
    pub(crate) fn sight(&self, viewing: Viewing) -> Sight {
        if self.is_deleted() {
            return Sight::Deleted;
        }
        let own = viewing.viewer_id == Some(self.author_id);
        match self.status() {
            CommentStatus::Visible => Sight::Full,
            CommentStatus::Pending if viewing.moderates || own => Sight::Full,
            CommentStatus::Hidden if viewing.moderates => Sight::Full,
            CommentStatus::Pending | CommentStatus::Hidden => Sight::Withheld,
        }
    }

    /// The comment as shown with `sight` at `depth`.
    pub(crate) fn to_comment(&self, sight: Sight, depth: u32) -> Comment {
        let full = sight == Sight::Full;
        Comment {
            id: self.id,
            post_id: self.post_id,
            parent_id: self.parent_id,
            author_id: full.then_some(self.author_id),
            body_html: if full {
                self.body_html.clone()
            } else {
                String::new()
            },
            body_markdown: if full {
                self.body_markdown.clone()
            } else {
                String::new()
            },
            // A withheld placeholder says no more than "not shown".
            status: if sight == Sight::Withheld {
                CommentStatus::Hidden
            } else {
                self.status()
            },
            deleted: sight == Sight::Deleted,
            withheld: sight == Sight::Withheld,
            depth,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            edited_at: if full {
                self.edited_at.map(|t| t.and_utc())
            } else {
                None
            },
        }
    }
}
