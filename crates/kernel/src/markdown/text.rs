//! Plain text, word count and reading time, from the normalised events.

use pulldown_cmark::{Event, Tag, TagEnd};

/// Reading speed used for [`reading_minutes`], in words per minute.
const WORDS_PER_MINUTE: usize = 230;

/// The document's text without markup: text, inline code, code blocks (without their info
/// strings) and image alt text; blocks separated by a space; whitespace collapsed. Footnote
/// reference numbers and task-list markers are not text.
pub(crate) fn plain_text(events: &[Event<'_>]) -> String {
    let mut raw = String::new();
    for event in events {
        match event {
            Event::Text(text) | Event::Code(text) => raw.push_str(text),
            Event::SoftBreak | Event::HardBreak | Event::Rule => raw.push(' '),
            Event::Start(tag) if !is_inline(tag) => raw.push(' '),
            Event::End(tag) if !is_inline_end(*tag) => raw.push(' '),
            _ => {}
        }
    }
    let mut text = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Words in `text`: each whitespace-separated token with a letter or digit counts once, and
/// each Han, Hiragana or Katakana character counts as a word of its own (those scripts do not
/// separate words with spaces).
pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|token| {
            let ideographs = token.chars().filter(|&c| is_cjk(c)).count();
            let other = token.chars().any(|c| c.is_alphanumeric() && !is_cjk(c));
            ideographs + usize::from(other)
        })
        .sum()
}

/// Minutes to read `words` words: rounded up, so at least 1 when there is any word.
pub(crate) fn reading_minutes(words: usize) -> u32 {
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE)).unwrap_or(u32::MAX)
}

/// Han ideographs, Hiragana, Katakana.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}' // extensions B and later
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_of_spaced_and_unspaced_scripts() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  \n "), 0);
        assert_eq!(word_count("Hello, world!"), 2);
        assert_eq!(word_count("don’t stop — go"), 3);
        assert_eq!(word_count("Привет мир"), 2);
        assert_eq!(word_count("你好世界"), 4);
        assert_eq!(word_count("Rust语言"), 3);
        assert_eq!(word_count("🎉 🎉"), 0);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(0), 0);
        assert_eq!(reading_minutes(1), 1);
        assert_eq!(reading_minutes(230), 1);
        assert_eq!(reading_minutes(231), 2);
        assert_eq!(reading_minutes(2000), 9);
    }
}
