//! Tests of [`super::render`] as a whole: ids and TOC, excerpt, plain text and counts,
//! comment restrictions, link `rel`s, raw HTML.

use super::{Profile, Rendered, TocEntry, render};

fn post(markdown: &str) -> Rendered {
    render(markdown, Profile::Post)
}

fn comment(markdown: &str) -> Rendered {
    render(markdown, Profile::Comment)
}

fn toc(entries: &[(u8, &str, &str)]) -> Vec<TocEntry> {
    entries
        .iter()
        .map(|&(level, id, title)| TocEntry {
            level,
            id: id.to_owned(),
            title: title.to_owned(),
        })
        .collect()
}

#[test]
fn headings_get_unique_ids_and_make_the_toc() {
    let r = post(
        "# Intro\n\n## Intro\n\nSetext intro\n---\n\n### What’s *new* in `v1.2`?\n\n## Intro {#custom}\n\n## Again {#custom}\n",
    );
    assert_eq!(
        r.toc,
        toc(&[
            (1, "intro", "Intro"),
            (2, "intro-1", "Intro"),
            (2, "setext-intro", "Setext intro"),
            (3, "whats-new-in-v12", "What’s new in v1.2?"),
            (2, "custom", "Intro"),
            (2, "custom-1", "Again"),
        ])
    );
    assert!(r.html.contains("<h1 id=\"intro\">Intro</h1>"), "{}", r.html);
    assert!(
        r.html.contains("<h2 id=\"intro-1\">Intro</h2>"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<h3 id=\"whats-new-in-v12\">What’s <em>new</em> in <code>v1.2</code>?</h3>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<h2 id=\"custom-1\">Again</h2>"),
        "{}",
        r.html
    );
}

#[test]
fn heading_ids_are_unicode_aware() {
    let r = post("# 你好 世界\n\n# Ünïcode Straße\n\n# 🎉\n\n# مرحبا\n");
    let ids: Vec<&str> = r.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["你好-世界", "ünïcode-straße", "section", "مرحبا"]);
}

#[test]
fn heading_attributes_other_than_the_id_are_dropped() {
    let r = post("## Title {#t .fancy data-x=1 onclick=alert(1)}\n");
    assert_eq!(r.html, "<h2 id=\"t\">Title</h2>\n");
}

#[test]
fn footnote_ids_do_not_collide_with_heading_ids() {
    let r = post("# fn 1\n\nText[^a].\n\n[^a]: Note.\n");
    assert_eq!(r.toc[0].id, "fn-1");
    assert!(
        r.html.contains("<a href=\"#fn-1-1\" id=\"fnref-1\">1</a>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li id=\"fn-1-1\">"), "{}", r.html);
}

#[test]
fn excerpt_is_what_comes_before_the_more_marker() {
    let r = post("# Title\n\nFirst[^1].\n\nSecond.\n\n<!-- more -->\n\nThird.\n\n[^1]: Note.\n");
    assert_eq!(
        r.excerpt_html, "<h1>Title</h1>\n<p>First.</p>\n<p>Second.</p>\n",
        "no heading ids, no footnote references"
    );
    assert!(!r.html.contains("more"), "{}", r.html);
    assert!(r.html.contains("<p>Third.</p>"), "{}", r.html);
}

#[test]
fn more_marker_is_flexible_about_spacing_and_case() {
    let r = post("One.\n\nTwo.\n<!--MORE-->\nThree.\n");
    assert_eq!(r.excerpt_html, "<p>One.</p>\n<p>Two.</p>\n");
}

#[test]
fn excerpt_without_marker_is_the_first_paragraph() {
    let r = post("# Title\n\n> quoted\n\nThe *first* paragraph\non two lines.\n\nThe second.\n");
    assert_eq!(
        r.excerpt_html,
        "<p>The <em>first</em> paragraph\non two lines.</p>\n"
    );
}

#[test]
fn excerpt_ignores_a_nested_marker_and_can_be_empty() {
    let r = post("- item\n\n  <!-- more -->\n\nAfter.\n");
    assert_eq!(r.excerpt_html, "<p>After.</p>\n");
    assert_eq!(post("# Only a heading\n").excerpt_html, "");
    assert_eq!(post("").excerpt_html, "");
}

#[test]
fn plain_text_has_no_markup_and_collapsed_whitespace() {
    let r = post(
        "# Title\n\nSome *emphasis*,   a [link](https://example.org) and `code`.\n\n\
         ```rust,ignore\nlet x = 1;\n```\n\n- [x] one\n- two[^n]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
         ![An image](/i.png)\n\n[^n]: Note.\n",
    );
    assert_eq!(
        r.plain_text,
        "Title Some emphasis, a link and code. let x = 1; one two a b 1 2 An image Note."
    );
    assert!(!r.plain_text.contains("rust"), "no info string");
}

#[test]
fn plain_text_keeps_escaped_raw_html_but_not_comments() {
    let r = post("Use <kbd>Ctrl</kbd> <!-- secret -->here.\n");
    assert_eq!(r.plain_text, "Use <kbd>Ctrl</kbd> here.");
}

