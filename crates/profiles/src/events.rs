//! Writing the module's events to the outbox, inside the caller's transaction.

use chrono::{DateTime, Utc};
use kernel::DbConnection;
use kernel::outbox::{self, NewEvent};
use profiles_api::ProfileEvent;

use crate::error::StoreResult;

/// Appends `event` to the outbox on `conn` (call inside the change's transaction).
pub(crate) fn record(
    conn: &mut DbConnection,
    event: &ProfileEvent,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    outbox::append(conn, &NewEvent::new(event.event_type(), event, at)?)?;
    Ok(())
}
