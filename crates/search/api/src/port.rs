//! The search port: what the server asks of the search module, in-process or remote.

use async_trait::async_trait;

use crate::{SearchError, SearchEvent, SearchHealth, SearchQuery, SearchResults};

/// What the search module answers. Implemented in-process by the `search` crate and over
/// HTTP by `HttpSearch` (feature `http-client`); both pass one contract suite.
#[async_trait]
pub trait SearchPort: Send + Sync {
    /// Published posts matching `query`, best first. Empty, nonsense and malformed queries
    /// give an empty (or plain-word) answer, never an error; errors mean the index cannot be
    /// used ([`SearchError::Unavailable`]).
    async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError>;

    /// Applies one outbox event (idempotent: applying it twice changes nothing). Events of
    /// other types are ignored. When this returns, the change is searchable.
    async fn apply(&self, event: SearchEvent) -> Result<(), SearchError>;

    /// Applies `events` in order, as one change where the adapter can (the in-process index
    /// commits once): when this returns, all of them are searchable. On
    /// [`SearchError::Invalid`] (an event that can never apply) some may have been applied;
    /// apply them one at a time to skip that one (applying is idempotent). The default
    /// applies them one at a time.
    async fn apply_all(&self, events: Vec<SearchEvent>) -> Result<(), SearchError> {
        for event in events {
            self.apply(event).await?;
        }
        Ok(())
    }

    /// Whether the index can be used, and what it holds.
    async fn health(&self) -> Result<SearchHealth, SearchError>;
}
