//! The posts port: everything the server and other modules may ask of the posts module.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    Actor, ArchiveEntry, ArchiveYear, Authorship, PageRequest, Post, PostDocument, PostDraft,
    PostFilter, PostLink, PostPage, PostSlice, PostSource, PostSummary, PostsError, ReadablePost,
    Revision, SlugLookup, TagCount,
};

/// What the posts module answers. Every write checks the actor's right to it and records its
/// event in the outbox in the same transaction.
#[async_trait]
pub trait PostsPort: Send + Sync {
    /// A page of published posts matching `filter`, newest first.
    async fn published_page(
        &self,
        filter: PostFilter,
        request: PageRequest,
    ) -> Result<PostPage, PostsError>;

    /// Published posts matching `filter`, newest first, skipping `offset` of them and
    /// returning at most `limit` (1 to 100), with the number matching in all.
    async fn published_slice(
        &self,
        filter: PostFilter,
        offset: u64,
        limit: u32,
    ) -> Result<PostSlice, PostsError>;

    /// Which of `post_ids` the reader `user_id` marked favorite, in one query (for lists
    /// that show each post's "favorited" state without N+1 queries).
    async fn favorited_among(
        &self,
        user_id: i64,
        post_ids: Vec<i64>,
    ) -> Result<Vec<i64>, PostsError>;

    /// The newest published posts matching `filter`, in full (for feeds), at most `limit`
    /// (1 to 100).
    async fn recent_published(
        &self,
        filter: PostFilter,
        limit: u32,
    ) -> Result<Vec<Post>, PostsError>;

    /// The post at `slug`, or where it moved. Drafts and scheduled posts are found only by an
    /// actor who may edit them; to everyone else they do not exist.
    async fn post_by_slug(
        &self,
        slug: &str,
        viewer: Option<Actor>,
    ) -> Result<SlugLookup, PostsError>;

    /// [`post_by_slug`](Self::post_by_slug) for the post's page: the same lookup and
    /// visibility, the post without what its page does not show.
    async fn readable_by_slug(
        &self,
        slug: &str,
        viewer: Option<Actor>,
    ) -> Result<SlugLookup<ReadablePost>, PostsError>;

    /// [`post_by_slug`](Self::post_by_slug) for the post's source: the same lookup and
    /// visibility, the post without what was rendered from its Markdown. The default asks
    /// [`post_by_slug`](Self::post_by_slug) and drops the rendering; stores read less.
    async fn source_by_slug(
        &self,
        slug: &str,
        viewer: Option<Actor>,
    ) -> Result<SlugLookup<PostSource>, PostsError> {
        Ok(match self.post_by_slug(slug, viewer).await? {
            SlugLookup::Found(post) => SlugLookup::Found(Box::new(PostSource::from(*post))),
            SlugLookup::Moved { slug } => SlugLookup::Moved { slug },
        })
    }

    /// Published posts with these ids, in the order asked (unknown ids are skipped).
    async fn published_by_ids(&self, ids: Vec<i64>) -> Result<Vec<PostSummary>, PostsError>;

    /// Published posts as search indexes them (body as plain text), in id order: those with
    /// an id above `after_id`, at most `limit` (1 to 100). Rebuilding the search index walks
    /// every published post this way (`after_id` = the last id of the previous batch, 0 to
    /// start), a stable walk even while posts are published or deleted.
    ///
    /// Adapters that cannot list documents answer [`PostsError::Unavailable`] (the default).
    async fn published_documents(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<PostDocument>, PostsError> {
        let _ = (after_id, limit);
        Err(PostsError::Unavailable(
            "this posts adapter cannot list documents".to_owned(),
        ))
    }

    /// Who wrote a post and its state, for permission checks elsewhere.
    async fn authorship(&self, post_id: i64) -> Result<Option<Authorship>, PostsError>;

    /// The published posts just before and after this one: `(older, newer)`; neither for a
    /// post that is not published or does not exist.
    async fn neighbours(
        &self,
        post_id: i64,
    ) -> Result<(Option<PostLink>, Option<PostLink>), PostsError>;

    /// Every published post, newest first: slug, title and date only.
    async fn archive(&self) -> Result<Vec<ArchiveEntry>, PostsError>;

    /// The years with published posts and how many each has, newest year first.
    async fn archive_years(&self) -> Result<Vec<ArchiveYear>, PostsError>;

    /// The posts published in calendar year `year` (UTC), newest first.
    async fn archive_year(&self, year: i32) -> Result<Vec<ArchiveEntry>, PostsError>;

    /// Tags of published posts with their counts, most used first.
    async fn tags(&self) -> Result<Vec<TagCount>, PostsError>;

    /// All of an author's posts, every state, most recently changed first (their dashboard).
    async fn posts_of(&self, actor: Actor) -> Result<Vec<PostSummary>, PostsError>;

    /// Creates a draft by `actor`.
    async fn create(&self, actor: Actor, draft: PostDraft) -> Result<Post, PostsError>;

    /// Replaces the editable fields; keeps a revision when the text changed.
    async fn update(
        &self,
        actor: Actor,
        post_id: i64,
        draft: PostDraft,
    ) -> Result<Post, PostsError>;

    /// Publishes now (a scheduled post goes live early).
    async fn publish(&self, actor: Actor, post_id: i64) -> Result<Post, PostsError>;

    /// Creates a post by `actor` and publishes it at once, all or nothing: what
    /// [`PostsPort::create`] then [`PostsPort::publish`] do, without leaving a draft behind
    /// when publishing is refused. The default does exactly those two calls (and deletes the
    /// draft again on a refusal); stores override it with one transaction.
    async fn create_published(&self, actor: Actor, draft: PostDraft) -> Result<Post, PostsError> {
        let created = self.create(actor, draft).await?;
        match self.publish(actor, created.id).await {
            Ok(post) => Ok(post),
            Err(refused) => {
                let _ = self.delete(actor, created.id).await;
                Err(refused)
            }
        }
    }

    /// Schedules publication at `at`, which must be in the future.
    async fn schedule(
        &self,
        actor: Actor,
        post_id: i64,
        at: DateTime<Utc>,
    ) -> Result<Post, PostsError>;

    /// Returns a published or scheduled post to draft.
    async fn unpublish(&self, actor: Actor, post_id: i64) -> Result<Post, PostsError>;

    /// Deletes a post, its revisions, tags and favorites.
    async fn delete(&self, actor: Actor, post_id: i64) -> Result<(), PostsError>;

    /// A post's saved versions, newest first.
    async fn revisions(&self, actor: Actor, post_id: i64) -> Result<Vec<Revision>, PostsError>;

    /// Makes a saved version the current text again (itself saved as a new revision).
    async fn restore_revision(
        &self,
        actor: Actor,
        post_id: i64,
        revision_id: i64,
    ) -> Result<Post, PostsError>;

    /// Marks a published post favorite for `user_id` (idempotent); returns the new count.
    async fn favorite(&self, user_id: i64, post_id: i64) -> Result<u64, PostsError>;

    /// Removes the mark (idempotent); returns the new count.
    async fn unfavorite(&self, user_id: i64, post_id: i64) -> Result<u64, PostsError>;

    /// Publishes every scheduled post whose time has come; returns their ids. Called by the
    /// server's scheduler.
    async fn publish_due(&self) -> Result<Vec<i64>, PostsError>;
}
