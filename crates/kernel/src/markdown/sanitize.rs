//! The last word on what HTML survives: an ammonia allow-list per profile, run after
//! rendering.
//!
//! The renderer never lets raw HTML through, so in practice this only ever sees markup the
//! renderer wrote; the allow-list is the second, independent line of defence and names
//! exactly that markup.
//!
//! | | post | comment |
//! |---|---|---|
//! | text | `p br hr em strong del blockquote sup` | same |
//! | lists, tasks | `ul ol[start] li`; `input` forced to `type="checkbox" disabled`, `checked` | same |
//! | tables | `table thead tbody tr th td`; `style` only `text-align: left/center/right` | same |
//! | code | `pre code span`; `class` only `hl-*` (pre, span) and `language-*` (code) | same |
//! | headings | `h1`–`h6` with `id` | `h4`–`h6`, no `id` |
//! | links | `a[href title rel aria-label id]`, `rel` limited to known tokens | `a[href title]`, `rel="noopener nofollow ugc"` set on every link |
//! | images | `img[src alt title]`, `loading="lazy" decoding="async"` forced | none |
//! | footnotes | `section`, `li[id]` | `section` |
//!
//! URLs (`href`, `src`): `http`, `https`, `mailto`, and relative URLs. Comments in the HTML are
//! stripped; `script`, `style`, `iframe`, `svg`, `math` and similar are removed with their
//! content.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

use super::Profile;
use super::highlight::{CLASS_PREFIX, LANGUAGE_CLASS_PREFIX};

static POST: LazyLock<Builder<'static>> = LazyLock::new(|| builder(Profile::Post));
static COMMENT: LazyLock<Builder<'static>> = LazyLock::new(|| builder(Profile::Comment));

/// `rel` set on every link of a comment.
const COMMENT_LINK_REL: &str = "noopener nofollow ugc";

/// `rel` tokens a post's links may carry.
const REL_TOKENS: &[&str] = &["noopener", "noreferrer", "nofollow", "ugc"];

/// Tags removed together with everything inside them.
const CLEAN_CONTENT_TAGS: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "textarea", "select", "title", "xmp", "svg", "math",
];

/// Sanitizes rendered HTML with the allow-list of `profile`.
pub(crate) fn clean(html: &str, profile: Profile) -> String {
    let builder: &Builder<'static> = match profile {
        Profile::Post => &POST,
        Profile::Comment => &COMMENT,
    };
    builder.clean(html).to_string()
}

