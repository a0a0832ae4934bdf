//! A post's older and newer published neighbours, joined to the post's own row: one search
//! serves the post's page (`read::readable_by_slug`) and the page cache's question
//! (`read::neighbours`).

use diesel::prelude::*;
use diesel::query_source::Alias;
use posts_api::PostLink;

use crate::rows::PUBLISHED;
use crate::schema::posts;

// The three names `posts` takes in these statements (declared together, as diesel requires
// for aliases of one table used in one query).
diesel::alias! {
    pub(crate) const OLDER: Alias<OlderPost> = posts as older;
    pub(crate) const NEWER: Alias<NewerPost> = posts as newer;
    pub(crate) const NEAR: Alias<NearPost> = posts as near;
}

/// The id of the published post just before the `posts` row of the outer statement (by
/// date, then id). A range on the `(status, published_at)` index, then the tie-break: with
/// the whole condition as one OR, SQLite would walk the index from the far end.
#[diesel::dsl::auto_type]
fn older_id() -> _ {
    let near: Alias<NearPost> = NEAR;
    let published: &'static str = PUBLISHED;
    near.filter(near.field(posts::status).eq(published))
        .filter(near.field(posts::published_at).le(posts::published_at))
        .filter(diesel::dsl::not(
            near.field(posts::published_at)
                .eq(posts::published_at)
                .and(near.field(posts::id).ge(posts::id)),
        ))
        .order((
            near.field(posts::published_at).desc(),
            near.field(posts::id).desc(),
        ))
        .select(near.field(posts::id))
        .single_value()
}

/// The id of the published post just after the `posts` row of the outer statement.
#[diesel::dsl::auto_type]
fn newer_id() -> _ {
    let near: Alias<NearPost> = NEAR;
    let published: &'static str = PUBLISHED;
    near.filter(near.field(posts::status).eq(published))
        .filter(near.field(posts::published_at).ge(posts::published_at))
        .filter(diesel::dsl::not(
            near.field(posts::published_at)
                .eq(posts::published_at)
                .and(near.field(posts::id).le(posts::id)),
        ))
        .order((
            near.field(posts::published_at).asc(),
            near.field(posts::id).asc(),
        ))
        .select(near.field(posts::id))
        .single_value()
}

/// `posts` with its older and newer published neighbours left-joined; neither for a post
/// that is not published. Select [`links`] from it.
#[diesel::dsl::auto_type]
pub(crate) fn with_neighbours() -> _ {
    let older: Alias<OlderPost> = OLDER;
    let newer: Alias<NewerPost> = NEWER;
    let published: &'static str = PUBLISHED;
    posts::table
        .left_join(
            older.on(posts::status
                .eq(published)
                .and(older.field(posts::id).nullable().eq(older_id()))),
        )
        .left_join(
            newer.on(posts::status
                .eq(published)
                .and(newer.field(posts::id).nullable().eq(newer_id()))),
        )
}

/// The columns of [`with_neighbours`] naming the older and the newer post.
#[diesel::dsl::auto_type]
pub(crate) fn links() -> _ {
    let older: Alias<OlderPost> = OLDER;
    let newer: Alias<NewerPost> = NEWER;
    (
        older
            .fields((posts::id, posts::slug, posts::title))
            .nullable(),
        newer
            .fields((posts::id, posts::slug, posts::title))
            .nullable(),
    )
}

/// One neighbour as [`links`] reads it.
type LinkRow = Option<(i64, String, String)>;

/// The older and newer post as [`links`] reads them.
pub(crate) type Links = (LinkRow, LinkRow);

/// The older and newer post from their [`links`] columns.
pub(crate) fn from_links((older, newer): Links) -> (Option<PostLink>, Option<PostLink>) {
    let link = |(id, slug, title)| PostLink { id, slug, title };
    (older.map(link), newer.map(link))
}
