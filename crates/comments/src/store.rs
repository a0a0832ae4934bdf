//! [`SqlComments`]: the comments port over the module's own tables.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use comments_api::{
    Actor, Comment, CommentEdit, CommentStatus, CommentsError, CommentsPort, ModerationAction,
    ModerationMode, NewComment, Thread, ThreadPost,
};
use kernel::outbox::OutboxSignal;
use kernel::{Clock, DbConnection, DbPool};
use posts_api::{Authorship, PostStatus, PostsPort};

use crate::config::CommentsConfig;
use crate::error::{StoreError, StoreResult, posts_unavailable};
use crate::handler::PostEventsHandler;
use crate::rate_limit::{Key, RateLimiter};
use crate::rows::{CommentRow, Sight, Viewing};
use crate::thread::{depth_of, shape};
use crate::write::Insert;
use crate::{read, validate, write};

/// Comments stored in the module's own tables. Posts are known only through the posts port.
#[derive(Clone)]
pub struct SqlComments {
    pool: DbPool,
    clock: Arc<dyn Clock>,
    outbox: OutboxSignal,
    posts: Arc<dyn PostsPort>,
    config: CommentsConfig,
    limiter: Arc<RateLimiter>,
}

impl std::fmt::Debug for SqlComments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlComments")
            .field("pool", &self.pool)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Whether `actor` moderates the post described by `post`.
fn moderates(actor: Option<Actor>, post: Option<&Authorship>) -> bool {
    moderates_posts_of(actor, post.map(|p| p.author_id))
}

/// Whether `actor` may moderate comments on posts by `author_id` (`None`: no such post).
fn moderates_posts_of(actor: Option<Actor>, author_id: Option<i64>) -> bool {
    actor.is_some_and(|a| a.may_moderate_any || author_id == Some(a.id))
}

/// What [`CommentsPort::thread_of`] needs of `post`.
pub(crate) fn thread_post(post: &Authorship) -> ThreadPost {
    ThreadPost {
        post_id: post.post_id,
        author_id: post.author_id,
        published: post.status == PostStatus::Published,
    }
}

impl SqlComments {
    /// Comments in the database behind `pool`, with the default [`CommentsConfig`]. `clock`
    /// dates changes and measures edit windows and rate limits; `outbox` is signalled after
    /// each commit that wrote an event; `posts` says which posts exist, are published and
    /// who wrote them.
    pub fn new(
        pool: DbPool,
        clock: Arc<dyn Clock>,
        outbox: OutboxSignal,
        posts: Arc<dyn PostsPort>,
    ) -> Self {
        let config = CommentsConfig::default();
        Self {
            pool,
            clock,
            outbox,
            posts,
            limiter: Arc::new(RateLimiter::new(config.per_account, config.per_client)),
            config,
        }
    }

    /// The same store with other limits (the rate limits start afresh).
    pub fn with_config(mut self, config: CommentsConfig) -> Self {
        self.limiter = Arc::new(RateLimiter::new(config.per_account, config.per_client));
        self.config = config;
        self
    }

    /// The outbox handler that removes a post's comments when the post is deleted. Register
    /// it with the relay.
    pub fn post_events_handler(&self) -> PostEventsHandler {
        PostEventsHandler::new(self.pool.clone(), self.clock.clone(), self.outbox.clone())
    }

    /// Runs a read.
    async fn read<T, F>(&self, query: F) -> Result<T, CommentsError>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.pool.read(query).await.map_err(CommentsError::from)
    }

    /// Runs a change in one write transaction, then wakes the outbox relay.
    async fn change<T, F>(&self, command: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut DbConnection, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        self.pool
            .write::<_, StoreError, _>(&self.outbox, move |conn| command(conn, now))
            .await
    }

    /// Who wrote a post and its state, from the posts port.
    async fn authorship(&self, post_id: i64) -> Result<Option<Authorship>, CommentsError> {
        self.posts
            .authorship(post_id)
            .await
            .map_err(posts_unavailable)
    }

    /// A comment that exists and is not deleted, with its post's authorship.
    async fn live_with_post(
        &self,
        comment_id: i64,
    ) -> Result<(CommentRow, Option<Authorship>), CommentsError> {
        let row = self
            .read(move |conn| read::live_row(conn, comment_id))
            .await?;
        let post = self.authorship(row.post_id).await?;
        Ok((row, post))
    }

    /// `row` shown in full at its depth in its thread.
    async fn full(&self, row: CommentRow) -> Result<Comment, CommentsError> {
        self.read(move |conn| {
            let parents = read::parents(conn, &[row.post_id])?;
            Ok(row.to_comment(Sight::Full, depth_of(row.id, &parents)))
        })
        .await
    }
}

