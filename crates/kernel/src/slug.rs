//! URL slugs from free text, unicode-aware.
//!
//! Letters and digits of every script are kept (lower-cased), so `Ünïcode Straße` becomes
//! `ünïcode-straße` and `你好 世界` becomes `你好-世界`; everything else separates words with a
//! single `-`. Browsers show such paths as written and send them percent-encoded.

/// Longest slug produced, in characters.
pub const MAX_SLUG_CHARS: usize = 80;

/// Turns `text` into a slug: lower-case letters and digits joined by single hyphens, at most
/// [`MAX_SLUG_CHARS`] characters, cut at a word boundary when possible. Returns an empty
/// string when `text` has no letter or digit.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    let mut chars = 0;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                if chars + 1 >= MAX_SLUG_CHARS {
                    break;
                }
                slug.push('-');
                chars += 1;
            }
            pending_hyphen = false;
            for lower in c.to_lowercase() {
                if chars >= MAX_SLUG_CHARS {
                    break;
                }
                slug.push(lower);
                chars += 1;
            }
            if chars >= MAX_SLUG_CHARS {
                break;
            }
        } else if !is_joiner(c) {
            pending_hyphen = true;
        }
    }
    slug
}

/// Characters dropped without separating words: apostrophes and invisible joiners, so
/// `don't` gives `dont`.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Whether `slug` is already in the form [`slugify`] produces.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty() && slugify(slug) == slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_letters_of_every_script() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  Ünïcode   Straße  "), "ünïcode-straße");
        assert_eq!(slugify("你好 世界"), "你好-世界");
        assert_eq!(slugify("Привет, мир"), "привет-мир");
        assert_eq!(slugify("مرحبا بالعالم"), "مرحبا-بالعالم");
        assert_eq!(slugify("Rust 2024: what's new?"), "rust-2024-whats-new");
    }

    #[test]
    fn drops_what_is_not_a_word() {
        assert_eq!(slugify("--a--b--"), "a-b");
        assert_eq!(slugify("🎉 party 🎉"), "party");
        assert_eq!(slugify("zero\u{200B}width"), "zerowidth");
        assert_eq!(
            slugify("<script>alert(1)</script>"),
            "script-alert-1-script"
        );
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn is_bounded_and_never_ends_with_a_hyphen() {
        let long = "word ".repeat(100);
        let slug = slugify(&long);
        assert!(slug.chars().count() <= MAX_SLUG_CHARS, "{slug}");
        assert!(!slug.ends_with('-'), "{slug}");
        assert!(is_slug(&slug));
        let one_long_word = "x".repeat(500);
        assert_eq!(slugify(&one_long_word).chars().count(), MAX_SLUG_CHARS);
    }

    #[test]
    fn recognises_slugs() {
        assert!(is_slug("hello-world"));
        assert!(!is_slug("Hello-World"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
    }
}
