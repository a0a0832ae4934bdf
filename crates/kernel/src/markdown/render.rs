//! Second pass: normalised events to (not yet sanitized) HTML.
//!
//! Rewrites the events pulldown-cmark's HTML writer would render in a way Quire does not
//! want: code blocks become highlighted HTML, links get `rel` (and links to `javascript:` and
//! the like become their text), images get lazy loading (or become their alt text in comments
//! and when their URL is a script), footnotes move to a numbered list at the end. Every
//! `Html`/`InlineHtml` event here is one this module wrote.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};

use super::Profile;
use super::footnotes::Footnotes;
use super::headings::IdSet;
use super::highlight;
use super::html;

/// What is being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The whole document, footnotes and heading ids included.
    Document,
    /// An excerpt shown away from the document: no heading ids (they would repeat on a list
    /// page), no footnotes (their targets are not there).
    Excerpt,
}

/// Renders normalised events to HTML. `ids` are the ids already used by headings.
pub(crate) fn to_html<'a>(
    events: Vec<Event<'a>>,
    profile: Profile,
    part: Part,
    ids: &mut IdSet,
) -> String {
    let mut footnotes = Footnotes::new(&events, profile == Profile::Post);
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    // The footnote definition being read, if any.
    let mut definition: Option<String> = None;
    let mut in_dropped_link = false;
    let mut budget = highlight::HIGHLIGHT_BUDGET;
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => Some(info),
                    CodeBlockKind::Indented => None,
                };
                let code = take_code(&mut events);
                Event::Html(highlight::code_block(&code, info.as_deref(), &mut budget).into())
            }
            // A link to a script URL is only its text (links do not nest, so one flag does).
            Event::Start(Tag::Link { dest_url, .. }) if html::is_script_url(&dest_url) => {
                in_dropped_link = true;
                continue;
            }
            Event::End(TagEnd::Link) if in_dropped_link => {
                in_dropped_link = false;
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => Event::InlineHtml(link_open(profile, link_type, &dest_url, &title).into()),
            Event::End(TagEnd::Link) => Event::InlineHtml(CowStr::Borrowed("</a>")),
            // Images in posts; in comments, and for script URLs, only their alt text.
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let alt = take_alt_text(&mut events);
                if profile == Profile::Post && !html::is_script_url(&dest_url) {
                    Event::InlineHtml(html::image(&dest_url, &alt, &title).into())
                } else if alt.is_empty() {
                    continue;
                } else {
                    Event::Text(alt.into())
                }
            }
            Event::Start(Tag::Heading { level, .. }) if part == Part::Excerpt => {
                Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                })
            }
            Event::FootnoteReference(label) => match part {
                Part::Document => footnotes.reference(&label, ids),
                Part::Excerpt => continue,
            },
            Event::Start(Tag::FootnoteDefinition(label)) => {
                definition = match part {
                    Part::Document => footnotes.start_definition(&label),
                    Part::Excerpt => None,
                };
                if definition.is_none() {
                    skip_definition(&mut events);
                }
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                definition = None;
                continue;
            }
            other => other,
        };
        match &definition {
            Some(key) => footnotes.push_body(key, event),
            None => out.push(event),
        }
    }
    if part == Part::Document {
        out.extend(footnotes.finish());
    }
    let mut html = String::with_capacity(out.len() * 16);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

/// The opening `<a>` of a link. External links in posts get `rel="noopener"`; in comments
/// the sanitizer sets `rel` on every link.
fn link_open(profile: Profile, link_type: LinkType, dest: &str, title: &str) -> String {
    let href = match link_type {
        LinkType::Email => format!("mailto:{dest}"),
        _ => dest.to_owned(),
    };
    let rel = (profile == Profile::Post && html::is_external(&href)).then_some("noopener");
    html::link_open(&href, title, rel)
}

/// The text of a code block, consuming events up to its end.
fn take_code<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> String {
    let mut code = String::new();
    for event in events.by_ref() {
        match event {
            Event::Text(text) => code.push_str(&text),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    code
}

/// The text content of an image (its alt text), consuming events up to its end.
fn take_alt_text<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> String {
    let mut alt = String::new();
    let mut depth = 1_usize;
    for event in events.by_ref() {
        match event {
            Event::Text(text) | Event::Code(text) => alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    alt
}

/// Consumes the events of a footnote definition that is not rendered.
fn skip_definition<'a>(events: &mut impl Iterator<Item = Event<'a>>) {
    for event in events.by_ref() {
        if matches!(event, Event::End(TagEnd::FootnoteDefinition)) {
            break;
        }
    }
}
