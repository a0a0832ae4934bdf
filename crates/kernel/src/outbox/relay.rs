//! Delivering outbox events to handlers.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use super::floor::FloorPolicy;
use super::live::{LiveProgress, LiveSubscriber};
use super::store::{self, Event};
use crate::clock::Clock;
use crate::db::{DbError, DbPool};

/// The future a handler returns.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HandlerError>> + Send + 'a>>;

/// The future [`EventHandler::handle_batch`] returns.
pub type BatchFuture<'a> = Pin<Box<dyn Future<Output = Result<(), BatchFailure>> + Send + 'a>>;

/// Why a handler could not take an event; the relay will offer it again later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HandlerError(pub String);

/// How far a batch got before its handler failed: the first `handled` events of the batch
/// were taken, the next one failed with `error` and is offered again later, with the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFailure {
    /// Events of the batch handled before the failure.
    pub handled: usize,
    /// What went wrong with the next one.
    pub error: HandlerError,
}

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

    /// Handles several events, in order, all of them accepted; durable consumers are given
    /// their pending events this way. The default hands them to [`EventHandler::handle`]
    /// one by one; a consumer with a costly per-call step (an index commit) does that step
    /// once per batch instead. Idempotent like `handle`.
    fn handle_batch<'a>(&'a self, events: &'a [Event]) -> BatchFuture<'a> {
        Box::pin(async move {
            for (handled, event) in events.iter().enumerate() {
                if let Err(error) = self.handle(event).await {
                    return Err(BatchFailure { handled, error });
                }
            }
            Ok(())
        })
    }
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
    /// Wakes the live subscribers' lane.
    wake_live: Notify,
    /// Wakes the durable consumers' lane.
    wake_durable: Notify,
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
        self.0.wake_live.notify_one();
        self.0.wake_durable.notify_one();
    }

    /// How many times [`OutboxSignal::notify`] was called so far.
    pub fn raised(&self) -> u64 {
        self.0.raised.load(Ordering::Acquire)
    }

    async fn notified(&self, lane: Lane) {
        match lane {
            Lane::Live => self.0.wake_live.notified().await,
            Lane::Durable => self.0.wake_durable.notified().await,
        }
    }
}

/// The relay's two delivery loops, which run side by side so that a slow durable consumer
/// (an indexer working through a backlog) never holds up the live subscribers (the page
/// caches, whose readers wait for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Live,
    Durable,
}

/// How the relay paces itself.
#[derive(Debug, Clone, Copy)]
pub struct RelayOptions {
    /// Events fetched per query. In the background loop a durable consumer gets one batch
    /// per pass, so one consumer's backlog does not starve the others.
    pub batch_size: i64,
    /// How often to look for events when nobody signalled (events written by other
    /// instances sharing the database arrive this way).
    pub poll_interval: Duration,
    /// First wait after a handler fails; doubled on each further failure.
    pub initial_backoff: Duration,
    /// Longest wait between retries of a failing handler.
    pub max_backoff: Duration,
    /// After a pass of the durable lane that delivered something and left nothing waiting,
    /// the lane rests this long before the next one; events arriving meanwhile wait and go
    /// in the next pass together. Durable consumers (the search index above all, with its
    /// fixed cost per commit) then take a stream of single writes in batches instead of
    /// one by one, and leave the CPU to the requests. A backlog is not paced: full batches
    /// follow each other at once.
    pub durable_pace: Duration,
}

