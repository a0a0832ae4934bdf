//! Generated, realistic-looking posts for `quire demo`: varied length, headings, lists, a
//! table, code in several languages, links and tags — deterministic for a given number, so
//! load tests see the same site every run.

/// Words prose is made of.
const WORDS: &[&str] = &[
    "the",
    "garden",
    "morning",
    "light",
    "through",
    "window",
    "quiet",
    "river",
    "we",
    "walked",
    "along",
    "old",
    "stone",
    "bridge",
    "while",
    "talking",
    "about",
    "books",
    "code",
    "and",
    "bread",
    "slowly",
    "rising",
    "in",
    "kitchen",
    "every",
    "small",
    "habit",
    "builds",
    "a",
    "larger",
    "practice",
    "of",
    "attention",
    "notes",
    "from",
    "week",
    "travel",
    "mountain",
    "coffee",
    "letters",
    "writing",
    "by",
    "hand",
    "changes",
    "how",
    "think",
    "sentences",
    "carry",
    "weight",
    "when",
    "they",
    "are",
    "short",
    "longer",
    "ones",
    "wander",
    "like",
    "paths",
    "between",
    "fields",
    "rain",
    "evening",
    "library",
    "map",
    "compass",
    "season",
];

const TAGS: &[&str] = &[
    "rust",
    "writing",
    "travel",
    "cooking",
    "notes",
    "web",
    "books",
    "photography",
    "design",
    "gardening",
];

const TOPICS: &[&str] = &[
    "Slow mornings",
    "A week of bread",
    "Notes on attention",
    "Walking the river",
    "Small tools",
    "Letters by hand",
    "The library map",
    "Rain in the mountains",
    "Building a habit",
    "Reading in winter",
];

/// A tiny deterministic generator (xorshift), so the demo needs no random crate.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let index = usize::try_from(self.next() % items.len() as u64).unwrap_or(0);
        items[index]
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

fn sentence(seq: &mut Sequence) -> String {
    let words = seq.between(8, 20);
    let mut text = String::new();
    for i in 0..words {
        let word = seq.pick(WORDS);
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            if seq.next().is_multiple_of(17) {
                text.push('*');
                text.push_str(word);
                text.push('*');
            } else {
                text.push_str(word);
            }
        }
    }
    text.push('.');
    text
}

fn paragraph(seq: &mut Sequence) -> String {
    let sentences = seq.between(3, 6);
    (0..sentences)
        .map(|_| sentence(seq))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A generated post: `(title, description, markdown body, tags)`.
pub struct DemoPost {
    /// Title, unique per number.
    pub title: String,
    /// One sentence.
    pub description: String,
    /// Markdown body, roughly `words` long.
    pub body: String,
    /// Two or three tags.
    pub tags: Vec<String>,
}

/// The `n`-th demo comment: a sentence or two of Markdown.
pub fn comment(n: u64) -> String {
    let mut seq = Sequence(0xD1B5_4A32_D192_ED03 ^ (n + 1).wrapping_mul(0x94D0_49BB_1331_11EB));
    let mut text = sentence(&mut seq);
    if seq.between(0, 2) == 0 {
        text.push(' ');
        text.push_str(&sentence(&mut seq));
    }
    text
}

/// The `n`-th demo post, about `words` words long.
pub fn post(n: u64, words: usize) -> DemoPost {
    let mut seq = Sequence(0x9E37_79B9_7F4A_7C15 ^ (n + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    let title = format!("{} ({n})", seq.pick(TOPICS));
    // Descriptions are plain text: no Markdown emphasis.
    let description = sentence(&mut seq).replace('*', "");
    let mut body = String::new();
    body.push_str(&paragraph(&mut seq));
    body.push_str("\n\n<!-- more -->\n\n");
    let mut section = 1;
    while body.split_whitespace().count() < words {
        body.push_str(&format!("## Part {section}: {}\n\n", seq.pick(TOPICS)));
        body.push_str(&paragraph(&mut seq));
        body.push_str("\n\n");
        match section % 4 {
            1 => {
                for _ in 0..seq.between(3, 5) {
                    body.push_str(&format!("- {}\n", sentence(&mut seq)));
                }
                body.push('\n');
            }
            2 => body.push_str(
                "```rust\nfn greet(name: &str) -> String {\n    format!(\"Hello, {name}!\")\n}\n```\n\n",
            ),
            3 => body.push_str(
                "| Day | Distance | Notes |\n|---|---:|---|\n| Monday | 12 km | rain |\n| Tuesday | 8 km | sun |\n\n",
            ),
            _ => body.push_str(&format!(
                "> {}\n\nSee [the reference](https://example.org/{n}/{section}) for more.\n\n",
                sentence(&mut seq)
            )),
        }
        body.push_str(&paragraph(&mut seq));
        body.push_str("\n\n");
        section += 1;
    }
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..seq.between(2, 3) {
        let tag = seq.pick(TAGS).to_owned();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    DemoPost {
        title,
        description,
        body,
        tags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_deterministic_varied_and_about_the_asked_length() {
        let a = post(1, 2000);
        assert_eq!(a.body, post(1, 2000).body);
        assert_ne!(a.body, post(2, 2000).body);
        let words = a.body.split_whitespace().count();
        assert!((2000..2400).contains(&words), "{words}");
        assert!(a.body.contains("```rust") && a.body.contains("| Day |"));
        assert!(!a.tags.is_empty());
        assert!(a.title.ends_with("(1)"));
        assert!(!a.description.contains('*'));
    }
}
