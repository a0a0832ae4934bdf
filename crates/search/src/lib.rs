//! Quire's search module: the tantivy index of published posts, its queries, and the indexer
//! fed by post events through the outbox; also the standalone `quire-search` service.
//!
//! Not built yet — nothing here is linked into the server. The crate exists so its place in
//! the boundary rules (`[workspace.metadata.modules]`) is checked from the start.
