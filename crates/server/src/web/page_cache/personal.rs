//! Signed-in pages from a cached template.
//!
//! Most signed-in readers of a post see the same page as each other: only the header (their
//! name, the sign-out form), the CSRF token and the comment forms' idempotency keys are
//! theirs. Such a page is rendered once for "any signed-in reader" with [`Slots`] in those
//! places, kept in the [`PageCache`](super::PageCache) beside the anonymous pages (evicted by
//! the same events), and filled per request: a header render and a copy.
//!
//! Readers who see more than that — the post's author, anyone who may moderate, anyone who
//! has commented on it (they see their pending comments, their own edit links, moderation
//! controls, the post's edit link) — get the same template with two parts of their own: the
//! post's editor links and the comment section ([`ReadersOwn`]). Those are rendered for
//! them, kept in the cache under their id (evicted by any change to the post, its comments,
//! or the profiles they name), and filled with fresh tokens per request like the template;
//! an edit link's window running out replaces them. [`PersonalTemplate::fits`] tells the two
//! kinds of reader apart.

use std::collections::HashSet;
use std::ops::Range;

use chrono::{DateTime, Utc};

/// Distinct placeholders for the per-request parts of a template. Each process draws a
/// random nonce, so no text a user writes can forge one.
#[derive(Debug, Clone)]
pub(crate) struct Slots {
    prefix: String,
}

/// Marks what a slot stands for; follows the common prefix.
const HEADER: u8 = b'h';
const CSRF: u8 = b'c';
const KEY: u8 = b'k';
const EDITOR: u8 = b'e';
const SECTION_START: u8 = b's';
const SECTION_END: u8 = b'z';

impl Slots {
    /// Slots with a fresh random nonce (a fixed one if the system has no randomness; then
    /// a slot could at worst be imitated, which shows text in the wrong place, nothing more:
    /// the filled-in values are the reader's own).
    pub(crate) fn new() -> Self {
        let mut nonce = [0u8; 16];
        if getrandom::fill(&mut nonce).is_err() {
            nonce = *b"quire-no-entropy";
        }
        let hex = kernel::hex::lower_hex(&nonce);
        Self {
            prefix: format!("qslot{hex}"),
        }
    }

    fn slot(&self, kind: u8) -> String {
        format!("{}{}", self.prefix, char::from(kind))
    }

    /// Where the header goes (inserted raw into the page).
    pub(crate) fn header(&self) -> String {
        self.slot(HEADER)
    }

    /// Where the reader's CSRF token goes.
    pub(crate) fn csrf(&self) -> String {
        self.slot(CSRF)
    }

    /// Where a fresh idempotency key goes (one per form).
    pub(crate) fn key(&self) -> String {
        self.slot(KEY)
    }

    /// Where the post's editor links go for those who may edit it (empty for the others).
    pub(crate) fn editor(&self) -> String {
        self.slot(EDITOR)
    }

    /// Where the section that differs per reader (the comments) starts.
    pub(crate) fn section_start(&self) -> String {
        self.slot(SECTION_START)
    }

    /// Where that section ends.
    pub(crate) fn section_end(&self) -> String {
        self.slot(SECTION_END)
    }
}

impl Default for Slots {
    fn default() -> Self {
        Self::new()
    }
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Bytes of the rendered page, as they are.
    Text(Range<usize>),
    Header,
    Csrf,
    Key,
    Editor,
    SectionStart,
    SectionEnd,
}

/// Rendered HTML cut at its slots.
#[derive(Debug)]
struct Cut {
    html: String,
    pieces: Vec<Piece>,
}

impl Cut {
    /// `None` if `html` holds a slot of a kind this version does not know.
    fn parse(html: String, slots: &Slots) -> Option<Self> {
        let mut pieces = Vec::new();
        let mut start = 0;
        while let Some(found) = html[start..].find(&slots.prefix) {
            let at = start + found;
            let kind = html.as_bytes().get(at + slots.prefix.len()).copied();
            let piece = match kind {
                Some(HEADER) => Piece::Header,
                Some(CSRF) => Piece::Csrf,
                Some(KEY) => Piece::Key,
                Some(EDITOR) => Piece::Editor,
                Some(SECTION_START) => Piece::SectionStart,
                Some(SECTION_END) => Piece::SectionEnd,
                _ => return None,
            };
            if at > start {
                pieces.push(Piece::Text(start..at));
            }
            pieces.push(piece);
            start = at + slots.prefix.len() + 1;
        }
        if start < html.len() {
            pieces.push(Piece::Text(start..html.len()));
        }
        Some(Self { html, pieces })
    }

    fn text(&self, range: &Range<usize>) -> &str {
        // Cut at the (ASCII) slots, so on character boundaries.
        self.html.get(range.clone()).unwrap_or("")
    }
}

