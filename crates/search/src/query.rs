//! The query language: reading what a reader typed, and turning it into tantivy queries.
//!
//! Nothing a reader types is an error: unknown `field:` prefixes, stray operators and
//! unbalanced quotes are read as plain words.

use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::schema::{self, Fields};

/// How much more a title match weighs than a body match.
const TITLE_BOOST: f32 = 3.0;
/// How much more a description match weighs than a body match.
const DESCRIPTION_BOOST: f32 = 1.5;
/// How much more an exact tag match weighs than a body match.
const TAG_BOOST: f32 = 2.0;
/// A word's weight when it matches only through a similar spelling.
const FUZZY_WEIGHT: f32 = 0.6;
/// Most similar spellings taken per word and field.
const MAX_EXPANSIONS: usize = 30;

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Clause {
    /// Plain words.
    Words(String),
    /// `"an exact phrase"`.
    Phrase(String),
    /// `tag:value`.
    Tag(String),
    /// `author:username`.
    Author(String),
}

/// A query as read: what must match and what must not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub(crate) include: Vec<Clause>,
    pub(crate) exclude: Vec<Clause>,
}

/// Reads the query language (see `search_api::SearchQuery`).
pub(crate) fn parse(q: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negate = false;
        while i < chars.len() && (chars[i] == '-' || chars[i] == '+') {
            negate |= chars[i] == '-';
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let clause = if chars[i] == '"' {
            let (text, next) = quoted(&chars, i + 1);
            i = next;
            Clause::Phrase(text)
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ':' {
                i += 1;
            }
            let head: String = chars[start..i].iter().collect();
            if i < chars.len() && chars[i] == ':' {
                i += 1;
                let value = if i < chars.len() && chars[i] == '"' {
                    let (text, next) = quoted(&chars, i + 1);
                    i = next;
                    text
                } else {
                    let start = i;
                    while i < chars.len() && !chars[i].is_whitespace() {
                        i += 1;
                    }
                    chars[start..i].iter().collect()
                };
                match head.to_lowercase().as_str() {
                    "tag" | "tags" if !value.trim().is_empty() => Clause::Tag(value),
                    "author" | "by" if !value.trim().is_empty() => Clause::Author(value),
                    // Another engine's field (`title:`, `body:`) or a stray colon: the
                    // operator goes, the words stay.
                    _ => Clause::Words(value),
                }
            } else {
                Clause::Words(head)
            }
        };
        let clause = match clause {
            Clause::Words(text) => Clause::Words(strip_operators(&text)),
            other => other,
        };
        if negate {
            parsed.exclude.push(clause);
        } else {
            parsed.include.push(clause);
        }
    }
    parsed
}

/// Plain words without the operators of other query languages: grouping and range
/// brackets, wildcards, `^2` boosts and `~1` fuzziness marks.
fn strip_operators(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' | '~' => {
                while chars.next_if(|n| n.is_ascii_digit() || *n == '.').is_some() {}
                out.push(' ');
            }
            '(' | ')' | '[' | ']' | '{' | '}' | '*' | '?' | '!' | '\\' | '|' | '<' | '>' | '='
            | '&' | ':' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The text up to the closing quote (or the end), and the index after it.
fn quoted(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start;
    while i < chars.len() && chars[i] != '"' {
        i += 1;
    }
    (chars[start..i].iter().collect(), (i + 1).min(chars.len()))
}