impl Default for RelayOptions {
    fn default() -> Self {
        Self {
            batch_size: 100,
            poll_interval: Duration::from_millis(500),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(30),
            durable_pace: Duration::from_millis(50),
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
    floors: FloorPolicy,
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
            clock,
            signal,
            handlers: Vec::new(),
            live: Vec::new(),
            options: RelayOptions::default(),
            floors: FloorPolicy::for_backend(pool.backend()),
            pool,
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
    /// In the background ([`Relay::run`]) they have their own loop, so a slow consumer never
    /// delays them.
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
            let consumer_report = self.deliver_to(handler, Drain::All).await?.0;
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

    /// Delivers pending events to one consumer, in id order, stopping at the first failure so
    /// that later events never overtake an earlier one. Also says whether more may be waiting
    /// (with [`Drain::OneBatch`], the batch was full). After a pass without failure the
    /// consumer's floor is raised, so the next search for pending events starts there.
    async fn deliver_to(
        &self,
        handler: &Arc<dyn EventHandler>,
        drain: Drain,
    ) -> Result<(ConsumerReport, bool), DbError> {
        let mut report = ConsumerReport::default();
        loop {
            let batch = self.take_batch(handler, drain).await?;
            let full = batch.full;
            report.delivered += batch.to_record.event_ids.len();
            report.failure = batch.failure;
            self.record(vec![batch.to_record]).await?;
            let failed = report.failure.is_some();
            if failed || !full || drain == Drain::OneBatch {
                return Ok((report, full && !failed));
            }
        }
    }

    /// Hands `handler` its next batch of pending events; returns what is to be recorded (see
    /// [`Relay::record`]), which nothing has recorded yet.
    async fn take_batch(
        &self,
        handler: &Arc<dyn EventHandler>,
        drain: Drain,
    ) -> Result<TakenBatch, DbError> {
        let consumer = handler.consumer().to_owned();
        let limit = self.options.batch_size;
        // A pure read: in place on SQLite, no trip to the blocking pool (`DbPool::read`).
        let batch = {
            let consumer = consumer.clone();
            self.pool
                .read(move |conn| store::pending_for(conn, &consumer, limit))
                .await?
        };
        let full = batch.len() as i64 == limit;
        let ids: Vec<i64> = batch.iter().map(|event| event.id).collect();
        let accepted: Vec<Event> = batch
            .into_iter()
            .filter(|event| handler.accepts(&event.event_type))
            .collect();
        // Every event below the one that failed was handled or is of no interest.
        let mut handled_below = i64::MAX;
        let mut failure = None;
        if !accepted.is_empty()
            && let Err(batch_failure) = handler.handle_batch(&accepted).await
        {
            let failed = &accepted[batch_failure.handled.min(accepted.len() - 1)];
            tracing::warn!(
                consumer = handler.consumer(),
                event_id = failed.id,
                event_type = %failed.event_type,
                error = %batch_failure.error,
                "outbox handler failed; will retry"
            );
            handled_below = failed.id;
            failure = Some(batch_failure.error.0);
        }
        let now = self.clock.now();
        let settle_before = match drain {
            _ if failure.is_some() => None,
            Drain::All => Some(self.floors.cutoff(now)),
            Drain::OneBatch => self.floors.due(&consumer, now),
        };
        Ok(TakenBatch {
            to_record: Deliveries {
                consumer,
                event_ids: ids.into_iter().filter(|id| *id < handled_below).collect(),
                at: now,
                settle_before,
            },
            full,
            failure,
        })
    }

    /// Records the deliveries of one or more consumers, and raises their floors where due,
    /// in one write transaction (on SQLite it waits its turn with the other writers instead
    /// of meeting one's lock: see `db::writer_gate`).
    async fn record(&self, deliveries: Vec<Deliveries>) -> Result<(), DbError> {
        let one_by_one = self.floors.has_late_commits();
        if deliveries
            .iter()
            .all(|d| d.event_ids.is_empty() && (d.settle_before.is_none() || !one_by_one))
        {
            return Ok(());
        }
        self.pool
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    for d in &deliveries {
                        if !one_by_one {
                            // Handled in id order with nothing able to commit below them:
                            // the floor alone records them, instead of a row per consumer
                            // and event that nothing would ever remove.
                            if let Some(&last) = d.event_ids.last() {
                                store::raise_floor(conn, &d.consumer, last)?;
                            }
                            continue;
                        }
                        store::mark_delivered(conn, &d.consumer, &d.event_ids, d.at)?;
                        if let Some(settled_before) = d.settle_before {
                            store::settle_floor(conn, &d.consumer, settled_before)?;
                        }
                    }
                    Ok::<(), DbError>(())
                })
            })
            .await
    }

    /// Clears a consumer's backoff after a good pass, or doubles it after a failed one
    /// (a handler's failure, or the outbox unreadable, which is logged here).
    fn pace(
        &self,
        retry_at: &mut HashMap<String, (Instant, Duration)>,
        name: String,
        outcome: Result<Option<String>, DbError>,
    ) {
        let failed = match outcome {
            Ok(failure) => failure.is_some(),
            Err(error) => {
                tracing::warn!(consumer = %name, %error, "outbox relay cannot read the outbox");
                true
            }
        };
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
    /// Live subscribers and durable consumers are served by two loops running side by side.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let relay = Arc::new(self);
        let live = tokio::spawn({
            let relay = Arc::clone(&relay);
            let shutdown = shutdown.clone();
            async move { relay.run_lane(Lane::Live, shutdown).await }
        });
        relay.run_lane(Lane::Durable, shutdown).await;
        if let Err(error) = live.await {
            tracing::error!(%error, "the live outbox loop ended abnormally");
        }
        tracing::info!("outbox relay stopped");
    }

    /// One lane's loop: a pass over its consumers, then a wait for a signal, the poll
    /// interval or the next retry (no wait while a durable consumer has more batches; on
    /// the durable lane, first a rest of [`RelayOptions::durable_pace`] after a pass that
    /// delivered).
    async fn run_lane(&self, lane: Lane, mut shutdown: watch::Receiver<bool>) {
        let mut retry_at: HashMap<String, (Instant, Duration)> = HashMap::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            let pass = match lane {
                Lane::Live => {
                    self.live_pass(&mut retry_at).await;
                    PassOutcome::default()
                }
                Lane::Durable => self.durable_pass(&mut retry_at).await,
            };
            let more = pass.more;
            if pass.delivered && !more && !self.options.durable_pace.is_zero() {
                // A signal raised meanwhile is kept (`Notify` stores one permit): the next
                // pass starts as soon as the rest is over.
                tokio::select! {
                    () = tokio::time::sleep(self.options.durable_pace) => {}
                    changed = shutdown.changed() => {
                        // The change is now seen: the wait below would not wake for it.
                        if changed.is_err() || *shutdown.borrow() {
                            break;
                        }
                    }
                }
            }
            if more {
                // Let the other tasks run between batches of a long backlog.
                tokio::task::yield_now().await;
                continue;
            }
            let next_retry = retry_at.values().map(|(at, _)| *at).min();
            let next_poll = Instant::now() + self.options.poll_interval;
            let wake_at = next_retry.map_or(next_poll, |at| at.min(next_poll));
            tokio::select! {
                () = self.signal.notified(lane) => {}
                () = tokio::time::sleep_until(wake_at) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
    }

    /// Delivers everything pending to each live subscriber not backing off.
    async fn live_pass(&self, retry_at: &mut HashMap<String, (Instant, Duration)>) {
        let now = Instant::now();
        for subscriber in &self.live {
            let name = subscriber.consumer().to_owned();
            if retry_at.get(&name).is_some_and(|(at, _)| *at > now) {
                continue;
            }
            let outcome = self.deliver_live(subscriber).await;
            self.pace(retry_at, name, outcome.map(|report| report.failure));
        }
    }

    /// Delivers one batch to each durable consumer not backing off, and records what they
    /// took in one write; says whether any of them may have more waiting, and whether any
    /// event was delivered at all.
    async fn durable_pass(
        &self,
        retry_at: &mut HashMap<String, (Instant, Duration)>,
    ) -> PassOutcome {
        let now = Instant::now();
        let mut more = false;
        let mut delivered = false;
        let mut taken = Vec::new();
        for handler in &self.handlers {
            let name = handler.consumer().to_owned();
            if retry_at.get(&name).is_some_and(|(at, _)| *at > now) {
                continue;
            }
            match self.take_batch(handler, Drain::OneBatch).await {
                Ok(batch) => {
                    more |= batch.full && batch.failure.is_none();
                    delivered |= !batch.to_record.event_ids.is_empty();
                    taken.push(batch);
                }
                Err(error) => self.pace(retry_at, name, Err(error)),
            }
        }
        let (to_record, outcomes): (Vec<Deliveries>, Vec<(String, Option<String>)>) = taken
            .into_iter()
            .map(|batch| {
                let name = batch.to_record.consumer.clone();
                (batch.to_record, (name, batch.failure))
            })
            .unzip();
        match self.record(to_record).await {
            Ok(()) => {
                for (name, failure) in outcomes {
                    self.pace(retry_at, name, Ok(failure));
                }
            }
            Err(error) => {
                // Nothing was recorded: every consumer of this pass is offered its batch again.
                tracing::warn!(%error, "outbox relay cannot record deliveries; will retry");
                more = false;
                for (name, _) in outcomes {
                    self.pace(retry_at, name, Ok(Some(error.to_string())));
                }
            }
        }
        PassOutcome { more, delivered }
    }
}

/// What one pass of a lane found.
#[derive(Debug, Default, Clone, Copy)]
struct PassOutcome {
    /// A consumer's batch was full: more may be waiting.
    more: bool,
    /// At least one event was taken (handled, or skipped as not accepted).
    delivered: bool,
}

/// One consumer's batch, handled but not yet recorded.
struct TakenBatch {
    to_record: Deliveries,
    /// The batch was full: more may be waiting.
    full: bool,
    /// The handler's error, if it failed part-way.
    failure: Option<String>,
}

/// Deliveries of one consumer to record together.
struct Deliveries {
    consumer: String,
    /// Events handled, or skipped as not accepted.
    event_ids: Vec<i64>,
    at: DateTime<Utc>,
    /// Raise the consumer's floor over deliveries made before this time.
    settle_before: Option<DateTime<Utc>>,
}

/// How much one delivery to a durable consumer takes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drain {
    /// Everything pending.
    All,
    /// At most one batch.
    OneBatch,
}
