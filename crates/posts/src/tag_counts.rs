//! How many published posts carry each tag (`post_tag_counts`), so the tag list reads a few
//! rows instead of counting every tag of every post.
//!
//! The counts are kept exact by the writes themselves: every change that makes a post
//! published or not, or changes the tags of a published post, adjusts them in its own
//! transaction ([`published_tags_changed`]). Adjustments are relative (`+ 1`, `- 1`), so
//! concurrent transactions on PostgreSQL — several instances sharing one database — add up
//! instead of overwriting each other; the writers lock the post row they change first (see
//! `read::row_for_change`), so each one sees the status and tags it is changing from.

use diesel::prelude::*;
use diesel::upsert::excluded;
use kernel::DbConnection;
use posts_api::TagCount;

use crate::error::StoreResult;
use crate::schema::post_tag_counts;

/// Records that the published posts gained `added` and lost `removed` (tags of one post
/// going live or coming down, or a published post's tags edited). Tags in both lists
/// cancel out. Call inside the change's write transaction.
pub(crate) fn published_tags_changed(
    conn: &mut DbConnection,
    added: &[String],
    removed: &[String],
) -> StoreResult<()> {
    let gained = added.iter().filter(|tag| !removed.contains(tag));
    let lost: Vec<&String> = removed.iter().filter(|tag| !added.contains(tag)).collect();
    for tag in gained {
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
    if lost.is_empty() {
        return Ok(());
    }
    diesel::update(post_tag_counts::table.filter(post_tag_counts::tag.eq_any(&lost)))
        .set(post_tag_counts::published_posts.eq(post_tag_counts::published_posts - 1))
        .execute(conn)?;
    diesel::delete(
        post_tag_counts::table
            .filter(post_tag_counts::tag.eq_any(&lost))
            .filter(post_tag_counts::published_posts.le(0)),
    )
    .execute(conn)?;
    Ok(())
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
