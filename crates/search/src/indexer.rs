//! The outbox consumer that keeps search up to date.

use std::sync::Arc;

use kernel::outbox::{Event, EventHandler, HandlerError, HandlerFuture};
use posts_api::PostEvent;
use profiles_api::ProfilesPort;
use search_api::{AuthorName, EVENT_TYPES, SearchError, SearchEvent, SearchPort};

/// The consumer name under which the relay records search's deliveries.
pub const CONSUMER: &str = "search";

/// Feeds post and profile events to a [`SearchPort`] — the in-process index or a remote
/// `quire-search` alike. Post events are sent with their author's names, looked up in the
/// profiles port here (a remote service has no profiles port to ask).
///
/// Failures the outbox should retry (index or service unavailable, profiles unavailable)
/// are handler errors; an event that can never apply (undecodable) is logged and skipped so
/// it does not stall the consumer.
#[derive(Clone)]
pub struct SearchIndexer {
    search: Arc<dyn SearchPort>,
    profiles: Arc<dyn ProfilesPort>,
}

impl std::fmt::Debug for SearchIndexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndexer")
            .field("consumer", &CONSUMER)
            .finish_non_exhaustive()
    }
}

impl SearchIndexer {
    /// An indexer feeding `search`, naming authors from `profiles`.
    pub fn new(search: Arc<dyn SearchPort>, profiles: Arc<dyn ProfilesPort>) -> Self {
        Self { search, profiles }
    }

    /// The event as search takes it, with the post author's names when it concerns a post.
    async fn enrich(&self, event: &Event) -> Result<SearchEvent, HandlerError> {
        let mut enriched = SearchEvent::new(event.event_type.clone(), event.payload.clone());
        if let Some(author_id) = post_author(&event.event_type, &event.payload) {
            let profile = self
                .profiles
                .by_id(author_id)
                .await
                .map_err(|e| HandlerError(format!("author lookup failed: {e}")))?;
            if let Some(profile) = profile {
                enriched = enriched.with_author(AuthorName {
                    id: profile.id,
                    username: profile.username,
                    display_name: profile.display_name,
                });
            }
        }
        Ok(enriched)
    }
}

/// The author a post event names, to look up their names before sending it.
fn post_author(event_type: &str, payload: &str) -> Option<i64> {
    if !matches!(event_type, "PostPublished" | "PostUpdated") {
        return None;
    }
    match serde_json::from_str::<PostEvent>(payload).ok()? {
        PostEvent::PostPublished(doc) | PostEvent::PostUpdated(doc) => Some(doc.author_id),
        _ => None,
    }
}

impl EventHandler for SearchIndexer {
    fn consumer(&self) -> &str {
        CONSUMER
    }

    fn accepts(&self, event_type: &str) -> bool {
        EVENT_TYPES.contains(&event_type)
    }

    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async move {
            let enriched = self.enrich(event).await?;
            match self.search.apply(enriched).await {
                Ok(()) => Ok(()),
                Err(SearchError::Invalid { message, .. }) => {
                    tracing::error!(event_id = event.id, %message, "search skipped an event it cannot apply");
                    Ok(())
                }
                Err(error) => Err(HandlerError(error.to_string())),
            }
        })
    }
}
