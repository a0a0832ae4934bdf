//! Signed-in pages from a cached template.
//!
//! Most signed-in readers of a post see the same page as each other: only the header (their
//! name, the sign-out form), the CSRF token and the comment forms' idempotency keys are
//! theirs. Such a page is rendered once for "any signed-in reader" with [`Slots`] in those
//! places, kept in the [`PageCache`](super::PageCache) beside the anonymous pages (evicted by
//! the same events), and filled per request: a header render and a copy.
//!
//! Readers who see more than that — the post's author, anyone who may moderate, anyone who
//! has commented on it (they see their pending comments and their own edit links) — are
//! rendered in full, as before. [`PersonalTemplate::fits`] tells them apart.

use std::collections::HashSet;
use std::ops::Range;

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

impl Slots {
    /// Slots with a fresh random nonce (a fixed one if the system has no randomness; then
    /// a slot could at worst be imitated, which shows text in the wrong place, nothing more:
    /// the filled-in values are the reader's own).
    pub(crate) fn new() -> Self {
        let mut nonce = [0u8; 16];
        if getrandom::fill(&mut nonce).is_err() {
            nonce = *b"quire-no-entropy";
        }
        let hex: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
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
}

/// A page rendered for any signed-in reader, cut at its slots.
#[derive(Debug)]
pub(crate) struct PersonalTemplate {
    html: String,
    pieces: Vec<Piece>,
    /// Readers who see this page differently (the author, the commenters).
    differs_for: HashSet<i64>,
}

impl PersonalTemplate {
    /// Cuts `html` at `slots`. `differs_for` are the readers it must not be used for, beside
    /// those who may edit any post. `None` if the page has no header slot (it was not
    /// rendered as a template).
    pub(crate) fn parse(html: String, slots: &Slots, differs_for: HashSet<i64>) -> Option<Self> {
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut headers = 0;
        while let Some(found) = html[start..].find(&slots.prefix) {
            let at = start + found;
            let kind = html.as_bytes().get(at + slots.prefix.len()).copied();
            let piece = match kind {
                Some(HEADER) => Piece::Header,
                Some(CSRF) => Piece::Csrf,
                Some(KEY) => Piece::Key,
                _ => return None,
            };
            headers += usize::from(piece == Piece::Header);
            if at > start {
                pieces.push(Piece::Text(start..at));
            }
            pieces.push(piece);
            start = at + slots.prefix.len() + 1;
        }
        if start < html.len() {
            pieces.push(Piece::Text(start..html.len()));
        }
        (headers == 1).then(|| Self {
            html,
            pieces,
            differs_for,
        })
    }

    /// Whether reader `viewer_id` sees exactly this page (with their own header and tokens).
    /// Those who may edit any post moderate every thread: never them.
    pub(crate) fn fits(&self, viewer_id: i64, may_edit_any: bool) -> bool {
        !may_edit_any && !self.differs_for.contains(&viewer_id)
    }

    /// The page for one reader: `header` and `csrf` in their slots, a key from `next_key`
    /// in each key slot.
    pub(crate) fn fill(
        &self,
        header: &str,
        csrf: &str,
        mut next_key: impl FnMut() -> String,
    ) -> String {
        let mut page = String::with_capacity(self.html.len() + header.len() + 512);
        for piece in &self.pieces {
            match piece {
                // Cut at the (ASCII) slots, so on character boundaries.
                Piece::Text(range) => page.push_str(self.html.get(range.clone()).unwrap_or("")),
                Piece::Header => page.push_str(header),
                Piece::Csrf => page.push_str(csrf),
                Piece::Key => page.push_str(&next_key()),
            }
        }
        page
    }

    /// The rendered bytes, for the cache's budget.
    pub(crate) fn len(&self) -> usize {
        self.html.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let template = PersonalTemplate::parse(html, &slots, HashSet::from([7])).unwrap();
        let mut n = 0;
        let page = template.fill("<header>bob</header>", "t0k", || {
            n += 1;
            format!("key{n}")
        });
        assert_eq!(
            page,
            "<body><header>bob</header><main>é<input value=\"t0k\"><input value=\"key1\"><input value=\"key2\"></main></body>"
        );
        assert!(template.fits(8, false));
        assert!(!template.fits(7, false), "a commenter sees more");
        assert!(!template.fits(8, true), "a moderator sees more");
    }

    #[test]
    fn a_page_without_exactly_one_header_slot_is_no_template() {
        let slots = Slots::new();
        assert!(PersonalTemplate::parse("<p>plain</p>".into(), &slots, HashSet::new()).is_none());
        let twice = format!("{}{}", slots.header(), slots.header());
        assert!(PersonalTemplate::parse(twice, &slots, HashSet::new()).is_none());
        let other = Slots::new();
        let foreign = format!("{}{}", slots.header(), other.header());
        assert!(
            PersonalTemplate::parse(foreign, &slots, HashSet::new()).is_some(),
            "another process's slots are plain text"
        );
    }
}
