//! Small builders for the HTML fragments the renderer writes itself.

use std::fmt::Write;

/// Appends `text` escaped for use in HTML text or a double-quoted attribute value.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        escape_char(out, c);
    }
}

fn escape_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(c),
    }
}

/// Appends a URL for an `href`/`src` attribute: whitespace and control characters are
/// percent-encoded, the rest is attribute-escaped. Whether the URL is allowed at all is the
/// sanitizer's decision.
fn push_url(out: &mut String, url: &str) {
    for c in url.chars() {
        if c.is_whitespace() || c.is_control() {
            let mut buf = [0_u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        } else {
            escape_char(out, c);
        }
    }
}

/// Schemes that run code or smuggle documents; links and images never point to them.
const SCRIPT_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// Whether `url` would run code, read the most permissive way: whitespace, control and
/// invisible formatting characters ignored, case ignored. The sanitizer also refuses these
/// schemes; this check also catches spellings a lenient browser might accept.
pub(crate) fn is_script_url(url: &str) -> bool {
    let mut squeezed = String::with_capacity(16);
    for c in url.chars() {
        if c.is_whitespace() || c.is_control() || is_invisible(c) {
            continue;
        }
        squeezed.push(c.to_ascii_lowercase());
        if squeezed.len() >= 16 {
            break;
        }
    }
    SCRIPT_SCHEMES
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

/// Invisible formatting characters (zero-width, bidi controls, BOM, soft hyphen).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Whether a link leaves the site: an absolute `http(s)` URL or a scheme-relative `//host`.
pub(crate) fn is_external(url: &str) -> bool {
    let url = url.trim_start();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// `<a href="…" title="…" rel="…">`; no `href` for a script URL.
pub(crate) fn link_open(href: &str, title: &str, rel: Option<&str>) -> String {
    let mut out = String::with_capacity(href.len() + title.len() + 32);
    out.push_str("<a");
    if !is_script_url(href) {
        out.push_str(" href=\"");
        push_url(&mut out, href);
        out.push('"');
    }
    if !title.is_empty() {
        out.push_str(" title=\"");
        escape_into(&mut out, title);
        out.push('"');
    }
    if let Some(rel) = rel {
        out.push_str(" rel=\"");
        escape_into(&mut out, rel);
        out.push('"');
    }
    out.push('>');
    out
}

/// `<img src="…" alt="…" title="…" loading="lazy" decoding="async">`; no `src` for a script
/// URL.
pub(crate) fn image(src: &str, alt: &str, title: &str) -> String {
    let mut out = String::with_capacity(src.len() + alt.len() + title.len() + 64);
    out.push_str("<img");
    if !is_script_url(src) {
        out.push_str(" src=\"");
        push_url(&mut out, src);
        out.push('"');
    }
    out.push_str(" alt=\"");
    escape_into(&mut out, alt);
    out.push('"');
    if !title.is_empty() {
        out.push_str(" title=\"");
        escape_into(&mut out, title);
        out.push('"');
    }
    out.push_str(" loading=\"lazy\" decoding=\"async\">");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_attributes_and_urls() {
        assert_eq!(
            link_open("/a b\"<", "t\"x", Some("noopener")),
            "<a href=\"/a%20b&quot;&lt;\" title=\"t&quot;x\" rel=\"noopener\">"
        );
        assert_eq!(
            image("x.png", "a \"b\"", ""),
            "<img src=\"x.png\" alt=\"a &quot;b&quot;\" loading=\"lazy\" decoding=\"async\">"
        );
    }

    #[test]
    fn refuses_script_urls_however_spelled() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \tjava\nscript:alert(1)",
            "\u{FEFF}javascript:alert(1)",
            "java\u{200B}script:alert(1)",
            "\u{0001}vbscript:x",
            "data:text/html,x",
        ] {
            assert!(is_script_url(url), "{url:?}");
            assert!(!link_open(url, "", None).contains("href"), "{url:?}");
            assert!(!image(url, "", "").contains("src"), "{url:?}");
        }
        for url in [
            "https://example.org/javascript:x",
            "/data:x",
            "mailto:a@b.c",
            "#x",
            "",
        ] {
            assert!(!is_script_url(url), "{url:?}");
        }
    }

    #[test]
    fn knows_external_links() {
        assert!(is_external("https://example.org"));
        assert!(is_external("HTTP://EXAMPLE.ORG"));
        assert!(is_external("//example.org/x"));
        assert!(!is_external("/posts/x"));
        assert!(!is_external("#intro"));
        assert!(!is_external("mailto:a@example.org"));
        assert!(!is_external("ht"));
    }
}
