//! Reading and writing the outbox tables.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::schema::{outbox_deliveries, outbox_events};
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

/// The oldest events `consumer` has not handled yet, at most `limit` of them.
pub(crate) fn pending_for(
    conn: &mut DbConnection,
    consumer: &str,
    limit: i64,
) -> Result<Vec<Event>, DbError> {
    let handled = outbox_deliveries::table
        .filter(outbox_deliveries::consumer.eq(consumer))
        .filter(outbox_deliveries::event_id.eq(outbox_events::id));
    Ok(outbox_events::table
        .filter(not(exists(handled)))
        .order(outbox_events::id.asc())
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?)
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

/// Records that `consumer` has handled `event_id`. Recording twice is harmless (another
/// instance may have raced us to it).
pub(crate) fn mark_delivered(
    conn: &mut DbConnection,
    consumer: &str,
    event_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let inserted = diesel::insert_into(outbox_deliveries::table)
        .values((
            outbox_deliveries::consumer.eq(consumer),
            outbox_deliveries::event_id.eq(event_id),
            outbox_deliveries::delivered_at.eq(at.naive_utc()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) | Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// How many events the outbox holds.
pub fn count_events(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(outbox_events::table.count().get_result(conn)?)
}

/// Ids of the events `consumer` has handled, in order.
pub fn delivered_to(conn: &mut DbConnection, consumer: &str) -> Result<Vec<i64>, DbError> {
    Ok(outbox_deliveries::table
        .filter(outbox_deliveries::consumer.eq(consumer))
        .select(outbox_deliveries::event_id)
        .order(outbox_deliveries::event_id.asc())
        .load(conn)?)
}
