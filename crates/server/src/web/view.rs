//! View models: what templates receive, built from the ports' types.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use posts_api::{PostPage, PostSummary};
use profiles_api::Byline;
use serde::Serialize;

use super::AppState;
use super::errors::PageError;

/// Characters escaped in one URL path segment: everything but unreserved ASCII.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` made safe as one path segment (`web dev` → `web%20dev`).
pub(crate) fn path_segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A date as readers see it: `25 November 2026`.
pub(crate) fn long_date(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

/// A tag with its URL path segment.
#[derive(Debug, Serialize)]
pub(crate) struct TagLink {
    pub(crate) name: String,
    pub(crate) path: String,
}

impl TagLink {
    pub(crate) fn new(name: String) -> Self {
        Self {
            path: path_segment(&name),
            name,
        }
    }
}

/// An author as bylines and cards show them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AuthorView {
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) avatar_url: Option<String>,
    pub(crate) bio_html: String,
    pub(crate) website_url: Option<String>,
}

impl AuthorView {
    pub(crate) fn new(byline: Byline) -> Self {
        Self {
            display_name: if byline.display_name.trim().is_empty() {
                byline.username.clone()
            } else {
                byline.display_name
            },
            username: byline.username,
            avatar_url: byline.avatar_url,
            bio_html: byline.bio_html,
            website_url: byline.website_url,
        }
    }
}

/// Authors of `ids`, fetched in one call to the profiles port (one query, no N+1).
pub(crate) async fn authors(
    state: &AppState,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, AuthorView>, PageError> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let bylines = state
        .profiles
        .bylines_by_ids(ids)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?;
    Ok(bylines
        .into_iter()
        .map(|byline| (byline.id, AuthorView::new(byline)))
        .collect())
}

/// A post in a list.
#[derive(Debug, Serialize)]
pub(crate) struct PostItem {
    slug: String,
    title: String,
    description: String,
    excerpt_html: String,
    published_at: String,
    published_on: String,
    reading_minutes: u32,
    tags: Vec<TagLink>,
    /// Absent when the author's account is gone.
    author: Option<AuthorView>,
    /// Visible comments.
    comments: u64,
}

impl PostItem {
    /// The list item for a published post (`None` for one without a date).
    pub(crate) fn from_summary(
        post: PostSummary,
        authors: &HashMap<i64, AuthorView>,
        comments: &HashMap<i64, u64>,
    ) -> Option<Self> {
        let published_at = post.published_at?;
        Some(Self {
            author: authors.get(&post.author_id).cloned(),
            comments: comments.get(&post.id).copied().unwrap_or_default(),
            slug: path_segment(&post.slug),
            title: post.title,
            description: post.description,
            excerpt_html: post.excerpt_html,
            published_at: published_at.to_rfc3339(),
            published_on: long_date(published_at),
            reading_minutes: post.reading_minutes,
            tags: post.tags.into_iter().map(TagLink::new).collect(),
        })
    }

    /// Every item of a page, with authors fetched in one batch and comment counts in one
    /// call.
    pub(crate) async fn list(state: &AppState, page: PostPage) -> Result<Vec<Self>, PageError> {
        let authors = authors(state, page.posts.iter().map(|p| p.author_id)).await?;
        let comments = if page.posts.is_empty() {
            HashMap::new()
        } else {
            state
                .comments
                .counts(page.posts.iter().map(|p| p.id).collect())
                .await?
        };
        Ok(page
            .posts
            .into_iter()
            .filter_map(|post| Self::from_summary(post, &authors, &comments))
            .collect())
    }
}

/// Links between the pages of a list whose first page lives at `base` and the others at
/// `{base}page/{n}` (`base` ends with `/`).
#[derive(Debug, Serialize)]
pub(crate) struct PageLinks {
    number: u32,
    previous_url: Option<String>,
    next_url: Option<String>,
}

impl PageLinks {
    /// For lists paginated by `?page=n` rather than `/page/n` (pages that are not crawled).
    pub(crate) fn use_query_pages(&mut self) {
        for url in [&mut self.previous_url, &mut self.next_url]
            .into_iter()
            .flatten()
        {
            if let Some((base, n)) = url.rsplit_once("/page/") {
                *url = format!("{base}?page={n}");
            }
        }
    }

    pub(crate) fn new(base: &str, page: &PostPage, number: u32) -> Self {
        let url = |n: u32| {
            if n <= 1 {
                base.to_owned()
            } else {
                format!("{base}page/{n}")
            }
        };
        Self {
            number,
            previous_url: (number > 1).then(|| url(number - 1)),
            next_url: page.has_next().then(|| url(number + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("web dev"), "web%20dev");
        assert_eq!(path_segment("c++"), "c%2B%2B");
        assert_eq!(path_segment("ünï"), "%C3%BCn%C3%AF");
        assert_eq!(path_segment("a-b_c.d~e"), "a-b_c.d~e");
    }
}