/// The parts of the post page that one reader sees differently from the others: the post's
/// editor links (for those who may edit it) and the comment section (their pending comments,
/// their edit links, moderation controls). Rendered with CSRF and key slots, so they can be
/// kept for that reader and filled per request like the template.
#[derive(Debug)]
pub(crate) struct ReadersOwn {
    editor_links: String,
    section: Cut,
    changes_at: Option<DateTime<Utc>>,
}

impl ReadersOwn {
    /// The parts as rendered; `changes_at` is when they change by themselves (an edit link
    /// expiring). `None` if the section holds slots other than CSRF and key slots.
    pub(crate) fn parse(
        editor_links: String,
        section: String,
        slots: &Slots,
        changes_at: Option<DateTime<Utc>>,
    ) -> Option<Self> {
        let section = Cut::parse(section, slots)?;
        let only_form_slots = section
            .pieces
            .iter()
            .all(|piece| matches!(piece, Piece::Text(_) | Piece::Csrf | Piece::Key));
        only_form_slots.then_some(Self {
            editor_links,
            section,
            changes_at,
        })
    }

    /// Whether the parts are still what that reader sees at `now`.
    pub(crate) fn current_at(&self, now: DateTime<Utc>) -> bool {
        self.changes_at.is_none_or(|at| now < at)
    }

    /// The rendered bytes, for the cache's budget.
    pub(crate) fn len(&self) -> usize {
        self.editor_links.len() + self.section.html.len()
    }
}

/// Which post a template shows, for rendering a reader's own parts of it.
#[derive(Debug, Clone)]
pub(crate) struct TemplatePost {
    /// The post's id.
    pub(crate) id: i64,
    /// Its author's id.
    pub(crate) author_id: i64,
    /// Its slug.
    pub(crate) slug: String,
}

/// A page rendered for any signed-in reader, cut at its slots.
#[derive(Debug)]
pub(crate) struct PersonalTemplate {
    page: Cut,
    /// Readers who see this page differently (the author, the commenters).
    differs_for: HashSet<i64>,
    post: TemplatePost,
}

impl PersonalTemplate {
    /// Cuts `html`, the page of `post`, at `slots`. `differs_for` are the readers who see
    /// more than the others, beside those who may edit any post. `None` unless the page has
    /// one header slot and at most one section, started before it ends (it was not rendered
    /// as a template).
    pub(crate) fn parse(
        html: String,
        slots: &Slots,
        differs_for: HashSet<i64>,
        post: TemplatePost,
    ) -> Option<Self> {
        let page = Cut::parse(html, slots)?;
        let headers = page.pieces.iter().filter(|p| **p == Piece::Header).count();
        let sections: Vec<&Piece> = page
            .pieces
            .iter()
            .filter(|p| matches!(p, Piece::SectionStart | Piece::SectionEnd))
            .collect();
        let sections_balanced =
            sections.is_empty() || sections == [&Piece::SectionStart, &Piece::SectionEnd];
        (headers == 1 && sections_balanced).then_some(Self {
            page,
            differs_for,
            post,
        })
    }

    /// Whether reader `viewer_id` sees exactly this page (with their own header and tokens),
    /// with no [`ReadersOwn`] parts. Those who may edit any post moderate every thread: never
    /// them.
    pub(crate) fn fits(&self, viewer_id: i64, may_edit_any: bool) -> bool {
        !may_edit_any && !self.differs_for.contains(&viewer_id)
    }

    /// The post the page shows.
    pub(crate) fn post(&self) -> &TemplatePost {
        &self.post
    }

    /// The page for one reader: `header` and `csrf` in their slots, a key from `next_key`
    /// in each key slot; with `own`, their editor links and their section in place of the
    /// one any reader sees.
    pub(crate) fn fill(
        &self,
        header: &str,
        csrf: &str,
        mut next_key: impl FnMut() -> String,
        own: Option<&ReadersOwn>,
    ) -> String {
        let own_len = own.map_or(0, ReadersOwn::len);
        let mut page = String::with_capacity(self.page.html.len() + header.len() + own_len + 512);
        let mut in_replaced_section = false;
        for piece in &self.page.pieces {
            match (piece, own) {
                (Piece::SectionStart, Some(own)) => {
                    for piece in &own.section.pieces {
                        match piece {
                            Piece::Text(range) => page.push_str(own.section.text(range)),
                            Piece::Csrf => page.push_str(csrf),
                            Piece::Key => page.push_str(&next_key()),
                            // `ReadersOwn::parse` keeps no other slots.
                            _ => {}
                        }
                    }
                    in_replaced_section = true;
                }
                (Piece::SectionEnd, _) => in_replaced_section = false,
                _ if in_replaced_section => {}
                (Piece::SectionStart, None) | (Piece::Editor, None) => {}
                (Piece::Editor, Some(own)) => page.push_str(&own.editor_links),
                (Piece::Text(range), _) => page.push_str(self.page.text(range)),
                (Piece::Header, _) => page.push_str(header),
                (Piece::Csrf, _) => page.push_str(csrf),
                (Piece::Key, _) => page.push_str(&next_key()),
            }
        }
        page
    }

