//! The comments module against real databases, every test on SQLite and on PostgreSQL, with
//! an in-memory stand-in for the posts port.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use comments_api::{
    Actor, Comment, CommentEvent, CommentsError, CommentsPort, ModerationMode, NewComment,
    ThreadPost,
};
use kernel::clock::ManualClock;
use kernel::outbox::OutboxSignal;
use kernel::testing::TestDatabase;
use kernel::{Backend, DbPool};
use posts_api::{
    ArchiveEntry, Authorship, PageRequest, Post, PostDraft, PostFilter, PostLink, PostPage,
    PostStatus, PostSummary, PostsError, PostsPort, Revision, SlugLookup, TagCount,
};

use crate::{CommentsConfig, SqlComments};

/// Runs each named `async fn(Backend)` of the enclosing module once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(kernel::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(kernel::Backend::Postgres).await })*
        }
    };
}

mod abuse;
mod migrations;
mod moderation;
mod post_events;
mod reading;
mod writing;

/// Writes the post with id 1.
const AUTHOR: Actor = Actor {
    id: 1,
    may_moderate_any: false,
};
/// A reader who comments.
const ALICE: Actor = Actor {
    id: 2,
    may_moderate_any: false,
};
/// Another reader who comments.
const BOB: Actor = Actor {
    id: 3,
    may_moderate_any: false,
};
/// An editor: moderates every post.
const EDITOR: Actor = Actor {
    id: 4,
    may_moderate_any: true,
};
/// A published post by [`AUTHOR`].
const POST: i64 = 1;
/// Another published post by [`AUTHOR`].
const OTHER_POST: i64 = 2;
/// A draft by [`AUTHOR`].
const DRAFT: i64 = 3;
/// A published post by [`BOB`].
const BOBS_POST: i64 = 4;

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The posts port as far as comments use it: who wrote a post and its state.
#[derive(Debug, Default)]
struct FakePosts {
    posts: Mutex<HashMap<i64, Authorship>>,
}

impl FakePosts {
    fn set(&self, post_id: i64, author_id: i64, status: PostStatus) {
        self.posts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                post_id,
                Authorship {
                    post_id,
                    author_id,
                    status,
                    slug: format!("post-{post_id}"),
                },
            );
    }

    fn remove(&self, post_id: i64) {
        self.posts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&post_id);
    }

    fn get(&self, post_id: i64) -> Option<Authorship> {
        self.posts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&post_id)
            .cloned()
    }
}

#[async_trait]
impl PostsPort for FakePosts {
    async fn published_page(
        &self,
        _filter: PostFilter,
        _request: PageRequest,
    ) -> Result<PostPage, PostsError> {
        Err(PostsError::NotFound)
    }

    async fn recent_published(
        &self,
        _filter: PostFilter,
        _limit: u32,
    ) -> Result<Vec<Post>, PostsError> {
        Ok(Vec::new())
    }

    async fn published_slice(
        &self,
        _filter: PostFilter,
        _offset: u64,
        _limit: u32,
    ) -> Result<posts_api::PostSlice, PostsError> {
        Err(PostsError::NotFound)
    }

    async fn favorited_among(
        &self,
        _user_id: i64,
        _post_ids: Vec<i64>,
    ) -> Result<Vec<i64>, PostsError> {
        Ok(Vec::new())
    }

    async fn post_by_slug(
        &self,
        _slug: &str,
        _viewer: Option<posts_api::Actor>,
    ) -> Result<SlugLookup, PostsError> {
        Err(PostsError::NotFound)
    }

    async fn readable_by_slug(
        &self,
        _slug: &str,
        _viewer: Option<posts_api::Actor>,
    ) -> Result<SlugLookup<posts_api::ReadablePost>, PostsError> {
        Err(PostsError::NotFound)
    }

    async fn published_by_ids(&self, _ids: Vec<i64>) -> Result<Vec<PostSummary>, PostsError> {
        Ok(Vec::new())
    }

    async fn authorship(&self, post_id: i64) -> Result<Option<Authorship>, PostsError> {
        Ok(self.get(post_id))
    }

    async fn neighbours(
        &self,
        _post_id: i64,
    ) -> Result<(Option<PostLink>, Option<PostLink>), PostsError> {
        Ok((None, None))
    }

    async fn archive(&self) -> Result<Vec<ArchiveEntry>, PostsError> {
        Ok(Vec::new())
    }
    async fn archive_years(&self) -> Result<Vec<posts_api::ArchiveYear>, PostsError> {
        Ok(Vec::new())
    }
    async fn archive_year(&self, _year: i32) -> Result<Vec<ArchiveEntry>, PostsError> {
        Ok(Vec::new())
    }

    async fn tags(&self) -> Result<Vec<TagCount>, PostsError> {
        Ok(Vec::new())
    }

    async fn posts_of(&self, actor: posts_api::Actor) -> Result<Vec<PostSummary>, PostsError> {
        let posts = self.posts.lock().unwrap_or_else(PoisonError::into_inner);
        let mut own: Vec<PostSummary> = posts
            .values()
            .filter(|p| p.author_id == actor.id)
            .map(|p| PostSummary {
                id: p.post_id,
                slug: p.slug.clone(),
                title: p.slug.clone(),
                description: String::new(),
                excerpt_html: String::new(),
                author_id: p.author_id,
                status: p.status,
                published_at: None,
                updated_at: start(),
                reading_minutes: 1,
                tags: Vec::new(),
                favorites_count: 0,
            })
            .collect();
        own.sort_by_key(|p| p.id);
        Ok(own)
    }

