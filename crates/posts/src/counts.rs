//! How many posts are published (`post_published_total`) and how many published posts carry
//! each tag (`post_tag_counts`), so the article list's total and the tag list read a row or
//! a few instead of counting every published post or every tag on each request.
//!
//! The counts are kept exact by the writes themselves: every change that makes a post
//! published or not ([`went_live`], [`came_down`]), or changes the tags of a published post
//! ([`retagged`]), adjusts them in its own transaction. Adjustments are relative (`+ 1`, `- 1`), so
//! concurrent transactions on PostgreSQL — several instances sharing one database — add up
//! instead of overwriting each other; the writers lock the post row they change first (see
//! `read::row_for_change`), so each one sees the status and tags it is changing from.

use diesel::prelude::*;
use diesel::upsert::excluded;
use kernel::DbConnection;
use posts_api::TagCount;

use crate::error::StoreResult;
use crate::schema::{post_published_total, post_tag_counts};

/// A post carrying `tags` was published (now, or at its scheduled time). Call inside the
/// change's write transaction, once the post row is locked.
pub(crate) fn went_live(conn: &mut DbConnection, tags: &[String]) -> StoreResult<()> {
    add_to_total(conn, 1)?;
    published_tags_changed(conn, tags, &[])
}

/// A published post carrying `tags` was unpublished or deleted. Call inside the change's
/// write transaction, once the post row is locked.
pub(crate) fn came_down(conn: &mut DbConnection, tags: &[String]) -> StoreResult<()> {
    add_to_total(conn, -1)?;
    published_tags_changed(conn, &[], tags)
}

/// A published post's tags went from `before` to `after`. Call inside the change's write
/// transaction, once the post row is locked.
pub(crate) fn retagged(
    conn: &mut DbConnection,
    after: &[String],
    before: &[String],
) -> StoreResult<()> {
    published_tags_changed(conn, after, before)
}

fn add_to_total(conn: &mut DbConnection, delta: i64) -> StoreResult<()> {
    diesel::update(post_published_total::table.find(1_i64))
        .set(
            post_published_total::published_posts.eq(post_published_total::published_posts + delta),
        )
        .execute(conn)?;
    Ok(())
}

/// The published posts gained tags `added` and lost `removed`; tags in both cancel out.
///
/// Rows are changed one tag at a time in tag order, whatever the order of the lists: on
/// PostgreSQL each change locks its row until the transaction ends, and two transactions
/// that locked the same tags in opposite orders would deadlock.
fn published_tags_changed(
    conn: &mut DbConnection,
    added: &[String],
    removed: &[String],
) -> StoreResult<()> {
    let mut changes: Vec<(&String, i64)> = added
        .iter()
        .filter(|tag| !removed.contains(tag))
        .map(|tag| (tag, 1))
        .chain(
            removed
                .iter()
                .filter(|tag| !added.contains(tag))
                .map(|tag| (tag, -1)),
        )
        .collect();
    changes.sort_unstable();
    changes.dedup();
    let mut lost = Vec::new();
    for (tag, delta) in changes {
        if delta < 0 {
            diesel::update(post_tag_counts::table.find(tag))
                .set(post_tag_counts::published_posts.eq(post_tag_counts::published_posts - 1))
                .execute(conn)?;
            lost.push(tag);
            continue;
        }
        let upsert = diesel::insert_into(post_tag_counts::table)
            .values((
                post_tag_counts::tag.eq(tag),
                post_tag_counts::published_posts.eq(1_i64),
            ))
            .on_conflict(post_tag_counts::tag)
            .do_update()
            .set(
                post_tag_counts::published_posts
                    .eq(post_tag_counts::published_posts
                        + excluded(post_tag_counts::published_posts)),
            );
        // The same statement on both; diesel's multi-connection backend has no upsert.
        match conn {
            DbConnection::Sqlite(c) => upsert.execute(c)?,
            DbConnection::Pg(c) => upsert.execute(c)?,
        };
    }
    if !lost.is_empty() {
        diesel::delete(
            post_tag_counts::table
                .filter(post_tag_counts::tag.eq_any(&lost))
                .filter(post_tag_counts::published_posts.le(0)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// How many posts are published.
pub(crate) fn published_total(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(post_published_total::table
        .find(1_i64)
        .select(post_published_total::published_posts)
        .get_result(conn)?)
}

/// [`published_total`] as a subquery, for a column of another statement.
#[diesel::dsl::auto_type]
pub(crate) fn published_total_column() -> _ {
    post_published_total::table
        .find(1_i64)
        .select(post_published_total::published_posts)
        .single_value()
}

/// [`with_tag`] as a subquery, for a column of another statement (NULL, not 0, for a tag
/// no published post ever carried).
#[diesel::dsl::auto_type]
pub(crate) fn with_tag_column(tag: String) -> _ {
    post_tag_counts::table
        .find(tag)
        .select(post_tag_counts::published_posts)
        .single_value()
}

/// How many published posts carry `tag` (normalised).
pub(crate) fn with_tag(conn: &mut DbConnection, tag: &str) -> StoreResult<i64> {
    Ok(post_tag_counts::table
        .find(tag)
        .select(post_tag_counts::published_posts)
        .get_result(conn)
        .optional()?
        .unwrap_or(0))
}

/// Tags of published posts, most used first, then alphabetically (by bytes, the same on
/// both backends whatever the database's collation).
pub(crate) fn all(conn: &mut DbConnection) -> StoreResult<Vec<TagCount>> {
    let counts: Vec<(String, i64)> = post_tag_counts::table
        .select((post_tag_counts::tag, post_tag_counts::published_posts))
        .load(conn)?;
    let mut tags: Vec<TagCount> = counts
        .into_iter()
        .map(|(tag, count)| TagCount {
            tag,
            count: u64::try_from(count).unwrap_or(0),
        })
        .collect();
    tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    Ok(tags)
}

#[cfg(test)]
mod tests;