    /// The rendered bytes, for the cache's budget.
    pub(crate) fn len(&self) -> usize {
        self.page.html.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post() -> TemplatePost {
        TemplatePost {
            id: 3,
            author_id: 1,
            slug: "hello".into(),
        }
    }

    #[test]
    fn slots_are_cut_out_and_filled_per_reader() {
        let slots = Slots::new();
        let html = format!(
            "<body>{}<main>é<input value=\"{}\"><input value=\"{}\"><input value=\"{}\"></main></body>",
            slots.header(),
            slots.csrf(),
            slots.key(),
            slots.key()
        );
        let template = PersonalTemplate::parse(html, &slots, HashSet::from([7]), post()).unwrap();
        let mut n = 0;
        let page = template.fill(
            "<header>bob</header>",
            "t0k",
            || {
                n += 1;
                format!("key{n}")
            },
            None,
        );
        assert_eq!(
            page,
            "<body><header>bob</header><main>é<input value=\"t0k\"><input value=\"key1\"><input value=\"key2\"></main></body>"
        );
        assert!(template.fits(8, false));
        assert!(!template.fits(7, false), "a commenter sees more");
        assert!(!template.fits(8, true), "a moderator sees more");
        assert_eq!(template.post().slug, "hello");
    }

    #[test]
    fn a_readers_own_parts_replace_the_section_and_fill_the_editor_slot() {
        let slots = Slots::new();
        let html = format!(
            "{}<h1>T</h1>{}<p>body</p>{}<form>{}{}</form>{}<nav>n</nav>",
            slots.header(),
            slots.editor(),
            slots.section_start(),
            slots.csrf(),
            slots.key(),
            slots.section_end(),
        );
        let template = PersonalTemplate::parse(html, &slots, HashSet::new(), post()).unwrap();
        let any = template.fill("<h>", "c", || "k".into(), None);
        assert_eq!(any, "<h><h1>T</h1><p>body</p><form>ck</form><nav>n</nav>");
        let section = format!("<section>mine{}{}</section>", slots.csrf(), slots.key());
        let own = ReadersOwn::parse("<a>Edit</a>".into(), section, &slots, None).unwrap();
        let mut keys = 0;
        let theirs = template.fill(
            "<h>",
            "c",
            || {
                keys += 1;
                "k".into()
            },
            Some(&own),
        );
        assert_eq!(
            theirs,
            "<h><h1>T</h1><a>Edit</a><p>body</p><section>mineck</section><nav>n</nav>"
        );
        assert_eq!(keys, 1, "only their section's key slot is filled");
    }

    #[test]
    fn a_readers_own_parts_hold_form_slots_only_and_expire_with_their_edit_links() {
        let slots = Slots::new();
        let header_inside = format!("<p>{}</p>", slots.header());
        assert!(ReadersOwn::parse(String::new(), header_inside, &slots, None).is_none());
        let at = DateTime::UNIX_EPOCH;
        let until = at + chrono::TimeDelta::minutes(15);
        let own = ReadersOwn::parse(String::new(), "<p>x</p>".into(), &slots, Some(until)).unwrap();
        assert!(own.current_at(at));
        assert!(!own.current_at(until), "the edit link is gone then");
        let lasting = ReadersOwn::parse(String::new(), "<p>x</p>".into(), &slots, None).unwrap();
        assert!(lasting.current_at(until));
    }

    #[test]
    fn a_page_without_exactly_one_header_slot_is_no_template() {
        let slots = Slots::new();
        let parse = |html: String| PersonalTemplate::parse(html, &slots, HashSet::new(), post());
        assert!(parse("<p>plain</p>".into()).is_none());
        assert!(parse(format!("{}{}", slots.header(), slots.header())).is_none());
        let other = Slots::new();
        assert!(
            parse(format!("{}{}", slots.header(), other.header())).is_some(),
            "another process's slots are plain text"
        );
    }

    #[test]
    fn a_section_must_start_before_it_ends_and_only_once() {
        let slots = Slots::new();
        let parse = |parts: &[String]| {
            let html = format!("{}{}", slots.header(), parts.concat());
            PersonalTemplate::parse(html, &slots, HashSet::new(), post())
        };
        let (start, end) = (slots.section_start(), slots.section_end());
        assert!(parse(&[start.clone(), end.clone()]).is_some());
        assert!(parse(&[end.clone(), start.clone()]).is_none());
        assert!(parse(std::slice::from_ref(&start)).is_none());
        assert!(parse(&[start.clone(), end.clone(), start, end]).is_none());
    }
}
