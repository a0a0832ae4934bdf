//! Delivering outbox events to handlers.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::live::{LiveProgress, LiveSubscriber};
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
///
/// It also counts how often it was raised, so a live subscriber can tell whether every
/// event committed by this process has reached it yet (see [`LiveProgress`]).
#[derive(Debug, Clone, Default)]
pub struct OutboxSignal(Arc<SignalState>);

#[derive(Debug, Default)]
struct SignalState {
    wake: Notify,
    raised: AtomicU64,
}

impl OutboxSignal {
    /// A fresh signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tells the relay there is something new to deliver. Call it after the commit.
    pub fn notify(&self) {
        self.0.raised.fetch_add(1, Ordering::AcqRel);
        self.0.wake.notify_one();
    }

    /// How many times [`OutboxSignal::notify`] was called so far.
    pub fn raised(&self) -> u64 {
        self.0.raised.load(Ordering::Acquire)
    }

    async fn notified(&self) {
        self.0.wake.notified().await;
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
    live: Vec<LiveSubscriber>,
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
            live: Vec::new(),
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

    /// Adds a live subscriber: a consumer that hears of every event appended from now on,
    /// with its progress kept in memory rather than in the database (see [`LiveProgress`]).
    /// Live subscribers are served before the registered consumers on every pass.
    pub async fn subscribe_live(
        &mut self,
        handler: Arc<dyn EventHandler>,
    ) -> Result<LiveProgress, DbError> {
        let (subscriber, progress) =
            LiveSubscriber::subscribe(&self.pool, &self.signal, handler).await?;
        self.live.push(subscriber);
        Ok(progress)
    }

    /// Delivers everything pending to every consumer, once, ignoring backoff. A failing
    /// handler stops its own consumer's pass; the others go on.
    pub async fn deliver_pending(&self) -> Result<DeliveryReport, DbError> {
        let mut report = DeliveryReport::default();
        for subscriber in &self.live {
            let consumer_report = self.deliver_live(subscriber).await?;
            report
                .consumers
                .insert(subscriber.consumer().to_owned(), consumer_report);
        }
        for handler in &self.handlers {
            let consumer_report = self.deliver_to(handler).await?;
            report
                .consumers
                .insert(handler.consumer().to_owned(), consumer_report);
        }
        Ok(report)
    }

    async fn deliver_live(&self, subscriber: &LiveSubscriber) -> Result<ConsumerReport, DbError> {
        let outcome = subscriber
            .deliver(&self.pool, &self.signal, self.options.batch_size)
            .await?;
        Ok(match outcome {
            Ok(delivered) => ConsumerReport {
                delivered,
                failure: None,
            },
            Err(failure) => {
                tracing::warn!(
                    consumer = subscriber.consumer(),
                    %failure,
                    "live outbox subscriber failed; will retry"
                );
                ConsumerReport {
                    delivered: 0,
                    failure: Some(failure),
                }
            }
        })
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

    /// Clears a consumer's backoff after a good pass, or doubles it after a failed one.
    fn pace(
        &self,
        retry_at: &mut HashMap<String, (Instant, Duration)>,
        name: String,
        failed: bool,
    ) {
        if !failed {
            retry_at.remove(&name);
            return;
        }
        let backoff = retry_at
            .get(&name)
            .map_or(self.options.initial_backoff, |(_, b)| {
                (*b * 2).min(self.options.max_backoff)
            });
        retry_at.insert(name, (Instant::now() + backoff, backoff));
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
            for subscriber in &self.live {
                let name = subscriber.consumer().to_owned();
                if retry_at.get(&name).is_some_and(|(at, _)| *at > now) {
                    continue;
                }
                let failure = match self.deliver_live(subscriber).await {
                    Ok(report) => report.failure,
                    Err(error) => {
                        tracing::warn!(consumer = %name, %error, "outbox relay cannot read the outbox");
                        Some(error.to_string())
                    }
                };
                self.pace(&mut retry_at, name, failure.is_some());
            }
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
                self.pace(&mut retry_at, name, failure.is_some());
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
