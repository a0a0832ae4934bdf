//! Choosing a unique slug, and remembering old ones.

use diesel::prelude::*;
use kernel::DbConnection;
use kernel::slug::slugify;
use posts_api::PostsError;

use crate::error::StoreResult;
use crate::schema::{post_slug_redirects, posts};

/// Suffixes tried before giving up (`title-2` … `title-1000`).
const MAX_SUFFIX: u32 = 1000;

/// Whether `slug` is free for `post_id` (or for a new post when `None`): no other post has
/// it, now or as a former address.
fn is_free(conn: &mut DbConnection, slug: &str, post_id: Option<i64>) -> StoreResult<bool> {
    let current: Option<i64> = posts::table
        .filter(posts::slug.eq(slug))
        .select(posts::id)
        .get_result(conn)
        .optional()?;
    let former: Option<i64> = post_slug_redirects::table
        .find(slug)
        .select(post_slug_redirects::post_id)
        .get_result(conn)
        .optional()?;
    let mine = |owner: Option<i64>| owner.is_none() || owner == post_id;
    Ok(mine(current) && mine(former))
}

/// The first free slug among `base`, `base-2`, `base-3`…, with `base` derived from `wanted`
/// (or `post` when it has no letter or digit).
pub(crate) fn unique(
    conn: &mut DbConnection,
    wanted: &str,
    post_id: Option<i64>,
) -> StoreResult<String> {
    let base = match slugify(wanted) {
        slug if slug.is_empty() => "post".to_owned(),
        slug => slug,
    };
    if is_free(conn, &base, post_id)? {
        return Ok(base);
    }
    for n in 2..=MAX_SUFFIX {
        let candidate = format!("{base}-{n}");
        if is_free(conn, &candidate, post_id)? {
            return Ok(candidate);
        }
    }
    Err(PostsError::invalid("slug", "That address is taken; choose another.").into())
}

/// Records that the published post `post_id` moved away from `old_slug`, and forgets any
/// former address equal to its new slug (it lives there again).
pub(crate) fn remember_move(
    conn: &mut DbConnection,
    post_id: i64,
    old_slug: &str,
    new_slug: &str,
) -> StoreResult<()> {
    diesel::delete(post_slug_redirects::table.find(new_slug)).execute(conn)?;
    diesel::delete(post_slug_redirects::table.find(old_slug)).execute(conn)?;
    diesel::insert_into(post_slug_redirects::table)
        .values((
            post_slug_redirects::old_slug.eq(old_slug),
            post_slug_redirects::post_id.eq(post_id),
        ))
        .execute(conn)?;
    Ok(())
}
