//! Queries on the module's own tables.

use std::collections::HashMap;

use comments_api::{CommentStatus, CommentsError};
use diesel::prelude::*;
use kernel::DbConnection;

use crate::error::StoreResult;
use crate::rows::CommentRow;
use crate::schema::{comment_trusted_authors, comments};

/// Largest feed a caller may ask for.
pub(crate) const MAX_FEED: u32 = 100;
/// Largest moderation queue page a caller may ask for.
pub(crate) const MAX_QUEUE: u32 = 200;

/// A comment row by id.
pub(crate) fn row_by_id(conn: &mut DbConnection, id: i64) -> StoreResult<Option<CommentRow>> {
    Ok(comments::table
        .find(id)
        .select(CommentRow::as_select())
        .first(conn)
        .optional()?)
}

/// A comment row by id, or [`CommentsError::NotFound`] (deleted ones too).
pub(crate) fn live_row(conn: &mut DbConnection, id: i64) -> StoreResult<CommentRow> {
    match row_by_id(conn, id)? {
        Some(row) if !row.is_deleted() => Ok(row),
        _ => Err(CommentsError::NotFound.into()),
    }
}

/// Every comment of a post, oldest first: the whole thread in one query.
pub(crate) fn thread_rows(conn: &mut DbConnection, post_id: i64) -> StoreResult<Vec<CommentRow>> {
    Ok(comments::table
        .filter(comments::post_id.eq(post_id))
        .order((comments::created_at.asc(), comments::id.asc()))
        .select(CommentRow::as_select())
        .load(conn)?)
}

/// The authors of every comment on a post, any status, each once.
pub(crate) fn commenters(conn: &mut DbConnection, post_id: i64) -> StoreResult<Vec<i64>> {
    Ok(comments::table
        .filter(comments::post_id.eq(post_id))
        .select(comments::author_id)
        .distinct()
        .load(conn)?)
}

/// `id → parent_id` of every comment on these posts, in one query (for depths).
pub(crate) fn parents(
    conn: &mut DbConnection,
    post_ids: &[i64],
) -> StoreResult<HashMap<i64, Option<i64>>> {
    let pairs: Vec<(i64, Option<i64>)> = comments::table
        .filter(comments::post_id.eq_any(post_ids))
        .select((comments::id, comments::parent_id))
        .load(conn)?;
    Ok(pairs.into_iter().collect())
}

/// Whether a comment has replies (any status, deleted placeholders included).
pub(crate) fn has_replies(conn: &mut DbConnection, id: i64) -> StoreResult<bool> {
    let n: i64 = comments::table
        .filter(comments::parent_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Visible comments per post, in one grouped query; every asked id gets an entry.
pub(crate) fn counts(conn: &mut DbConnection, post_ids: &[i64]) -> StoreResult<HashMap<i64, u64>> {
    let mut counts: HashMap<i64, u64> = post_ids.iter().map(|id| (*id, 0)).collect();
    if post_ids.is_empty() {
        return Ok(counts);
    }
    let found: Vec<(i64, i64)> = comments::table
        .filter(comments::post_id.eq_any(post_ids))
        .filter(comments::status.eq(CommentStatus::Visible.as_str()))
        .filter(comments::deleted_at.is_null())
        .group_by(comments::post_id)
        .select((comments::post_id, diesel::dsl::count_star()))
        .load(conn)?;
    for (post_id, n) in found {
        counts.insert(post_id, u64::try_from(n).unwrap_or(0));
    }
    Ok(counts)
}

/// The newest visible comments of a post, newest first.
pub(crate) fn recent(
    conn: &mut DbConnection,
    post_id: i64,
    limit: u32,
) -> StoreResult<Vec<CommentRow>> {
    Ok(comments::table
        .filter(comments::post_id.eq(post_id))
        .filter(comments::status.eq(CommentStatus::Visible.as_str()))
        .filter(comments::deleted_at.is_null())
        .order((comments::created_at.desc(), comments::id.desc()))
        .limit(i64::from(limit))
        .select(CommentRow::as_select())
        .load(conn)?)
}

/// Comments awaiting a decision, oldest first: pending (and hidden if asked), on the given
/// posts or (`None`) on all.
pub(crate) fn queue(
    conn: &mut DbConnection,
    post_ids: Option<&[i64]>,
    include_hidden: bool,
    limit: u32,
) -> StoreResult<Vec<CommentRow>> {
    let mut statuses = vec![CommentStatus::Pending.as_str()];
    if include_hidden {
        statuses.push(CommentStatus::Hidden.as_str());
    }
    let mut query = comments::table
        .filter(comments::status.eq_any(statuses))
        .filter(comments::deleted_at.is_null())
        .into_boxed();
    if let Some(ids) = post_ids {
        query = query.filter(comments::post_id.eq_any(ids.to_vec()));
    }
    Ok(query
        .order((comments::created_at.asc(), comments::id.asc()))
        .limit(i64::from(limit))
        .select(CommentRow::as_select())
        .load(conn)?)
}

/// Whether a moderator approved this commenter before (or one of their comments went up
/// visible): in first-time mode they need no approval.
pub(crate) fn is_trusted(conn: &mut DbConnection, author_id: i64) -> StoreResult<bool> {
    let n: i64 = comment_trusted_authors::table
        .filter(comment_trusted_authors::author_id.eq(author_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