    async fn create(
        &self,
        _actor: posts_api::Actor,
        _draft: PostDraft,
    ) -> Result<Post, PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn update(
        &self,
        _actor: posts_api::Actor,
        _post_id: i64,
        _draft: PostDraft,
    ) -> Result<Post, PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn publish(&self, _actor: posts_api::Actor, _post_id: i64) -> Result<Post, PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn schedule(
        &self,
        _actor: posts_api::Actor,
        _post_id: i64,
        _at: DateTime<Utc>,
    ) -> Result<Post, PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn unpublish(&self, _actor: posts_api::Actor, _post_id: i64) -> Result<Post, PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn delete(&self, _actor: posts_api::Actor, _post_id: i64) -> Result<(), PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn revisions(
        &self,
        _actor: posts_api::Actor,
        _post_id: i64,
    ) -> Result<Vec<Revision>, PostsError> {
        Ok(Vec::new())
    }

    async fn restore_revision(
        &self,
        _actor: posts_api::Actor,
        _post_id: i64,
        _revision_id: i64,
    ) -> Result<Post, PostsError> {
        Err(PostsError::Forbidden)
    }

    async fn favorite(&self, _user_id: i64, _post_id: i64) -> Result<u64, PostsError> {
        Ok(0)
    }

    async fn unfavorite(&self, _user_id: i64, _post_id: i64) -> Result<u64, PostsError> {
        Ok(0)
    }

    async fn publish_due(&self) -> Result<Vec<i64>, PostsError> {
        Ok(Vec::new())
    }
}

struct Fixture {
    _db: TestDatabase,
    pool: DbPool,
    clock: ManualClock,
    posts: Arc<FakePosts>,
    comments: SqlComments,
}

fn fixture(backend: Backend) -> Fixture {
    fixture_with(backend, CommentsConfig::default())
}

fn fixture_with(backend: Backend, config: CommentsConfig) -> Fixture {
    let db = TestDatabase::create(backend);
    let pool = db.pool();
    kernel::migrations::run_all(
        &mut pool.get().unwrap(),
        &[&kernel::MIGRATIONS, &crate::MIGRATIONS],
    )
    .unwrap();
    let clock = ManualClock::new(start());
    let posts = Arc::new(FakePosts::default());
    posts.set(POST, AUTHOR.id, PostStatus::Published);
    posts.set(OTHER_POST, AUTHOR.id, PostStatus::Published);
    posts.set(DRAFT, AUTHOR.id, PostStatus::Draft);
    posts.set(BOBS_POST, BOB.id, PostStatus::Published);
    let comments = SqlComments::new(
        pool.clone(),
        Arc::new(clock.clone()),
        OutboxSignal::new(),
        posts.clone(),
    )
    .with_config(config);
    Fixture {
        _db: db,
        pool,
        clock,
        posts,
        comments,
    }
}

/// A comment by `author` on `post_id`, in open mode, from the usual address.
fn new_comment(post_id: i64, author: Actor, body: &str) -> NewComment {
    NewComment {
        post_id,
        author,
        parent_id: None,
        body: body.into(),
        idempotency_key: None,
        client_ip: Some("192.0.2.1".into()),
        account_is_new: false,
        mode: ModerationMode::Open,
    }
}

/// A reply by `author` to `parent` on `post_id`.
fn reply(post_id: i64, parent: i64, author: Actor, body: &str) -> NewComment {
    NewComment {
        parent_id: Some(parent),
        ..new_comment(post_id, author, body)
    }
}

impl Fixture {
    /// Posts a comment that must succeed.
    async fn comment(&self, post_id: i64, author: Actor, body: &str) -> Comment {
        self.comments
            .create(new_comment(post_id, author, body))
            .await
            .unwrap()
    }

    /// Ids of the thread of `post_id` as `viewer` sees it, after checking that the thread
    /// is the same when the caller gives the post (`thread_of`).
    async fn thread_ids(&self, post_id: i64, viewer: Option<Actor>) -> Vec<i64> {
        let thread = self.comments.thread(post_id, viewer).await.unwrap();
        let given = self.thread_post(post_id).await;
        assert_eq!(
            self.comments.thread_of(given, viewer).await.as_ref(),
            Ok(&thread),
            "thread_of agrees with thread"
        );
        thread.comments.iter().map(|c| c.id).collect()
    }

    /// The post as the post page gives it to `thread_of`.
    async fn thread_post(&self, post_id: i64) -> ThreadPost {
        let post = self.posts.authorship(post_id).await.unwrap().unwrap();
        crate::store::thread_post(&post)
    }

    /// Visible comments of one post.
    async fn count(&self, post_id: i64) -> u64 {
        self.comments.counts(vec![post_id]).await.unwrap()[&post_id]
    }
}

/// The field of a validation error, or a panic naming what came instead.
fn field_of<T: std::fmt::Debug>(result: Result<T, CommentsError>) -> String {
    match result {
        Err(CommentsError::Invalid { field, message }) => {
            assert!(!message.is_empty());
            field
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The comment events written since the last call, checked to carry their own type.
async fn events(fixture: &Fixture) -> Vec<CommentEvent> {
    kernel::testing::drain_events::<CommentEvent>(&fixture.pool, "test-collector")
        .await
        .into_iter()
        .map(|(event_type, event)| {
            assert_eq!(event.event_type(), event_type);
            event
        })
        .collect()
}
