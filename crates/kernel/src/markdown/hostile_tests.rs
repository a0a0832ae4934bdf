//! Hostile input: XSS payloads, broken markup and pathological nesting must come out inert,
//! for both profiles, and must never panic.
//!
//! The checks look at markup, not at text: a payload the renderer shows as escaped text (raw
//! HTML) or as the visible text of a neutralised link (`<javascript:alert(1)>`) may still
//! *read* `javascript:` or `onerror=`, which is harmless. What must never appear is a dangerous
//! element, an event-handler attribute, or a dangerous URL inside a tag.

use super::{Profile, render};

const PAYLOADS: &[&str] = &[
    // Script and event handlers as raw HTML, block and inline.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "hello <script>alert(1)</script> world",
    "<img src=x onerror=alert(1)>",
    "text <img src=x onerror=alert(1)> text",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=\"x\" onerror=\"&#97;lert(1)\">",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    // javascript: and friends in Markdown links and images.
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](jav\tascript:alert(1))",
    "[click](\u{0001}javascript:alert(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "[x](https://example.org \"title\\\" onmouseover=\\\"alert(1)\")",
    "[x](https://example.org/\"onmouseover=\"alert(1))",
    // ... and in HTML form.
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    // Autolinks.
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<https://example.org/\"onmouseover=\"alert(1)>",
    "<a@example.org?subject=\"onclick=alert(1)>",
    // SVG, MathML and mutation-XSS tricks.
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate attributeName=href values=\"javascript:alert(1)\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    // Embedding and page-takeover elements.
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<style>body { display: none }</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<form action=\"https://evil.example\"><input name=password></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    // Broken and unclosed markup.
    "<div>unclosed <b>bold <i>italic",
    "<a href=\"x",
    "<img",
    "</div></div></p></li>",
    "<p <p <p onclick=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "<!-- unclosed comment <script>alert(1)</script>",
    "--><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    // Markdown constructs that carry attributes.
    "# Heading {#x onclick=alert(1)}",
    "# Heading {#\"><script>alert(1)</script>}",
    "# Heading {.x\" onclick=\"alert(1)}",
    "```\"><script>alert(1)</script>\ncode\n```",
    "```rust\" onclick=\"alert(1)\nfn main() {}\n```",
    "~~~{.python onclick=alert(1)}\nprint(1)\n~~~",
    "| <script>alert(1)</script> | x |\n|---|---|\n| <img src=x onerror=alert(1)> | b |",
    "Note[^1]\n\n[^1]: <script>alert(1)</script>",
    "Note[^\"><script>]\n\n[^\"><script>]: x",
    "Note[^x\" onclick=\"y]\n\n[^x\" onclick=\"y]: x",
    "- [x] <img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    // Unicode tricks: RTL overrides, zero-width characters, homoglyphs, full-width brackets.
    "[\u{202E}kcilc](https://example.org) \u{202E}<script>alert(1)</script>",
    "[x](java\u{200B}script:alert(1))",
    "[x](\u{FEFF}javascript:alert(1))",
    "\u{200D}<script>alert(1)</script>",
    "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    "＜script＞alert(1)＜/script＞",
    "<scr\u{0000}ipt>alert(1)</script>",
    // Plain text that merely mentions dangerous things stays text.
    "javascript:alert(1) and onerror=alert(1)",
];

/// Elements that must never be produced, matched case-insensitively anywhere in the output
/// (text is escaped, so a literal `<` always starts a real tag).
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "<script",
    "<iframe",
    "<style",
    "<svg",
    "<math",
    "<form",
    "<meta",
    "<link",
    "<base",
    "<object",
    "<embed",
    "<template",
    "<noscript",
    "<frame",
    "<textarea",
    "<select",
    "<button",
];

/// Every element the renderer may produce (both profiles).
const KNOWN_ELEMENTS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
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
];

/// Every attribute the renderer may produce (both profiles).
const KNOWN_ATTRIBUTES: &[&str] = &[
    "href",
    "title",
    "rel",
    "aria-label",
    "id",
    "src",
    "alt",
    "loading",
    "decoding",
    "class",
    "style",
    "type",
    "checked",
    "disabled",
    "start",
];

/// A start or end tag of the output: its name and attributes.
#[derive(Debug)]
struct TagInfo {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The tags of serialized HTML (as html5ever writes it: attribute values in double quotes).
fn tags(html: &str) -> Vec<TagInfo> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if let Some(end_tag) = rest.strip_prefix('/') {
            let end = end_tag.find('>').unwrap_or(end_tag.len());
            tags.push(TagInfo {
                name: end_tag[..end].to_ascii_lowercase(),
                attributes: Vec::new(),
            });
            rest = end_tag.get(end + 1..).unwrap_or("");
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                rest = rest.get(1..).unwrap_or("");
                break;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let attribute = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let close = after.find('"').expect("attribute values are quoted");
                value = after[..close].to_owned();
                rest = &after[close + 1..];
            }
            attributes.push((attribute, value));
        }
        tags.push(TagInfo { name, attributes });
    }
    tags
}

/// Whether a URL attribute value is a scheme the sanitizer should have refused, read the way
/// a browser would (ASCII whitespace and controls ignored, case-insensitive).
fn dangerous_url(value: &str) -> bool {
    let decoded = value.replace("&amp;", "&");
    let squeezed: String = decoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme) || squeezed.contains(&format!("&{scheme}")))
        || squeezed.contains("javascript:")
}

