//! Delivering outbox events to handlers.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::store::{self, Event};
use crate::clock::Clock;
use crate::db::{DbError, DbPool};

/// The future a handler returns.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HandlerError>> + Send + 'a>>;

/// Why a handler could not take an event; the relay will offer it again later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HandlerError(pub String);

/// A consumer of outbox events, e.g. the search indexer or a page cache.
pub trait EventHandler: Send + Sync {
    /// The consumer's stable name: the inbox key under which its deliveries are recorded.
    /// Renaming a consumer makes it receive every event again.
    fn consumer(&self) -> &str;

    /// Whether this consumer cares about events of this type. Others are recorded as handled
    /// without calling [`EventHandler::handle`].
    fn accepts(&self, _event_type: &str) -> bool {
        true
    }

    /// Handles one event. Must be idempotent: the same event may come again after a crash.
    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a>;
}

/// Wakes the relay right after a commit that appended events, so delivery does not wait for
/// the next poll. Cheap to clone; hand one to every module that writes events.
#[derive(Debug, Clone, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    /// A fresh signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tells the relay there is something new to deliver.
    pub fn notify(&self) {
        self.0.notify_one();
    }

    async fn notified(&self) {
        self.0.notified().await;
    }
}

/// How the relay paces itself.
#[derive(Debug, Clone, Copy)]
pub struct RelayOptions {
    /// Events fetched per query.
    pub batch_size: i64,
    /// How often to look for events when nobody signalled (events written by other
    /// instances sharing the database arrive this way).
    pub poll_interval: Duration,
    /// First wait after a handler fails; doubled on each further failure.
    pub initial_backoff: Duration,
    /// Longest wait between retries of a failing handler.
    pub max_backoff: Duration,
}

impl Default for RelayOptions {
    fn default() -> Self {
        Self {
            batch_size: 100,
            poll_interval: Duration::from_millis(500),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// What one pass did for one consumer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerReport {
    /// Events handled (or skipped as not accepted) and recorded.
    pub delivered: usize,
    /// The handler's error, if it failed; the pass for this consumer stopped there.
    pub failure: Option<String>,
}

/// What one pass did for every consumer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Per consumer name.
    pub consumers: HashMap<String, ConsumerReport>,
}

impl DeliveryReport {
    /// Events delivered across all consumers.
    pub fn delivered(&self) -> usize {
        self.consumers.values().map(|c| c.delivered).sum()
    }

    /// Consumers whose handler failed in this pass.
    pub fn failed(&self) -> usize {
        self.consumers
            .values()
            .filter(|c| c.failure.is_some())
            .count()
    }
}

/// Delivers outbox events to registered handlers, at least once each.
pub struct Relay {
    pool: DbPool,
    clock: Arc<dyn Clock>,
    signal: OutboxSignal,
    handlers: Vec<Arc<dyn EventHandler>>,
    options: RelayOptions,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let consumers: Vec<&str> = self.handlers.iter().map(|h| h.consumer()).collect();
        f.debug_struct("Relay")
            .field("consumers", &consumers)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// A relay over `pool`'s outbox, woken by `signal`.
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>, signal: OutboxSignal) -> Self {
        Self {
            pool,
            clock,
            signal,
            handlers: Vec::new(),
            options: RelayOptions::default(),
        }
    }

    /// Replaces the pacing options.
    pub fn with_options(mut self, options: RelayOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds a consumer. Consumer names must be unique.
    pub fn register(&mut self, handler: Arc<dyn EventHandler>) {
        debug_assert!(
            self.handlers
                .iter()
                .all(|h| h.consumer() != handler.consumer()),
            "consumer names must be unique"
        );
        self.handlers.push(handler);
    }

    /// Delivers everything pending to every consumer, once, ignoring backoff. A failing
    /// handler stops its own consumer's pass; the others go on.
    pub async fn deliver_pending(&self) -> Result<DeliveryReport, DbError> {
        let mut report = DeliveryReport::default();
        for handler in &self.handlers {
            let consumer_report = self.deliver_to(handler).await?;
            report
                .consumers
                .insert(handler.consumer().to_owned(), consumer_report);
        }
        Ok(report)
    }

    /// Delivers everything pending to one consumer, in id order, stopping at the first
    /// failure so that later events never overtake an earlier one.
    async fn deliver_to(&self, handler: &Arc<dyn EventHandler>) -> Result<ConsumerReport, DbError> {
        let mut report = ConsumerReport::default();
        loop {
            let consumer = handler.consumer().to_owned();
            let limit = self.options.batch_size;
            let batch = self
                .pool
                .run(move |conn| store::pending_for(conn, &consumer, limit))
                .await?;
            let full_batch = batch.len() as i64 == limit;
            for event in batch {
                if handler.accepts(&event.event_type)
                    && let Err(error) = handler.handle(&event).await
                {
                    tracing::warn!(
                        consumer = handler.consumer(),
                        event_id = event.id,
                        event_type = %event.event_type,
                        %error,
                        "outbox handler failed; will retry"
                    );
                    report.failure = Some(error.0);
                    return Ok(report);
                }
                let consumer = handler.consumer().to_owned();
                let now = self.clock.now();
                self.pool
                    .run(move |conn| store::mark_delivered(conn, &consumer, event.id, now))
                    .await?;
                report.delivered += 1;
            }
            if !full_batch {
                return Ok(report);
            }
        }
    }

    /// Runs until `shutdown` turns true: delivers on every signal and every poll interval,
    /// backing off per consumer while its handler fails or the database is unreachable.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut retry_at: HashMap<String, (Instant, Duration)> = HashMap::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            let now = Instant::now();
            for handler in &self.handlers {
                let name = handler.consumer().to_owned();
                if retry_at.get(&name).is_some_and(|(at, _)| *at > now) {
                    continue;
                }
                let failure = match self.deliver_to(handler).await {
                    Ok(report) => report.failure,
                    Err(error) => {
                        tracing::warn!(consumer = %name, %error, "outbox relay cannot read the outbox");
                        Some(error.to_string())
                    }
                };
                match failure {
                    None => {
                        retry_at.remove(&name);
                    }
                    Some(_) => {
                        let backoff = retry_at
                            .get(&name)
                            .map_or(self.options.initial_backoff, |(_, b)| {
                                (*b * 2).min(self.options.max_backoff)
                            });
                        retry_at.insert(name, (Instant::now() + backoff, backoff));
                    }
                }
            }
            let next_retry = retry_at.values().map(|(at, _)| *at).min();
            let next_poll = Instant::now() + self.options.poll_interval;
            let wake_at = next_retry.map_or(next_poll, |at| at.min(next_poll));
            tokio::select! {
                () = self.signal.notified() => {}
                () = tokio::time::sleep_until(wake_at) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::info!("outbox relay stopped");
    }
}
