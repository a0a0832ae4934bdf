//! The outbox consumer that keeps search up to date.

use std::sync::Arc;

use kernel::outbox::{BatchFailure, BatchFuture, Event, EventHandler, HandlerError, HandlerFuture};
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

    /// The events as search takes them, with the post authors' names where they concern a
    /// post (one profiles lookup for the lot).
    async fn enrich(&self, events: &[Event]) -> Result<Vec<SearchEvent>, HandlerError> {
        let authors: Vec<Option<i64>> = events
            .iter()
            .map(|event| post_author(&event.event_type, &event.payload))
            .collect();
        let mut ids: Vec<i64> = authors.iter().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let profiles = if ids.is_empty() {
            Vec::new()
        } else {
            self.profiles
                .by_ids(ids)
                .await
                .map_err(|e| HandlerError(format!("author lookup failed: {e}")))?
        };
        Ok(events
            .iter()
            .zip(authors)
            .map(|(event, author_id)| {
                let enriched = SearchEvent::new(event.event_type.clone(), event.payload.clone());
                let profile = author_id.and_then(|id| profiles.iter().find(|p| p.id == id));
                match profile {
                    Some(profile) => enriched.with_author(AuthorName {
                        id: profile.id,
                        username: profile.username.clone(),
                        display_name: profile.display_name.clone(),
                    }),
                    None => enriched,
                }
            })
            .collect())
    }

    /// Applies one event; one that can never apply is logged and skipped.
    async fn apply_one(&self, event: &Event, enriched: SearchEvent) -> Result<(), HandlerError> {
        match self.search.apply(enriched).await {
            Ok(()) => Ok(()),
            Err(SearchError::Invalid { message, .. }) => {
                tracing::error!(event_id = event.id, %message, "search skipped an event it cannot apply");
                Ok(())
            }
            Err(error) => Err(HandlerError(error.to_string())),
        }
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
            let enriched = self.enrich(std::slice::from_ref(event)).await?;
            for enriched in enriched {
                self.apply_one(event, enriched).await?;
            }
            Ok(())
        })
    }

    /// The whole batch goes to search at once (the in-process index commits once for it).
    /// If one event of it can never apply, the batch is applied event by event instead, so
    /// that one is skipped and the others still go in.
    fn handle_batch<'a>(&'a self, events: &'a [Event]) -> BatchFuture<'a> {
        Box::pin(async move {
            let failed = |handled, error| BatchFailure { handled, error };
            let enriched = self.enrich(events).await.map_err(|e| failed(0, e))?;
            match self.search.apply_all(enriched.clone()).await {
                Ok(()) => return Ok(()),
                Err(SearchError::Invalid { .. }) => {}
                Err(error) => return Err(failed(0, HandlerError(error.to_string()))),
            }
            for (handled, (event, enriched)) in events.iter().zip(enriched).enumerate() {
                self.apply_one(event, enriched)
                    .await
                    .map_err(|e| failed(handled, e))?;
            }
            Ok(())
        })
    }
}
