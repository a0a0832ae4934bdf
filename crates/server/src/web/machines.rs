//! Pages for machines: `/sitemap.xml` and `/robots.txt`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::chrome::Chrome;
use super::errors::PageError;
use super::page_cache::{Dep, cacheable};
use super::view::path_segment;

#[derive(Serialize)]
struct Url {
    loc: String,
    lastmod: Option<String>,
}

/// `GET /sitemap.xml`: the home page, the archive, every published post and every tag.
pub(crate) async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let base = state.pages.base_url().to_owned();
    let entries = state.posts.archive().await?;
    let tags = state.posts.tags().await?;
    let newest = entries.iter().map(|e| e.updated_at).max();
    let mut urls = vec![
        Url {
            loc: format!("{base}/"),
            lastmod: newest.map(|t| t.to_rfc3339()),
        },
        Url {
            loc: format!("{base}/archive"),
            lastmod: newest.map(|t| t.to_rfc3339()),
        },
    ];
    urls.extend(entries.into_iter().map(|entry| Url {
        loc: format!("{base}/posts/{}", path_segment(&entry.slug)),
        lastmod: Some(entry.updated_at.to_rfc3339()),
    }));
    urls.extend(tags.into_iter().map(|tag| Url {
        loc: format!("{base}/tags/{}", path_segment(&tag.tag)),
        lastmod: None,
    }));
    let xml = state
        .pages
        .render(&Chrome::anonymous(), "sitemap.xml", |context| {
            context.insert("urls", &urls)
        })?;
    let response = HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(xml);
    Ok(cacheable(response, vec![Dep::Listing]))
}

/// `GET /robots.txt`: everything readers see may be crawled; account and author pages not.
pub(crate) async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/\nDisallow: /dashboard\n\
         Disallow: /login\nDisallow: /logout\nDisallow: /moderation\nDisallow: /settings\n\
         Disallow: /signup\nDisallow: /write\n\nSitemap: {}/sitemap.xml\n",
        state.pages.base_url()
    );
    let response = HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body);
    // Only the site's address shows: a settings change clears the whole cache.
    cacheable(response, Vec::new())
}
