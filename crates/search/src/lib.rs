//! Quire's search module: a tantivy index of published posts, its query language, the
//! indexer fed by post and profile events through the outbox, and the standalone
//! `quire-search` service.
//!
//! Others use it through [`search_api::SearchPort`]. This crate implements it in-process
//! ([`LocalSearch`]); `search_api::HttpSearch` (feature `http-client`) implements it against
//! a `quire-search` process running [`http_service`]. One contract suite
//! (`tests/contract.rs`) runs against both.
//!
//! Wiring (done by the server):
//! - `let search = LocalSearch::start(data_dir.join("search"))` in-process, or
//!   `HttpSearch::new(&search_url)?` with `--search-url`; either as `Arc<dyn SearchPort>`.
//! - Register `SearchIndexer::new(search.clone(), profiles)` with the outbox relay (its
//!   consumer name is [`CONSUMER`], `"search"`).
//! - `quire search reindex`: [`LocalSearch::reindex`] with the posts and profiles ports and
//!   a progress callback (it rebuilds aside and swaps atomically; search keeps serving).
//!
//! Decisions worth knowing:
//! - **Fields and analyzers.** Title (×3), description (×1.5) and body are English prose:
//!   lower-cased, stop words dropped, stemmed. Tags and usernames are exact (whole value,
//!   lower-cased). Display names are words, lower-cased, not stemmed. The author id is
//!   indexed so a rename finds every post of the author.
//! - **Queries** are read by our own small parser, never tantivy's, so nothing typed is an
//!   error. When the exact query finds nothing, each word is expanded to the indexed words
//!   within 1 (3–5 letters) or 2 (6+) edits and the query rerun as plain term queries, so the
//!   results are ranked by BM25 like any other (closer spellings weigh more).
//! - **Ranking** is BM25 times a recency lift of up to 25 % that halves every 180 days.
//! - **Durability.** Every event is committed and the reader reloaded before `apply`
//!   returns, so a post is searchable once its event is handled.
//! - **Author names.** The index keeps each post's author names; post events arrive with
//!   the names the indexer looked up (the remote service cannot ask profiles itself), and
//!   `ProfileUpdated` rewrites every post of that author.

// The index itself (tantivy) and the `quire-search` service: feature `index`, on by default.
// Without it the crate is only the indexer that feeds a remote service, so a `quire` that
// uses `quire-search` need not link tantivy.
#[cfg(feature = "index")]
mod events;
#[cfg(feature = "index")]
mod index;
mod indexer;
#[cfg(feature = "index")]
mod local;
#[cfg(feature = "index")]
mod query;
#[cfg(feature = "index")]
mod schema;
#[cfg(feature = "index")]
mod service;
#[cfg(feature = "index")]
mod snippet;

#[cfg(feature = "index")]
pub use index::WRITER_MEMORY;
pub use indexer::{CONSUMER, SearchIndexer};
#[cfg(feature = "index")]
pub use local::{LocalSearch, ReindexProgress};
#[cfg(feature = "index")]
pub use service::{http_service, routes};
