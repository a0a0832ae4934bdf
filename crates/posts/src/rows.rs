//! Rows as stored, and their conversion to the port's types.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::AsExprOf;
use diesel::prelude::*;
use diesel::sql_types::Text;
use kernel::DbConnection;
use posts_api::{Post, PostSource, PostStatus, PostSummary, ReadablePost, TocItem};

use crate::error::StoreResult;
use crate::schema::{post_favorites, post_tags, posts};

/// The stored status of a published post, for statements that filter on it.
pub(crate) const PUBLISHED: &str = PostStatus::Published.as_str();

/// A stored status; an unknown value (impossible under the CHECK constraint) reads as
/// draft, the least visible state.
pub(crate) fn status_of(stored: &str) -> PostStatus {
    PostStatus::parse(stored).unwrap_or(PostStatus::Draft)
}

/// A stored table of contents; one that does not parse (never written so) reads as empty.
fn toc_of(stored: &str) -> Vec<TocItem> {
    serde_json::from_str(stored).unwrap_or_default()
}

/// A `posts` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub(crate) struct PostRow {
    pub(crate) id: i64,
    pub(crate) author_id: i64,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) body_markdown: String,
    pub(crate) body_html: String,
    pub(crate) excerpt_html: String,
    pub(crate) toc_json: String,
    pub(crate) word_count: i32,
    pub(crate) reading_minutes: i32,
    pub(crate) cover_image_url: Option<String>,
    pub(crate) status: String,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) published_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) created_at: NaiveDateTime,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) updated_at: NaiveDateTime,
}

impl PostRow {
    /// The row's status (see [`status_of`]).
    pub(crate) fn status(&self) -> PostStatus {
        status_of(&self.status)
    }

    fn into_post(self, tags: Vec<String>, favorites_count: u64) -> Post {
        Post {
            status: self.status(),
            toc: toc_of(&self.toc_json),
            id: self.id,
            author_id: self.author_id,
            slug: self.slug,
            title: self.title,
            description: self.description,
            body_markdown: self.body_markdown,
            body_html: self.body_html,
            excerpt_html: self.excerpt_html,
            word_count: u32::try_from(self.word_count).unwrap_or(0),
            reading_minutes: u32::try_from(self.reading_minutes).unwrap_or(0),
            tags,
            cover_image_url: self.cover_image_url,
            published_at: self.published_at.map(|t| t.and_utc()),
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            favorites_count,
        }
    }
}

/// The columns a post's page needs: no Markdown source, excerpt or creation time.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub(crate) struct ReadableRow {
    pub(crate) id: i64,
    pub(crate) author_id: i64,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) body_html: String,
    pub(crate) toc_json: String,
    pub(crate) word_count: i32,
    pub(crate) reading_minutes: i32,
    pub(crate) cover_image_url: Option<String>,
    pub(crate) status: String,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) published_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) updated_at: NaiveDateTime,
}

impl ReadableRow {
    fn into_readable(self, tags: Vec<String>) -> ReadablePost {
        ReadablePost {
            status: status_of(&self.status),
            toc: toc_of(&self.toc_json),
            id: self.id,
            author_id: self.author_id,
            slug: self.slug,
            title: self.title,
            description: self.description,
            body_html: self.body_html,
            word_count: u32::try_from(self.word_count).unwrap_or(0),
            reading_minutes: u32::try_from(self.reading_minutes).unwrap_or(0),
            tags,
            cover_image_url: self.cover_image_url,
            published_at: self.published_at.map(|t| t.and_utc()),
            updated_at: self.updated_at.and_utc(),
            older: None,
            newer: None,
        }
    }
}

/// The columns of a post's source: no rendered HTML, excerpt or table of contents.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub(crate) struct SourceRow {
    pub(crate) id: i64,
    pub(crate) author_id: i64,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) body_markdown: String,
    pub(crate) cover_image_url: Option<String>,
    pub(crate) status: String,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) published_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) created_at: NaiveDateTime,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) updated_at: NaiveDateTime,
}

impl SourceRow {
    fn into_source(self, tags: Vec<String>, favorites_count: u64) -> PostSource {
        PostSource {
            status: status_of(&self.status),
            id: self.id,
            author_id: self.author_id,
            slug: self.slug,
            title: self.title,
            description: self.description,
            body_markdown: self.body_markdown,
            tags,
            cover_image_url: self.cover_image_url,
            published_at: self.published_at.map(|t| t.and_utc()),
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            favorites_count,
        }
    }
}

/// The columns lists need: no bodies.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub(crate) struct SummaryRow {
    pub(crate) id: i64,
    pub(crate) author_id: i64,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) excerpt_html: String,
    pub(crate) reading_minutes: i32,
    pub(crate) status: String,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) published_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) updated_at: NaiveDateTime,
}

