//! First pass: Markdown to a normalised event stream.
//!
//! Applies the raw-HTML policy (see [`super::raw_html`]), gives headings their ids and levels,
//! builds the table of contents, and finds the excerpt. The events it returns are still
//! semantic (links, images, code blocks, footnotes untouched) and contain no `Html` or
//! `InlineHtml` event, so later passes can trust every HTML fragment they see.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::headings::IdSet;
use super::raw_html::{is_more_marker, strip_comments};
use super::{Profile, TocEntry};

/// The Markdown dialect: CommonMark plus the GitHub-style extensions Quire supports.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A parsed, normalised document.
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    /// The normalised events of the whole document.
    pub(crate) events: Vec<Event<'a>>,
    /// Headings in document order (empty for comments).
    pub(crate) toc: Vec<TocEntry>,
    /// Ids handed out so far, so later passes (footnotes) do not collide with headings.
    pub(crate) ids: IdSet,
    /// The events of the excerpt: all top-level content before `<!-- more -->`, else the
    /// first top-level paragraph, else nothing.
    pub(crate) excerpt: Range<usize>,
}

/// Parses `markdown` and normalises its events for `profile`.
pub(crate) fn parse(markdown: &str, profile: Profile) -> Parsed<'_> {
    let mut normalizer = Normalizer {
        profile,
        events: Vec::new(),
        toc: Vec::new(),
        ids: IdSet::default(),
        depth: 0,
        html_block: None,
        heading: None,
        more_at: None,
        first_paragraph: None,
        paragraph_start: None,
    };
    let mut depth = 0;
    for event in Parser::new_ext(markdown, options()) {
        if let Some(event) = limit_nesting(event, &mut depth) {
            normalizer.push(event);
        }
    }
    normalizer.finish()
}

/// Deepest nesting of tags kept. Deeper tags are dropped and their content is kept, so
/// `>>>>>>… x` still says `x`. Real documents stay far below this; the limit keeps
/// html5ever (inside the sanitizer), whose cost grows with the square of the nesting depth,
/// linear: 100,000 nested quotes would otherwise take a minute.
const MAX_NESTING: usize = 48;

/// Passes `event` on unless it opens or closes a tag nested deeper than [`MAX_NESTING`].
/// `depth` counts the open tags, kept or not (pulldown-cmark's events are well nested, so
/// the kept ones are exactly the outermost [`MAX_NESTING`]).
fn limit_nesting<'a>(event: Event<'a>, depth: &mut usize) -> Option<Event<'a>> {
    match event {
        Event::Start(_) => {
            *depth += 1;
            (*depth <= MAX_NESTING).then_some(event)
        }
        Event::End(_) => {
            let kept = *depth <= MAX_NESTING;
            *depth = depth.saturating_sub(1);
            kept.then_some(event)
        }
        other => Some(other),
    }
}

/// An open heading: where its start event sits, its (adjusted) level, its explicit id.
#[derive(Debug)]
struct OpenHeading<'a> {
    start: usize,
    level: HeadingLevel,
    explicit_id: Option<CowStr<'a>>,
}

#[derive(Debug)]
struct Normalizer<'a> {
    profile: Profile,
    events: Vec<Event<'a>>,
    toc: Vec<TocEntry>,
    ids: IdSet,
    /// Open tags around the current event.
    depth: usize,
    /// The raw text of the HTML block being read, if any.
    html_block: Option<String>,
    heading: Option<OpenHeading<'a>>,
    more_at: Option<usize>,
    first_paragraph: Option<Range<usize>>,
    paragraph_start: Option<usize>,
}

impl<'a> Normalizer<'a> {
    fn push(&mut self, event: Event<'a>) {
        match event {
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(String::new()),
            Event::End(TagEnd::HtmlBlock) => {
                let html = self.html_block.take().unwrap_or_default();
                self.end_html_block(&html);
            }
            Event::Html(html) | Event::InlineHtml(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => {
                    let visible = strip_comments(&html);
                    if !visible.is_empty() {
                        self.emit(Event::Text(visible.into()));
                    }
                }
            },
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = match self.profile {
                    Profile::Post => level,
                    Profile::Comment => level.max(HeadingLevel::H4),
                };
                self.heading = Some(OpenHeading {
                    start: self.events.len(),
                    level,
                    explicit_id: id,
                });
                self.emit(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => match self.heading.take() {
                Some(heading) => self.end_heading(heading),
                None => self.emit(Event::End(TagEnd::Heading(level))),
            },
            other => self.emit(other),
        }
    }

    /// Appends an event, tracking nesting and the first top-level paragraph.
    fn emit(&mut self, event: Event<'a>) {
        match &event {
            Event::Start(tag) => {
                if self.depth == 0 && matches!(tag, Tag::Paragraph) {
                    self.paragraph_start = Some(self.events.len());
                }
                self.depth += 1;
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0
                    && let Some(start) = self.paragraph_start.take()
                    && self.first_paragraph.is_none()
                {
                    self.first_paragraph = Some(start..self.events.len() + 1);
                }
            }
            _ => {}
        }
        self.events.push(event);
    }

    /// A finished HTML block: the excerpt marker, a comment (dropped), or text shown escaped.
    fn end_html_block(&mut self, html: &str) {
        if is_more_marker(html) {
            if self.depth == 0 && self.more_at.is_none() {
                self.more_at = Some(self.events.len());
            }
            return;
        }
        let visible = strip_comments(html);
        let visible = visible.trim_end();
        if visible.trim_start().is_empty() {
            return;
        }
        self.emit(Event::Start(Tag::Paragraph));
        self.emit(Event::Text(visible.to_owned().into()));
        self.emit(Event::End(TagEnd::Paragraph));
    }

    /// Gives the heading that just ended its id (posts only) and its place in the TOC.
    fn end_heading(&mut self, heading: OpenHeading<'a>) {
        if self.profile == Profile::Post {
            let title = heading_title(self.events.get(heading.start + 1..).unwrap_or_default());
            let id = self.ids.heading_id(heading.explicit_id.as_deref(), &title);
            if let Some(Event::Start(Tag::Heading { id: slot, .. })) =
                self.events.get_mut(heading.start)
            {
                *slot = Some(id.clone().into());
            }
            self.toc.push(TocEntry {
                level: heading_level_number(heading.level),
                id,
                title,
            });
        }
        self.emit(Event::End(TagEnd::Heading(heading.level)));
    }

    fn finish(self) -> Parsed<'a> {
        let excerpt = match (self.more_at, self.first_paragraph) {
            (Some(end), _) => 0..end,
            (None, Some(paragraph)) => paragraph,
            (None, None) => 0..0,
        };
        Parsed {
            events: self.events,
            toc: self.toc,
            ids: self.ids,
            excerpt,
        }
    }
}

/// The visible text of a heading's content, whitespace collapsed.
fn heading_title(events: &[Event<'_>]) -> String {
    let mut title = String::new();
    for event in events {
        match event {
            Event::Text(text) | Event::Code(text) => title.push_str(text),
            Event::SoftBreak | Event::HardBreak => title.push(' '),
            _ => {}
        }
    }
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `H1` → 1 … `H6` → 6.
fn heading_level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
