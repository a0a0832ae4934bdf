//! The post page for signed-in readers, filled from a cached template where it fits them
//! (see `page_cache::personal`): one header render and a copy instead of the queries and
//! the whole page render.

use std::collections::HashSet;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use posts_api::{Post, PostStatus};
use profiles_api::{Role, Viewer};

use super::AppState;
use super::auth::Session;
use super::chrome::Chrome;
use super::comment_view::random_key;
use super::errors::PageError;
use super::page_cache::{CachedPage, PageCache, PersonalTemplate, X_CACHE};
use super::post::{PostPage, render_html};

/// Marks a response made for one reader with fresh form keys: its bytes differ on every
/// request, so no `ETag` is computed for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FreshPerRequest;

/// The id the template's reader has: ids start at 1, so it is nobody's.
const ANY_READER: i64 = 0;

/// The page at `path` for `session` from a cached template, if there is one that fits them.
pub(crate) fn from_template(
    state: &AppState,
    chrome: &Chrome,
    session: &Session,
    path: &str,
) -> Result<Option<HttpResponse>, PageError> {
    let Some(entry) = state.page_cache.get(&PageCache::template_key(path)) else {
        return Ok(None);
    };
    match entry.personal() {
        Some(template) if fits(template, session) => {
            Ok(Some(fill(state, chrome, template, "hit")?))
        }
        _ => Ok(None),
    }
}

/// For a reader of published `post` who sees it as any other signed-in reader does: renders
/// the template, keeps it, and fills it for them. Gives the post back when the template
/// does not fit them (they wrote it, moderate it or commented on it) or caching is off.
/// `stamp` is the cache's [`PageCache::stamp`] from before `post` was read.
pub(crate) async fn through_template(
    state: &AppState,
    chrome: &Chrome,
    session: &Session,
    post: Post,
    path: &str,
    stamp: u64,
) -> Result<Result<HttpResponse, Post>, PageError> {
    let cache = &state.page_cache;
    if !cache.enabled()
        || post.status != PostStatus::Published
        || session.viewer.role.may_edit_any()
        || session.viewer.id == post.author_id
    {
        return Ok(Err(post));
    }
    let mut differs_for: HashSet<i64> = state
        .comments
        .commenters(post.id)
        .await?
        .into_iter()
        .collect();
    differs_for.insert(post.author_id);
    if differs_for.contains(&session.viewer.id) {
        return Ok(Err(post));
    }
    let slots = cache.slots();
    let any_reader = Session {
        viewer: Viewer {
            id: ANY_READER,
            username: String::new(),
            role: Role::Reader,
        },
        token: String::new(),
    };
    let page = PostPage {
        status: StatusCode::OK,
        refused: None,
        notice: None,
    };
    // Kept for the full render should the template come out unusable (a template bug).
    let fallback = post.clone();
    let (html, deps) = render_html(
        state,
        &Chrome::any_signed_in_reader(slots.csrf()),
        Some(&any_reader),
        post,
        page,
        Some(slots),
    )
    .await?;
    let Some(template) = PersonalTemplate::parse(html, slots, differs_for) else {
        tracing::error!("the post page rendered as a template has no single header slot");
        return Ok(Err(fallback));
    };
    let response = fill(state, chrome, &template, "miss")?;
    cache.insert(
        PageCache::template_key(path),
        CachedPage::template(template, deps),
        stamp,
    );
    Ok(Ok(response))
}

fn fits(template: &PersonalTemplate, session: &Session) -> bool {
    template.fits(session.viewer.id, session.viewer.role.may_edit_any())
}

/// The template filled for `chrome`'s reader; `x_cache` says whether it was cached.
fn fill(
    state: &AppState,
    chrome: &Chrome,
    template: &PersonalTemplate,
    x_cache: &'static str,
) -> Result<HttpResponse, PageError> {
    let header = state.pages.render_header(chrome)?;
    let html = template.fill(&header, &chrome.csrf_token, random_key);
    let mut response = chrome.html(html);
    response.extensions_mut().insert(FreshPerRequest);
    response
        .headers_mut()
        .insert(X_CACHE, HeaderValue::from_static(x_cache));
    Ok(response)
}