#[test]
fn words_and_reading_time() {
    let empty = post("");
    assert_eq!((empty.word_count, empty.reading_minutes), (0, 0));
    assert_eq!(empty.plain_text, "");
    assert_eq!(empty.html, "");

    let markup_only = post("---\n\n<!-- nothing -->\n");
    assert_eq!(
        (markup_only.word_count, markup_only.reading_minutes),
        (0, 0)
    );

    let one = post("Hello.");
    assert_eq!((one.word_count, one.reading_minutes), (1, 1));

    let words = "word ".repeat(230);
    let r = post(&words);
    assert_eq!((r.word_count, r.reading_minutes), (230, 1));
    let r = post(&format!("{words} one more"));
    assert_eq!((r.word_count, r.reading_minutes), (232, 2));
}

#[test]
fn comments_have_small_headings_no_ids_and_no_toc() {
    let r =
        comment("# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six {#six}\n");
    assert_eq!(
        r.html,
        "<h4>One</h4>\n<h4>Two</h4>\n<h4>Three</h4>\n<h4>Four</h4>\n<h5>Five</h5>\n<h6>Six</h6>\n"
    );
    assert!(r.toc.is_empty());
}

#[test]
fn comments_show_image_alt_text_instead_of_images() {
    let r = comment("Look: ![a *cat*](https://example.org/cat.png \"Cat\") and ![](x.png).\n");
    assert_eq!(r.html, "<p>Look: a cat and .</p>\n");
    let linked = comment("[![logo](/logo.png)](https://example.org)\n");
    assert_eq!(
        linked.html,
        "<p><a href=\"https://example.org\" rel=\"noopener nofollow ugc\">logo</a></p>\n"
    );
}

#[test]
fn comment_footnotes_are_numbers_without_ids() {
    let r = comment("A[^x] b[^x].\n\n[^x]: Note.\n");
    assert!(
        r.html.contains("<p>A<sup>1</sup> b<sup>1</sup>.</p>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("id="), "{}", r.html);
    assert!(!r.html.contains("href=\"#"), "{}", r.html);
}

#[test]
fn post_images_load_lazily() {
    let r = post("![A cat](/cat.png \"Cat\")\n");
    assert_eq!(
        r.html,
        "<p><img src=\"/cat.png\" alt=\"A cat\" title=\"Cat\" loading=\"lazy\" decoding=\"async\"></p>\n"
    );
}

#[test]
fn post_links_get_noopener_only_when_external() {
    let r = post(
        "[a](https://example.org) [b](http://example.org) [c](//example.org) [d](/local) \
         [e](#intro) [f](mailto:me@example.org) <https://auto.example> <me@example.org>\n",
    );
    assert_eq!(
        r.html,
        "<p><a href=\"https://example.org\" rel=\"noopener\">a</a> \
         <a href=\"http://example.org\" rel=\"noopener\">b</a> \
         <a href=\"//example.org\" rel=\"noopener\">c</a> \
         <a href=\"/local\">d</a> \
         <a href=\"#intro\">e</a> \
         <a href=\"mailto:me@example.org\">f</a> \
         <a href=\"https://auto.example\" rel=\"noopener\">https://auto.example</a> \
         <a href=\"mailto:me@example.org\">me@example.org</a></p>\n"
    );
}

#[test]
fn comment_links_all_get_nofollow_ugc() {
    let r = comment("[a](https://example.org) [b](/local) [c](mailto:me@example.org)\n");
    assert_eq!(
        r.html,
        "<p><a href=\"https://example.org\" rel=\"noopener nofollow ugc\">a</a> \
         <a href=\"/local\" rel=\"noopener nofollow ugc\">b</a> \
         <a href=\"mailto:me@example.org\" rel=\"noopener nofollow ugc\">c</a></p>\n"
    );
}

#[test]
fn script_links_and_images_become_their_text() {
    for profile in [Profile::Post, Profile::Comment] {
        let r = render(
            "[x](javascript:alert(1)) [y](data:text/html,hi) ![z](javascript:alert(1))",
            profile,
        );
        assert_eq!(r.html, "<p>x y z</p>\n", "{profile:?}");
    }
}

#[test]
fn raw_html_is_shown_escaped_and_comments_are_dropped() {
    let r = post(
        "A <b>bold</b> claim<!-- note -->.\n\n<div class=\"x\">\nblock\n</div>\n\n<!--\nhidden\n-->\n",
    );
    assert_eq!(
        r.html,
        "<p>A &lt;b&gt;bold&lt;/b&gt; claim.</p>\n<p>&lt;div class=\"x\"&gt;\nblock\n&lt;/div&gt;</p>\n"
    );
}

#[test]
fn code_blocks_are_highlighted_or_plain() {
    let r = post("```python\nprint('hi')\n```\n\n```\nplain\n```\n\n    indented\n");
    assert!(
        r.html.starts_with(
            "<pre class=\"hl-code\"><code class=\"language-python\"><span class=\"hl-"
        ),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<pre><code>plain\n</code></pre>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<pre><code>indented\n</code></pre>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("style="), "{}", r.html);
}

#[test]
fn rendered_round_trips_through_json() {
    let r = post("# T\n\nHello *world*.\n");
    let json = serde_json::to_string(&r).expect("serializes");
    let back: Rendered = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, r);
}
#[test]
fn nesting_deeper_than_the_limit_keeps_its_text() {
    let r = post(&format!("{}deep", "> ".repeat(60)));
    assert_eq!(r.html.matches("<blockquote>").count(), 48);
    assert_eq!(r.html.matches("</blockquote>").count(), 48);
    assert!(r.html.contains("deep"), "{}", r.html);
    assert_eq!(r.plain_text, "deep");
}
