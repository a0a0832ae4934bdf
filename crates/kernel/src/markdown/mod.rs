//! Markdown to safe HTML: the one way Quire turns what people write into what readers see.
//!
//! [`render()`] parses CommonMark with tables, footnotes, strikethrough, task lists, smart
//! punctuation and heading attributes (pulldown-cmark), rewrites the event stream (heading ids,
//! highlighted code, link `rel`, lazy images, footnotes), renders it, and sanitizes the result
//! with an allow-list (ammonia) for the [`Profile`]: posts are written by trusted authors,
//! comments by anyone.
//!
//! Raw HTML in the Markdown is never markup: it is shown escaped, as the text the author
//! typed, except HTML comments, which are dropped. A `<!-- more -->` line at the top level
//! ends the excerpt.

mod footnotes;
mod headings;
mod highlight;
mod html;
mod parse;
mod raw_html;
mod render;
mod sanitize;
mod text;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use render::Part;

/// Who wrote the Markdown, which decides what the output may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profile {
    /// A post by an author of the site: headings with ids and a table of contents, images,
    /// `rel="noopener"` on external links.
    Post,
    /// A comment by anyone: no images (their alt text is kept), headings no larger than `h4`,
    /// no ids, and `rel="noopener nofollow ugc"` on every link.
    Comment,
}

/// One heading of a post, for its table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// Heading level, 1 to 6.
    pub level: u8,
    /// The heading's `id`, unique within the document (link to it with `#id`).
    pub id: String,
    /// The heading's text, without markup.
    pub title: String,
}

/// The result of rendering one Markdown document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// Sanitized HTML of the whole document.
    pub html: String,
    /// Headings in document order (posts; always empty for comments).
    pub toc: Vec<TocEntry>,
    /// Sanitized HTML of the excerpt: the top-level content before a `<!-- more -->` line if
    /// there is one, else the first top-level paragraph; without heading ids or footnotes.
    pub excerpt_html: String,
    /// The text without markup or code-fence info strings, whitespace collapsed: for search
    /// and meta descriptions.
    pub plain_text: String,
    /// Number of words in [`Rendered::plain_text`].
    pub word_count: usize,
    /// Minutes to read at 230 words a minute, rounded up; 0 only when there are no words.
    pub reading_minutes: u32,
}

/// Renders `markdown` to sanitized HTML and the data derived from it, for `profile`.
///
/// Never panics, whatever the input.
pub fn render(markdown: &str, profile: Profile) -> Rendered {
    let parse::Parsed {
        events,
        toc,
        mut ids,
        excerpt,
    } = parse::parse(markdown, profile);

    let plain_text = text::plain_text(&events);
    let word_count = text::word_count(&plain_text);

    let excerpt_events = events.get(excerpt).unwrap_or_default().to_vec();
    let excerpt_html = render::to_html(excerpt_events, profile, Part::Excerpt, &mut ids);
    let html = render::to_html(events, profile, Part::Document, &mut ids);

    Rendered {
        html: sanitize::clean(&html, profile),
        toc,
        excerpt_html: sanitize::clean(&excerpt_html, profile),
        plain_text,
        word_count,
        reading_minutes: text::reading_minutes(word_count),
    }
}

/// The stylesheet for highlighted code: a light theme, and a dark theme inside
/// `@media (prefers-color-scheme: dark)`. Serve it with the site's CSS.
pub fn highlight_css() -> String {
    highlight::css()
}
