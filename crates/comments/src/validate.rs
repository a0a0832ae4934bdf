//! Checking and rendering what commenters submit.

use comments_api::CommentsError;
use kernel::markdown::{self, Profile};

use crate::config::CommentsConfig;

/// Longest idempotency key accepted (the form's token is far shorter).
const MAX_KEY_CHARS: usize = 128;

/// A body that passed the checks, with its rendered HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CleanBody {
    pub(crate) markdown: String,
    pub(crate) html: String,
}

/// Normalises line ends, drops control characters (PostgreSQL refuses NUL) and trims.
fn normalise(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Checks a comment body and renders it with the restricted comment profile. `limit_links`:
/// the author's account is new, so only a few links are allowed.
pub(crate) fn body(
    raw: &str,
    config: &CommentsConfig,
    limit_links: bool,
) -> Result<CleanBody, CommentsError> {
    let markdown = normalise(raw);
    if markdown.is_empty() {
        return Err(CommentsError::invalid(
            "body",
            "Write something before posting.",
        ));
    }
    let chars = markdown.chars().count();
    if chars > config.max_body_chars {
        return Err(CommentsError::invalid(
            "body",
            format!(
                "A comment may be at most {} characters long; this one has {chars}.",
                config.max_body_chars
            ),
        ));
    }
    let rendered = markdown::render(&markdown, Profile::Comment);
    if rendered.plain_text.trim().is_empty() {
        return Err(CommentsError::invalid(
            "body",
            "Write something before posting.",
        ));
    }
    if limit_links {
        let links = count_links(&markdown, &rendered.html);
        if links > config.new_account_max_links {
            return Err(CommentsError::invalid(
                "body",
                format!(
                    "New accounts may post at most {} links in a comment; this one has {links}.",
                    config.new_account_max_links
                ),
            ));
        }
    }
    Ok(CleanBody {
        markdown,
        html: rendered.html,
    })
}

/// Links in a comment: the larger of the links the HTML holds and the addresses written in
/// the Markdown (bare `https://…` or `www.…` text is not turned into a link, but a reader can
/// still copy it, so it counts too).
pub(crate) fn count_links(markdown: &str, html: &str) -> usize {
    html.matches("<a ").count().max(count_addresses(markdown))
}

/// Occurrences of `scheme://` and of `www.` not right after one.
fn count_addresses(text: &str) -> usize {
    let lower = text.to_lowercase();
    let schemes = lower.matches("://").count();
    let bare_www = lower
        .match_indices("www.")
        .filter(|(at, _)| !lower[..*at].ends_with("://"))
        .count();
    schemes + bare_www
}

/// The idempotency key as stored: trimmed, `None` when absent or blank.
pub(crate) fn idempotency_key(key: Option<&str>) -> Result<Option<String>, CommentsError> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    if key.chars().count() > MAX_KEY_CHARS || key.chars().any(char::is_control) {
        return Err(CommentsError::invalid(
            "idempotency_key",
            "The form's token is not valid; reload the page and try again.",
        ));
    }
    Ok(Some(key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<CleanBody, CommentsError>) -> String {
        match result {
            Err(CommentsError::Invalid { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn bodies_are_normalised_rendered_and_bounded() {
        let config = CommentsConfig::default();
        let clean = body("  Hello *there*\r\nfriend\u{0}  ", &config, false).unwrap();
        assert_eq!(clean.markdown, "Hello *there*\nfriend");
        assert!(clean.html.contains("<em>there</em>"), "{}", clean.html);

        assert_eq!(field(body("   \n\t ", &config, false)), "body");
        assert_eq!(field(body("<!-- nothing -->", &config, false)), "body");
        let longest = "é".repeat(config.max_body_chars);
        assert!(body(&longest, &config, false).is_ok());
        assert_eq!(field(body(&format!("{longest}x"), &config, false)), "body");
    }

    #[test]
    fn raw_html_and_scripts_never_survive() {
        let clean = body(
            "<script>alert(1)</script> [x](javascript:alert(1)) ![img](https://e.org/a.png)",
            &CommentsConfig::default(),
            false,
        )
        .unwrap();
        assert!(!clean.html.contains("<script"), "{}", clean.html);
        assert!(!clean.html.contains("href=\"javascript"), "{}", clean.html);
        assert!(!clean.html.contains("<img"), "{}", clean.html);
    }

    #[test]
    fn links_are_counted_however_they_are_written() {
        let count = |md: &str| {
            let html = markdown::render(md, Profile::Comment).html;
            count_links(md, &html)
        };
        assert_eq!(count("no links here"), 0);
        assert_eq!(count("[a](https://a.example)"), 1);
        assert_eq!(count("<https://a.example>"), 1);
        assert_eq!(count("see https://www.a.example and www.b.example"), 2);
        assert_eq!(count("[a][1]\n\n[1]: https://a.example"), 1);
        assert_eq!(
            count("[a](https://a.example) [b](http://b.example) HTTPS://C.EXAMPLE"),
            3
        );
    }

    #[test]
    fn new_accounts_may_post_only_a_few_links() {
        let config = CommentsConfig::default();
        let two = "[a](https://a.example) and https://b.example";
        let three = "https://a.example https://b.example https://c.example";
        assert!(body(two, &config, true).is_ok());
        assert_eq!(field(body(three, &config, true)), "body");
        assert!(body(three, &config, false).is_ok());
    }

    #[test]
    fn idempotency_keys_are_trimmed_and_bounded() {
        assert_eq!(idempotency_key(None), Ok(None));
        assert_eq!(idempotency_key(Some("   ")), Ok(None));
        assert_eq!(idempotency_key(Some(" abc ")), Ok(Some("abc".into())));
        assert!(idempotency_key(Some(&"k".repeat(MAX_KEY_CHARS))).is_ok());
        assert!(idempotency_key(Some(&"k".repeat(MAX_KEY_CHARS + 1))).is_err());
        assert!(idempotency_key(Some("a\u{0}b")).is_err());
    }
}
