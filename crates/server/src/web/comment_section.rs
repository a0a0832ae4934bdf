//! The comment section under a post: the thread as the viewer may see it, and for a
//! signed-in reader the forms to comment and reply.
//!
//! Signed out, the section holds nothing that depends on the request (no CSRF token, no
//! idempotency key, no notice), so the anonymous post page can be cached as bytes.

use chrono::{DateTime, Utc};
use comments_api::{CommentsError, Thread, ThreadPost};
use serde::Serialize;

use super::AppState;
use super::auth::Session;
use super::comment_view::{CommentForm, CommentView, Viewing, comments_actor};
use super::errors::PageError;
use super::view::{AuthorView, authors, path_segment};

/// A comment that was refused, shown again in its form with the reason.
#[derive(Debug, Clone, Default)]
pub(crate) struct Refused {
    /// The comment answered (`None`: the form for a new comment).
    pub(crate) parent_id: Option<i64>,
    /// The text as typed.
    pub(crate) body: String,
    /// What to fix.
    pub(crate) error: String,
}

/// What the post page's comment section shows.
#[derive(Debug, Serialize)]
pub(crate) struct CommentSection {
    /// Comments visible to everyone.
    count: usize,
    comments: Vec<CommentView>,
    /// The viewer moderates this post's comments.
    moderates: bool,
    /// The post takes comments (it is published).
    open: bool,
    /// The form for a new comment: signed-in viewers of an open post only.
    form: Option<CommentForm>,
    /// Where anonymous readers sign in to comment.
    sign_in_url: String,
    /// A message after a comment was sent (signed-in viewers only).
    notice: Option<&'static str>,
    /// Why a comment was refused, when there is no form to show it in.
    error: Option<String>,
    /// Whose comments show (their names change with their profiles).
    #[serde(skip)]
    author_ids: Vec<i64>,
    /// The post's author, named in the same lookup as the commenters.
    #[serde(skip)]
    post_author: Option<AuthorView>,
}

impl CommentSection {
    /// Visible comments, for the post's header.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Puts `slot` in place of every form's idempotency key (for a template filled with a
    /// fresh key per form and request).
    pub(crate) fn use_key_slot(&mut self, slot: &str) {
        let replies = self.comments.iter_mut().filter_map(|c| c.reply.as_mut());
        for form in self.form.iter_mut().chain(replies) {
            form.key = slot.to_owned();
        }
    }

    /// When the section changes by itself: the viewer's first edit link to expire.
    pub(crate) fn changes_at(&self) -> Option<DateTime<Utc>> {
        self.comments.iter().filter_map(|c| c.editable_until).min()
    }

    /// The profiles whose names the section shows.
    pub(crate) fn author_ids(&self) -> &[i64] {
        &self.author_ids
    }

    /// The post's author as the byline shows them (`None` if the account is gone), taken
    /// out of the section.
    pub(crate) fn take_post_author(&mut self) -> Option<AuthorView> {
        self.post_author.take()
    }
}

/// The section for the post `post_id` at `slug`, as `session` may see it. `refused` puts a
/// refused comment back in its form; `notice` is shown to signed-in viewers. The post's
/// author (`post_author_id`) is named in the same profiles lookup as the commenters, for the
/// page's byline ([`CommentSection::take_post_author`]). The caller has just read the post,
/// so its author and status are handed to the comments module, not asked again.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn comment_section(
    state: &AppState,
    session: Option<&Session>,
    post_id: i64,
    post_author_id: i64,
    slug: &str,
    published: bool,
    refused: Option<Refused>,
    notice: Option<&'static str>,
) -> Result<CommentSection, PageError> {
    let actor = session.map(comments_actor);
    let post = ThreadPost {
        post_id,
        author_id: post_author_id,
        published,
    };
    let thread = match state.comments.thread_of(post, actor).await {
        Ok(thread) => thread,
        // An unpublished post its viewer does not moderate has no comments to show.
        Err(CommentsError::NotFound) => Thread {
            post_id,
            comments: Vec::new(),
            viewer_moderates: false,
        },
        Err(other) => return Err(other.into()),
    };
    let count = thread.visible_count();
    let commenter_ids: Vec<i64> = thread.comments.iter().filter_map(|c| c.author_id).collect();
    let mut names = authors(state, commenter_ids.iter().copied().chain([post_author_id])).await?;
    let post_author = names.get(&post_author_id).cloned();
    if !commenter_ids.contains(&post_author_id) {
        names.remove(&post_author_id);
    }
    let author_ids = names.keys().copied().collect();
    let post_path = path_segment(slug);
    let viewing = Viewing {
        viewer_id: session.map(|s| s.viewer.id),
        moderates: thread.viewer_moderates,
        may_reply: session.is_some() && published,
        now: state.clock.now(),
        edit_window: state.comment_edit_window,
    };
    let mut comments: Vec<CommentView> = thread
        .comments
        .into_iter()
        .map(|c| CommentView::new(c, &names, &post_path, viewing))
        .collect();
    let mut form = (session.is_some() && published).then(CommentForm::fresh);
    let mut error = None;
    if let Some(refused) = refused {
        let target = match refused.parent_id {
            None => form.as_mut(),
            Some(parent) => comments
                .iter_mut()
                .find(|c| c.id == parent)
                .and_then(|c| c.reply.as_mut()),
        };
        match target {
            Some(target) => {
                target.body = refused.body;
                target.error = refused.error;
                target.open = true;
            }
            // The comment answered is gone from view: show the text in the main form, or
            // the reason alone when there is no form (the post takes no comments).
            None => match form.as_mut() {
                Some(form) => {
                    form.body = refused.body;
                    form.error = refused.error;
                }
                None => error = Some(refused.error),
            },
        }
    }
    Ok(CommentSection {
        count,
        comments,
        moderates: thread.viewer_moderates,
        open: published,
        form,
        sign_in_url: format!(
            "/login?next={}",
            path_segment(&format!("/posts/{post_path}#comments"))
        ),
        notice: notice.filter(|_| session.is_some()),
        error,
        author_ids,
        post_author,
    })
}
