//! `GET /api/search`: the search page's results as JSON.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, SecondsFormat, Utc};
use search_api::{SearchError, SearchHit, SearchQuery, SearchResults};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::errors::ApiError;
use crate::web::AppState;

/// Results per page unless asked otherwise.
const DEFAULT_PER_PAGE: u32 = 10;

/// What to search for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Words, `"phrases"`, `-excluded`, `tag:name`, `author:username`; empty finds nothing.
    q: Option<String>,
    /// Page of results, from 1 (default 1).
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Results per page: 1 to 50 (larger values are clamped), default 10.
    #[param(minimum = 1)]
    per_page: Option<u32>,
}

/// A passage of the post around the matched words.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SnippetDto {
    /// HTML: the text escaped, the matched words in `<mark>`.
    html: String,
    /// The same passage as plain text.
    fragment: String,
}

/// One matching post.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchHitDto {
    /// The post's slug (`/posts/{slug}`, or `/api/articles/{slug}`).
    slug: String,
    /// Title (plain text).
    title: String,
    /// Description (plain text).
    description: String,
    /// Tags.
    tag_list: Vec<String>,
    /// The author's username.
    author: String,
    /// The author's display name.
    author_name: String,
    /// When the post went live (RFC 3339, milliseconds, UTC).
    published_at: String,
    /// Relevance, higher is better; comparable within one answer.
    score: f32,
    /// The passage around the matched words.
    snippet: SnippetDto,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchResponse {
    /// The query as understood.
    query: String,
    /// This page's hits, best first.
    hits: Vec<SearchHitDto>,
    /// Matching posts in all.
    total: u64,
    /// The page served.
    page: u32,
    /// The page size served.
    per_page: u32,
    /// Whether nothing matched exactly and these are posts with similar words.
    fuzzy: bool,
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl From<SearchHit> for SearchHitDto {
    fn from(hit: SearchHit) -> Self {
        Self {
            slug: hit.slug,
            title: hit.title,
            description: hit.description,
            tag_list: hit.tags,
            author: hit.author_username,
            author_name: hit.author_name,
            published_at: timestamp(hit.published_at),
            score: hit.score,
            snippet: SnippetDto {
                html: hit.snippet.html,
                fragment: hit.snippet.fragment,
            },
        }
    }
}

impl From<SearchResults> for SearchResponse {
    fn from(results: SearchResults) -> Self {
        Self {
            query: results.query,
            hits: results.hits.into_iter().map(SearchHitDto::from).collect(),
            total: results.total,
            page: results.page,
            per_page: results.per_page,
            fuzzy: results.fuzzy,
        }
    }
}

/// Search posts
///
/// Full-text search over published posts, ranked by relevance with a gentle lift for recent
/// posts; a typo-tolerant fallback when nothing matches exactly. Nothing typed is an error.
#[utoipa::path(
    get, path = "/api/search", operation_id = "SearchPosts", tag = "Articles",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of results", body = SearchResponse),
        (status = 422, description = "A parameter is not a number", body = super::dto::ErrorBody),
        (status = 503, description = "Search is temporarily unavailable", body = super::dto::ErrorBody),
    )
)]
pub(crate) async fn search(
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let q = params.q.unwrap_or_default().trim().to_owned();
    let query = SearchQuery::new(q.clone()).page(
        params.page.unwrap_or(1).max(1),
        params.per_page.unwrap_or(DEFAULT_PER_PAGE),
    );
    if q.is_empty() {
        let (page, per_page) = query.clamped();
        return Ok(
            HttpResponse::Ok().json(SearchResponse::from(SearchResults::empty(
                "", page, per_page,
            ))),
        );
    }
    match state.search.search(query).await {
        Ok(results) => Ok(HttpResponse::Ok().json(SearchResponse::from(results))),
        Err(SearchError::Unavailable(reason)) => {
            tracing::warn!(%reason, "search unavailable");
            Err(ApiError::Unavailable(
                "Search is temporarily unavailable; try again in a moment.".into(),
            ))
        }
        Err(other) => Err(ApiError::Invalid {
            field: "q".into(),
            message: other.to_string(),
        }),
    }
}
