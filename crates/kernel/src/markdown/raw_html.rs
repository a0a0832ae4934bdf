//! Policy for raw HTML written in Markdown.
//!
//! Raw HTML never reaches the output as markup. HTML comments are dropped (authors use them
//! for notes, and `<!-- more -->` marks the excerpt); everything else is shown as the literal
//! text the author typed, escaped like any other text. Escaping rather than dropping keeps
//! prose such as "wrap it in a `<div>`" intact, and makes it obvious to the author that HTML is
//! not interpreted.

/// Removes every `<!-- … -->` comment from `html`; an unterminated comment runs to the end.
pub(crate) fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        match after.find("-->") {
            Some(end) => rest = &after[end + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Whether a block of raw HTML is the excerpt marker `<!-- more -->` (spacing and case free).
pub(crate) fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|inner| inner.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim().eq_ignore_ascii_case("more"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_removed() {
        assert_eq!(strip_comments("<!-- a -->"), "");
        assert_eq!(strip_comments("x<!-- a -->y<!--b-->z"), "xyz");
        assert_eq!(strip_comments("<b>x</b>"), "<b>x</b>");
        assert_eq!(strip_comments("a<!-- never closed <script>"), "a");
    }

    #[test]
    fn recognises_the_more_marker() {
        assert!(is_more_marker("<!-- more -->\n"));
        assert!(is_more_marker("<!--more-->"));
        assert!(is_more_marker("  <!--  MORE  -->  "));
        assert!(!is_more_marker("<!-- more please -->"));
        assert!(!is_more_marker("<!-- more --> text"));
    }
}
