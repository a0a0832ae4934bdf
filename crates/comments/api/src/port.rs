//! The comments port: everything the server may ask of the comments module.

use std::collections::HashMap;

use async_trait::async_trait;

use crate::{
    Actor, Comment, CommentEdit, CommentsError, ModerationAction, NewComment, Thread, ThreadPost,
};

/// What the comments module answers. Every write checks the actor's right to it and records
/// its event in the outbox in the same transaction.
///
/// Whether a post exists, is published and who wrote it is asked of the posts module at the
/// time of the request: readers see comments of published posts only.
#[async_trait]
pub trait CommentsPort: Send + Sync {
    /// A post's comments as `viewer` (`None`: signed out) may see them, in reading order, in
    /// a fixed number of queries whatever their number. Pending and hidden comments are
    /// listed to the post's moderators only (marked by their status), and a commenter's own
    /// pending comments to them. A post that is missing, or not published and the viewer does
    /// not moderate it, is [`CommentsError::NotFound`].
    async fn thread(&self, post_id: i64, viewer: Option<Actor>) -> Result<Thread, CommentsError>;

    /// [`thread`](Self::thread) for a caller that has just read the post from the posts
    /// module in the same request (the post page): the post's author and status are taken
    /// from `post` instead of being asked again, which saves a query per page.
    async fn thread_of(
        &self,
        post: ThreadPost,
        viewer: Option<Actor>,
    ) -> Result<Thread, CommentsError>;

    /// Visible comments (not pending, hidden or deleted) per post, in one query. Every id
    /// asked gets an entry (0 when none). The caller asks about posts it shows, so the post's
    /// own status is not checked here.
    async fn counts(&self, post_ids: Vec<i64>) -> Result<HashMap<i64, u64>, CommentsError>;

    /// Everyone who wrote a comment on the post, whatever its status now (pending, hidden
    /// and deleted ones included), each once. A page cache uses it to know which signed-in
    /// readers see the thread differently from the rest.
    async fn commenters(&self, post_id: i64) -> Result<Vec<i64>, CommentsError>;

    /// The newest visible comments of a published post, newest first, at most `limit`
    /// (1 to 100): the post's comment feed. Not published: [`CommentsError::NotFound`].
    async fn recent_for_post(
        &self,
        post_id: i64,
        limit: u32,
    ) -> Result<Vec<Comment>, CommentsError>;

    /// One comment as `viewer` may see it ([`CommentsError::NotFound`] if they may not).
    async fn by_id(&self, comment_id: i64, viewer: Option<Actor>)
    -> Result<Comment, CommentsError>;

    /// Writes a comment on a published post (rate limits, length and link limits, moderation
    /// mode applied). Submitting the same idempotency key again, or the same body on the same
    /// post and parent shortly after, returns the comment already made.
    async fn create(&self, comment: NewComment) -> Result<Comment, CommentsError>;

    /// Changes a comment's text: its author only, within the edit window.
    async fn edit(&self, actor: Actor, edit: CommentEdit) -> Result<Comment, CommentsError>;

    /// Deletes a comment: its author, or a moderator of its post. A comment with replies
    /// stays as a "deleted" placeholder without author or text; one without vanishes.
    async fn delete(&self, actor: Actor, comment_id: i64) -> Result<(), CommentsError>;

    /// Hides, approves (unhides) or deletes a comment: moderators of its post only.
    async fn moderate(
        &self,
        actor: Actor,
        comment_id: i64,
        action: ModerationAction,
    ) -> Result<(), CommentsError>;

    /// Comments waiting for `actor`'s decision, oldest first, at most `limit` (1 to 200):
    /// pending (and, if `include_hidden`, hidden) comments on the posts `actor` wrote, or on
    /// every post when they moderate any.
    async fn moderation_queue(
        &self,
        actor: Actor,
        include_hidden: bool,
        limit: u32,
    ) -> Result<Vec<Comment>, CommentsError>;
}
