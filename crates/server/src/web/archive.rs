//! `/archive`: every published post, grouped by month, newest first.

use actix_web::{HttpResponse, web};
use posts_api::ArchiveEntry;
use serde::Serialize;

use super::AppState;
use super::chrome::Chrome;
use super::errors::PageError;
use super::page_cache::{Dep, cacheable};
use super::view::path_segment;

#[derive(Serialize)]
struct Month {
    key: String,
    label: String,
    posts: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    slug: String,
    title: String,
    published_at: String,
    day: String,
}

fn by_month(entries: Vec<ArchiveEntry>) -> Vec<Month> {
    let mut months: Vec<Month> = Vec::new();
    for entry in entries {
        let key = entry.published_at.format("%Y-%m").to_string();
        if months.last().is_none_or(|m| m.key != key) {
            months.push(Month {
                label: entry.published_at.format("%B %Y").to_string(),
                key,
                posts: Vec::new(),
            });
        }
        if let Some(month) = months.last_mut() {
            month.posts.push(Entry {
                slug: path_segment(&entry.slug),
                title: entry.title,
                published_at: entry.published_at.to_rfc3339(),
                day: entry.published_at.format("%-d %b").to_string(),
            });
        }
    }
    months
}

/// `GET /archive`.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
) -> Result<HttpResponse, PageError> {
    let months = by_month(state.posts.archive().await?);
    let html = state.pages.render(&chrome, "archive.html", |context| {
        context.insert("months", &months)
    })?;
    Ok(cacheable(chrome.html(html), vec![Dep::Listing]))
}
