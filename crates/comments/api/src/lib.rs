//! The published face of Quire's comments module: the port to list, count, write and moderate
//! comments, its plain data types, events and errors — owned, serializable types, so the same
//! port can later be served over HTTP.
//!
//! No diesel, actix or tantivy here (checked by the architecture test).

mod error;
mod events;
mod port;
mod types;

pub use error::CommentsError;
pub use events::CommentEvent;
pub use port::CommentsPort;
pub use types::{
    Actor, Comment, CommentEdit, CommentStatus, ModerationAction, ModerationMode, NewComment,
    Thread, ThreadPost,
};
