//! Plain data types of the search port.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Results per page when the asker says nothing (or 0).
pub const DEFAULT_PER_PAGE: u32 = 10;
/// Most results on one page; larger requests are clamped.
pub const MAX_PER_PAGE: u32 = 50;
/// Longest query taken; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;

/// What a reader asks for.
///
/// The query language: words (all must match, stemmed English), `"exact phrases"`,
/// `-word` to exclude, `tag:rust` (exact tag), `author:alice` (exact username). When the
/// exact query finds nothing, a typo-tolerant search of its words runs instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// The text typed.
    pub q: String,
    /// 1-based page; 0 reads as 1.
    #[serde(default = "first_page")]
    pub page: u32,
    /// Results per page; 0 reads as [`DEFAULT_PER_PAGE`], more than [`MAX_PER_PAGE`] as that.
    #[serde(default = "default_per_page")]
    pub per_page: u32,
}

fn first_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    DEFAULT_PER_PAGE
}

impl SearchQuery {
    /// The first page of results for `q`.
    pub fn new(q: impl Into<String>) -> Self {
        Self {
            q: q.into(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }

    /// The same query, page `page` of `per_page` results.
    pub fn page(mut self, page: u32, per_page: u32) -> Self {
        self.page = page;
        self.per_page = per_page;
        self
    }

    /// The page and page size actually served: page at least 1, size 1 to [`MAX_PER_PAGE`].
    pub fn clamped(&self) -> (u32, u32) {
        let per_page = match self.per_page {
            0 => DEFAULT_PER_PAGE,
            n => n.min(MAX_PER_PAGE),
        };
        (self.page.max(1), per_page)
    }
}

/// A byte range of [`Snippet::fragment`] to highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighlightRange {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A passage of the post's body around the matched words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The passage as safe HTML: everything escaped, matched words in `<mark>…</mark>`.
    pub html: String,
    /// The passage as plain text.
    pub fragment: String,
    /// What to highlight in `fragment`, in order, not overlapping.
    pub highlights: Vec<HighlightRange>,
}

/// One matching post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The post.
    pub post_id: i64,
    /// Its slug (link to `/posts/{slug}`).
    pub slug: String,
    /// Its title (plain text; escape when rendering).
    pub title: String,
    /// Its description (plain text).
    pub description: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// The author's profile id.
    pub author_id: i64,
    /// The author's username.
    pub author_username: String,
    /// The author's display name.
    pub author_name: String,
    /// When it went live.
    pub published_at: DateTime<Utc>,
    /// Relevance (higher is better), recency boost included; comparable within one answer.
    pub score: f32,
    /// The passage around the matched words.
    pub snippet: Snippet,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as understood (trimmed, shortened).
    pub query: String,
    /// This page's hits, best first.
    pub hits: Vec<SearchHit>,
    /// Matching posts in all.
    pub total: u64,
    /// The page served (after clamping).
    pub page: u32,
    /// The page size served (after clamping).
    pub per_page: u32,
    /// Whether these came from the typo-tolerant fallback ("showing results for similar
    /// words").
    pub fuzzy: bool,
}

impl SearchResults {
    /// No results for `query` on `page`.
    pub fn empty(query: impl Into<String>, page: u32, per_page: u32) -> Self {
        Self {
            query: query.into(),
            hits: Vec::new(),
            total: 0,
            page,
            per_page,
            fuzzy: false,
        }
    }

    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        u64::from(self.page) * u64::from(self.per_page) < self.total
    }
}

/// What a healthy index reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHealth {
    /// Posts in the index.
    pub documents: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped() {
        assert_eq!(
            SearchQuery::new("x").page(0, 0).clamped(),
            (1, DEFAULT_PER_PAGE)
        );
        assert_eq!(
            SearchQuery::new("x").page(3, 1000).clamped(),
            (3, MAX_PER_PAGE)
        );
        assert_eq!(SearchQuery::new("x").page(2, 5).clamped(), (2, 5));
    }

    #[test]
    fn a_query_without_paging_reads_as_the_first_page() {
        let q: SearchQuery = serde_json::from_str(r#"{"q":"rust"}"#).unwrap();
        assert_eq!(q, SearchQuery::new("rust"));
    }

    #[test]
    fn has_next_counts_pages() {
        let mut r = SearchResults::empty("q", 1, 10);
        r.total = 11;
        assert!(r.has_next());
        r.page = 2;
        assert!(!r.has_next());
    }
}
