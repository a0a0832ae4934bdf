//! [`SqlPosts`]: the posts port over the module's own tables.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kernel::outbox::OutboxSignal;
use kernel::{Clock, DbConnection, DbPool};
use posts_api::{
    Actor, ArchiveEntry, ArchiveYear, Authorship, PageRequest, Post, PostDocument, PostDraft,
    PostFilter, PostLink, PostPage, PostSlice, PostSource, PostSummary, PostsError, PostsPort,
    ReadablePost, Revision, SlugLookup, TagCount,
};

use crate::error::{StoreError, StoreResult};
use crate::{read, validate, write};

/// Posts stored in the module's own tables.
#[derive(Clone)]
pub struct SqlPosts {
    pool: DbPool,
    clock: Arc<dyn Clock>,
    outbox: OutboxSignal,
}

impl std::fmt::Debug for SqlPosts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlPosts")
            .field("pool", &self.pool)
            .finish()
    }
}

impl SqlPosts {
    /// Posts in the database behind `pool`; `clock` dates changes and decides when scheduled
    /// posts are due; `outbox` is signalled after each commit that wrote an event.
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>, outbox: OutboxSignal) -> Self {
        Self {
            pool,
            clock,
            outbox,
        }
    }

    /// Runs a read (see [`DbPool::read`]: no trip to the blocking pool on SQLite).
    async fn read<T, F>(&self, query: F) -> Result<T, PostsError>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.pool.read(query).await.map_err(PostsError::from)
    }

    /// Runs a change in one write transaction, then wakes the outbox relay.
    async fn change<T, F>(&self, command: F) -> Result<T, PostsError>
    where
        F: FnOnce(&mut DbConnection, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        self.pool
            .write::<_, StoreError, _>(&self.outbox, move |conn| command(conn, now))
            .await
            .map_err(PostsError::from)
    }

    /// Runs a change to one post and returns the post as it now stands.
    async fn change_post<F>(&self, id: i64, command: F) -> Result<Post, PostsError>
    where
        F: FnOnce(&mut DbConnection, DateTime<Utc>) -> StoreResult<()> + Send + 'static,
    {
        self.change(move |conn, now| {
            command(conn, now)?;
            read::post(conn, id)
        })
        .await
    }
}

#[async_trait]
impl PostsPort for SqlPosts {
    async fn published_page(
        &self,
        filter: PostFilter,
        request: PageRequest,
    ) -> Result<PostPage, PostsError> {
        self.read(move |conn| read::published_page(conn, &filter, request))
            .await
    }

    async fn published_slice(
        &self,
        filter: PostFilter,
        offset: u64,
        limit: u32,
    ) -> Result<PostSlice, PostsError> {
        self.read(move |conn| read::published_slice(conn, &filter, offset, limit))
            .await
    }

    async fn favorited_among(
        &self,
        user_id: i64,
        post_ids: Vec<i64>,
    ) -> Result<Vec<i64>, PostsError> {
        self.read(move |conn| read::favorited_among(conn, user_id, &post_ids))
            .await
    }

    async fn recent_published(
        &self,
        filter: PostFilter,
        limit: u32,
    ) -> Result<Vec<Post>, PostsError> {
        self.read(move |conn| read::recent_published(conn, &filter, limit))
            .await
    }

    async fn post_by_slug(
        &self,
        slug: &str,
        viewer: Option<Actor>,
    ) -> Result<SlugLookup, PostsError> {
        let slug = slug.to_owned();
        self.read(move |conn| read::by_slug(conn, &slug, viewer))
            .await
    }

    async fn readable_by_slug(
        &self,
        slug: &str,
        viewer: Option<Actor>,
    ) -> Result<SlugLookup<ReadablePost>, PostsError> {
        let slug = slug.to_owned();
        self.read(move |conn| read::readable_by_slug(conn, &slug, viewer))
            .await
    }

    async fn source_by_slug(
        &self,
        slug: &str,
        viewer: Option<Actor>,
    ) -> Result<SlugLookup<PostSource>, PostsError> {
        let slug = slug.to_owned();
        self.read(move |conn| read::source_by_slug(conn, &slug, viewer))
            .await
    }

    async fn published_by_ids(&self, ids: Vec<i64>) -> Result<Vec<PostSummary>, PostsError> {
        self.read(move |conn| read::published_by_ids(conn, &ids))
            .await
    }

