//! Commands: every change to comments, each run inside one write transaction by the caller,
//! with its outbox event appended in that same transaction.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use comments_api::{CommentEvent, CommentStatus, CommentsError};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kernel::DbConnection;

use crate::error::StoreResult;
use crate::events;
use crate::read;
use crate::rows::CommentRow;
use crate::schema::{comment_trusted_authors, comments};
use crate::validate::CleanBody;

/// A comment about to be inserted, checked.
#[derive(Debug, Clone)]
pub(crate) struct Insert {
    pub(crate) post_id: i64,
    pub(crate) author_id: i64,
    pub(crate) parent_id: Option<i64>,
    pub(crate) body: CleanBody,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) status: CommentStatus,
}

/// The comment this author already made with this idempotency key.
pub(crate) fn by_key(
    conn: &mut DbConnection,
    author_id: i64,
    key: &str,
) -> StoreResult<Option<CommentRow>> {
    Ok(comments::table
        .filter(comments::author_id.eq(author_id))
        .filter(comments::idempotency_key.eq(key))
        .select(CommentRow::as_select())
        .first(conn)
        .optional()?)
}

/// A comment this submission repeats: the same idempotency key, or the same body by the same
/// author on the same post and parent since `since`.
pub(crate) fn duplicate_of(
    conn: &mut DbConnection,
    new: &Insert,
    since: NaiveDateTime,
) -> StoreResult<Option<CommentRow>> {
    if let Some(key) = &new.idempotency_key
        && let Some(row) = by_key(conn, new.author_id, key)?
    {
        return Ok(Some(row));
    }
    let mut query = comments::table
        .filter(comments::author_id.eq(new.author_id))
        .filter(comments::post_id.eq(new.post_id))
        .filter(comments::body_markdown.eq(new.body.markdown.clone()))
        .filter(comments::deleted_at.is_null())
        .filter(comments::created_at.ge(since))
        .into_boxed();
    query = match new.parent_id {
        Some(parent) => query.filter(comments::parent_id.eq(parent)),
        None => query.filter(comments::parent_id.is_null()),
    };
    Ok(query
        .order(comments::id.desc())
        .select(CommentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Inserts a comment and records `CommentAdded`; returns the stored row.
pub(crate) fn insert(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    new: &Insert,
) -> StoreResult<CommentRow> {
    let at = now.naive_utc();
    let id: i64 = diesel::insert_into(comments::table)
        .values((
            comments::post_id.eq(new.post_id),
            comments::author_id.eq(new.author_id),
            comments::parent_id.eq(new.parent_id),
            comments::body_markdown.eq(&new.body.markdown),
            comments::body_html.eq(&new.body.html),
            comments::status.eq(new.status.as_str()),
            comments::created_at.eq(at),
            comments::updated_at.eq(at),
            comments::idempotency_key.eq(&new.idempotency_key),
        ))
        .returning(comments::id)
        .get_result(conn)?;
    if new.status == CommentStatus::Visible {
        trust(conn, new.author_id, now)?;
    }
    let event = CommentEvent::CommentAdded {
        comment_id: id,
        post_id: new.post_id,
        parent_id: new.parent_id,
        author_id: new.author_id,
        status: new.status,
    };
    events::record(conn, &event, now)?;
    read::live_row(conn, id)
}

/// Marks a commenter as approved (idempotent).
pub(crate) fn trust(
    conn: &mut DbConnection,
    author_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if read::is_trusted(conn, author_id)? {
        return Ok(());
    }
    // In a savepoint: a concurrent insert of the same author must not abort the transaction.
    let inserted = conn.transaction::<_, DieselError, _>(|conn| {
        diesel::insert_into(comment_trusted_authors::table)
            .values((
                comment_trusted_authors::author_id.eq(author_id),
                comment_trusted_authors::trusted_at.eq(now.naive_utc()),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) | Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Forgets a commenter's approval: their next comments wait again in first-time mode.
fn distrust(conn: &mut DbConnection, author_id: i64) -> StoreResult<()> {
    diesel::delete(
        comment_trusted_authors::table.filter(comment_trusted_authors::author_id.eq(author_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Whether `row` is still inside the edit window at `now`.
pub(crate) fn editable_at(row: &CommentRow, now: DateTime<Utc>, window: TimeDelta) -> bool {
    now.naive_utc() - row.created_at <= window
}

/// Replaces a comment's text; records `CommentEdited`. An unchanged text changes nothing.
pub(crate) fn edit(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    row: &CommentRow,
    body: &CleanBody,
) -> StoreResult<CommentRow> {
    if row.body_markdown == body.markdown {
        return Ok(row.clone());
    }
    let at = now.naive_utc();
    diesel::update(comments::table.find(row.id))
        .set((
            comments::body_markdown.eq(&body.markdown),
            comments::body_html.eq(&body.html),
            comments::edited_at.eq(Some(at)),
            comments::updated_at.eq(at),
        ))
        .execute(conn)?;
    let event = CommentEvent::CommentEdited {
        comment_id: row.id,
        post_id: row.post_id,
    };
    events::record(conn, &event, now)?;
    read::live_row(conn, row.id)
}

/// Sets a comment's status (approving trusts its author, hiding stops trusting them);
/// records `CommentModerated`. Setting the status it has changes nothing.
pub(crate) fn set_status(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    row: &CommentRow,
    status: CommentStatus,
) -> StoreResult<()> {
    if row.status() == status {
        return Ok(());
    }
    diesel::update(comments::table.find(row.id))
        .set((
            comments::status.eq(status.as_str()),
            comments::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    match status {
        CommentStatus::Visible => trust(conn, row.author_id, now)?,
        CommentStatus::Hidden => distrust(conn, row.author_id)?,
        CommentStatus::Pending => {}
    }
    let event = CommentEvent::CommentModerated {
        comment_id: row.id,
        post_id: row.post_id,
        status,
    };
    events::record(conn, &event, now)
}

/// Deletes a comment; records `CommentDeleted`.
///
/// With replies it stays as a placeholder: its text is erased and it is marked deleted (its
/// author is no longer shown). Without, its row goes, and so do deleted placeholders above it
/// that are left with no reply.
pub(crate) fn delete(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    row: &CommentRow,
) -> StoreResult<()> {
    let at = now.naive_utc();
    if read::has_replies(conn, row.id)? {
        diesel::update(comments::table.find(row.id))
            .set((
                comments::body_markdown.eq(""),
                comments::body_html.eq(""),
                comments::deleted_at.eq(Some(at)),
                comments::updated_at.eq(at),
                // Like a removed row, a placeholder no longer answers resubmissions.
                comments::idempotency_key.eq(None::<String>),
            ))
            .execute(conn)?;
    } else {
        diesel::delete(comments::table.find(row.id)).execute(conn)?;
        let mut parent = row.parent_id;
        while let Some(id) = parent {
            match read::row_by_id(conn, id)? {
                Some(above) if above.is_deleted() && !read::has_replies(conn, id)? => {
                    diesel::delete(comments::table.find(id)).execute(conn)?;
                    parent = above.parent_id;
                }
                _ => break,
            }
        }
    }
    let event = CommentEvent::CommentDeleted {
        comment_id: row.id,
        post_id: row.post_id,
    };
    events::record(conn, &event, now)
}

/// Removes every comment of a deleted post; records `PostCommentsRemoved` if there were
/// any. Running it again finds none and does nothing.
pub(crate) fn remove_post(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    post_id: i64,
) -> StoreResult<u64> {
    // Counted first: SQLite does not count rows its foreign-key cascade removes.
    let removed: i64 = comments::table
        .filter(comments::post_id.eq(post_id))
        .count()
        .get_result(conn)?;
    diesel::delete(comments::table.filter(comments::post_id.eq(post_id))).execute(conn)?;
    let removed = u64::try_from(removed).unwrap_or(0);
    if removed > 0 {
        events::record(
            conn,
            &CommentEvent::PostCommentsRemoved { post_id, removed },
            now,
        )?;
    }
    Ok(removed)
}

/// Refuses a reply whose parent is missing, on another post, deleted, or not visible to a
/// replier who does not moderate the post.
pub(crate) fn check_parent(
    conn: &mut DbConnection,
    post_id: i64,
    parent_id: i64,
    moderates: bool,
) -> StoreResult<()> {
    let Some(parent) = read::row_by_id(conn, parent_id)? else {
        return Err(CommentsError::invalid(
            "parent_id",
            "The comment you answer no longer exists.",
        )
        .into());
    };
    if parent.post_id != post_id {
        return Err(CommentsError::invalid(
            "parent_id",
            "You can only answer a comment on the same post.",
        )
        .into());
    }
    if parent.is_deleted() {
        return Err(
            CommentsError::invalid("parent_id", "The comment you answer was deleted.").into(),
        );
    }
    if parent.status() != CommentStatus::Visible && !moderates {
        return Err(CommentsError::invalid(
            "parent_id",
            "The comment you answer is not shown yet.",
        )
        .into());
    }
    Ok(())
}