fn assert_inert(input: &str, html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    for element in FORBIDDEN_ELEMENTS {
        assert!(
            !lower.contains(element),
            "{what}: {element} in {html:?}\nfrom {input:?}"
        );
    }
    for tag in tags(html) {
        assert!(
            KNOWN_ELEMENTS.contains(&tag.name.as_str()),
            "{what}: unexpected <{}> in {html:?}\nfrom {input:?}",
            tag.name
        );
        for (attribute, value) in &tag.attributes {
            assert!(
                !attribute.starts_with("on"),
                "{what}: event handler {attribute} in {html:?}\nfrom {input:?}"
            );
            assert!(
                KNOWN_ATTRIBUTES.contains(&attribute.as_str()),
                "{what}: unexpected attribute {attribute} in {html:?}\nfrom {input:?}"
            );
            assert!(
                !dangerous_url(value),
                "{what}: dangerous value {attribute}={value:?} in {html:?}\nfrom {input:?}"
            );
            if attribute == "style" {
                assert!(value.starts_with("text-align: "), "{what}: style {value:?}");
            }
        }
    }
}

#[test]
fn payloads_come_out_inert_in_both_profiles() {
    for payload in PAYLOADS {
        // Alone, inside a paragraph, inside a list and a quote.
        let contexts = [
            (*payload).to_owned(),
            format!("Before {payload} after."),
            format!("- item\n\n  {payload}\n"),
            format!("> {payload}\n"),
        ];
        for input in &contexts {
            for profile in [Profile::Post, Profile::Comment] {
                let r = render(input, profile);
                assert_inert(input, &r.html, &format!("{profile:?} html"));
                assert_inert(input, &r.excerpt_html, &format!("{profile:?} excerpt"));
            }
        }
    }
}

#[test]
fn the_checks_catch_what_they_should() {
    // Guard against a scanner that sees nothing.
    let bad = "<p><a href=\"javascript:alert(1)\" onclick=\"x\">a</a><script>x</script></p>";
    let found = tags(bad);
    assert_eq!(found.len(), 6, "{found:?}");
    assert_eq!(found[1].attributes[1].0, "onclick");
    assert!(dangerous_url(&found[1].attributes[0].1));
    assert!(dangerous_url("  JaVa\tScRiPt:alert(1)"));
    assert!(!dangerous_url("https://example.org/javascript"));
    let result = std::panic::catch_unwind(|| assert_inert("", bad, "self-test"));
    assert!(result.is_err());
}

#[test]
fn raw_script_is_visible_text_not_markup() {
    for profile in [Profile::Post, Profile::Comment] {
        let r = render("<script>alert(1)</script>", profile);
        assert_eq!(r.html, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    }
}

#[test]
fn pathological_nesting_and_sizes_do_not_panic() {
    let inputs = [
        // Nesting: html5ever is quadratic in depth, so these took a minute before the
        // renderer capped nesting.
        ">".repeat(100_000) + " deep",
        "- ".repeat(50_000) + "deep",
        "> - ".repeat(30_000) + "deep",
        "**".repeat(30_000) + "x" + &"**".repeat(30_000),
        "*".repeat(20_000),
        "[".repeat(20_000) + &"]".repeat(20_000),
        "<div>".repeat(10_000),
        "![".repeat(5_000) + "x" + &"](y)".repeat(5_000),
        "[^a]".repeat(5_000) + "\n\n[^a]: note\n",
        "|a|\n|-|\n".to_owned() + &"|x|\n".repeat(10_000),
        "# heading\n".repeat(5_000),
        format!("```rust\n{}\n```\n", "fn f() { (((((( }\n".repeat(3_000)),
        "\u{0000}\u{FFFD}\u{202E}\u{200B}".repeat(1_000),
    ];
    for input in &inputs {
        for profile in [Profile::Post, Profile::Comment] {
            let r = render(input, profile);
            assert!(!r.html.to_ascii_lowercase().contains("<script"));
        }
    }
}

#[test]
fn random_markdown_soup_never_panics_and_stays_inert() {
    // A small deterministic generator (xorshift) over Markdown- and HTML-significant pieces.
    const PIECES: &[&str] = &[
        "<",
        ">",
        "/",
        "\"",
        "'",
        "=",
        "!",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        "#",
        "*",
        "_",
        "`",
        "~",
        "|",
        "-",
        ":",
        "^",
        "\\",
        "&",
        ";",
        "\n",
        "\n\n",
        " ",
        "    ",
        "a",
        "script",
        "img",
        "onerror",
        "javascript",
        "alert(1)",
        "http://x",
        "<!--",
        "-->",
        "```",
        "~~~",
        "[^1]",
        "[x]",
        "- [ ] ",
        "> ",
        "1. ",
        "&#106;",
        "&colon;",
        "é",
        "你",
        "\u{202E}",
        "\u{200B}",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..400 {
        let len = usize::try_from(next() % 60).expect("small");
        let input: String = (0..len)
            .map(|_| PIECES[usize::try_from(next()).expect("fits") % PIECES.len()])
            .collect();
        for profile in [Profile::Post, Profile::Comment] {
            let r = render(&input, profile);
            assert_inert(&input, &r.html, "soup html");
            assert_inert(&input, &r.excerpt_html, "soup excerpt");
        }
    }
}
