//! The published face of Quire's profiles module: the port the server and other modules use
//! to register and authenticate accounts and to look up profiles, in owned, serializable
//! types, so the same port can later be served over HTTP.
//!
//! No diesel, actix or tantivy here (checked by the architecture test).

mod error;
mod events;
mod port;
mod role;
mod types;

pub use error::ProfilesError;
pub use events::ProfileEvent;
pub use port::ProfilesPort;
pub use role::Role;
pub use types::{
    AccountSummary, ApiToken, Byline, NewAccount, Profile, ProfileCard, ProfileChanges, Session,
    SignupPolicy, Viewer,
};