fn builder(profile: Profile) -> Builder<'static> {
    let post = profile == Profile::Post;

    let mut tags: HashSet<&'static str> = HashSet::from([
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h4",
        "h5",
        "h6",
        "hr",
        "input",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "span",
        "strong",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]);
    let mut attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        ("ol", HashSet::from(["start"])),
        ("input", HashSet::from(["checked", "disabled"])),
        ("pre", HashSet::from(["class"])),
        ("code", HashSet::from(["class"])),
        ("span", HashSet::from(["class"])),
    ]);
    let alignments = HashSet::from([
        "text-align: left",
        "text-align: center",
        "text-align: right",
    ]);
    let attribute_values = HashMap::from([
        ("th", HashMap::from([("style", alignments.clone())])),
        ("td", HashMap::from([("style", alignments)])),
        (
            "input",
            HashMap::from([("type", HashSet::from(["checkbox"]))]),
        ),
    ]);
    let mut forced_values = HashMap::from([(
        "input",
        HashMap::from([("type", "checkbox"), ("disabled", "")]),
    )]);
    if post {
        tags.extend(["h1", "h2", "h3", "img"]);
        for heading in ["h1", "h2", "h3", "h4", "h5", "h6", "li"] {
            attributes.insert(heading, HashSet::from(["id"]));
        }
        attributes.insert(
            "a",
            HashSet::from(["href", "title", "rel", "aria-label", "id"]),
        );
        // `loading` and `decoding` are forced below; allowing them keeps them where the
        // renderer wrote them instead of re-adding them in hash order.
        attributes.insert(
            "img",
            HashSet::from(["src", "alt", "title", "loading", "decoding"]),
        );
        forced_values.insert(
            "img",
            HashMap::from([("loading", "lazy"), ("decoding", "async")]),
        );
    }

    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(CLEAN_CONTENT_TAGS.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .tag_attributes(attributes)
        .tag_attribute_values(attribute_values)
        .set_tag_attribute_values(forced_values)
        .allowed_classes(HashMap::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(if post { None } else { Some(COMMENT_LINK_REL) })
        .strip_comments(true)
        .id_prefix(None)
        .attribute_filter(filter_attribute);
    builder
}

/// Narrows values the allow-list lets through by name: classes to the highlighter's, `rel` to
/// known tokens, ids to slug characters.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("pre" | "span", "class") => keep_tokens(value, |t| is_class(t, CLASS_PREFIX)),
        ("code", "class") => keep_tokens(value, |t| is_class(t, LANGUAGE_CLASS_PREFIX)),
        ("a", "rel") => keep_tokens(value, |t| REL_TOKENS.contains(&t)),
        (_, "id") => {
            let ok = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_') || !c.is_ascii());
            ok.then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// A class made by the highlighter: the prefix, then printable ASCII.
fn is_class(token: &str, prefix: &str) -> bool {
    token.len() > prefix.len()
        && token.starts_with(prefix)
        && token
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>'))
}

/// The space-separated tokens of `value` that pass `keep`; `None` when none do.
fn keep_tokens<'u>(value: &'u str, keep: impl Fn(&str) -> bool) -> Option<Cow<'u, str>> {
    let kept: Vec<&str> = value.split_ascii_whitespace().filter(|t| keep(t)).collect();
    if kept.is_empty() {
        None
    } else {
        Some(Cow::Owned(kept.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_the_renderer_writes() {
        let html = concat!(
            "<h2 id=\"intro\">Intro</h2>",
            "<pre class=\"hl-code\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">x</span></code></pre>",
            "<table><thead><tr><th style=\"text-align: right\">n</th></tr></thead></table>",
            "<ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\">done</li></ul>",
            "<a href=\"https://example.org\" rel=\"noopener\">x</a>",
        );
        assert_eq!(clean(html, Profile::Post), html);
    }

    #[test]
    fn drops_what_it_does_not_know() {
        let html = "<p class=\"evil\" style=\"color:red\" onclick=\"x()\">a</p>\
                    <span class=\"big hl-keyword\">b</span>\
                    <td style=\"background: url(javascript:x)\">c</td>\
                    <a href=\"javascript:alert(1)\" rel=\"opener\">d</a>";
        assert_eq!(
            clean(html, Profile::Post),
            "<p>a</p><span class=\"hl-keyword\">b</span>c<a>d</a>"
        );
    }

    #[test]
    fn inputs_can_only_be_disabled_checkboxes() {
        let html = clean(
            "<input type=\"text\" value=\"phish\" name=\"q\">",
            Profile::Post,
        );
        // Forced attributes come back in hash order.
        assert!(
            html == "<input type=\"checkbox\" disabled=\"\">"
                || html == "<input disabled=\"\" type=\"checkbox\">",
            "{html}"
        );
    }

    #[test]
    fn comments_lose_ids_big_headings_and_images_and_links_get_ugc_rel() {
        let html = "<h1 id=\"x\">t</h1><h4 id=\"y\">u</h4><img src=\"a.png\" alt=\"a\">\
                    <a href=\"/x\" rel=\"noopener\">l</a>";
        assert_eq!(
            clean(html, Profile::Comment),
            "t<h4>u</h4><a href=\"/x\" rel=\"noopener nofollow ugc\">l</a>"
        );
    }
}
