//! Snippets as safe HTML: everything escaped but the `<mark>` around matched words.

use search_api::{HighlightRange, Snippet};

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The snippet for `fragment` with `ranges` highlighted (sorted, merged, clipped to char
/// boundaries first).
pub(crate) fn build(fragment: &str, ranges: impl IntoIterator<Item = (usize, usize)>) -> Snippet {
    let mut sorted: Vec<(usize, usize)> = ranges
        .into_iter()
        .filter(|(start, end)| {
            start < end
                && *end <= fragment.len()
                && fragment.is_char_boundary(*start)
                && fragment.is_char_boundary(*end)
        })
        .collect();
    sorted.sort_unstable();
    let mut merged: Vec<HighlightRange> = Vec::new();
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => merged.push(HighlightRange { start, end }),
        }
    }
    let mut html = String::with_capacity(fragment.len() + 16);
    let mut from = 0;
    for range in &merged {
        escape(&fragment[from..range.start], &mut html);
        html.push_str("<mark>");
        escape(&fragment[range.start..range.end], &mut html);
        html.push_str("</mark>");
        from = range.end;
    }
    escape(&fragment[from..], &mut html);
    Snippet {
        html,
        fragment: fragment.to_owned(),
        highlights: merged,
    }
}

/// The snippet tantivy found, re-rendered with our escaping.
pub(crate) fn from_tantivy(found: &tantivy::snippet::Snippet) -> Snippet {
    build(
        found.fragment(),
        found.highlighted().iter().map(|r| (r.start, r.end)),
    )
}

/// No match in the body (the title or a tag matched): the description, or the body's
/// first words, unhighlighted.
pub(crate) fn lead(body: &str, description: &str, max_chars: usize) -> Snippet {
    let source = if description.trim().is_empty() {
        body
    } else {
        description
    };
    let source = source.trim();
    let text = match source.char_indices().nth(max_chars) {
        None => source.to_owned(),
        Some((cut, _)) => {
            let head = &source[..cut];
            let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
            format!("{}…", head.trim_end())
        }
    };
    build(&text, [])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marks_survive() {
        let s = build("a <script>x</script> & b", [(3, 9), (0, 1), (5, 7)]);
        assert_eq!(
            s.html,
            "<mark>a</mark> &lt;<mark>script</mark>&gt;x&lt;/script&gt; &amp; b"
        );
        assert_eq!(
            s.highlights,
            [
                HighlightRange { start: 0, end: 1 },
                HighlightRange { start: 3, end: 9 }
            ]
        );
    }

    #[test]
    fn bad_ranges_are_dropped() {
        let s = build("héllo", [(1, 2), (0, 99), (3, 3)]);
        assert_eq!(s.html, "héllo");
        assert!(s.highlights.is_empty());
    }

    #[test]
    fn the_lead_is_cut_at_a_word() {
        assert_eq!(lead("one two three", "", 9).fragment, "one two…");
        assert_eq!(
            lead("body", "A <b> description", 100).html,
            "A &lt;b&gt; description"
        );
    }
}
