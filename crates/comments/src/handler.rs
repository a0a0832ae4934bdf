//! Following the posts module's events: a deleted post's comments go with it.

use std::sync::Arc;

use comments_api::CommentsError;
use kernel::outbox::{Event, EventHandler, HandlerError, HandlerFuture, OutboxSignal};
use kernel::{Clock, DbPool};
use posts_api::PostEvent;

use crate::error::StoreError;
use crate::write;

/// The consumer name under which the relay records this module's deliveries.
pub const CONSUMER: &str = "comments";

/// The outbox event type this handler takes (`PostEvent::PostDeleted`).
const POST_DELETED: &str = "PostDeleted";

/// Removes every comment of a post when its `PostDeleted` event arrives. Idempotent: a second
/// delivery finds nothing left to remove. Get one from
/// [`SqlComments::post_events_handler`](crate::SqlComments::post_events_handler).
#[derive(Clone)]
pub struct PostEventsHandler {
    pool: DbPool,
    clock: Arc<dyn Clock>,
    outbox: OutboxSignal,
}

impl std::fmt::Debug for PostEventsHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostEventsHandler")
            .field("consumer", &CONSUMER)
            .finish_non_exhaustive()
    }
}

impl PostEventsHandler {
    pub(crate) fn new(pool: DbPool, clock: Arc<dyn Clock>, outbox: OutboxSignal) -> Self {
        Self {
            pool,
            clock,
            outbox,
        }
    }

    /// Removes the comments of `post_id`; returns how many went.
    async fn remove_post(&self, post_id: i64) -> Result<u64, CommentsError> {
        let now = self.clock.now();
        self.pool
            .write::<_, StoreError, _>(&self.outbox, move |conn| {
                write::remove_post(conn, now, post_id)
            })
            .await
            .map_err(CommentsError::from)
    }
}

impl EventHandler for PostEventsHandler {
    fn consumer(&self) -> &str {
        CONSUMER
    }

    fn accepts(&self, event_type: &str) -> bool {
        event_type == POST_DELETED
    }

    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async move {
            let decoded: PostEvent = match event.decode() {
                Ok(decoded) => decoded,
                Err(error) => {
                    // Retrying cannot fix a payload; skip it rather than stall the consumer.
                    tracing::error!(event_id = event.id, %error, "undecodable PostDeleted event skipped");
                    return Ok(());
                }
            };
            if let PostEvent::PostDeleted { post_id, .. } = decoded {
                let removed = self
                    .remove_post(post_id)
                    .await
                    .map_err(|e| HandlerError(e.to_string()))?;
                tracing::debug!(post_id, removed, "comments of a deleted post removed");
            }
            Ok(())
        })
    }
}
