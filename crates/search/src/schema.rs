//! The index's fields and the analyzer chosen for each.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer,
};

/// English prose: words, lower-cased, stop words dropped, stemmed.
pub(crate) const ENGLISH: &str = "quire_en";
/// Exact values (tags, usernames): the whole value as one token, lower-cased.
pub(crate) const EXACT: &str = "quire_exact";
/// Names: words, lower-cased, neither stemmed nor stop-worded.
pub(crate) const NAME: &str = "quire_name";

/// Every field, by handle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) post_id: Field,
    pub(crate) slug: Field,
    pub(crate) title: Field,
    pub(crate) description: Field,
    pub(crate) body: Field,
    /// Title, description and body together (not stored), for phrases: one phrase query
    /// over one field.
    pub(crate) text: Field,
    /// Named `tag` so the query language's `tag:` reads as the field.
    pub(crate) tag: Field,
    /// The username; named `author` for `author:`.
    pub(crate) author: Field,
    pub(crate) author_name: Field,
    pub(crate) author_id: Field,
    pub(crate) published_at: Field,
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// The schema of a fresh index.
pub(crate) fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_i64_field("post_id", INDEXED | STORED | FAST);
    builder.add_text_field("slug", STRING | STORED);
    builder.add_text_field("title", text(ENGLISH));
    builder.add_text_field("description", text(ENGLISH));
    builder.add_text_field("body", text(ENGLISH));
    builder.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ENGLISH)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    builder.add_text_field("tag", text(EXACT));
    builder.add_text_field("author", text(EXACT));
    builder.add_text_field("author_name", text(NAME));
    builder.add_i64_field("author_id", INDEXED | STORED);
    builder.add_date_field("published_at", INDEXED | STORED | FAST);
    builder.build()
}

impl Fields {
    /// The fields of `schema`, or which one is missing (an index from another version).
    pub(crate) fn of(schema: &Schema) -> tantivy::Result<Self> {
        Ok(Self {
            post_id: schema.get_field("post_id")?,
            slug: schema.get_field("slug")?,
            title: schema.get_field("title")?,
            description: schema.get_field("description")?,
            body: schema.get_field("body")?,
            text: schema.get_field("text")?,
            tag: schema.get_field("tag")?,
            author: schema.get_field("author")?,
            author_name: schema.get_field("author_name")?,
            author_id: schema.get_field("author_id")?,
            published_at: schema.get_field("published_at")?,
        })
    }
}

/// The English prose analyzer.
pub(crate) fn english() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    let builder = match StopWordFilter::new(Language::English) {
        Some(stop_words) => builder.filter_dynamic(stop_words),
        None => builder,
    };
    builder
        .filter_dynamic(Stemmer::new(Language::English))
        .build()
}

/// The exact-value analyzer.
pub(crate) fn exact() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// The name analyzer.
pub(crate) fn name() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzers the schema names; needed on every open.
pub(crate) fn register_tokenizers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(ENGLISH, english());
    tokenizers.register(EXACT, exact());
    tokenizers.register(NAME, name());
}

/// The tokens `analyzer` makes of `text`, with their positions.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.position, token.text.clone()));
    }
    out
}
