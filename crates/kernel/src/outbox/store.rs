//! Reading and writing the outbox tables.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::not;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::schema::{outbox_deliveries, outbox_events, outbox_floors};
use crate::db::{DbConnection, DbError};

/// An event about to be appended to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// What happened, e.g. `PostPublished`; handlers dispatch on it.
    pub event_type: String,
    /// The event's data as JSON.
    pub payload: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
}

impl NewEvent {
    /// Serializes `payload` as the body of an event of type `event_type`.
    pub fn new(
        event_type: impl Into<String>,
        payload: &impl Serialize,
        occurred_at: DateTime<Utc>,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            event_type: event_type.into(),
            payload: serde_json::to_string(payload)?,
            occurred_at,
        })
    }
}

/// An event read back from the outbox, as handlers receive it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = outbox_events)]
pub struct Event {
    /// Position in the outbox; delivery follows it.
    pub id: i64,
    /// What happened.
    pub event_type: String,
    /// The event's data as JSON.
    pub payload: String,
    /// When it happened (UTC).
    #[diesel(column_name = created_at)]
    pub occurred_at_naive: NaiveDateTime,
}

impl Event {
    /// When it happened.
    pub fn occurred_at(&self) -> DateTime<Utc> {
        self.occurred_at_naive.and_utc()
    }

