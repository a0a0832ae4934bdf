//! The published face of Quire's search module: the [`SearchPort`] trait, its plain data
//! types and errors, and (behind the `http-client` feature) [`HttpSearch`], the adapter that
//! speaks to a remote `quire-search` service.
//!
//! No diesel, actix-web, tera or tantivy here (checked by the architecture test). The HTTP
//! client uses `awc`, which links none of them, and only when the feature is on.
//!
//! Two adapters implement the port: the in-process one in the `search` crate (wrapping the
//! tantivy index) and [`HttpSearch`]. One contract test suite runs against both.

mod error;
mod events;
#[cfg(feature = "http-client")]
mod http;
mod port;
mod types;

pub use error::SearchError;
pub use events::{AuthorName, EVENT_TYPES, SearchEvent};
#[cfg(feature = "http-client")]
pub use http::HttpSearch;
pub use port::SearchPort;
pub use types::{
    DEFAULT_PER_PAGE, HighlightRange, MAX_PER_PAGE, MAX_QUERY_CHARS, SearchHealth, SearchHit,
    SearchQuery, SearchResults, Snippet,
};
