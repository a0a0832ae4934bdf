//! Deriving the stored HTML and reading figures from a post's Markdown.

use kernel::markdown::{self, Profile};
use posts_api::TocItem;

/// Everything stored or sent that is derived from the Markdown.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    pub(crate) body_html: String,
    pub(crate) excerpt_html: String,
    pub(crate) toc: Vec<TocItem>,
    pub(crate) word_count: i32,
    pub(crate) reading_minutes: i32,
    pub(crate) plain_text: String,
}

impl Derived {
    /// The table of contents as stored (JSON).
    pub(crate) fn toc_json(&self) -> String {
        serde_json::to_string(&self.toc).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// Renders `body` with the rich *post* profile of the pipeline.
pub(crate) fn derive(body: &str) -> Derived {
    let rendered = markdown::render(body, Profile::Post);
    Derived {
        body_html: rendered.html,
        excerpt_html: rendered.excerpt_html,
        toc: rendered
            .toc
            .into_iter()
            .map(|entry| TocItem {
                level: entry.level,
                id: entry.id,
                title: entry.title,
            })
            .collect(),
        word_count: i32::try_from(rendered.word_count).unwrap_or(i32::MAX),
        reading_minutes: i32::try_from(rendered.reading_minutes).unwrap_or(i32::MAX),
        plain_text: rendered.plain_text,
    }
}