/// The one spelling of a tag, as the posts module stores it.
pub(crate) fn normalise_exact(value: &str) -> String {
    value
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds tantivy queries over one index.
pub(crate) struct QueryBuilder {
    fields: Fields,
    english: TextAnalyzer,
    name: TextAnalyzer,
}

fn boxed(query: impl Query, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        Box::new(query)
    } else {
        Box::new(BoostQuery::new(Box::new(query), boost))
    }
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    boxed(
        TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ),
        boost,
    )
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        _ => Some(Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

impl QueryBuilder {
    pub(crate) fn new(fields: Fields) -> Self {
        Self {
            fields,
            english: schema::english(),
            name: schema::name(),
        }
    }

    fn prose_fields(&self) -> [(Field, f32); 3] {
        [
            (self.fields.title, TITLE_BOOST),
            (self.fields.description, DESCRIPTION_BOOST),
            (self.fields.body, 1.0),
        ]
    }

    /// The exact query, or `None` when nothing positive is left to look for (only stop
    /// words, only exclusions, nothing at all).
    pub(crate) fn exact(&mut self, parsed: &Parsed) -> Option<Box<dyn Query>> {
        let mut clauses = Vec::new();
        for clause in &parsed.include {
            for query in self.clause(clause) {
                clauses.push((Occur::Must, query));
            }
        }
        if clauses.is_empty() {
            return None;
        }
        for clause in &parsed.exclude {
            for query in self.clause(clause) {
                clauses.push((Occur::MustNot, query));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Every query a clause needs to match (one per significant word for plain words).
    fn clause(&mut self, clause: &Clause) -> Vec<Box<dyn Query>> {
        match clause {
            Clause::Words(text) => text
                .split_whitespace()
                .filter_map(|word| self.word(word))
                .collect(),
            Clause::Phrase(text) => self.phrase(text).into_iter().collect(),
            Clause::Tag(tag) => vec![term_query(self.fields.tag, &normalise_exact(tag), 1.0)],
            Clause::Author(username) => vec![term_query(
                self.fields.author,
                &normalise_exact(username),
                1.0,
            )],
        }
    }

    /// One word: in the prose fields (stemmed), the author's name, or as an exact tag.
    fn word(&mut self, word: &str) -> Option<Box<dyn Query>> {
        let prose = schema::tokens(&mut self.english, word);
        match prose.len() {
            0 => None,
            1 => {
                let stem = &prose[0].1;
                let mut any: Vec<Box<dyn Query>> = self
                    .prose_fields()
                    .iter()
                    .map(|(field, boost)| term_query(*field, stem, *boost))
                    .collect();
                for (_, name) in schema::tokens(&mut self.name, word) {
                    any.push(term_query(self.fields.author_name, &name, 1.0));
                }
                any.push(term_query(
                    self.fields.tag,
                    &normalise_exact(word),
                    TAG_BOOST,
                ));
                any_of(any)
            }
            // "e-mail", "don't": one typed word, several tokens: a phrase.
            _ => self.phrase(word),
        }
    }

    /// A phrase: its words in order (in the title, description and body taken together),
    /// scored by where its words are (a title match weighs more).
    ///
    /// One phrase query over one field on purpose: a union of phrase queries trips a debug
    /// assertion in tantivy 0.27's phrase scorer (`seek_danger` after termination).
    fn phrase(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let tokens = schema::tokens(&mut self.english, text);
        match tokens.len() {
            0 => None,
            1 => self.word(text.trim()),
            _ => {
                let first = tokens[0].0;
                let terms = tokens
                    .iter()
                    .map(|(position, token)| {
                        (
                            position - first,
                            Term::from_field_text(self.fields.text, token),
                        )
                    })
                    .collect();
                let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                    vec![(Occur::Must, Box::new(PhraseQuery::new_with_offset(terms)))];
                for (_, token) in &tokens {
                    let any = self
                        .prose_fields()
                        .iter()
                        .map(|(field, boost)| term_query(*field, token, *boost))
                        .collect();
                    if let Some(any) = any_of(any) {
                        clauses.push((Occur::Should, any));
                    }
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    /// The typo-tolerant query: each included word matches itself or any indexed word
    /// within an edit distance fitting its length, expanded here into plain term queries so
    /// BM25 ranks the results (a fuzzy query would score every match the same). Phrases are
    /// loosened to their words; `tag:`, `author:` and exclusions stay exact. `None` when a
    /// word has no similar spelling in the index, or nothing is left to loosen.
    pub(crate) fn fuzzy(
        &mut self,
        parsed: &Parsed,
        searcher: &Searcher,
    ) -> tantivy::Result<Option<Box<dyn Query>>> {
        let mut clauses = Vec::new();
        let mut loosened = false;
        for clause in &parsed.include {
            match clause {
                Clause::Words(text) | Clause::Phrase(text) => {
                    for word in text.split_whitespace() {
                        for (_, token) in schema::tokens(&mut self.english, word) {
                            let Some(query) = self.fuzzy_word(&token, word, searcher)? else {
                                return Ok(None);
                            };
                            clauses.push((Occur::Must, query));
                            loosened = true;
                        }
                    }
                }
                other => {
                    for query in self.clause(other) {
                        clauses.push((Occur::Must, query));
                    }
                }
            }
        }
        if !loosened {
            return Ok(None);
        }
        for clause in &parsed.exclude {
            for query in self.clause(clause) {
                clauses.push((Occur::MustNot, query));
            }
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// A word and its similar spellings, as a disjunction of term queries.
    fn fuzzy_word(
        &mut self,
        token: &str,
        word: &str,
        searcher: &Searcher,
    ) -> tantivy::Result<Option<Box<dyn Query>>> {
        let distance = match token.chars().count() {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        let mut any = Vec::new();
        let mut targets: Vec<(Field, f32, String)> = self
            .prose_fields()
            .iter()
            .map(|(field, boost)| (*field, *boost, token.to_owned()))
            .collect();
        for (_, name) in schema::tokens(&mut self.name, word) {
            targets.push((self.fields.author_name, 1.0, name));
        }
        for (field, boost, text) in targets {
            for candidate in expand(searcher, field, &text, distance)? {
                let weight = if candidate == text { 1.0 } else { FUZZY_WEIGHT };
                any.push(term_query(field, &candidate, boost * weight));
            }
        }
        Ok(any_of(any))
    }
}

/// The indexed words of `field` within `distance` edits of `text` (transpositions count one).
fn expand(
    searcher: &Searcher,
    field: Field,
    text: &str,
    distance: u8,
) -> tantivy::Result<Vec<String>> {
    let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, text), distance, true);
    let mut found = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().search(fuzzy.automaton()?).into_stream()?;
        while stream.advance() && found.len() < MAX_EXPANSIONS {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                found.insert(term.to_owned());
            }
        }
    }
    Ok(found.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Clause {
        Clause::Words(text.into())
    }

    #[test]
    fn reads_words_phrases_exclusions_and_filters() {
        let parsed = parse(r#"rust "exact phrase" -java tag:Web author:Alice -"old news""#);
        assert_eq!(
            parsed.include,
            [
                words("rust"),
                Clause::Phrase("exact phrase".into()),
                Clause::Tag("Web".into()),
                Clause::Author("Alice".into()),
            ]
        );
        assert_eq!(
            parsed.exclude,
            [words("java"), Clause::Phrase("old news".into())]
        );
    }

    #[test]
    fn syntax_errors_read_as_words() {
        let parsed = parse(r#"title:(rust AND "unclosed"#);
        assert_eq!(
            parsed.include,
            [
                words(" rust"),
                words("AND"),
                Clause::Phrase("unclosed".into())
            ]
        );
        assert_eq!(parse("tag: -").include, [words("")]);
        assert_eq!(
            parse("rust^2.5 async~1").include,
            [words("rust "), words("async ")]
        );
        assert_eq!(parse("---").include, []);
        assert_eq!(
            parse(r#"tag:"Machine  Learning""#).include,
            [Clause::Tag("Machine  Learning".into())]
        );
        assert_eq!(normalise_exact("Machine  Learning"), "machine learning");
    }
}
