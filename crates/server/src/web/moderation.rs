//! `/moderation`: comments waiting for the viewer's decision — pending ones on their posts
//! (every post for editors and admins) with approve / hide / delete, and hidden ones with
//! unhide / delete.

use std::collections::{BTreeSet, HashMap};

use actix_web::{HttpResponse, web};
use comments_api::CommentStatus;
use serde::Serialize;

use super::AppState;
use super::auth::SignedIn;
use super::chrome::Chrome;
use super::comment_view::{CommentView, Viewing, comments_actor};
use super::errors::PageError;
use super::view::{authors, path_segment};

/// Most comments listed at once.
const QUEUE_LIMIT: u32 = 200;

/// The post a queued comment is on.
#[derive(Debug, Clone, Serialize)]
struct PostRef {
    path: String,
    title: String,
}

/// A queued comment with its post (absent when the post is not published).
#[derive(Debug, Serialize)]
struct QueueItem {
    comment: CommentView,
    post: Option<PostRef>,
}

/// `GET /moderation`.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
) -> Result<HttpResponse, PageError> {
    if !session.viewer.role.may_write() {
        return Err(PageError::Forbidden(
            "Only authors, editors and administrators moderate comments.",
        ));
    }
    let actor = comments_actor(&session);
    let queue = state
        .comments
        .moderation_queue(actor, true, QUEUE_LIMIT)
        .await?;
    let post_ids: BTreeSet<i64> = queue.iter().map(|c| c.post_id).collect();
    let posts: HashMap<i64, PostRef> = if post_ids.is_empty() {
        HashMap::new()
    } else {
        state
            .posts
            .published_by_ids(post_ids.into_iter().collect())
            .await?
            .into_iter()
            .map(|p| {
                let post = PostRef {
                    path: path_segment(&p.slug),
                    title: p.title,
                };
                (p.id, post)
            })
            .collect()
    };
    let names = authors(&state, queue.iter().filter_map(|c| c.author_id)).await?;
    let viewing = Viewing {
        viewer_id: Some(session.viewer.id),
        moderates: true,
        may_reply: false,
        now: state.clock.now(),
        edit_window: state.comment_edit_window,
    };
    let (mut pending, mut hidden) = (Vec::new(), Vec::new());
    for comment in queue {
        let post = posts.get(&comment.post_id).cloned();
        let list = if comment.status == CommentStatus::Hidden {
            &mut hidden
        } else {
            &mut pending
        };
        let path = post.as_ref().map_or("", |p| p.path.as_str());
        let mut comment = CommentView::new(comment, &names, path, viewing);
        // Flat list: no thread to indent in.
        comment.depth = 0;
        list.push(QueueItem { comment, post });
    }
    let html = state.pages.render(&chrome, "moderation.html", |context| {
        context.insert("pending", &pending);
        context.insert("hidden", &hidden);
        context.insert("moderates_all", &actor.may_moderate_any);
    })?;
    Ok(chrome.html(html))
}
