//! The post page for signed-in readers, filled from a cached template (see
//! `page_cache::personal`): a header render and a copy instead of the queries and the whole
//! page render. Readers who see more than the others (the author, editors, commenters) also
//! get their editor links and comment section rendered for them.

use std::collections::HashSet;
use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use posts_api::{PostStatus, ReadablePost};
use profiles_api::{Role, Viewer};
use serde::Serialize;

use super::AppState;
use super::auth::Session;
use super::chrome::Chrome;
use super::comment_section::comment_section;
use super::comment_view::random_key;
use super::editor::actor_of;
use super::errors::PageError;
use super::page_cache::{
    CachedPage, Dep, PageCache, PersonalTemplate, ReadersOwn, TemplatePost, X_CACHE,
};
use super::post::{PostPage, render_html};
use super::view::path_segment;

/// Marks a response made for one reader with fresh form keys: its bytes differ on every
/// request, so no `ETag` is computed for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FreshPerRequest;

/// The id the template's reader has: ids start at 1, so it is nobody's.
const ANY_READER: i64 = 0;

/// The page at `path` for `session` from a cached template, if there is one (and their own
/// parts of it could be made).
pub(crate) async fn from_template(
    state: &AppState,
    chrome: &Chrome,
    session: &Session,
    path: &str,
) -> Result<Option<HttpResponse>, PageError> {
    let Some(entry) = state.page_cache.get(&PageCache::template_key(path)) else {
        return Ok(None);
    };
    match entry.personal() {
        Some(template) => fill(state, chrome, session, template, path, "hit").await,
        None => Ok(None),
    }
}

/// For a signed-in reader of published `post`: renders the template, keeps it, and fills it
/// for them. Gives the post back when caching is off, the post is not published, or the
/// template came out unusable (a template bug).
/// `stamp` is the cache's [`PageCache::stamp`] from before `post` was read.
pub(crate) async fn through_template(
    state: &AppState,
    chrome: &Chrome,
    session: &Session,
    post: ReadablePost,
    path: &str,
    stamp: u64,
) -> Result<Result<HttpResponse, ReadablePost>, PageError> {
    let cache = &state.page_cache;
    if !cache.enabled() || post.status != PostStatus::Published {
        return Ok(Err(post));
    }
    let mut differs_for: HashSet<i64> = state
        .comments
        .commenters(post.id)
        .await?
        .into_iter()
        .collect();
    differs_for.insert(post.author_id);
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
    let template_post = TemplatePost {
        id: post.id,
        author_id: post.author_id,
        slug: post.slug.clone(),
    };
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
    let Some(template) = PersonalTemplate::parse(html, slots, differs_for, template_post) else {
        tracing::error!("the post page rendered as a template has misplaced slots");
        return Ok(Err(fallback));
    };
    let Some(response) = fill(state, chrome, session, &template, path, "miss").await? else {
        return Ok(Err(fallback));
    };
    cache.insert(
        PageCache::template_key(path),
        CachedPage::template(template, deps),
        stamp,
    );
    Ok(Ok(response))
}

/// The template filled for `session`'s reader (with `chrome`); `x_cache` says whether it
/// was cached. `None` if their own parts came out unusable (a template bug).
async fn fill(
    state: &AppState,
    chrome: &Chrome,
    session: &Session,
    template: &PersonalTemplate,
    path: &str,
    x_cache: &'static str,
) -> Result<Option<HttpResponse>, PageError> {
    let header = state.pages.render_header(chrome)?;
    let fits = template.fits(session.viewer.id, session.viewer.role.may_edit_any());
    let own = if fits {
        None
    } else {
        match readers_own(state, chrome, session, template.post(), path).await? {
            Some(entry) => Some(entry),
            None => return Ok(None),
        }
    };
    let own = own.as_ref().and_then(|entry| entry.own_parts());
    let html = template.fill(&header, &chrome.csrf_token, random_key, own);
    let mut response = chrome.html(html);
    response.extensions_mut().insert(FreshPerRequest);
    response
        .headers_mut()
        .insert(X_CACHE, HeaderValue::from_static(x_cache));
    Ok(Some(response))
}

/// The post as the partials rendered on their own see it.
#[derive(Serialize)]
struct PostPath {
    path: String,
}

/// `session`'s reader's own parts of the page of `post` at `path` (see [`ReadersOwn`]),
/// from the cache or rendered and kept there until a change evicts them or an edit link
/// of theirs expires. `None` if they came out unusable (a template bug).
async fn readers_own(
    state: &AppState,
    chrome: &Chrome,
    session: &Session,
    post: &TemplatePost,
    path: &str,
) -> Result<Option<Arc<CachedPage>>, PageError> {
    let cache = &state.page_cache;
    let actor = actor_of(session);
    let key = PageCache::readers_own_key(path, actor.id, actor.may_edit_any);
    if let Some(entry) = cache.get(&key)
        && entry
            .own_parts()
            .is_some_and(|own| own.current_at(state.clock.now()))
    {
        return Ok(Some(entry));
    }
    let stamp = cache.stamp();
    let slots = cache.slots();
    // Their name, but slots for their CSRF token and form keys.
    let chrome = chrome.with_csrf_slot(slots.csrf());
    let post_path = PostPath {
        path: path_segment(&post.slug),
    };
    let editor_links = if actor.may_edit(post.author_id) {
        state
            .pages
            .render(&chrome, "partials/post_editor_links.html", |context| {
                context.insert("post", &post_path);
            })?
    } else {
        String::new()
    };
    let mut comments = comment_section(
        state,
        Some(session),
        post.id,
        post.author_id,
        &post.slug,
        true,
        None,
        None,
    )
    .await?;
    comments.use_key_slot(&slots.key());
    let section = state
        .pages
        .render(&chrome, "partials/comments.html", |context| {
            context.insert("comments", &comments);
            context.insert("post", &post_path);
        })?;
    let Some(own) = ReadersOwn::parse(editor_links, section, slots, comments.changes_at()) else {
        tracing::error!("a reader's comment section rendered with misplaced slots");
        return Ok(None);
    };
    let mut deps = vec![Dep::Post(post.id)];
    deps.extend(comments.author_ids().iter().map(|id| Dep::Profile(*id)));
    let entry = Arc::new(CachedPage::readers_own(own, deps));
    cache.insert_shared(key, Arc::clone(&entry), stamp);
    Ok(Some(entry))
}
