//! Live subscribers: consumers whose progress lives in memory, for per-process caches.
//!
//! A page cache in each `quire` instance must hear about every change, but only from the
//! moment it started (it starts empty), and recording its deliveries in the database would
//! cost one write per event per instance. A live subscriber therefore starts after the newest
//! event present when it subscribes and remembers in memory which later events it handled.
//!
//! On PostgreSQL an event with a smaller id may become visible after a larger one (see
//! [`super::floor`]). The subscriber keeps the ids it handled for the backend's commit
//! horizon and only then moves its floor past them, so a late commit is still delivered. On
//! SQLite the horizon is zero: the floor follows the newest event handled.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::floor::commit_horizon;
use super::relay::{EventHandler, OutboxSignal};
use super::store;
use crate::db::{DbError, DbPool};

/// How far a live subscriber has got, readable from anywhere in the process.
#[derive(Debug, Clone)]
pub struct LiveProgress {
    signal: OutboxSignal,
    synced: Arc<AtomicU64>,
}

impl LiveProgress {
    /// Whether every event committed by this process so far (every raise of its
    /// [`OutboxSignal`]) has been handed to the subscriber. While this is false, something
    /// this process changed has not reached the subscriber yet.
    pub fn caught_up(&self) -> bool {
        self.synced.load(Ordering::Acquire) >= self.signal.raised()
    }
}

/// Which events a live subscriber has handled.
#[derive(Debug)]
struct Cursor {
    /// Every event at or below this id is handled or was there before the subscription.
    floor: i64,
    /// Handled ids above the floor, with when they were handled.
    handled: BTreeMap<i64, Instant>,
    /// How long handled ids are kept before the floor moves past them.
    horizon: Duration,
}

impl Cursor {
    /// Moves the floor past ids handled at least the horizon ago.
    fn settle(&mut self, now: Instant) {
        let horizon = self.horizon;
        let settled = self
            .handled
            .iter()
            .filter(|(_, at)| now.duration_since(**at) >= horizon)
            .map(|(id, _)| *id)
            .max();
        if let Some(floor) = settled {
            self.floor = self.floor.max(floor);
            self.handled = self.handled.split_off(&(floor + 1));
        }
    }
}

/// One live subscription held by the relay.
pub(crate) struct LiveSubscriber {
    handler: Arc<dyn EventHandler>,
    cursor: Mutex<Cursor>,
    synced: Arc<AtomicU64>,
}

impl LiveSubscriber {
    /// Subscribes `handler` from the newest event in the outbox now.
    pub(crate) async fn subscribe(
        pool: &DbPool,
        signal: &OutboxSignal,
        handler: Arc<dyn EventHandler>,
    ) -> Result<(Self, LiveProgress), DbError> {
        // Read the signal before the newest id: a commit between the two is then at most
        // delivered again (harmless), never counted as seen without being delivered.
        let raised = signal.raised();
        let floor = pool.run(store::newest_id).await?;
        let synced = Arc::new(AtomicU64::new(raised));
        let progress = LiveProgress {
            signal: signal.clone(),
            synced: synced.clone(),
        };
        let subscriber = Self {
            handler,
            cursor: Mutex::new(Cursor {
                floor,
                handled: BTreeMap::new(),
                horizon: commit_horizon(pool.backend()),
            }),
            synced,
        };
        Ok((subscriber, progress))
    }

    /// The subscriber's consumer name.
    pub(crate) fn consumer(&self) -> &str {
        self.handler.consumer()
    }

    /// Hands every event not yet handled to the subscriber, in id order. Returns how many
    /// were delivered, or the handler's error (the failed event is offered again next time).
    pub(crate) async fn deliver(
        &self,
        pool: &DbPool,
        signal: &OutboxSignal,
        batch_size: i64,
    ) -> Result<Result<usize, String>, DbError> {
        let raised = signal.raised();
        let mut cursor = self.cursor.lock().await;
        let mut after = cursor.floor;
        let mut delivered = 0;
        loop {
            // A pure read: in place on SQLite, no trip to the blocking pool (`DbPool::read`).
            let batch = pool
                .read(move |conn| store::events_after(conn, after, batch_size))
                .await?;
            let full_batch = batch.len() as i64 == batch_size;
            for event in batch {
                after = event.id;
                if cursor.handled.contains_key(&event.id) {
                    continue;
                }
                if self.handler.accepts(&event.event_type)
                    && let Err(error) = self.handler.handle(&event).await
                {
                    return Ok(Err(error.0));
                }
                cursor.handled.insert(event.id, Instant::now());
                delivered += 1;
            }
            if !full_batch {
                break;
            }
        }
        cursor.settle(Instant::now());
        self.synced.fetch_max(raised, Ordering::AcqRel);
        Ok(Ok(delivered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settling_moves_the_floor_only_past_old_ids() {
        let start = Instant::now();
        let horizon = Duration::from_secs(60);
        let mut cursor = Cursor {
            floor: 10,
            handled: BTreeMap::from([(12, start), (15, start + horizon), (13, start)]),
            horizon,
        };
        cursor.settle(start + horizon);
        // 12 and 13 are old enough; 15 (handled later) is kept and 14 may still commit.
        assert_eq!(cursor.floor, 13);
        assert_eq!(cursor.handled.keys().copied().collect::<Vec<_>>(), [15]);
    }

    #[test]
    fn without_a_horizon_the_floor_follows_the_newest_id() {
        let now = Instant::now();
        let mut cursor = Cursor {
            floor: 10,
            handled: BTreeMap::from([(11, now), (14, now)]),
            horizon: Duration::ZERO,
        };
        cursor.settle(now);
        assert_eq!(cursor.floor, 14);
        assert!(cursor.handled.is_empty());
    }
}