impl SummaryRow {
    fn into_summary(self, tags: Vec<String>, favorites_count: u64) -> PostSummary {
        PostSummary {
            status: PostStatus::parse(&self.status).unwrap_or(PostStatus::Draft),
            id: self.id,
            slug: self.slug,
            title: self.title,
            description: self.description,
            excerpt_html: self.excerpt_html,
            author_id: self.author_id,
            published_at: self.published_at.map(|t| t.and_utc()),
            updated_at: self.updated_at.and_utc(),
            reading_minutes: u32::try_from(self.reading_minutes).unwrap_or(0),
            tags,
            favorites_count,
        }
    }
}

/// Tags of each post, sorted, in one query.
pub(crate) fn tags_of(
    conn: &mut DbConnection,
    ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<String>>> {
    let query = post_tags::table
        .order((post_tags::post_id, post_tags::tag))
        .select((post_tags::post_id, post_tags::tag));
    // One id (a single post) with `=`: SQL that does not vary, so the connection keeps the
    // statement prepared; SQLite's `IN (?, …)` is prepared afresh every time.
    let pairs: Vec<(i64, String)> = match ids {
        [one] => query.filter(post_tags::post_id.eq(*one)).load(conn)?,
        many => query.filter(post_tags::post_id.eq_any(many)).load(conn)?,
    };
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (post_id, tag) in pairs {
        tags.entry(post_id).or_default().push(tag);
    }
    Ok(tags)
}

/// Joins a post's tags in [`extras`]: the unit separator, which no stored tag holds (tags
/// with control characters are refused).
const TAG_SEPARATOR: &str = "\u{1f}";

diesel::define_sql_function! {
    /// `string_agg(expr, delimiter)`: the values joined, in no set order (PostgreSQL, and
    /// SQLite since 3.44).
    #[aggregate]
    fn string_agg(expr: Text, delimiter: Text) -> Nullable<Text>;
}

/// A post's tags, joined by [`TAG_SEPARATOR`], read by a subquery (see [`extras`]).
#[diesel::dsl::auto_type]
pub(crate) fn joined_tags() -> _ {
    let separator: AsExprOf<&'static str, Text> = TAG_SEPARATOR.into_sql::<Text>();
    post_tags::table
        .filter(post_tags::post_id.eq(posts::id))
        .select(string_agg(post_tags::tag, separator))
        .single_value()
}

/// Two more columns for a query of posts: the post's tags, joined by [`TAG_SEPARATOR`],
/// and its favorite count, read by subqueries in the same statement instead of two more
/// queries afterwards (each one a round trip to PostgreSQL). Typed, so the statement stays
/// prepared.
#[diesel::dsl::auto_type]
pub(crate) fn extras() -> _ {
    let favorites = post_favorites::table
        .filter(post_favorites::post_id.eq(posts::id))
        .count()
        .single_value();
    (joined_tags(), favorites)
}

/// A row with its [`extras`]: its tags joined, and its favorite count.
pub(crate) type WithExtras<R> = (R, (Option<String>, Option<i64>));

/// Tags as [`joined_tags`] reads them, sorted.
fn split_tags(joined: Option<String>) -> Vec<String> {
    let mut tags: Vec<String> = joined
        .map(|joined| joined.split(TAG_SEPARATOR).map(str::to_owned).collect())
        .unwrap_or_default();
    tags.sort_unstable();
    tags
}

/// Builds a value from a row and its [`extras`].
fn one_with_extras<R, T>(
    (row, (tags, favorites)): WithExtras<R>,
    build: fn(R, Vec<String>, u64) -> T,
) -> T {
    build(
        row,
        split_tags(tags),
        favorites.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
    )
}

/// Builds one value per row from the row and its [`extras`].
fn with_extras<R, T>(
    rows: impl IntoIterator<Item = WithExtras<R>>,
    build: fn(R, Vec<String>, u64) -> T,
) -> Vec<T> {
    rows.into_iter()
        .map(|row| one_with_extras(row, build))
        .collect()
}

/// Full posts from rows read with their [`extras`].
pub(crate) fn full_posts_with(rows: Vec<WithExtras<PostRow>>) -> Vec<Post> {
    with_extras(rows, PostRow::into_post)
}

/// A full post from its row read with its [`extras`].
pub(crate) fn full_post_with(row: WithExtras<PostRow>) -> Post {
    one_with_extras(row, PostRow::into_post)
}

/// A post's source from its row read with its [`extras`].
pub(crate) fn source_with(row: WithExtras<SourceRow>) -> PostSource {
    one_with_extras(row, SourceRow::into_source)
}

/// A post as its page shows it, from its row read with its [`joined_tags`].
pub(crate) fn readable_post(row: ReadableRow, tags: Option<String>) -> ReadablePost {
    row.into_readable(split_tags(tags))
}

/// Summaries from rows read with their [`extras`].
pub(crate) fn summaries_with(
    rows: impl IntoIterator<Item = WithExtras<SummaryRow>>,
) -> Vec<PostSummary> {
    with_extras(rows, SummaryRow::into_summary)
}