#[async_trait]
impl CommentsPort for SqlComments {
    async fn thread(&self, post_id: i64, viewer: Option<Actor>) -> Result<Thread, CommentsError> {
        let post = self
            .authorship(post_id)
            .await?
            .ok_or(CommentsError::NotFound)?;
        self.thread_of(thread_post(&post), viewer).await
    }

    async fn thread_of(
        &self,
        post: ThreadPost,
        viewer: Option<Actor>,
    ) -> Result<Thread, CommentsError> {
        let viewer_moderates = moderates_posts_of(viewer, Some(post.author_id));
        if !post.published && !viewer_moderates {
            return Err(CommentsError::NotFound);
        }
        let viewing = Viewing {
            viewer_id: viewer.map(|v| v.id),
            moderates: viewer_moderates,
        };
        let post_id = post.post_id;
        let rows = self
            .read(move |conn| read::thread_rows(conn, post_id))
            .await?;
        Ok(Thread {
            post_id,
            comments: shape(&rows, viewing),
            viewer_moderates,
        })
    }

    async fn counts(&self, post_ids: Vec<i64>) -> Result<HashMap<i64, u64>, CommentsError> {
        let ids: Vec<i64> = post_ids
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        self.read(move |conn| read::counts(conn, &ids)).await
    }

    async fn commenters(&self, post_id: i64) -> Result<Vec<i64>, CommentsError> {
        self.read(move |conn| read::commenters(conn, post_id)).await
    }

    async fn recent_for_post(
        &self,
        post_id: i64,
        limit: u32,
    ) -> Result<Vec<Comment>, CommentsError> {
        if limit == 0 || limit > read::MAX_FEED {
            return Err(CommentsError::invalid(
                "limit",
                format!("Ask for between 1 and {} comments.", read::MAX_FEED),
            ));
        }
        match self.authorship(post_id).await? {
            Some(post) if post.status == PostStatus::Published => {}
            _ => return Err(CommentsError::NotFound),
        }
        self.read(move |conn| {
            let rows = read::recent(conn, post_id, limit)?;
            let parents = read::parents(conn, &[post_id])?;
            Ok(rows
                .iter()
                .map(|row| row.to_comment(Sight::Full, depth_of(row.id, &parents)))
                .collect())
        })
        .await
    }

    async fn by_id(
        &self,
        comment_id: i64,
        viewer: Option<Actor>,
    ) -> Result<Comment, CommentsError> {
        let (row, post) = self.live_with_post(comment_id).await?;
        let viewer_moderates = moderates(viewer, post.as_ref());
        let published = post
            .as_ref()
            .is_some_and(|p| p.status == PostStatus::Published);
        let viewing = Viewing {
            viewer_id: viewer.map(|v| v.id),
            moderates: viewer_moderates,
        };
        if !(published || viewer_moderates) || row.sight(viewing) != Sight::Full {
            return Err(CommentsError::NotFound);
        }
        self.full(row).await
    }

    async fn create(&self, comment: NewComment) -> Result<Comment, CommentsError> {
        let key = validate::idempotency_key(comment.idempotency_key.as_deref())?;
        let author = comment.author;
        let post = match self.authorship(comment.post_id).await? {
            None => return Err(CommentsError::NotFound),
            Some(post) if post.status != PostStatus::Published => {
                return Err(CommentsError::PostNotOpen);
            }
            Some(post) => post,
        };
        let trusted_role = moderates(Some(author), Some(&post));
        let body = validate::body(
            &comment.body,
            &self.config,
            comment.account_is_new && !trusted_role,
        )?;
        let new = Insert {
            post_id: comment.post_id,
            author_id: author.id,
            parent_id: comment.parent_id,
            body,
            idempotency_key: key.clone(),
            status: CommentStatus::Pending,
        };
        let mut limit_keys = vec![Key::Account(author.id)];
        if let Some(ip) = comment
            .client_ip
            .as_deref()
            .filter(|ip| !ip.trim().is_empty())
        {
            limit_keys.push(Key::client(ip));
        }
        let rate_limited = |retry_after_secs| CommentsError::RateLimited { retry_after_secs };
        if !trusted_role {
            // An early answer for a flood, before any database work (a resubmission of a
            // comment already made is then refused too, which a flood deserves).
            self.limiter
                .check(&limit_keys, self.clock.now())
                .map_err(rate_limited)?;
        }
        let limiter = self.limiter.clone();
        let duplicate_window = self.config.duplicate_window;
        let mode = comment.mode;
        let created = self
            .change(move |conn, now| {
                if let Some(existing) =
                    write::duplicate_of(conn, &new, (now - duplicate_window).naive_utc())?
                {
                    return Ok(existing);
                }
                if let Some(parent_id) = new.parent_id {
                    write::check_parent(conn, new.post_id, parent_id, trusted_role)?;
                }
                let status = match mode {
                    _ if trusted_role => CommentStatus::Visible,
                    ModerationMode::Open => CommentStatus::Visible,
                    ModerationMode::FirstTime if read::is_trusted(conn, new.author_id)? => {
                        CommentStatus::Visible
                    }
                    ModerationMode::FirstTime | ModerationMode::All => CommentStatus::Pending,
                };
                // Insert first: a concurrent submission of the same key fails here (and is
                // answered with the other's comment) without using up a rate-limit place.
                let row = write::insert(conn, now, &Insert { status, ..new })?;
                if !trusted_role {
                    // A refusal rolls the insert back.
                    limiter.acquire(&limit_keys, now).map_err(rate_limited)?;
                }
                Ok(row)
            })
            .await;
        let row = match created {
            Ok(row) => row,
            // The same key submitted twice at once: the other submission won; answer with it.
            Err(error) => match key {
                Some(key) if error.is_unique_violation() => self
                    .read(move |conn| write::by_key(conn, author.id, &key))
                    .await?
                    .ok_or_else(|| CommentsError::from(error))?,
                _ => return Err(error.into()),
            },
        };
        self.full(row).await
    }

