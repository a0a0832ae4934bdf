//! `/search?q=…`: the search page (`/api/search` gives the same as JSON).
//!
//! It asks the search port (in-process or a `quire-search` service). Empty queries answer
//! with the form alone; when the index or the service is down, the page says so (503) and
//! every other page is unaffected.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use search_api::{SearchError, SearchQuery};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::chrome::Chrome;
use super::errors::PageError;
use super::view::{long_date, path_segment};

/// Results per page on the search page.
const PER_PAGE: u32 = 10;
/// The deepest page served: beyond it, refine the query.
const MAX_PAGE: u32 = 100;

/// The query string both endpoints take; anything unreadable counts as absent.
#[derive(Debug, Default, Deserialize)]
struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
}

impl Params {
    fn of(request: &HttpRequest) -> Self {
        web::Query::<Params>::from_query(request.query_string())
            .map(web::Query::into_inner)
            .unwrap_or_default()
    }

    fn page(&self) -> u32 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .unwrap_or(1)
            .clamp(1, MAX_PAGE)
    }
}

/// One result as the template shows it.
#[derive(Debug, Serialize)]
struct HitView {
    path: String,
    title: String,
    description: String,
    author_name: String,
    author_path: String,
    published_at: String,
    published_on: String,
    snippet_html: String,
}

/// Links to the neighbouring pages of results.
#[derive(Debug, Serialize)]
struct ResultPages {
    previous: Option<String>,
    next: Option<String>,
}

fn page_url(q: &str, page: u32) -> String {
    format!("/search?q={}&page={page}", path_segment(q))
}

/// `GET /search?q=…&page=…`.
pub(crate) async fn page(
    state: web::Data<AppState>,
    chrome: Chrome,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let params = Params::of(&request);
    let q = params.q.trim().to_owned();
    let number = params.page();
    let outcome = if q.is_empty() {
        Ok(None)
    } else {
        state
            .search
            .search(SearchQuery::new(q.clone()).page(number, PER_PAGE))
            .await
            .map(Some)
    };
    let (status, results, unavailable) = match outcome {
        Ok(results) => (StatusCode::OK, results, false),
        Err(SearchError::Unavailable(reason)) => {
            tracing::warn!(%reason, "search unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, None, true)
        }
        // Nothing a reader types is invalid to the search module; answer with no results.
        Err(other) => {
            tracing::warn!(error = %other, "search refused a query");
            (StatusCode::OK, None, false)
        }
    };
    let hits: Vec<HitView> = results
        .as_ref()
        .map(|r| r.hits.iter().map(hit_view).collect())
        .unwrap_or_default();
    let pages = results.as_ref().map(|r| ResultPages {
        previous: (r.page > 1).then(|| page_url(&q, r.page - 1)),
        next: (r.has_next() && r.page < MAX_PAGE).then(|| page_url(&q, r.page + 1)),
    });
    let html = state.pages.render(&chrome, "search.html", |context| {
        context.insert("q", &q);
        context.insert("hits", &hits);
        context.insert("total", &results.as_ref().map_or(0, |r| r.total));
        context.insert("fuzzy", &results.as_ref().is_some_and(|r| r.fuzzy));
        context.insert("searched", &results.is_some());
        context.insert("unavailable", &unavailable);
        context.insert("pages", &pages);
    })?;
    Ok(chrome.page(status, html))
}

fn hit_view(hit: &search_api::SearchHit) -> HitView {
    HitView {
        path: path_segment(&hit.slug),
        title: hit.title.clone(),
        description: hit.description.clone(),
        author_name: hit.author_name.clone(),
        author_path: path_segment(&hit.author_username),
        published_at: hit.published_at.to_rfc3339(),
        published_on: long_date(hit.published_at),
        // Escaped by the search module except for its <mark> elements.
        snippet_html: hit.snippet.html.clone(),
    }
}