    async fn published_documents(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<PostDocument>, PostsError> {
        self.read(move |conn| read::published_documents(conn, after_id, limit))
            .await
    }

    async fn authorship(&self, post_id: i64) -> Result<Option<Authorship>, PostsError> {
        self.read(move |conn| read::authorship(conn, post_id)).await
    }

    async fn neighbours(
        &self,
        post_id: i64,
    ) -> Result<(Option<PostLink>, Option<PostLink>), PostsError> {
        self.read(move |conn| read::neighbours(conn, post_id)).await
    }

    async fn archive(&self) -> Result<Vec<ArchiveEntry>, PostsError> {
        self.read(read::archive).await
    }

    async fn archive_years(&self) -> Result<Vec<ArchiveYear>, PostsError> {
        self.read(read::archive_years).await
    }

    async fn archive_year(&self, year: i32) -> Result<Vec<ArchiveEntry>, PostsError> {
        self.read(move |conn| read::archive_year(conn, year)).await
    }

    async fn tags(&self) -> Result<Vec<TagCount>, PostsError> {
        self.read(read::tags).await
    }

    async fn posts_of(&self, actor: Actor) -> Result<Vec<PostSummary>, PostsError> {
        self.read(move |conn| read::posts_of(conn, actor)).await
    }

    async fn create(&self, actor: Actor, draft: PostDraft) -> Result<Post, PostsError> {
        let draft = validate::clean(draft)?;
        self.change(move |conn, now| {
            let id = write::create(conn, now, actor, &draft)?;
            read::post(conn, id)
        })
        .await
    }

    async fn create_published(&self, actor: Actor, draft: PostDraft) -> Result<Post, PostsError> {
        let draft = validate::clean(draft)?;
        self.change(move |conn, now| {
            let id = write::create_published(conn, now, actor, &draft)?;
            read::post(conn, id)
        })
        .await
    }

    async fn update(
        &self,
        actor: Actor,
        post_id: i64,
        draft: PostDraft,
    ) -> Result<Post, PostsError> {
        let draft = validate::clean(draft)?;
        self.change_post(post_id, move |conn, now| {
            write::update(conn, now, actor, post_id, &draft)
        })
        .await
    }

    async fn publish(&self, actor: Actor, post_id: i64) -> Result<Post, PostsError> {
        self.change_post(post_id, move |conn, now| {
            write::publish(conn, now, actor, post_id)
        })
        .await
    }

    async fn schedule(
        &self,
        actor: Actor,
        post_id: i64,
        at: DateTime<Utc>,
    ) -> Result<Post, PostsError> {
        self.change_post(post_id, move |conn, now| {
            write::schedule(conn, now, actor, post_id, at)
        })
        .await
    }

    async fn unpublish(&self, actor: Actor, post_id: i64) -> Result<Post, PostsError> {
        self.change_post(post_id, move |conn, now| {
            write::unpublish(conn, now, actor, post_id)
        })
        .await
    }

    async fn delete(&self, actor: Actor, post_id: i64) -> Result<(), PostsError> {
        self.change(move |conn, now| write::delete(conn, now, actor, post_id))
            .await
    }

    async fn revisions(&self, actor: Actor, post_id: i64) -> Result<Vec<Revision>, PostsError> {
        self.read(move |conn| write::revisions(conn, actor, post_id))
            .await
    }

    async fn restore_revision(
        &self,
        actor: Actor,
        post_id: i64,
        revision_id: i64,
    ) -> Result<Post, PostsError> {
        self.change_post(post_id, move |conn, now| {
            write::restore_revision(conn, now, actor, post_id, revision_id)
        })
        .await
    }

    async fn favorite(&self, user_id: i64, post_id: i64) -> Result<u64, PostsError> {
        self.change(move |conn, now| write::favorite(conn, now, user_id, post_id))
            .await
    }

    async fn unfavorite(&self, user_id: i64, post_id: i64) -> Result<u64, PostsError> {
        self.change(move |conn, _| write::unfavorite(conn, user_id, post_id))
            .await
    }

    async fn publish_due(&self) -> Result<Vec<i64>, PostsError> {
        // Most calls (the scheduler's, every second) find nothing due. Looking first with a
        // read means such a call takes no write lock and does not wake the outbox: a wake-up
        // keeps the page cache from serving until its subscriber has caught up.
        let now = self.clock.now();
        if !self.read(move |conn| read::any_due(conn, now)).await? {
            return Ok(Vec::new());
        }
        self.change(write::publish_due).await
    }
}