    async fn edit(&self, actor: Actor, edit: CommentEdit) -> Result<Comment, CommentsError> {
        let (row, post) = self.live_with_post(edit.comment_id).await?;
        if row.author_id != actor.id {
            return Err(CommentsError::Forbidden);
        }
        if row.status() == CommentStatus::Hidden {
            return Err(CommentsError::Forbidden);
        }
        if !post
            .as_ref()
            .is_some_and(|p| p.status == PostStatus::Published)
        {
            return Err(CommentsError::PostNotOpen);
        }
        let body = validate::body(
            &edit.body,
            &self.config,
            edit.account_is_new && !moderates(Some(actor), post.as_ref()),
        )?;
        let window = self.config.edit_window;
        let comment_id = row.id;
        let edited = self
            .change(move |conn, now| {
                // Read again inside the transaction: it may have changed meanwhile.
                let row = read::live_row(conn, comment_id)?;
                if !write::editable_at(&row, now, window) {
                    return Err(CommentsError::EditWindowClosed.into());
                }
                write::edit(conn, now, &row, &body)
            })
            .await
            .map_err(CommentsError::from)?;
        self.full(edited).await
    }

    async fn delete(&self, actor: Actor, comment_id: i64) -> Result<(), CommentsError> {
        let (row, post) = self.live_with_post(comment_id).await?;
        if row.author_id != actor.id && !moderates(Some(actor), post.as_ref()) {
            return Err(CommentsError::Forbidden);
        }
        self.change(move |conn, now| {
            let row = read::live_row(conn, comment_id)?;
            write::delete(conn, now, &row)
        })
        .await
        .map_err(CommentsError::from)
    }

    async fn moderate(
        &self,
        actor: Actor,
        comment_id: i64,
        action: ModerationAction,
    ) -> Result<(), CommentsError> {
        let (_, post) = self.live_with_post(comment_id).await?;
        if !moderates(Some(actor), post.as_ref()) {
            return Err(CommentsError::Forbidden);
        }
        self.change(move |conn, now| {
            let row = read::live_row(conn, comment_id)?;
            match action {
                ModerationAction::Hide => write::set_status(conn, now, &row, CommentStatus::Hidden),
                ModerationAction::Approve => {
                    write::set_status(conn, now, &row, CommentStatus::Visible)
                }
                ModerationAction::Delete => write::delete(conn, now, &row),
            }
        })
        .await
        .map_err(CommentsError::from)
    }

    async fn moderation_queue(
        &self,
        actor: Actor,
        include_hidden: bool,
        limit: u32,
    ) -> Result<Vec<Comment>, CommentsError> {
        if limit == 0 || limit > read::MAX_QUEUE {
            return Err(CommentsError::invalid(
                "limit",
                format!("Ask for between 1 and {} comments.", read::MAX_QUEUE),
            ));
        }
        let post_ids: Option<Vec<i64>> = if actor.may_moderate_any {
            None
        } else {
            let own = self
                .posts
                .posts_of(posts_api::Actor {
                    id: actor.id,
                    may_edit_any: false,
                })
                .await
                .map_err(posts_unavailable)?;
            let ids: Vec<i64> = own
                .iter()
                .filter(|p| p.author_id == actor.id)
                .map(|p| p.id)
                .collect();
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            Some(ids)
        };
        self.read(move |conn| {
            let rows = read::queue(conn, post_ids.as_deref(), include_hidden, limit)?;
            let posts: Vec<i64> = rows
                .iter()
                .map(|r| r.post_id)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let parents = read::parents(conn, &posts)?;
            Ok(rows
                .iter()
                .map(|row| row.to_comment(Sight::Full, depth_of(row.id, &parents)))
                .collect())
        })
        .await
    }
}
