//! How far back a consumer must still look for events: late commits and floors.
//!
//! Ids are handed out when a transaction appends its event, not when it commits. On
//! PostgreSQL an event with a smaller id may therefore become visible after one with a
//! larger id was delivered, and a consumer that stopped looking below its newest delivery
//! would miss it. Consumers keep looking back for [`LATE_COMMIT_HORIZON`]: a late commit is
//! still delivered unless its transaction stayed open longer than that (writes here last
//! milliseconds). SQLite commits one writer at a time, in id order, so there nothing can
//! appear below a delivered event and consumers need not look back at all.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::time::Instant;

use crate::db::Backend;

/// How long after a delivery an event with a smaller id may still commit, on PostgreSQL.
pub const LATE_COMMIT_HORIZON: Duration = Duration::from_secs(60);

/// How long after a delivery an event with a smaller id may still commit on `backend`.
pub(crate) fn commit_horizon(backend: Backend) -> Duration {
    match backend {
        Backend::Sqlite => Duration::ZERO,
        Backend::Postgres => LATE_COMMIT_HORIZON,
    }
}

/// Least time between two raises of one durable consumer's floor when the horizon is not
/// zero: each raise then looks over the horizon's worth of events.
const SETTLE_EVERY: Duration = Duration::from_secs(1);

/// When the relay raises its durable consumers' floors (see `store::settle_floor`).
#[derive(Debug)]
pub(crate) struct FloorPolicy {
    horizon: TimeDelta,
    every: Duration,
    last_settled: Mutex<HashMap<String, Instant>>,
}

impl FloorPolicy {
    /// The policy for `backend`: after every pass on SQLite (cheap there, and it keeps the
    /// search for pending events to the newest few), at most once a second on PostgreSQL.
    pub(crate) fn for_backend(backend: Backend) -> Self {
        let horizon = commit_horizon(backend);
        Self {
            horizon: TimeDelta::from_std(horizon).unwrap_or(TimeDelta::MAX),
            every: if horizon.is_zero() {
                Duration::ZERO
            } else {
                SETTLE_EVERY
            },
            last_settled: Mutex::new(HashMap::new()),
        }
    }

    /// Whether an event may commit below one already delivered, so that deliveries must be
    /// recorded one by one and the floor raised only past settled ones. Without a horizon
    /// (SQLite), raising the floor past the events handled records them.
    pub(crate) fn has_late_commits(&self) -> bool {
        !self.horizon.is_zero()
    }

    /// The time before which deliveries are settled, at `now`.
    pub(crate) fn cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.horizon
    }

    /// If `consumer`'s floor is due to be raised now, the time before which its
    /// deliveries are settled; `None` when it was raised too recently.
    pub(crate) fn due(&self, consumer: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.every.is_zero() {
            let mut last = self.last_settled.lock().unwrap_or_else(|p| p.into_inner());
            let at = Instant::now();
            if last
                .get(consumer)
                .is_some_and(|previous| at.duration_since(*previous) < self.every)
            {
                return None;
            }
            last.insert(consumer.to_owned(), at);
        }
        Some(self.cutoff(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_settles_every_pass_up_to_now() {
        let policy = FloorPolicy::for_backend(Backend::Sqlite);
        let now = Utc::now();
        assert_eq!(policy.due("search", now), Some(now));
        assert_eq!(policy.due("search", now), Some(now));
    }

    #[test]
    fn postgres_settles_behind_the_horizon_at_most_once_a_second() {
        let policy = FloorPolicy::for_backend(Backend::Postgres);
        let now = Utc::now();
        let horizon = TimeDelta::from_std(LATE_COMMIT_HORIZON).unwrap();
        assert_eq!(policy.due("search", now), Some(now - horizon));
        assert_eq!(policy.due("search", now), None);
        assert_eq!(policy.due("comments", now), Some(now - horizon));
    }
}
