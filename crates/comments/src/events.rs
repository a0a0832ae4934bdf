//! Writing the module's events to the outbox, inside the caller's transaction.

use chrono::{DateTime, Utc};
use comments_api::CommentEvent;
use kernel::DbConnection;
use kernel::outbox::{self, NewEvent};

use crate::error::StoreResult;

/// Appends `event` to the outbox on `conn` (call inside the change's transaction).
pub(crate) fn record(
    conn: &mut DbConnection,
    event: &CommentEvent,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    outbox::append(conn, &NewEvent::new(event.event_type(), event, at)?)?;
    Ok(())
}