    /// Decodes the payload into the type the handler expects.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

/// Appends `event` using `conn`. Call it inside the transaction that makes the change the
/// event describes, so both commit or neither does. Returns the event's id.
pub fn append(conn: &mut DbConnection, event: &NewEvent) -> Result<i64, DbError> {
    let id = diesel::insert_into(outbox_events::table)
        .values((
            outbox_events::event_type.eq(&event.event_type),
            outbox_events::payload.eq(&event.payload),
            outbox_events::created_at.eq(event.occurred_at.naive_utc()),
        ))
        .returning(outbox_events::id)
        .get_result(conn)?;
    Ok(id)
}

/// The oldest events `consumer` has not handled yet, at most `limit` of them. The search
/// starts above the consumer's floor (see [`settle_floor`]), so it costs the events
/// delivered since then, not every event ever delivered.
pub(crate) fn pending_for(
    conn: &mut DbConnection,
    consumer: &str,
    limit: i64,
) -> Result<Vec<Event>, DbError> {
    let floor = floor_of(conn, consumer)?;
    pending_above(conn, consumer, floor, limit)
}

/// Like [`pending_for`], from a floor the caller already read.
///
/// Written as `id NOT IN (deliveries above the floor)` rather than `NOT EXISTS`: PostgreSQL
/// runs the former as one hash of the consumer's recent deliveries, whatever its row
/// estimates. `NOT EXISTS` lets it pick a nested loop over a materialised list instead when
/// the statistics are stale (a freshly imported site on a connection that plans generically),
/// and that plan compares every pending event with every delivery: 60 ms per pass on 2,000
/// events, seconds on 10,000.
fn pending_above(
    conn: &mut DbConnection,
    consumer: &str,
    floor: i64,
    limit: i64,
) -> Result<Vec<Event>, DbError> {
    let handled = outbox_deliveries::table
        .filter(outbox_deliveries::consumer.eq(consumer))
        .filter(outbox_deliveries::event_id.gt(floor))
        .select(outbox_deliveries::event_id);
    Ok(outbox_events::table
        .filter(outbox_events::id.gt(floor))
        .filter(not(outbox_events::id.eq_any(handled)))
        .order(outbox_events::id.asc())
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?)
}

/// The consumer's floor: every event at or below it is handled. 0 for a new consumer.
pub(crate) fn floor_of(conn: &mut DbConnection, consumer: &str) -> Result<i64, DbError> {
    let floor: Option<i64> = outbox_floors::table
        .find(consumer)
        .select(outbox_floors::floor)
        .first(conn)
        .optional()?;
    Ok(floor.unwrap_or(0))
}

/// Raises `consumer`'s floor as far as is safe, and returns it: past every event it has
/// handled up to its first pending one, but only over deliveries recorded at or before
/// `settled_before`.
///
/// The cut-off guards against late commits. An event id is handed out when its transaction
/// appends it, not when it commits, so on PostgreSQL an event may become visible after one
/// with a larger id was delivered; a floor above it would hide it for good. Every id below
/// a delivered event was handed out before that event committed, so once the delivery is
/// older than the longest a transaction stays open, nothing below it can still appear.
/// SQLite commits one writer at a time, in id order, so there the cut-off can be now.
pub(crate) fn settle_floor(
    conn: &mut DbConnection,
    consumer: &str,
    settled_before: DateTime<Utc>,
) -> Result<i64, DbError> {
    let floor = floor_of(conn, consumer)?;
    let first_pending = pending_above(conn, consumer, floor, 1)?
        .first()
        .map(|event| event.id);
    let mut settled = outbox_deliveries::table
        .filter(outbox_deliveries::consumer.eq(consumer))
        .filter(outbox_deliveries::event_id.gt(floor))
        .filter(outbox_deliveries::delivered_at.le(settled_before.naive_utc()))
        .into_boxed();
    if let Some(first_pending) = first_pending {
        settled = settled.filter(outbox_deliveries::event_id.lt(first_pending));
    }
    let settled: Option<i64> = settled
        .select(diesel::dsl::max(outbox_deliveries::event_id))
        .first(conn)?;
    let Some(settled) = settled.filter(|settled| *settled > floor) else {
        return Ok(floor);
    };
    raise_floor(conn, consumer, settled)?;
    Ok(settled)
}

/// Raises `consumer`'s floor to `to`, recording that it has handled every event up to
/// there; a floor already at or above `to` stays where it is.
///
/// On its own this is how deliveries are recorded where no late commit can happen (SQLite:
/// see `floor::commit_horizon`): a consumer handles pending events in id order, so once it
/// has handled an event it has handled everything below it.
pub(crate) fn raise_floor(conn: &mut DbConnection, consumer: &str, to: i64) -> Result<(), DbError> {
    // Floors only rise: another instance may have raised this one meanwhile.
    let raised = diesel::update(outbox_floors::table.find(consumer))
        .filter(outbox_floors::floor.lt(to))
        .set(outbox_floors::floor.eq(to))
        .execute(conn)?;
    if raised == 0 {
        let insert = diesel::insert_into(outbox_floors::table)
            .values((
                outbox_floors::consumer.eq(consumer),
                outbox_floors::floor.eq(to),
            ))
            .on_conflict_do_nothing();
        // The same statement on both; diesel's multi-connection backend has no upsert.
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Events with an id above `after`, oldest first, at most `limit` of them.
pub(crate) fn events_after(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<Event>, DbError> {
    Ok(outbox_events::table
        .filter(outbox_events::id.gt(after))
        .order(outbox_events::id.asc())
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?)
}

/// The newest event's id, or 0 when the outbox is empty.
pub(crate) fn newest_id(conn: &mut DbConnection) -> Result<i64, DbError> {
    let newest: Option<i64> = outbox_events::table
        .select(diesel::dsl::max(outbox_events::id))
        .first(conn)?;
    Ok(newest.unwrap_or(0))
}

/// Records that `consumer` has handled the events `event_ids`, in one statement. Recording
/// one twice is harmless (another instance may have raced us to it).
pub(crate) fn mark_delivered(
    conn: &mut DbConnection,
    consumer: &str,
    event_ids: &[i64],
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    if event_ids.is_empty() {
        return Ok(());
    }
    let at = at.naive_utc();
    let rows: Vec<_> = event_ids
        .iter()
        .map(|event_id| {
            (
                outbox_deliveries::consumer.eq(consumer),
                outbox_deliveries::event_id.eq(*event_id),
                outbox_deliveries::delivered_at.eq(at),
            )
        })
        .collect();
    let insert = diesel::insert_into(outbox_deliveries::table)
        .values(&rows)
        .on_conflict_do_nothing();
    // The same statement on both; diesel's multi-connection backend has no upsert.
    match conn {
        DbConnection::Sqlite(c) => insert.execute(c)?,
        DbConnection::Pg(c) => insert.execute(c)?,
    };
    Ok(())
}

/// How many events the outbox holds.
pub fn count_events(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(outbox_events::table.count().get_result(conn)?)
}

/// Ids of the events `consumer` has handled, in order: those at or below its floor and
/// those recorded one by one above it.
pub fn delivered_to(conn: &mut DbConnection, consumer: &str) -> Result<Vec<i64>, DbError> {
    let floor = floor_of(conn, consumer)?;
    let recorded = outbox_deliveries::table
        .filter(outbox_deliveries::consumer.eq(consumer))
        .select(outbox_deliveries::event_id);
    Ok(outbox_events::table
        .filter(
            outbox_events::id
                .le(floor)
                .or(outbox_events::id.eq_any(recorded)),
        )
        .select(outbox_events::id)
        .order(outbox_events::id.asc())
        .load(conn)?)
}
