//! Heading ids: unicode-aware slugs, explicit `{#id}` attributes, and uniqueness within a
//! document.

use std::collections::{HashMap, HashSet};

/// Longest id produced, in characters (a heading can be a whole paragraph long).
const MAX_ID_CHARS: usize = 80;

/// Id used when a heading has no letter or digit at all (`## 🎉`, `## ???`).
const FALLBACK_ID: &str = "section";

/// Slug for a heading's text: letters and digits of any script, lower-cased; whitespace
/// becomes `-`; `-` and `_` are kept; all other punctuation and symbols are dropped. Runs of
/// hyphens collapse to one and none is left at either end. `What's new in Rust 1.80?` gives
/// `whats-new-in-rust-180`; `你好 世界` gives `你好-世界`.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut chars = 0;
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '-' {
            pending_hyphen = true;
        } else if is_word_char(c) {
            if pending_hyphen && !slug.is_empty() {
                if chars + 1 >= MAX_ID_CHARS {
                    break;
                }
                slug.push('-');
                chars += 1;
            }
            pending_hyphen = false;
            for lower in c.to_lowercase() {
                slug.push(lower);
                chars += 1;
            }
            if chars >= MAX_ID_CHARS {
                break;
            }
        }
    }
    slug
}

/// Cleans an author-chosen `{#id}`: keeps letters, digits, `-` and `_` (case preserved, since
/// the author may already link to it), drops the rest. May return an empty string.
pub(crate) fn clean_explicit_id(id: &str) -> String {
    id.chars()
        .filter(|&c| c == '-' || is_word_char(c))
        .take(MAX_ID_CHARS)
        .collect::<String>()
        .trim_matches('-')
        .to_owned()
}

/// Letters and digits of every script, `_`, and the combining marks that scripts such as
/// Devanagari need inside a word (`char::is_alphanumeric` alone would drop a virama).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining_mark(c)
}

/// Combining marks of the common blocks (diacritics, Indic and South-East Asian vowel signs).
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'   // combining diacritical marks
        | '\u{0483}'..='\u{0489}' // Cyrillic
        | '\u{0591}'..='\u{05BD}' // Hebrew points
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' // Arabic
        | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}'
        | '\u{0962}'..='\u{0963}' // Devanagari
        | '\u{0981}'..='\u{0983}' | '\u{09BC}'..='\u{09D7}' // Bengali
        | '\u{0A01}'..='\u{0A03}' | '\u{0A3C}'..='\u{0A51}' // Gurmukhi
        | '\u{0A81}'..='\u{0A83}' | '\u{0ABC}'..='\u{0ACD}' // Gujarati
        | '\u{0B01}'..='\u{0B03}' | '\u{0B3C}'..='\u{0B57}' // Oriya
        | '\u{0B82}' | '\u{0BBE}'..='\u{0BCD}' | '\u{0BD7}' // Tamil
        | '\u{0C00}'..='\u{0C04}' | '\u{0C3C}'..='\u{0C56}' // Telugu
        | '\u{0C81}'..='\u{0C83}' | '\u{0CBC}'..='\u{0CD6}' // Kannada
        | '\u{0D00}'..='\u{0D03}' | '\u{0D3B}'..='\u{0D57}' // Malayalam
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' // Thai
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
    )
}

/// The ids already used in one document; hands out unique ones.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    used: HashSet<String>,
    /// For each base that had to be suffixed, the last suffix tried (keeps claiming the same
    /// base many times linear rather than quadratic).
    last_suffix: HashMap<String, usize>,
}

impl IdSet {
    /// Returns `base` if it is free, else the first free `base-1`, `base-2`, …; an empty
    /// `base` becomes `section`. The result is recorded as used.
    pub(crate) fn claim(&mut self, base: &str) -> String {
        let base = if base.is_empty() { FALLBACK_ID } else { base };
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let mut n = self.last_suffix.get(base).copied().unwrap_or(0);
        let candidate = loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !self.used.contains(&candidate) {
                break candidate;
            }
        };
        self.last_suffix.insert(base.to_owned(), n);
        self.used.insert(candidate.clone());
        candidate
    }

    /// The id for a heading: its explicit `{#id}` when that survives cleaning, else the slug of
    /// its text; unique either way.
    pub(crate) fn heading_id(&mut self, explicit: Option<&str>, title: &str) -> String {
        let explicit = explicit.map(clean_explicit_id).unwrap_or_default();
        if explicit.is_empty() {
            self.claim(&slugify(title))
        } else {
            self.claim(&explicit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_and_digits_of_every_script() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("What’s new in Rust 1.80?"), "whats-new-in-rust-180");
        assert_eq!(slugify("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(slugify("你好 世界"), "你好-世界");
        assert_eq!(slugify("Привет, мир"), "привет-мир");
        assert_eq!(slugify("مرحبا بالعالم"), "مرحبا-بالعالم");
        assert_eq!(slugify("नमस्ते दुनिया"), "नमस्ते-दुनिया");
        assert_eq!(
            slugify("snake_case and kebab-case"),
            "snake_case-and-kebab-case"
        );
    }

    #[test]
    fn slugs_drop_symbols_and_collapse_separators() {
        assert_eq!(slugify("  a  -  b  "), "a-b");
        assert_eq!(slugify("🎉 Party 🎉"), "party");
        assert_eq!(slugify("zero\u{200B}width"), "zerowidth");
        assert_eq!(slugify("right\u{202E}to-left"), "rightto-left");
        assert_eq!(slugify("<script>alert(1)</script>"), "scriptalert1script");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn slugs_are_bounded() {
        let long = "word ".repeat(100);
        let slug = slugify(&long);
        assert!(slug.chars().count() <= MAX_ID_CHARS, "{slug}");
        assert!(!slug.ends_with('-'), "{slug}");
    }

    #[test]
    fn ids_are_unique_within_a_document() {
        let mut ids = IdSet::default();
        assert_eq!(ids.heading_id(None, "Intro"), "intro");
        assert_eq!(ids.heading_id(None, "Intro"), "intro-1");
        assert_eq!(ids.heading_id(None, "intro"), "intro-2");
        assert_eq!(ids.heading_id(None, "Intro 1"), "intro-1-1");
        assert_eq!(ids.heading_id(None, "🎉"), "section");
        assert_eq!(ids.heading_id(None, "???"), "section-1");
    }

    #[test]
    fn explicit_ids_win_but_are_cleaned_and_uniqued() {
        let mut ids = IdSet::default();
        assert_eq!(ids.heading_id(Some("FAQ"), "Questions"), "FAQ");
        assert_eq!(ids.heading_id(Some("FAQ"), "More"), "FAQ-1");
        assert_eq!(ids.heading_id(Some("a\"onclick=x"), "T"), "aonclickx");
        assert_eq!(
            ids.heading_id(Some("\"<>"), "Fallback Title"),
            "fallback-title"
        );
    }
}
