//! `/archive`: published posts by year, grouped by month, newest first. `/archive` shows the
//! newest year, `/archive/{year}` any other; every page links all the years, so a site with
//! thousands of posts never renders them in one page.

use actix_web::{HttpResponse, web};
use posts_api::{ArchiveEntry, ArchiveYear};
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

/// `GET /archive`: the newest year.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
) -> Result<HttpResponse, PageError> {
    let years = state.posts.archive_years().await?;
    let newest = years.first().map(|y| y.year);
    render(&state, &chrome, years, newest).await
}

/// `GET /archive/{year}`; 404 for a year without posts.
pub(crate) async fn show_year(
    state: web::Data<AppState>,
    chrome: Chrome,
    year: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let year: i32 = year.parse().map_err(|_| PageError::NotFound)?;
    let years = state.posts.archive_years().await?;
    if !years.iter().any(|y| y.year == year) {
        return Err(PageError::NotFound);
    }
    render(&state, &chrome, years, Some(year)).await
}

/// A year's link in the archive's navigation.
#[derive(Serialize)]
struct YearLink {
    year: i32,
    posts: u64,
    current: bool,
}

async fn render(
    state: &AppState,
    chrome: &Chrome,
    years: Vec<ArchiveYear>,
    year: Option<i32>,
) -> Result<HttpResponse, PageError> {
    let months = match year {
        Some(year) => by_month(state.posts.archive_year(year).await?),
        None => Vec::new(),
    };
    let links: Vec<YearLink> = years
        .into_iter()
        .map(|y| YearLink {
            current: Some(y.year) == year,
            year: y.year,
            posts: y.posts,
        })
        .collect();
    let html = state.pages.render(chrome, "archive.html", |context| {
        context.insert("year", &year);
        context.insert("years", &links);
        context.insert("months", &months);
    })?;
    Ok(cacheable(chrome.html(html), vec![Dep::Listing]))
}
