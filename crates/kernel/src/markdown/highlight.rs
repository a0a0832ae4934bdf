//! Server-side syntax highlighting of fenced code with syntect, as CSS classes.
//!
//! Output uses classes only (`ClassStyle::SpacedPrefixed` with the `hl-` prefix), never
//! inline styles; [`super::highlight_css`] provides the matching stylesheet. Code in an unknown
//! language, without a language, or too large to highlight cheaply is emitted as a plain,
//! escaped `<pre><code>`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use syntect::highlighting::{Color, StyleModifier, Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::html::escape_into;

/// Prefix of every highlighting class; the sanitizer keeps only classes with it.
pub(crate) const CLASS_PREFIX: &str = "hl-";

/// Class on the `<pre>` of highlighted code; themes colour its text and background.
pub(crate) const PRE_CLASS: &str = "hl-code";

/// Prefix of the language class on `<code>` (`language-rust`), as CommonMark suggests.
pub(crate) const LANGUAGE_CLASS_PREFIX: &str = "language-";

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed {
    prefix: CLASS_PREFIX,
};

/// Code blocks larger than this are not highlighted: syntect costs a few microseconds per
/// byte, and comments are untrusted.
const MAX_HIGHLIGHT_BYTES: usize = 64 * 1024;

/// Nor is code beyond this much in one document (the budget a renderer starts with).
pub(crate) const HIGHLIGHT_BUDGET: usize = 128 * 1024;

/// Nor are blocks with a line longer than this (minified code; pathological regex cases).
const MAX_LINE_BYTES: usize = 4 * 1024;

const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// syntect's bundled syntaxes, deserialised once. Loading the dump embedded in syntect
/// cannot fail at run time short of a corrupt build (syntect itself panics then).
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The stylesheet, built once.
static CSS: LazyLock<String> = LazyLock::new(build_css);

/// The language named by a fence's info string: the first word of ```` ```rust ````,
/// ```` ```rust,ignore ````, ```` ```rust title="x" ````, or the first class of
/// ```` ```{.python .numberLines} ````.
pub(crate) fn language(info: &str) -> Option<&str> {
    let info = info.trim();
    let token = match info.strip_prefix('{') {
        Some(attrs) => attrs
            .split(|c: char| c.is_whitespace() || c == '}' || c == ',')
            .find(|t| !t.is_empty())?,
        None => info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()?,
    };
    let token = token.strip_prefix('.').unwrap_or(token);
    (!token.is_empty()).then_some(token)
}

/// HTML for a code block with the given fence info string (`None` for indented code).
/// Highlighting spends `budget` (bytes of code still allowed, see [`HIGHLIGHT_BUDGET`]).
pub(crate) fn code_block(code: &str, info: Option<&str>, budget: &mut usize) -> String {
    let lang = info.and_then(language);
    let highlighted = lang
        .and_then(find_syntax)
        .filter(|_| worth_highlighting(code) && code.len() <= *budget)
        .and_then(|syntax| {
            *budget -= code.len();
            highlight(code, syntax)
        });
    let mut out = String::with_capacity(code.len() * 2 + 64);
    match (highlighted, lang.map(language_class)) {
        (Some(spans), Some(class)) => {
            out.push_str("<pre class=\"");
            out.push_str(PRE_CLASS);
            out.push_str("\"><code");
            if !class.is_empty() {
                out.push_str(" class=\"");
                out.push_str(LANGUAGE_CLASS_PREFIX);
                out.push_str(&class);
                out.push('"');
            }
            out.push('>');
            out.push_str(&spans);
        }
        _ => {
            out.push_str("<pre><code>");
            escape_into(&mut out, code);
        }
    }
    out.push_str("</code></pre>\n");
    out
}

/// A syntax for a fence token (`rust`, `rs`, `Python`), except plain text.
fn find_syntax(token: &str) -> Option<&'static SyntaxReference> {
    let syntaxes: &'static SyntaxSet = &SYNTAXES;
    syntaxes
        .find_syntax_by_token(token)
        .or_else(|| syntaxes.find_syntax_by_token(&token.to_lowercase()))
        .filter(|syntax| syntax.name != "Plain Text")
}

fn worth_highlighting(code: &str) -> bool {
    code.len() <= MAX_HIGHLIGHT_BYTES && code.lines().all(|line| line.len() <= MAX_LINE_BYTES)
}

/// The `<span>`s for `code`, or `None` if syntect fails on it.
fn highlight(code: &str, syntax: &SyntaxReference) -> Option<String> {
    // syntect runs third-party grammars over untrusted text; should it ever panic, fall back
    // to plain code rather than failing the render. Nothing is shared with the failed attempt
    // except the syntax set, whose lazily compiled regexes stay consistent.
    catch_unwind(AssertUnwindSafe(|| {
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }))
    .ok()
    .flatten()
}

