//! `/posts/{slug}`: one post, with its table of contents, its neighbours and its comments.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use posts_api::{PostStatus, ReadablePost, SlugLookup, TocItem};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{MaybeSignedIn, Session};
use super::chrome::Chrome;
use super::comment_section::{Refused, comment_section};
use super::editor::actor_of;
use super::errors::PageError;
use super::page_cache::{Dep, Slots, cacheable};
use super::post_signed_in::{from_template, through_template};
use super::view::{TagLink, long_date, path_segment};

#[derive(Serialize)]
struct PostView {
    path: String,
    title: String,
    description: String,
    body_html: String,
    status: &'static str,
    published_at: Option<String>,
    published_on: Option<String>,
    updated_at: String,
    updated_on: String,
    reading_minutes: u32,
    tags: Vec<TagLink>,
    toc: Vec<TocItem>,
    canonical_url: String,
    cover_image_url: Option<String>,
    /// Schema.org `BlogPosting` as JSON, safe to place inside a `<script>` element.
    json_ld: String,
}

/// Where a signed-in template leaves room for a reader's own parts (see
/// `page_cache::personal`).
#[derive(Serialize)]
struct PostSlots {
    editor: String,
    section_start: String,
    section_end: String,
}

#[derive(Serialize)]
struct Neighbour {
    slug: String,
    title: String,
}

/// JSON-LD for a post. `<`, `>` and `&` are escaped as `\u003c`… so the JSON can never
/// close the `<script>` element it sits in.
fn json_ld(post: &ReadablePost, url: &str, site_title: &str) -> String {
    let value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": post.published_at.map(|at| at.to_rfc3339()),
        "dateModified": post.updated_at.to_rfc3339(),
        "wordCount": post.word_count,
        "keywords": post.tags.join(", "),
        "image": post.cover_image_url,
        "publisher": { "@type": "Organization", "name": site_title },
    });
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn view(post: ReadablePost, base_url: &str, site_title: &str) -> PostView {
    let canonical_url = format!("{base_url}/posts/{}", path_segment(&post.slug));
    PostView {
        path: path_segment(&post.slug),
        json_ld: json_ld(&post, &canonical_url, site_title),
        canonical_url,
        cover_image_url: post.cover_image_url,
        status: post.status.as_str(),
        published_at: post.published_at.map(|at| at.to_rfc3339()),
        published_on: post.published_at.map(long_date),
        updated_at: post.updated_at.to_rfc3339(),
        updated_on: long_date(post.updated_at),
        title: post.title,
        description: post.description,
        body_html: post.body_html,
        reading_minutes: post.reading_minutes,
        tags: post.tags.into_iter().map(TagLink::new).collect(),
        toc: post.toc,
    }
}

/// The query a comment's redirect adds: `?comment=pending` says it awaits approval.
#[derive(Debug, Deserialize)]
pub(crate) struct PostQuery {
    #[serde(default)]
    comment: Option<String>,
}

/// `GET /posts/{slug}`: the post, a 301 from a former address, or a 404.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    signed_in: MaybeSignedIn,
    slug: web::Path<String>,
    query: web::Query<PostQuery>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    // A signed-in reader who sees what any other does: the cached template, filled for them.
    let template_wanted = signed_in.0.as_ref().filter(|_| query.comment.is_none());
    if let Some(session) = template_wanted
        && let Some(response) = from_template(&state, &chrome, session, request.path()).await?
    {
        return Ok(response);
    }
    let stamp = state.page_cache.stamp();
    // Drafts and scheduled posts are found only for those who may edit them.
    let actor = signed_in.0.as_ref().map(actor_of);
    let post = match state.posts.readable_by_slug(&slug, actor).await? {
        SlugLookup::Found(post) => post,
        SlugLookup::Moved { slug } => {
            return Ok(HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, format!("/posts/{}", path_segment(&slug))))
                .finish());
        }
    };
    let post = match template_wanted {
        Some(session) => {
            match through_template(&state, &chrome, session, *post, request.path(), stamp).await? {
                Ok(response) => return Ok(response),
                Err(post) => Box::new(post),
            }
        }
        None => post,
    };
    let notice = match query.comment.as_deref() {
        Some("pending") => {
            Some("Thank you! Your comment will appear once a moderator approves it.")
        }
        _ => None,
    };
    let page = PostPage {
        status: StatusCode::OK,
        refused: None,
        notice,
    };
    render(&state, &chrome, signed_in.0.as_ref(), *post, page).await
}

/// How the post page is shown beyond the post itself.
#[derive(Debug)]
pub(crate) struct PostPage {
    /// The response status (4xx when a refused comment is shown again).
    pub(crate) status: StatusCode,
    /// A refused comment to put back in its form.
    pub(crate) refused: Option<Refused>,
    /// A message for the signed-in viewer about their comment.
    pub(crate) notice: Option<&'static str>,
}

/// Renders the page of `post` for `session`.
pub(crate) async fn render(
    state: &AppState,
    chrome: &Chrome,
    session: Option<&Session>,
    post: ReadablePost,
    page: PostPage,
) -> Result<HttpResponse, PageError> {
    let status = page.status;
    let (html, deps) = render_html(state, chrome, session, post, page, None).await?;
    Ok(cacheable(chrome.page(status, html), deps))
}

/// The page of `post` for `session`, and what it shows. With `slots`, the header, the
/// comment forms' idempotency keys, the editor links and the comment section are left as
/// slots (a signed-in template).
pub(crate) async fn render_html(
    state: &AppState,
    chrome: &Chrome,
    session: Option<&Session>,
    mut post: ReadablePost,
    page: PostPage,
    slots: Option<&Slots>,
) -> Result<(String, Vec<Dep>), PageError> {
    let actor = session.map(actor_of);
    let published = post.status == PostStatus::Published;
    let (older, newer) = (post.older.take(), post.newer.take());
    let mut deps = vec![
        Dep::Post(post.id),
        Dep::Neighbours(post.id),
        Dep::Profile(post.author_id),
    ];
    deps.extend(older.iter().chain(&newer).map(|l| Dep::Post(l.id)));
    let link = |l: posts_api::PostLink| Neighbour {
        slug: path_segment(&l.slug),
        title: l.title,
    };
    let mut comments = comment_section(
        state,
        session,
        post.id,
        post.author_id,
        &post.slug,
        published,
        page.refused,
        page.notice,
    )
    .await?;
    deps.extend(comments.author_ids().iter().map(|id| Dep::Profile(*id)));
    let author = comments.take_post_author();
    let header_slot = slots.map(|slots| {
        comments.use_key_slot(&slots.key());
        slots.header()
    });
    let post_slots = slots.map(|slots| PostSlots {
        editor: slots.editor(),
        section_start: slots.section_start(),
        section_end: slots.section_end(),
    });
    let may_edit = actor.is_some_and(|a| a.may_edit(post.author_id));
    let post = view(post, &state.pages.base_url(), &state.pages.site_title());
    let html = state.pages.render(chrome, "post.html", |context| {
        context.insert("post", &post);
        context.insert("author", &author);
        context.insert("may_edit", &may_edit);
        context.insert("older", &older.map(link));
        context.insert("newer", &newer.map(link));
        context.insert("comment_count", &comments.count());
        context.insert("comments", &comments);
        context.insert("post_slots", &post_slots);
        if let Some(slot) = &header_slot {
            context.insert("header_slot", slot);
        }
    })?;
    Ok((html, deps))
}
