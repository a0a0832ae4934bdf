//! Footnotes: numbered by first reference, gathered in a list at the end of the document.
//!
//! Posts get GitHub-style links both ways (`#fn-1` and `#fnref-1`, uniqued against heading
//! ids); comments get the numbers only, because ids from untrusted content would collide with
//! the page's own and with other comments' on the same page.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::headings::IdSet;

/// One footnote definition and the references to it.
#[derive(Debug)]
struct Note<'a> {
    /// Number shown, in order of first reference (0 until referenced).
    number: usize,
    /// Id of the definition's list item (posts only).
    id: Option<String>,
    /// Ids of the references, for the back-links (posts only).
    ref_ids: Vec<String>,
    /// The definition's content, already rendered to events.
    body: Vec<Event<'a>>,
    /// Whether the definition was read (a repeated definition of the same label is dropped).
    read: bool,
}

/// Collects references and definitions during rendering.
#[derive(Debug)]
pub(crate) struct Footnotes<'a> {
    linked: bool,
    notes: HashMap<String, Note<'a>>,
    /// Labels in definition order.
    defined: Vec<String>,
    referenced: usize,
}

/// The key under which a label is looked up: case-insensitive, whitespace collapsed.
fn key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'a> Footnotes<'a> {
    /// Prepares for a document whose events are `events`; `linked` adds ids and links.
    pub(crate) fn new(events: &[Event<'a>], linked: bool) -> Self {
        let mut notes = HashMap::new();
        let mut defined = Vec::new();
        for event in events {
            if let Event::Start(Tag::FootnoteDefinition(label)) = event {
                let key = key(label);
                if let Entry::Vacant(slot) = notes.entry(key) {
                    defined.push(slot.key().clone());
                    slot.insert(Note {
                        number: 0,
                        id: None,
                        ref_ids: Vec::new(),
                        body: Vec::new(),
                        read: false,
                    });
                }
            }
        }
        Footnotes {
            linked,
            notes,
            defined,
            referenced: 0,
        }
    }

    /// The HTML for a reference to `label`, numbering the footnote on first use.
    pub(crate) fn reference(&mut self, label: &str, ids: &mut IdSet) -> Event<'a> {
        let Some(note) = self.notes.get_mut(&key(label)) else {
            return Event::Text(format!("[^{label}]").into());
        };
        if note.number == 0 {
            self.referenced += 1;
            note.number = self.referenced;
            if self.linked {
                note.id = Some(ids.claim(&format!("fn-{}", note.number)));
            }
        }
        let mut html = String::from("<sup>");
        match &note.id {
            Some(id) => {
                let ref_id = ids.claim(&format!("fnref-{}", note.number));
                let _ = write!(
                    html,
                    "<a href=\"#{id}\" id=\"{ref_id}\">{}</a>",
                    note.number
                );
                note.ref_ids.push(ref_id);
            }
            None => {
                let _ = write!(html, "{}", note.number);
            }
        }
        html.push_str("</sup>");
        Event::InlineHtml(html.into())
    }

    /// Starts reading the definition of `label`; returns the key to pass to
    /// [`Self::push_body`], or `None` when this label was already defined (first one wins).
    pub(crate) fn start_definition(&mut self, label: &str) -> Option<String> {
        let key = key(label);
        let note = self.notes.get_mut(&key)?;
        if note.read {
            return None;
        }
        note.read = true;
        Some(key)
    }

    /// Appends an event to the definition being read.
    pub(crate) fn push_body(&mut self, key: &str, event: Event<'a>) {
        if let Some(note) = self.notes.get_mut(key) {
            note.body.push(event);
        }
    }

    /// The footnote list, to append at the end of the document (nothing if there are none).
    pub(crate) fn finish(mut self) -> Vec<Event<'a>> {
        if self.defined.is_empty() {
            return Vec::new();
        }
        // Referenced notes by number, then unreferenced ones in definition order.
        let mut order: Vec<String> = self.defined.clone();
        order.sort_by_key(|key| match self.notes.get(key) {
            Some(note) if note.number > 0 => note.number,
            _ => usize::MAX,
        });
        let mut events = vec![Event::Html(CowStr::Borrowed("<section>\n<ol>\n"))];
        for key in order {
            let Some(note) = self.notes.remove(&key) else {
                continue;
            };
            events.push(Event::Html(match &note.id {
                Some(id) => format!("<li id=\"{id}\">").into(),
                None => CowStr::Borrowed("<li>"),
            }));
            let backlinks = note
                .ref_ids
                .iter()
                .enumerate()
                .map(|(i, ref_id)| {
                    format!(
                        " <a href=\"#{ref_id}\" aria-label=\"Back to reference {}{}\">↩</a>",
                        note.number,
                        if note.ref_ids.len() > 1 {
                            format!(" ({})", i + 1)
                        } else {
                            String::new()
                        }
                    )
                })
                .collect::<String>();
            let mut body = note.body;
            if !backlinks.is_empty() {
                // Inside the last paragraph when there is one, else after the content.
                let at = match body.last() {
                    Some(Event::End(TagEnd::Paragraph)) => body.len() - 1,
                    _ => body.len(),
                };
                body.insert(at, Event::InlineHtml(backlinks.into()));
            }
            events.extend(body);
            events.push(Event::Html(CowStr::Borrowed("</li>\n")));
        }
        events.push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
        events
    }
}
