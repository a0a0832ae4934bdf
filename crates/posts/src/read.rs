//! Queries: what readers, authors and other modules may see.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use kernel::DbConnection;
use kernel::db::DbBackend;
use posts_api::{
    Actor, ArchiveEntry, ArchiveYear, Authorship, PageRequest, Post, PostDocument, PostFilter,
    PostLink, PostPage, PostSlice, PostSource, PostStatus, PostSummary, PostsError, ReadablePost,
    SlugLookup, TagCount,
};

use crate::error::StoreResult;
use crate::neighbours;
use crate::rows::{self, PUBLISHED, PostRow, ReadableRow, SourceRow, SummaryRow, WithExtras};
use crate::schema::{post_favorites, post_slug_redirects, post_tags, posts};
use crate::validate::normalise_tag;

/// Largest page a caller may ask for.
pub(crate) const MAX_PER_PAGE: u32 = 100;

/// Whether `actor` may see and change `row`.
pub(crate) fn may_edit(actor: Actor, row: &PostRow) -> bool {
    actor.may_edit(row.author_id)
}

/// Loads a post row by id.
///
/// Lookups by a unique key here and elsewhere use `get_result`, not `first`: `first` adds a
/// bound `LIMIT`, and SQLite prepares such a statement again at every execution (its
/// planner uses the limit's value), which showed in profiles of every request.
pub(crate) fn row_by_id(conn: &mut DbConnection, id: i64) -> StoreResult<Option<PostRow>> {
    Ok(posts::table
        .find(id)
        .select(PostRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Loads a post row by id for a change, locking it until the transaction ends: on
/// PostgreSQL with `FOR UPDATE`, so concurrent changes to one post (from any instance) take
/// turns and each sees the status and tags the other left; on SQLite the write transaction
/// already holds the database's only write lock. Call inside a write transaction.
pub(crate) fn locked_row(conn: &mut DbConnection, id: i64) -> StoreResult<Option<PostRow>> {
    match conn {
        DbConnection::Pg(pg) => Ok(posts::table
            .find(id)
            .select(PostRow::as_select())
            .for_update()
            .get_result(pg)
            .optional()?),
        DbConnection::Sqlite(_) => row_by_id(conn, id),
    }
}

/// `row` if `actor` may change it, or why not. Someone who may not edit a draft is told it
/// does not exist, so drafts stay invisible.
fn editable(actor: Actor, row: Option<PostRow>) -> StoreResult<PostRow> {
    match row {
        Some(row) if may_edit(actor, &row) => Ok(row),
        Some(row) if row.status() == PostStatus::Published => Err(PostsError::Forbidden.into()),
        _ => Err(PostsError::NotFound.into()),
    }
}

/// Loads a post `actor` may see and change, or says why not (see [`editable`]).
pub(crate) fn editable_row(conn: &mut DbConnection, actor: Actor, id: i64) -> StoreResult<PostRow> {
    editable(actor, row_by_id(conn, id)?)
}

/// Loads and locks (see [`locked_row`]) a post `actor` is about to change, or says why not.
pub(crate) fn row_for_change(
    conn: &mut DbConnection,
    actor: Actor,
    id: i64,
) -> StoreResult<PostRow> {
    editable(actor, locked_row(conn, id)?)
}

type BoxedPosts = posts::BoxedQuery<'static, DbBackend>;

/// The tag a filter names, normalised; empty (matching nothing) when it holds a control
/// character, as no stored tag can.
fn filter_tag(tag: &str) -> String {
    normalise_tag(tag)
        .filter(|t| !t.chars().any(char::is_control))
        .unwrap_or_default()
}

fn published_matching(filter: &PostFilter) -> BoxedPosts {
    let mut query = posts::table
        .filter(posts::status.eq(PUBLISHED))
        .into_boxed();
    if let Some(tag) = filter.tag.as_deref() {
        // Here only for a tag with other conditions, and for counting: a tag's own list goes
        // through [`tag_window`]. A semi-join checked row by row while walking the list's
        // index in its order, so a page costs the posts walked to fill it. (With an unbounded
        // `id IN (posts with the tag)` PostgreSQL fetched every post with the tag and sorted
        // them all for each page; SQLite walks the index either way.)
        let tag = filter_tag(tag);
        query = query.filter(exists(
            post_tags::table
                .filter(post_tags::post_id.eq(posts::id))
                .filter(post_tags::tag.eq(tag)),
        ));
    }
    if let Some(author_id) = filter.author_id {
        query = query.filter(posts::author_id.eq(author_id));
    }
    if let Some(author_ids) = &filter.author_ids {
        query = query.filter(posts::author_id.eq_any(author_ids.clone()));
    }
    if let Some(user_id) = filter.favorited_by {
        query = query.filter(
            posts::id.eq_any(
                post_favorites::table
                    .filter(post_favorites::user_id.eq(user_id))
                    .select(post_favorites::post_id),
            ),
        );
    }
    query
}

/// The newest `window` published posts carrying `tag`, in no order: the posts of a tag's
/// list up to the end of the page asked for, found by walking that tag's rows in the
/// `post_tags_published` index (tag, publication time), which carry the time only while
/// their post is published (see `write::add_tags`). No condition on the posts' own status
/// or dates, so both databases start from those few rows and look each post up by its key
/// (without one, SQLite would walk the list of every published post instead).
fn tag_window(tag: &str, window: i64) -> BoxedPosts {
    let listed = post_tags::table
        .filter(post_tags::tag.eq(filter_tag(tag)))
        .filter(post_tags::published_at.is_not_null())
        .order((post_tags::published_at.desc(), post_tags::post_id.desc()))
        .limit(window)
        .select(post_tags::post_id);
    posts::table.filter(posts::id.eq_any(listed)).into_boxed()
}

/// Published posts matching `filter`, among which the newest `window` are those of its list
/// up to the end of the page asked for: [`tag_window`] for a tag alone,
/// [`published_matching`] otherwise. The caller orders and limits.
fn published_listing(filter: &PostFilter, window: i64) -> BoxedPosts {
    match kept_count(filter) {
        Some(Some(tag)) => tag_window(tag, window),
        _ => published_matching(filter),
    }
}

/// The maintained counts that answer "how many published posts match `filter`" when it is
/// none or a tag alone (see [`crate::counts`]); `None` when they must be counted.
fn kept_count(filter: &PostFilter) -> Option<Option<&str>> {
    match filter {
        PostFilter {
            tag,
            author_id: None,
            author_ids: None,
            favorited_by: None,
        } => Some(tag.as_deref()),
        _ => None,
    }
}

/// How many published posts match `filter`: read from the maintained counts when they
/// know, counted otherwise.
fn total_matching(conn: &mut DbConnection, filter: &PostFilter) -> StoreResult<i64> {
    match kept_count(filter) {
        Some(None) => crate::counts::published_total(conn),
        Some(Some(tag)) => crate::counts::with_tag(conn, &filter_tag(tag)),
        None => Ok(published_matching(filter).count().get_result(conn)?),
    }
}

/// A nullable count, as a column of a query of posts.
type TotalColumn = Box<dyn BoxableExpression<posts::table, DbBackend, SqlType = Nullable<BigInt>>>;

/// A column for a page of posts matching `filter`: the maintained count of all of them,
/// so a page and its total come in one statement. NULL when the counts do not know, or
/// when no tag count row exists yet; [`published_from`] then asks on its own.
fn total_column(filter: &PostFilter) -> TotalColumn {
    match kept_count(filter) {
        Some(None) => Box::new(crate::counts::published_total_column()),
        Some(Some(tag)) => Box::new(crate::counts::with_tag_column(filter_tag(tag))),
        None => Box::new(None::<i64>.into_sql::<Nullable<BigInt>>()),
    }
}

/// A summary's row with its [`extras`](rows::extras) and its list's [`total_column`].
type SummaryWithTotal = (SummaryRow, (Option<String>, Option<i64>), Option<i64>);

/// Published posts matching `filter`, newest first, from `offset`, at most `limit`, and how
/// many match in all. The total comes in the same statement as a [`total_column`], or in a
/// query of its own when the page is empty or the column NULL.
fn published_from(
    conn: &mut DbConnection,
    filter: &PostFilter,
    offset: i64,
    limit: u32,
) -> StoreResult<(Vec<PostSummary>, u64)> {
    // Where the counts know, a page starting past the last match is not looked for. The
    // condition names no column of the listed rows, so PostgreSQL evaluates it once, before
    // any row (a one-time filter): a tag nobody uses, or a page past the end, ends there
    // instead of walking every published post in search of one more. (SQLite checks it row
    // by row.)
    let mut query = published_listing(filter, offset.saturating_add(i64::from(limit)));
    match kept_count(filter) {
        Some(None) => query = query.filter(crate::counts::published_total_column().gt(offset)),
        Some(Some(tag)) => {
            query = query.filter(crate::counts::with_tag_column(filter_tag(tag)).gt(offset))
        }
        None => {}
    }
    let rows: Vec<SummaryWithTotal> = query
        .order((posts::published_at.desc(), posts::id.desc()))
        .limit(i64::from(limit))
        .offset(offset)
        .select((
            SummaryRow::as_select(),
            rows::extras(),
            total_column(filter),
        ))
        .load(conn)?;
    let total = match rows.first().and_then(|(.., total)| *total) {
        Some(total) => total,
        None => total_matching(conn, filter)?,
    };
    let rows = rows.into_iter().map(|(row, extras, _)| (row, extras));
    Ok((
        rows::summaries_with(rows),
        u64::try_from(total).unwrap_or(0),
    ))
}

/// Checks a page request and returns its offset.
pub(crate) fn checked_offset(request: PageRequest) -> StoreResult<i64> {
    if request.page == 0 {
        return Err(PostsError::invalid("page", "Pages are numbered from 1.").into());
    }
    if request.per_page == 0 || request.per_page > MAX_PER_PAGE {
        return Err(PostsError::invalid(
            "per_page",
            format!("A page holds between 1 and {MAX_PER_PAGE} posts."),
        )
        .into());
    }
    i64::try_from(request.offset())
        .map_err(|_| PostsError::invalid("page", "That page number is too large.").into())
}

/// A page of published posts matching `filter`, newest first.
pub(crate) fn published_page(
    conn: &mut DbConnection,
    filter: &PostFilter,
    request: PageRequest,
) -> StoreResult<PostPage> {
    let offset = checked_offset(request)?;
    let (posts, total) = published_from(conn, filter, offset, request.per_page)?;
    Ok(PostPage {
        posts,
        request,
        total,
    })
}

/// Published posts matching `filter`, newest first, from `offset`, at most `limit`.
pub(crate) fn published_slice(
    conn: &mut DbConnection,
    filter: &PostFilter,
    offset: u64,
    limit: u32,
) -> StoreResult<PostSlice> {
    if limit == 0 || limit > MAX_PER_PAGE {
        return Err(PostsError::invalid(
            "limit",
            format!("Ask for between 1 and {MAX_PER_PAGE} posts."),
        )
        .into());
    }
    let offset = i64::try_from(offset)
        .map_err(|_| PostsError::invalid("offset", "That offset is too large."))?;
    let (posts, total) = published_from(conn, filter, offset, limit)?;
    Ok(PostSlice { posts, total })
}

/// Which of `post_ids` the reader marked favorite.
pub(crate) fn favorited_among(
    conn: &mut DbConnection,
    user_id: i64,
    post_ids: &[i64],
) -> StoreResult<Vec<i64>> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(post_favorites::table
        .filter(post_favorites::user_id.eq(user_id))
        .filter(post_favorites::post_id.eq_any(post_ids))
        .select(post_favorites::post_id)
        .load(conn)?)
}

/// The newest published posts matching `filter`, in full.
pub(crate) fn recent_published(
    conn: &mut DbConnection,
    filter: &PostFilter,
    limit: u32,
) -> StoreResult<Vec<Post>> {
    if limit == 0 || limit > MAX_PER_PAGE {
        return Err(PostsError::invalid(
            "limit",
            format!("Ask for between 1 and {MAX_PER_PAGE} posts."),
        )
        .into());
    }
    let rows: Vec<WithExtras<PostRow>> = published_listing(filter, i64::from(limit))
        .order((posts::published_at.desc(), posts::id.desc()))
        .limit(i64::from(limit))
        .select((PostRow::as_select(), rows::extras()))
        .load(conn)?;
    Ok(rows::full_posts_with(rows))
}

/// The post at `slug` as `viewer` may see it, or where it moved.
pub(crate) fn by_slug(
    conn: &mut DbConnection,
    slug: &str,
    viewer: Option<Actor>,
) -> StoreResult<SlugLookup> {
    lookup(conn, slug, viewer, |conn| {
        let found: Option<WithExtras<PostRow>> = posts::table
            .filter(posts::slug.eq(slug))
            .select((PostRow::as_select(), rows::extras()))
            .get_result(conn)
            .optional()?;
        Ok(found.map(|found| {
            let sight = Sight::of(&found.0);
            (rows::full_post_with(found), sight)
        }))
    })
}

/// [`by_slug`] for the post's source: every column but those rendered from the Markdown.
pub(crate) fn source_by_slug(
    conn: &mut DbConnection,
    slug: &str,
    viewer: Option<Actor>,
) -> StoreResult<SlugLookup<PostSource>> {
    lookup(conn, slug, viewer, |conn| {
        let found: Option<WithExtras<SourceRow>> = posts::table
            .filter(posts::slug.eq(slug))
            .select((SourceRow::as_select(), rows::extras()))
            .get_result(conn)
            .optional()?;
        Ok(found.map(|found| {
            let sight = Sight::new(found.0.author_id, &found.0.status);
            (rows::source_with(found), sight)
        }))
    })
}

/// [`by_slug`] for the post's page: the columns it shows, and only its tags beside them.
pub(crate) fn readable_by_slug(
    conn: &mut DbConnection,
    slug: &str,
    viewer: Option<Actor>,
) -> StoreResult<SlugLookup<ReadablePost>> {
    lookup(conn, slug, viewer, |conn| {
        let found: Option<(ReadableRow, Option<String>, neighbours::Links)> =
            neighbours::with_neighbours()
                .filter(posts::slug.eq(slug))
                .select((
                    ReadableRow::as_select(),
                    rows::joined_tags(),
                    neighbours::links(),
                ))
                .get_result(conn)
                .optional()?;
        Ok(found.map(|(row, tags, links)| {
            let sight = Sight::new(row.author_id, &row.status);
            let mut post = rows::readable_post(row, tags);
            (post.older, post.newer) = neighbours::from_links(links);
            (post, sight)
        }))
    })
}

/// What decides who may see a post: its author and its state.
struct Sight {
    author_id: i64,
    status: PostStatus,
}

impl Sight {
    /// A post by `author_id` in the stored state `status`.
    fn new(author_id: i64, status: &str) -> Self {
        Self {
            author_id,
            status: rows::status_of(status),
        }
    }

    fn of(row: &PostRow) -> Self {
        Self::new(row.author_id, &row.status)
    }

    /// Published posts are seen by everyone, the others by who may edit them.
    fn visible_to(&self, viewer: Option<Actor>) -> bool {
        self.status == PostStatus::Published || viewer.is_some_and(|v| v.may_edit(self.author_id))
    }
}

/// The post at `slug` as `find` reads it, or where it moved, for `viewer`.
fn lookup<P>(
    conn: &mut DbConnection,
    slug: &str,
    viewer: Option<Actor>,
    find: impl FnOnce(&mut DbConnection) -> StoreResult<Option<(P, Sight)>>,
) -> StoreResult<SlugLookup<P>> {
    // No slug holds a control character, and PostgreSQL refuses NUL bytes in queries.
    if slug.chars().any(char::is_control) {
        return Err(PostsError::NotFound.into());
    }
    if let Some((post, sight)) = find(conn)? {
        return if sight.visible_to(viewer) {
            Ok(SlugLookup::Found(Box::new(post)))
        } else {
            Err(PostsError::NotFound.into())
        };
    }
    let moved_to: Option<i64> = post_slug_redirects::table
        .find(slug)
        .select(post_slug_redirects::post_id)
        .get_result(conn)
        .optional()?;
    match moved_to
        .map(|id| row_by_id(conn, id))
        .transpose()?
        .flatten()
    {
        Some(row) if Sight::of(&row).visible_to(viewer) => Ok(SlugLookup::Moved { slug: row.slug }),
        _ => Err(PostsError::NotFound.into()),
    }
}

/// Published posts with these ids, in the order given.
pub(crate) fn published_by_ids(
    conn: &mut DbConnection,
    ids: &[i64],
) -> StoreResult<Vec<PostSummary>> {
    let rows: Vec<WithExtras<SummaryRow>> = posts::table
        .filter(posts::id.eq_any(ids))
        .filter(posts::status.eq(PUBLISHED))
        .select((SummaryRow::as_select(), rows::extras()))
        .load(conn)?;
    let mut found = rows::summaries_with(rows);
    found.sort_by_key(|post| ids.iter().position(|id| *id == post.id));
    Ok(found)
}

/// Published posts with an id above `after_id`, in id order, as search indexes them.
pub(crate) fn published_documents(
    conn: &mut DbConnection,
    after_id: i64,
    limit: u32,
) -> StoreResult<Vec<PostDocument>> {
    if limit == 0 || limit > MAX_PER_PAGE {
        return Err(PostsError::invalid(
            "limit",
            format!("Ask for between 1 and {MAX_PER_PAGE} posts."),
        )
        .into());
    }
    let rows: Vec<PostRow> = posts::table
        .filter(posts::status.eq(PUBLISHED))
        .filter(posts::id.gt(after_id))
        .order(posts::id.asc())
        .limit(i64::from(limit))
        .select(PostRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut tags = rows::tags_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let derived = crate::render::derive(&row.body_markdown);
            PostDocument {
                post_id: row.id,
                tags: tags.remove(&row.id).unwrap_or_default(),
                body_text: derived.plain_text,
                author_id: row.author_id,
                published_at: row.published_at.unwrap_or(row.updated_at).and_utc(),
                updated_at: row.updated_at.and_utc(),
                slug: row.slug,
                title: row.title,
                description: row.description,
                former_tags: Vec::new(),
            }
        })
        .collect())
}

