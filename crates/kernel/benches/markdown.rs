//! Rendering cost of a realistic ~2,000-word post with the post profile: the work done each
//! time a post is saved or previewed.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kernel::markdown::{Profile, render};

const WORDS: &[&str] = &[
    "the",
    "server",
    "renders",
    "every",
    "post",
    "once",
    "and",
    "caches",
    "its",
    "HTML",
    "while",
    "readers",
    "scroll",
    "through",
    "archives",
    "quietly",
    "a",
    "small",
    "binary",
    "serves",
    "pages",
    "fast",
    "with",
    "SQLite",
    "underneath",
    "migrations",
    "run",
    "at",
    "start",
    "so",
    "nobody",
    "waits",
    "for",
    "deploys",
    "search",
    "indexes",
    "published",
    "articles",
    "in",
    "the",
    "background",
    "authors",
    "write",
    "Markdown",
    "that",
    "becomes",
    "safe",
    "markup",
];

const RUST: &str = "use std::collections::HashMap;\n\n/// Counts words.\nfn count(text: &str) -> HashMap<&str, usize> {\n    let mut counts = HashMap::new();\n    for word in text.split_whitespace() {\n        *counts.entry(word).or_insert(0) += 1;\n    }\n    counts\n}\n\nfn main() {\n    let counts = count(\"a b a\");\n    println!(\"{counts:?}\");\n}\n";
const PYTHON: &str = "import collections\n\n\ndef count(text: str) -> dict[str, int]:\n    \"\"\"Counts words.\"\"\"\n    counts = collections.Counter()\n    for word in text.split():\n        counts[word] += 1\n    return dict(counts)\n\n\nif __name__ == \"__main__\":\n    print(count(\"a b a\"))\n";
const JAVASCRIPT: &str = "export function count(text) {\n  const counts = new Map();\n  for (const word of text.split(/\\s+/)) {\n    counts.set(word, (counts.get(word) ?? 0) + 1);\n  }\n  return counts;\n}\n\nconsole.log(count('a b a'));\n";

/// A deterministic stream of words and sentences.
struct Prose {
    seed: usize,
}

impl Prose {
    fn word(&mut self) -> &'static str {
        self.seed = (self.seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        WORDS[self.seed % WORDS.len()]
    }

    /// `n` words with emphasis, strong emphasis, links and inline code sprinkled in.
    fn sentence(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            let w = self.word();
            let _ = match i % 11 {
                3 => write!(s, "*{w}* "),
                7 => write!(s, "**{w}** "),
                9 => write!(s, "[{w}](https://example.org/{w}) "),
                10 => write!(s, "`{w}()` "),
                _ => write!(s, "{w} "),
            };
        }
        s.trim_end().to_owned() + ". "
    }
}

/// A deterministic post of about 2,000 words: headings, paragraphs with emphasis, code and
/// links, lists, a table, a quote, and three code blocks in different languages.
fn post() -> String {
    let mut p = Prose { seed: 7 };
    let mut md = String::from("# Notes from building a blog engine\n\n");
    let code = [
        ("rust", RUST),
        ("python", PYTHON),
        ("javascript", JAVASCRIPT),
    ];
    for section in 0..6 {
        let _ = writeln!(md, "## Section {section}: {}\n", p.sentence(4));
        for _ in 0..4 {
            let _ = writeln!(
                md,
                "{}{}{}\n",
                p.sentence(21),
                p.sentence(27),
                p.sentence(20)
            );
        }
        let _ = writeln!(
            md,
            "- {}\n- {}\n  - {}\n- {}\n",
            p.sentence(8),
            p.sentence(8),
            p.sentence(6),
            p.sentence(8)
        );
        if section % 2 == 0 {
            let (lang, source) = code[section / 2];
            let _ = writeln!(md, "```{lang}\n{source}```\n");
        }
        if section == 3 {
            md.push_str("| Backend | Writers | Readers |\n|:--|:-:|--:|\n");
            for row in 0..6 {
                let _ = writeln!(md, "| {} | {row} | {} |", p.word(), row * 10);
            }
            md.push('\n');
            let _ = writeln!(md, "> {}\n", p.sentence(15));
        }
    }
    md
}

fn bench(c: &mut Criterion) {
    let markdown = post();
    let words = render(&markdown, Profile::Post).word_count;
    let mut group = c.benchmark_group("markdown");
    group.bench_function(format!("render post ({words} words)"), |b| {
        b.iter(|| render(black_box(&markdown), Profile::Post));
    });
    // The article `tests/load/api_create.lua` writes: what one `POST /api/articles` renders.
    group.bench_function("render short article (api_create.lua)", |b| {
        b.iter(|| render(black_box(SHORT_ARTICLE), Profile::Post));
    });
    group.finish();
}

/// The body `tests/load/api_create.lua` posts (~90 words: a heading, two paragraphs, a list,
/// a link, inline code).
const SHORT_ARTICLE: &str = "## A note on habits\n\nEvery small habit builds a larger practice of attention. We walked along the old stone bridge while talking about books, code and bread slowly rising in the kitchen.\n\n- write by hand\n- read *slowly*\n- keep `notes` short\n\nSentences carry weight when they are short; see [the archive](https://example.org/archive) for more letters from the mountain, the river and the quiet morning light.\n";

criterion_group!(benches, bench);
criterion_main!(benches);
