//! `/posts/{slug}/comments.atom`: the newest visible comments of a published post, as an
//! Atom feed with absolute URLs (the same template as the site's feeds).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::DateTime;
use posts_api::{PostStatus, SlugLookup};
use serde::Serialize;

use super::AppState;
use super::chrome::Chrome;
use super::errors::PageError;
use super::page_cache::{Dep, cacheable};
use super::view::{authors, path_segment};

/// Comments per feed.
const ENTRIES: u32 = 50;

/// The feed's head, as `feeds/atom.xml` reads it.
#[derive(Serialize)]
struct FeedInfo {
    title: String,
    home_url: String,
    self_url: String,
    updated: String,
}

/// One comment, as `feeds/atom.xml` reads an entry.
#[derive(Serialize)]
struct Entry {
    title: String,
    url: String,
    published: String,
    updated: String,
    summary: String,
    content_html: String,
    tags: Vec<String>,
    author: Option<String>,
}

/// `GET /posts/{slug}/comments.atom`.
pub(crate) async fn atom(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let post = match state.posts.post_by_slug(&slug, None).await? {
        SlugLookup::Found(post) if post.status == PostStatus::Published => post,
        SlugLookup::Found(_) => return Err(PageError::NotFound),
        SlugLookup::Moved { slug } => {
            return Ok(HttpResponse::MovedPermanently()
                .insert_header((
                    header::LOCATION,
                    format!("/posts/{}/comments.atom", path_segment(&slug)),
                ))
                .finish());
        }
    };
    let comments = state.comments.recent_for_post(post.id, ENTRIES).await?;
    let names = authors(&state, comments.iter().filter_map(|c| c.author_id)).await?;
    let mut deps = vec![Dep::Post(post.id)];
    deps.extend(names.keys().map(|id| Dep::Profile(*id)));
    let base_url = state.pages.base_url();
    let post_url = format!("{base_url}/posts/{}", path_segment(&post.slug));
    let updated = comments
        .iter()
        .map(|c| c.updated_at)
        .max()
        .or(post.published_at)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let feed = FeedInfo {
        title: format!(
            "Comments on “{}” · {}",
            post.title,
            state.pages.site_title()
        ),
        home_url: format!("{post_url}#comments"),
        self_url: format!("{post_url}/comments.atom"),
        updated: updated.to_rfc3339(),
    };
    let entries: Vec<Entry> = comments
        .into_iter()
        .map(|c| {
            let author = c
                .author_id
                .and_then(|id| names.get(&id))
                .map(|a| a.display_name.clone());
            Entry {
                title: match &author {
                    Some(name) => format!("Comment by {name} on “{}”", post.title),
                    None => format!("Comment on “{}”", post.title),
                },
                url: format!("{post_url}#comment-{}", c.id),
                published: c.created_at.to_rfc3339(),
                updated: c.edited_at.unwrap_or(c.created_at).to_rfc3339(),
                summary: String::new(),
                content_html: c.body_html,
                tags: Vec::new(),
                author,
            }
        })
        .collect();
    let body = state
        .pages
        .render(&Chrome::anonymous(), "feeds/atom.xml", |context| {
            context.insert("feed", &feed);
            context.insert("entries", &entries);
        })?;
    let response = HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body);
    Ok(cacheable(response, deps))
}
