//! Feeds: Atom, RSS 2.0 and JSON Feed 1.1, for the whole site and for each tag.
//!
//! Full content, absolute URLs, newest 20 posts. Atom and RSS are tera templates (XML
//! escaping is automatic for `.xml` templates); JSON Feed is serialized with serde.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use posts_api::{Post, PostFilter, normalise_tag};
use profiles_api::Byline;
use serde::Serialize;

use super::AppState;
use super::chrome::Chrome;
use super::errors::PageError;
use super::page_cache::{Dep, cacheable};
use super::view::{AuthorView, authors, path_segment};

/// Posts per feed.
const ENTRIES: u32 = 20;

/// The three formats.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "atom" => Some(Format::Atom),
            "rss" => Some(Format::Rss),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

#[derive(Serialize)]
struct FeedInfo {
    title: String,
    description: String,
    home_url: String,
    self_url: String,
    updated: String,
    updated_rfc2822: String,
}

#[derive(Serialize)]
struct Entry {
    title: String,
    url: String,
    published: String,
    published_rfc2822: String,
    updated: String,
    summary: String,
    content_html: String,
    tags: Vec<String>,
    author: Option<String>,
}

fn entry(post: Post, base_url: &str, author: Option<String>) -> Entry {
    let published = post.published_at.unwrap_or(post.updated_at);
    Entry {
        url: format!("{base_url}/posts/{}", path_segment(&post.slug)),
        published: published.to_rfc3339(),
        published_rfc2822: published.to_rfc2822(),
        updated: post.updated_at.max(published).to_rfc3339(),
        title: post.title,
        summary: post.description,
        content_html: post.body_html,
        tags: post.tags,
        author,
    }
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    date_published: &'a str,
    date_modified: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

struct Scope {
    filter: PostFilter,
    /// What the feed shows, for the page cache (its entries' authors are added).
    deps: Vec<Dep>,
    title: String,
    description: String,
    home_path: String,
    feed_path: String,
}

async fn render(state: &AppState, scope: Scope, format: Format) -> Result<HttpResponse, PageError> {
    let base_url = state.pages.base_url().to_owned();
    let posts = state.posts.recent_published(scope.filter, ENTRIES).await?;
    let newest: Option<DateTime<Utc>> = posts
        .iter()
        .map(|p| p.updated_at.max(p.published_at.unwrap_or(p.updated_at)))
        .max();
    let updated = newest.unwrap_or(DateTime::UNIX_EPOCH);
    let feed = FeedInfo {
        title: scope.title,
        description: scope.description,
        home_url: format!("{base_url}{}", scope.home_path),
        self_url: format!("{base_url}{}", scope.feed_path),
        updated: updated.to_rfc3339(),
        updated_rfc2822: updated.to_rfc2822(),
    };
    let names = authors(state, posts.iter().map(|p| p.author_id)).await?;
    let mut deps = scope.deps;
    deps.extend(names.keys().map(|id| Dep::Profile(*id)));
    let entries: Vec<Entry> = posts
        .into_iter()
        .map(|p| {
            let author = names.get(&p.author_id).map(|a| a.display_name.clone());
            entry(p, &base_url, author)
        })
        .collect();
    let body = match format {
        Format::Atom | Format::Rss => {
            let template = if matches!(format, Format::Atom) {
                "feeds/atom.xml"
            } else {
                "feeds/rss.xml"
            };
            state
                .pages
                .render(&Chrome::anonymous(), template, |context| {
                    context.insert("feed", &feed);
                    context.insert("entries", &entries);
                })?
        }
        Format::Json => {
            let json = JsonFeed {
                version: "https://jsonfeed.org/version/1.1",
                title: &feed.title,
                home_page_url: &feed.home_url,
                feed_url: &feed.self_url,
                description: &feed.description,
                items: entries
                    .iter()
                    .map(|e| JsonItem {
                        id: &e.url,
                        url: &e.url,
                        title: &e.title,
                        content_html: &e.content_html,
                        summary: &e.summary,
                        date_published: &e.published,
                        date_modified: &e.updated,
                        tags: &e.tags,
                        authors: e
                            .author
                            .as_deref()
                            .map(|name| JsonAuthor { name })
                            .into_iter()
                            .collect(),
                    })
                    .collect(),
            };
            serde_json::to_string(&json).map_err(|e| PageError::Unavailable(e.to_string()))?
        }
    };
    let response = HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body);
    Ok(cacheable(response, deps))
}

/// `GET /feed.{atom,rss,json}`.
pub(crate) async fn site(
    state: web::Data<AppState>,
    extension: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let format = Format::from_extension(&extension).ok_or(PageError::NotFound)?;
    let site = state.site.current();
    let title = site.title.clone();
    let scope = Scope {
        filter: PostFilter::default(),
        deps: vec![Dep::Listing],
        description: if site.description.is_empty() {
            format!("The newest posts of {title}")
        } else {
            site.description.clone()
        },
        title,
        home_path: "/".into(),
        feed_path: format!("/feed.{extension}"),
    };
    render(&state, scope, format).await
}

/// `GET /authors/{username}/feed.{atom,rss,json}`.
pub(crate) async fn author(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (username, extension) = path.into_inner();
    let format = Format::from_extension(&extension).ok_or(PageError::NotFound)?;
    let profile = state
        .profiles
        .by_username(&username)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?
        .ok_or(PageError::NotFound)?;
    let author_id = profile.id;
    let author = AuthorView::new(Byline::from(profile));
    let name = author.display_name;
    let segment = path_segment(&author.username);
    let scope = Scope {
        filter: PostFilter {
            author_id: Some(author_id),
            ..PostFilter::default()
        },
        deps: vec![Dep::AuthorPosts(author_id), Dep::Profile(author_id)],
        title: format!("{name} · {}", state.pages.site_title()),
        description: format!("Posts by {name} on {}", state.pages.site_title()),
        home_path: format!("/authors/{segment}"),
        feed_path: format!("/authors/{segment}/feed.{extension}"),
    };
    render(&state, scope, format).await
}

/// `GET /tags/{tag}/feed.{atom,rss,json}`.
pub(crate) async fn tag(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (tag, extension) = path.into_inner();
    let format = Format::from_extension(&extension).ok_or(PageError::NotFound)?;
    let segment = path_segment(&tag);
    let scope = Scope {
        filter: PostFilter {
            tag: Some(tag.clone()),
            ..PostFilter::default()
        },
        deps: vec![Dep::Tag(normalise_tag(&tag).unwrap_or_default())],
        title: format!("#{tag} · {}", state.pages.site_title()),
        description: format!("Posts tagged #{tag} on {}", state.pages.site_title()),
        home_path: format!("/tags/{segment}"),
        feed_path: format!("/tags/{segment}/feed.{extension}"),
    };
    render(&state, scope, format).await
}