/// Author, state and slug of a post.
pub(crate) fn authorship(conn: &mut DbConnection, id: i64) -> StoreResult<Option<Authorship>> {
    // Only these columns: the whole row carries both bodies, which PostgreSQL would read
    // and decompress for nothing.
    let row: Option<(i64, String, String)> = posts::table
        .find(id)
        .select((posts::author_id, posts::status, posts::slug))
        .first(conn)
        .optional()?;
    Ok(row.map(|(author_id, status, slug)| Authorship {
        post_id: id,
        author_id,
        status: rows::status_of(&status),
        slug,
    }))
}

/// The published posts just before and after post `id`: `(older, newer)`; none for a post
/// that is not published (or does not exist). The same search as the post's page makes
/// ([`readable_by_slug`]).
pub(crate) fn neighbours(
    conn: &mut DbConnection,
    id: i64,
) -> StoreResult<(Option<PostLink>, Option<PostLink>)> {
    let links: Option<neighbours::Links> = neighbours::with_neighbours()
        .filter(posts::id.eq(id))
        .select(neighbours::links())
        .get_result(conn)
        .optional()?;
    Ok(links.map_or((None, None), neighbours::from_links))
}

/// Whether any scheduled post is due at `now`.
///
/// Asks for the earliest scheduled time rather than `EXISTS (… published_at <= now)`.
/// PostgreSQL plans Quire's statements without their bound values (`plan_cache_mode =
/// force_generic_plan`, see `kernel::db::postgres`), and for the `EXISTS` form that plan was
/// a sequential scan of every post (it expected a third of the table to match and to stop at
/// the first): 2–8 ms of the server's time every second on a site of 2,000 posts. The
/// earliest time is one step down the `(status, published_at)` index whatever the values.
pub(crate) fn any_due(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<bool> {
    let earliest: Option<NaiveDateTime> = posts::table
        .filter(posts::status.eq(PostStatus::Scheduled.as_str()))
        .select(diesel::dsl::min(posts::published_at))
        .get_result(conn)?;
    Ok(earliest.is_some_and(|at| at <= now.naive_utc()))
}

/// Every published post's slug, title and date, newest first.
pub(crate) fn archive(conn: &mut DbConnection) -> StoreResult<Vec<ArchiveEntry>> {
    archive_between(conn, None)
}

/// The posts published in calendar year `year` (UTC), newest first; none for a year out of
/// the calendar's range.
pub(crate) fn archive_year(conn: &mut DbConnection, year: i32) -> StoreResult<Vec<ArchiveEntry>> {
    let start_of =
        |year: i32| NaiveDate::from_ymd_opt(year, 1, 1).and_then(|day| day.and_hms_opt(0, 0, 0));
    match (start_of(year), start_of(year.saturating_add(1))) {
        (Some(start), Some(end)) => archive_between(conn, Some((start, end))),
        _ => Ok(Vec::new()),
    }
}

/// Published posts, newest first, those published in `[start, end)` when given.
fn archive_between(
    conn: &mut DbConnection,
    range: Option<(NaiveDateTime, NaiveDateTime)>,
) -> StoreResult<Vec<ArchiveEntry>> {
    type Row = (String, String, Option<NaiveDateTime>, NaiveDateTime);
    let mut query = posts::table
        .filter(posts::status.eq(PUBLISHED))
        .order((posts::published_at.desc(), posts::id.desc()))
        .select((
            posts::slug,
            posts::title,
            posts::published_at,
            posts::updated_at,
        ))
        .into_boxed();
    if let Some((start, end)) = range {
        query = query
            .filter(posts::published_at.ge(start))
            .filter(posts::published_at.lt(end));
    }
    let rows: Vec<Row> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, title, published_at, updated_at)| {
            Some(ArchiveEntry {
                slug,
                title,
                published_at: published_at?.and_utc(),
                updated_at: updated_at.and_utc(),
            })
        })
        .collect())
}

