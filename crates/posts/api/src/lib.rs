//! The published face of Quire's posts module: what other modules and the server may ask of
//! it, in owned, serializable types, so the same port can later be served over HTTP.
//!
//! No diesel, actix or tantivy here (checked by the architecture test).

mod error;
mod events;
mod port;
mod types;

pub use error::PostsError;
pub use events::{PostDocument, PostEvent};
pub use port::PostsPort;
pub use types::{
    Actor, ArchiveEntry, ArchiveYear, Authorship, PageRequest, Post, PostDraft, PostFilter,
    PostLink, PostPage, PostSlice, PostSource, PostStatus, PostSummary, ReadablePost, Revision,
    SlugLookup, TagCount, TocItem, normalise_tag,
};
