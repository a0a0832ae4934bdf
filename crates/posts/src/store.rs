//! The SQL implementation of the posts port.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use kernel::{DbError, DbPool};
use posts_api::{PageRequest, PostPage, PostSummary, PostsError, PostsPort};

use crate::schema::posts;

/// The status a post has once readers can see it.
const PUBLISHED: &str = "published";

/// Largest page a caller may ask for.
const MAX_PER_PAGE: u32 = 100;

/// Posts stored in the module's own tables.
#[derive(Debug, Clone)]
pub struct SqlPosts {
    pool: DbPool,
}

impl SqlPosts {
    /// Posts in the database behind `pool`.
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = posts)]
struct SummaryRow {
    id: i64,
    slug: String,
    title: String,
    description: String,
    author_id: i64,
    published_at: Option<NaiveDateTime>,
}

impl SummaryRow {
    fn into_summary(self) -> Option<PostSummary> {
        Some(PostSummary {
            id: self.id,
            slug: self.slug,
            title: self.title,
            description: self.description,
            author_id: self.author_id,
            published_at: self.published_at?.and_utc(),
        })
    }
}

/// Storage failures are the caller's to retry, never their fault.
struct StoreError(PostsError);

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        StoreError(PostsError::Unavailable(error.to_string()))
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        DbError::from(error).into()
    }
}

#[async_trait]
impl PostsPort for SqlPosts {
    async fn published_page(&self, request: PageRequest) -> Result<PostPage, PostsError> {
        if request.page == 0 {
            return Err(PostsError::InvalidRequest(
                "pages are numbered from 1".into(),
            ));
        }
        if request.per_page == 0 || request.per_page > MAX_PER_PAGE {
            return Err(PostsError::InvalidRequest(format!(
                "a page holds between 1 and {MAX_PER_PAGE} posts"
            )));
        }
        let offset = i64::try_from(request.offset())
            .map_err(|_| PostsError::InvalidRequest("page number too large".into()))?;
        self.pool
            .run(move |conn| -> Result<PostPage, StoreError> {
                let published = posts::table
                    .filter(posts::status.eq(PUBLISHED))
                    .filter(posts::published_at.is_not_null());
                let total: i64 = published.count().get_result(conn)?;
                let rows: Vec<SummaryRow> = published
                    .order((posts::published_at.desc(), posts::id.desc()))
                    .limit(i64::from(request.per_page))
                    .offset(offset)
                    .select(SummaryRow::as_select())
                    .load(conn)?;
                Ok(PostPage {
                    posts: rows
                        .into_iter()
                        .filter_map(SummaryRow::into_summary)
                        .collect(),
                    request,
                    total: u64::try_from(total).unwrap_or_default(),
                })
            })
            .await
            .map_err(|StoreError(e)| e)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use kernel::Backend;
    use kernel::testing::TestDatabase;

    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::minutes(minutes)
    }

    fn insert(pool: &DbPool, slug: &str, status: &str, published_at: Option<DateTime<Utc>>) {
        let mut conn = pool.get().unwrap();
        diesel::insert_into(posts::table)
            .values((
                posts::author_id.eq(7),
                posts::slug.eq(slug),
                posts::title.eq(format!("Title of {slug}")),
                posts::description.eq(""),
                posts::body_markdown.eq("body"),
                posts::body_html.eq("<p>body</p>"),
                posts::status.eq(status),
                posts::published_at.eq(published_at.map(|t| t.naive_utc())),
                posts::created_at.eq(at(0).naive_utc()),
                posts::updated_at.eq(at(0).naive_utc()),
            ))
            .execute(&mut *conn)
            .unwrap();
    }

    async fn lists_only_published_posts_newest_first(backend: Backend) {
        let db = TestDatabase::create(backend);
        let pool = db.pool();
        kernel::migrations::run_all(
            &mut pool.get().unwrap(),
            &[&kernel::MIGRATIONS, &crate::MIGRATIONS],
        )
        .unwrap();
        let port = SqlPosts::new(pool.clone());
        let empty = port
            .published_page(PageRequest {
                page: 1,
                per_page: 2,
            })
            .await
            .unwrap();
        assert!(empty.posts.is_empty());
        assert_eq!(empty.total, 0);

        insert(&pool, "old", "published", Some(at(1)));
        insert(&pool, "draft", "draft", None);
        insert(&pool, "new", "published", Some(at(3)));
        insert(&pool, "middle", "published", Some(at(2)));
        insert(&pool, "later", "scheduled", Some(at(60)));

        let first = port
            .published_page(PageRequest {
                page: 1,
                per_page: 2,
            })
            .await
            .unwrap();
        let slugs: Vec<_> = first.posts.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["new", "middle"]);
        assert_eq!(first.total, 3);
        assert!(first.has_next());
        assert_eq!(first.posts[0].published_at, at(3));

        let second = port
            .published_page(PageRequest {
                page: 2,
                per_page: 2,
            })
            .await
            .unwrap();
        let slugs: Vec<_> = second.posts.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["old"]);
        assert!(!second.has_next());
    }

    async fn rejects_impossible_pages(backend: Backend) {
        let db = TestDatabase::create(backend);
        let port = SqlPosts::new(db.pool());
        for (page, per_page) in [(0, 10), (1, 0), (1, 1000)] {
            let result = port.published_page(PageRequest { page, per_page }).await;
            assert!(
                matches!(result, Err(PostsError::InvalidRequest(_))),
                "{page}/{per_page}"
            );
        }
    }

    #[tokio::test]
    async fn sqlite_lists_only_published_posts_newest_first() {
        lists_only_published_posts_newest_first(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres_lists_only_published_posts_newest_first() {
        lists_only_published_posts_newest_first(Backend::Postgres).await;
    }

    #[tokio::test]
    async fn sqlite_rejects_impossible_pages() {
        rejects_impossible_pages(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres_rejects_impossible_pages() {
        rejects_impossible_pages(Backend::Postgres).await;
    }
}