/// The language token as a class suffix: lower-case ASCII letters, digits, `+`, `#`, `-`, `_`.
fn language_class(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The stylesheet for the highlighting classes (see [`super::highlight_css`]).
pub(crate) fn css() -> String {
    CSS.clone()
}

fn build_css() -> String {
    let themes = ThemeSet::load_defaults();
    let (Some(light), Some(dark)) = (
        themes.themes.get(LIGHT_THEME),
        themes.themes.get(DARK_THEME),
    ) else {
        return String::new();
    };
    let mut css = theme_css(light);
    css.push_str("\n@media (prefers-color-scheme: dark) {\n");
    // Selectors the light theme colours but the dark one does not would keep their light
    // colours (dark on dark); reset them to the dark theme's text colour first. Where a reset
    // selector is more specific than the dark theme's, the token shows in the default text
    // colour: a little less colourful, never unreadable.
    css.push_str(&theme_css(&reset_theme(light, dark)));
    css.push_str(&theme_css(dark));
    css.push_str("}\n");
    css
}

fn theme_css(theme: &Theme) -> String {
    css_for_theme_with_class_style(theme, CLASS_STYLE).unwrap_or_default()
}

/// `light`'s selectors with `dark`'s default text colour (and background where `light` sets
/// one).
fn reset_theme(light: &Theme, dark: &Theme) -> Theme {
    let mut reset = light.clone();
    reset.name = Some(format!("reset of {LIGHT_THEME} for {DARK_THEME}"));
    reset.settings.foreground = dark.settings.foreground;
    reset.settings.background = dark.settings.background;
    let foreground = dark.settings.foreground.unwrap_or(Color::WHITE);
    for item in &mut reset.scopes {
        item.style = StyleModifier {
            foreground: Some(foreground),
            background: item.style.background.and(dark.settings.background),
            font_style: None,
        };
    }
    reset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_budget() -> usize {
        HIGHLIGHT_BUDGET
    }

    #[test]
    fn reads_the_language_of_every_fence_form() {
        assert_eq!(language("rust"), Some("rust"));
        assert_eq!(language("rust,ignore"), Some("rust"));
        assert_eq!(language("  python  title=\"x.py\""), Some("python"));
        assert_eq!(language("{.python .numberLines}"), Some("python"));
        assert_eq!(language("{python}"), Some("python"));
        assert_eq!(language("js{1,3}"), Some("js"));
        assert_eq!(language(""), None);
        assert_eq!(language("   "), None);
        assert_eq!(language("{}"), None);
    }

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("fn main() {}\n", Some("rust"), &mut full_budget());
        assert!(
            html.starts_with("<pre class=\"hl-code\"><code class=\"language-rust\">"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_or_missing_languages_are_plain() {
        let plain = "<pre><code>a &lt; b\n</code></pre>\n";
        assert_eq!(
            code_block("a < b\n", Some("no-such-language"), &mut 1000),
            plain
        );
        assert_eq!(code_block("a < b\n", Some(""), &mut 1000), plain);
        assert_eq!(code_block("a < b\n", Some("text"), &mut 1000), plain);
        assert_eq!(code_block("a < b\n", None, &mut 1000), plain);
    }

    #[test]
    fn huge_blocks_and_lines_are_not_highlighted() {
        let long_line = format!("let x = \"{}\";\n", "a".repeat(MAX_LINE_BYTES));
        assert!(
            code_block(&long_line, Some("rust"), &mut full_budget()).starts_with("<pre><code>")
        );
        let many_lines = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 8);
        assert!(
            code_block(&many_lines, Some("rust"), &mut full_budget()).starts_with("<pre><code>")
        );
    }

    #[test]
    fn highlighting_stops_when_the_budget_is_spent() {
        let code = "let x = 1;\n";
        let mut budget = code.len() * 2;
        assert!(code_block(code, Some("rust"), &mut budget).starts_with("<pre class"));
        assert!(code_block(code, Some("rust"), &mut budget).starts_with("<pre class"));
        assert_eq!(budget, 0);
        assert!(code_block(code, Some("rust"), &mut budget).starts_with("<pre><code>"));
        // Plain blocks cost nothing.
        let mut budget = 0;
        assert!(code_block(code, None, &mut budget).starts_with("<pre><code>"));
    }

    #[test]
    fn css_has_a_light_and_a_dark_theme() {
        let css = css();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark) {")
            .expect("a dark block");
        assert!(light.contains(".hl-code {"), "{light}");
        assert!(light.contains(".hl-comment"), "{light}");
        assert!(dark.contains(".hl-code {"), "{dark}");
        assert!(dark.trim_end().ends_with('}'));
        assert!(!css.contains("style="));
    }
}
