//! View models: what templates receive, built from the ports' types.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use posts_api::{PostPage, PostSummary};
use serde::Serialize;

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
}

impl PostItem {
    /// The list item for a published post (`None` for one without a date).
    pub(crate) fn from_summary(post: PostSummary) -> Option<Self> {
        let published_at = post.published_at?;
        Some(Self {
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

    /// Every item of a page.
    pub(crate) fn list(page: PostPage) -> Vec<Self> {
        page.posts
            .into_iter()
            .filter_map(Self::from_summary)
            .collect()
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