/// The years with published posts and their counts, newest first. Reads one date per post
/// (grouping by year in SQL differs between the backends).
pub(crate) fn archive_years(conn: &mut DbConnection) -> StoreResult<Vec<ArchiveYear>> {
    let dates: Vec<Option<NaiveDateTime>> = posts::table
        .filter(posts::status.eq(PUBLISHED))
        .order(posts::published_at.desc())
        .select(posts::published_at)
        .load(conn)?;
    let mut years: Vec<ArchiveYear> = Vec::new();
    for year in dates.into_iter().flatten().map(|at| at.year()) {
        match years.last_mut() {
            Some(last) if last.year == year => last.posts += 1,
            _ => years.push(ArchiveYear { year, posts: 1 }),
        }
    }
    Ok(years)
}

/// Tags of published posts, most used first, then alphabetically.
pub(crate) fn tags(conn: &mut DbConnection) -> StoreResult<Vec<TagCount>> {
    crate::counts::all(conn)
}

/// Every post of `actor`, most recently changed first.
pub(crate) fn posts_of(conn: &mut DbConnection, actor: Actor) -> StoreResult<Vec<PostSummary>> {
    let rows: Vec<WithExtras<SummaryRow>> = posts::table
        .filter(posts::author_id.eq(actor.id))
        .order((posts::updated_at.desc(), posts::id.desc()))
        .select((SummaryRow::as_select(), rows::extras()))
        .load(conn)?;
    Ok(rows::summaries_with(rows))
}

/// A full post by id.
pub(crate) fn post(conn: &mut DbConnection, id: i64) -> StoreResult<Post> {
    let found: Option<WithExtras<PostRow>> = posts::table
        .find(id)
        .select((PostRow::as_select(), rows::extras()))
        .get_result(conn)
        .optional()?;
    found
        .map(rows::full_post_with)
        .ok_or_else(|| PostsError::NotFound.into())
}
