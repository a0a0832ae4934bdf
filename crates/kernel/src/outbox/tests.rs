//! Outbox behaviour, on SQLite and on PostgreSQL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::Connection;
use serde::{Deserialize, Serialize};

use super::*;
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::db::{Backend, DbConnection, DbError, DbPool};
use crate::testing::TestDatabase;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Greeting {
    to: String,
}

/// A consumer that records what it saw and can be told to fail its first calls.
struct Recorder {
    name: &'static str,
    seen: Mutex<Vec<i64>>,
    failures_left: AtomicUsize,
    calls: AtomicUsize,
    only: Option<&'static str>,
}

impl Recorder {
    fn new(name: &'static str) -> Arc<Self> {
        Self::failing(name, 0)
    }

    fn failing(name: &'static str, failures: usize) -> Arc<Self> {
        Arc::new(Self {
            name,
            seen: Mutex::new(Vec::new()),
            failures_left: AtomicUsize::new(failures),
            calls: AtomicUsize::new(0),
            only: None,
        })
    }

    fn seen(&self) -> Vec<i64> {
        self.seen.lock().unwrap().clone()
    }
}

impl EventHandler for Recorder {
    fn consumer(&self) -> &str {
        self.name
    }

    fn accepts(&self, event_type: &str) -> bool {
        self.only.is_none_or(|only| only == event_type)
    }

    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let left = self.failures_left.load(Ordering::SeqCst);
            if left > 0 {
                self.failures_left.store(left - 1, Ordering::SeqCst);
                return Err(HandlerError("search index is down".into()));
            }
            let _: Greeting = event.decode().map_err(|e| HandlerError(e.to_string()))?;
            self.seen.lock().unwrap().push(event.id);
            Ok(())
        })
    }
}

fn migrated(backend: Backend) -> (TestDatabase, DbPool) {
    let db = TestDatabase::create(backend);
    let pool = db.pool();
    crate::MIGRATIONS
        .run_pending(&mut pool.get().unwrap())
        .unwrap();
    (db, pool)
}

fn greeting(to: &str) -> NewEvent {
    NewEvent::new("Greeted", &Greeting { to: to.into() }, SystemClock.now()).unwrap()
}

fn append_committed(pool: &DbPool, to: &str) -> i64 {
    let mut pooled = pool.get().unwrap();
    let conn: &mut DbConnection = &mut pooled;
    conn.transaction::<_, DbError, _>(|conn| append(conn, &greeting(to)))
        .unwrap()
}

fn relay(pool: &DbPool, handlers: &[&Arc<Recorder>]) -> Relay {
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), OutboxSignal::new());
    for handler in handlers {
        relay.register(Arc::clone(handler) as Arc<dyn EventHandler>);
    }
    relay
}

async fn committed_event_is_delivered_with_its_payload(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let id = append_committed(&pool, "ada");
    let mut conn = pool.get().unwrap();
    let pending = store::pending_for(&mut conn, "indexer", 10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, id);
    assert_eq!(pending[0].event_type, "Greeted");
    assert_eq!(
        pending[0].decode::<Greeting>().unwrap(),
        Greeting { to: "ada".into() }
    );
    drop(conn);

    let indexer = Recorder::new("indexer");
    let report = relay(&pool, &[&indexer]).deliver_pending().await.unwrap();
    assert_eq!(report.delivered(), 1);
    assert_eq!(indexer.seen(), vec![id]);
}

async fn rollback_leaves_no_event(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let mut pooled = pool.get().unwrap();
    let conn: &mut DbConnection = &mut pooled;
    let result = conn.transaction::<(), DbError, _>(|conn| {
        append(conn, &greeting("nobody"))?;
        Err(DbError::Query(diesel::result::Error::RollbackTransaction))
    });
    assert!(result.is_err());
    assert_eq!(count_events(conn).unwrap(), 0);
}

async fn failing_handler_is_retried_and_order_is_kept(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let first = append_committed(&pool, "first");
    let second = append_committed(&pool, "second");
    let flaky = Recorder::failing("flaky", 2);
    let steady = Recorder::new("steady");
    let relay = relay(&pool, &[&flaky, &steady]);

    for _ in 0..2 {
        let report = relay.deliver_pending().await.unwrap();
        assert_eq!(report.consumers["flaky"].delivered, 0);
        assert!(report.consumers["flaky"].failure.is_some());
        // Nothing overtook the failed first event.
        assert!(flaky.seen().is_empty());
    }
    // The other consumer was not held back by the failing one.
    assert_eq!(steady.seen(), vec![first, second]);

    let report = relay.deliver_pending().await.unwrap();
    assert_eq!(report.consumers["flaky"].delivered, 2);
    assert_eq!(report.failed(), 0);
    assert_eq!(flaky.seen(), vec![first, second]);
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 4);
}

async fn delivered_event_is_not_delivered_again(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let id = append_committed(&pool, "once");
    let indexer = Recorder::new("indexer");
    let relay = relay(&pool, &[&indexer]);
    relay.deliver_pending().await.unwrap();
    let again = relay.deliver_pending().await.unwrap();
    assert_eq!(again.delivered(), 0);
    assert_eq!(indexer.seen(), vec![id]);
    assert_eq!(indexer.calls.load(Ordering::SeqCst), 1);

    // Recording a delivery twice (two instances racing) is harmless.
    let mut conn = pool.get().unwrap();
    store::mark_delivered(&mut conn, "indexer", &[id], SystemClock.now()).unwrap();
    assert_eq!(delivered_to(&mut conn, "indexer").unwrap(), vec![id]);
}

async fn pending_events_survive_a_restart(backend: Backend) {
    let db = TestDatabase::create(backend);
    let before = {
        let pool = db.pool();
        crate::MIGRATIONS
            .run_pending(&mut pool.get().unwrap())
            .unwrap();
        let delivered = append_committed(&pool, "before");
        let indexer = Recorder::new("indexer");
        relay(&pool, &[&indexer]).deliver_pending().await.unwrap();
        assert_eq!(indexer.seen(), vec![delivered]);
        delivered
    };
    let pending = {
        let pool = db.pool();
        append_committed(&pool, "while down")
        // The process "crashes" here: pool and relay dropped before any delivery.
    };

    let pool = db.pool();
    let indexer = Recorder::new("indexer");
    relay(&pool, &[&indexer]).deliver_pending().await.unwrap();
    assert_eq!(
        indexer.seen(),
        vec![pending],
        "only the undelivered event comes after restart"
    );
    let mut conn = pool.get().unwrap();
    assert_eq!(
        delivered_to(&mut conn, "indexer").unwrap(),
        vec![before, pending]
    );
}

async fn events_a_consumer_ignores_are_recorded_without_a_call(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let id = append_committed(&pool, "ignored");
    let picky = Arc::new(Recorder {
        only: Some("SomethingElse"),
        ..Arc::into_inner(Recorder::new("picky")).unwrap()
    });
    let report = relay(&pool, &[&picky]).deliver_pending().await.unwrap();
    assert_eq!(report.delivered(), 1);
    assert_eq!(picky.calls.load(Ordering::SeqCst), 0);
    assert_eq!(
        delivered_to(&mut pool.get().unwrap(), "picky").unwrap(),
        vec![id]
    );
}

async fn sqlite_records_deliveries_in_the_floor_postgres_one_by_one(backend: Backend) {
    use diesel::{QueryDsl, RunQueryDsl};

    let (_db, pool) = migrated(backend);
    let first = append_committed(&pool, "one");
    let second = append_committed(&pool, "two");
    let indexer = Recorder::new("indexer");
    relay(&pool, &[&indexer]).deliver_pending().await.unwrap();
    assert_eq!(indexer.seen(), vec![first, second]);

    let mut conn = pool.get().unwrap();
    let rows: i64 = schema::outbox_deliveries::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    let floor = store::floor_of(&mut conn, "indexer").unwrap();
    match backend {
        // Nothing commits below a delivered event: the floor says it all.
        Backend::Sqlite => assert_eq!((rows, floor), (0, second)),
        // A late commit may still land below them: one row each until they settle.
        Backend::Postgres => assert_eq!((rows, floor), (2, 0)),
    }
    assert_eq!(
        delivered_to(&mut conn, "indexer").unwrap(),
        vec![first, second]
    );
}

async fn background_relay_delivers_on_signal_retries_and_stops(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let flaky = Recorder::failing("flaky", 1);
    let signal = OutboxSignal::new();
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), signal.clone()).with_options(
        RelayOptions {
            poll_interval: Duration::from_secs(3600),
            initial_backoff: Duration::from_millis(10),
            ..RelayOptions::default()
        },
    );
    relay.register(flaky.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(relay.run(stopped));

    let id = append_committed(&pool, "live");
    signal.notify();
    // Bounded wait: the first call fails, the retry after backoff succeeds.
    for _ in 0..500 {
        if !flaky.seen().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(flaky.seen(), vec![id]);
    stop_relay(stop, task).await;
}

async fn live_subscriber_hears_only_new_events_and_reports_progress(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let before = append_committed(&pool, "before");
    let signal = OutboxSignal::new();
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), signal.clone());
    let cache = Recorder::new("page-cache");
    let progress = relay
        .subscribe_live(Arc::clone(&cache) as Arc<dyn EventHandler>)
        .await
        .unwrap();
    assert!(progress.caught_up(), "nothing committed since subscribing");

    let first = append_committed(&pool, "one");
    signal.notify();
    assert!(
        !progress.caught_up(),
        "a local commit has not reached it yet"
    );
    relay.deliver_pending().await.unwrap();
    assert!(progress.caught_up());
    let second = append_committed(&pool, "two");
    relay.deliver_pending().await.unwrap();
    relay.deliver_pending().await.unwrap();

    // Events from before the subscription are not replayed, later ones come once each,
    // and nothing about them is written to the database.
    assert!(before < first);
    assert_eq!(cache.seen(), vec![first, second]);
    let recorded = store::delivered_to(&mut pool.get().unwrap(), "page-cache").unwrap();
    assert!(recorded.is_empty());
}

async fn live_subscriber_retries_a_failed_event(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let signal = OutboxSignal::new();
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), signal.clone());
    let cache = Recorder::failing("page-cache", 1);
    let progress = relay
        .subscribe_live(Arc::clone(&cache) as Arc<dyn EventHandler>)
        .await
        .unwrap();
    let id = append_committed(&pool, "one");
    signal.notify();
    let report = relay.deliver_pending().await.unwrap();
    assert_eq!(report.failed(), 1);
    assert!(
        !progress.caught_up(),
        "a failed pass does not count as caught up"
    );
    relay.deliver_pending().await.unwrap();
    assert_eq!(cache.seen(), vec![id]);
    assert!(progress.caught_up());
}

/// A durable consumer that holds every event until released, like an indexer deep in a backlog.
struct Stuck {
    release: tokio::sync::Notify,
    entered: AtomicUsize,
}

impl EventHandler for Stuck {
    fn consumer(&self) -> &str {
        "slow-indexer"
    }

    fn handle<'a>(&'a self, _event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async move {
            self.entered.fetch_add(1, Ordering::SeqCst);
            self.release.notified().await;
            Ok(())
        })
    }
}

async fn live_subscriber_is_not_held_up_by_a_slow_consumer(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let signal = OutboxSignal::new();
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), signal.clone());
    let stuck = Arc::new(Stuck {
        release: tokio::sync::Notify::new(),
        entered: AtomicUsize::new(0),
    });
    relay.register(stuck.clone());
    let cache = Recorder::new("page-cache");
    let progress = relay
        .subscribe_live(Arc::clone(&cache) as Arc<dyn EventHandler>)
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(relay.run(stopped));

    let first = append_committed(&pool, "one");
    signal.notify();
    for _ in 0..500 {
        if stuck.entered.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        stuck.entered.load(Ordering::SeqCst),
        1,
        "the slow consumer is busy"
    );
    // While the slow consumer still holds the first event, a second one reaches the cache.
    let second = append_committed(&pool, "two");
    signal.notify();
    for _ in 0..500 {
        if progress.caught_up() && cache.seen().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(cache.seen(), vec![first, second]);
    assert!(progress.caught_up());

    stop.send(true).unwrap();
    stuck.release.notify_waiters();
    // The released consumer goes on to the second event; let it through too.
    for _ in 0..100 {
        stuck.release.notify_waiters();
        if task.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("relay stops when asked")
        .unwrap();
}

async fn the_floor_rises_past_handled_events_but_not_past_a_late_commit(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let indexer = Recorder::new("indexer");
    let mut relay = Relay::new(pool.clone(), clock.clone(), OutboxSignal::new());
    relay.register(Arc::clone(&indexer) as Arc<dyn EventHandler>);
    let floor = || store::floor_of(&mut pool.get().unwrap(), "indexer").unwrap();

    let first = append_committed(&pool, "one");
    relay.deliver_pending().await.unwrap();
    match backend {
        // One writer at a time, committing in id order: nothing can appear below `first`.
        Backend::Sqlite => assert_eq!(floor(), first),
        // Within the horizon an event with a smaller id may still commit.
        Backend::Postgres => assert_eq!(floor(), 0),
    }

    let late = if backend == Backend::Postgres {
        // A transaction takes an id, and a later one commits first and is delivered.
        let (took_id, id_taken) = std::sync::mpsc::channel();
        let (commit, may_commit) = std::sync::mpsc::channel::<()>();
        let open = {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let mut pooled = pool.get().unwrap();
                let conn: &mut DbConnection = &mut pooled;
                conn.transaction::<_, DbError, _>(|conn| {
                    let id = append(conn, &greeting("late"))?;
                    took_id.send(id).unwrap();
                    may_commit.recv().unwrap();
                    Ok(id)
                })
                .unwrap()
            })
        };
        let late = id_taken.recv().unwrap();
        let after = append_committed(&pool, "after");
        relay.deliver_pending().await.unwrap();
        assert_eq!(indexer.seen(), vec![first, after]);
        commit.send(()).unwrap();
        assert_eq!(open.join().unwrap(), late);
        Some((late, after))
    } else {
        None
    };
    relay.deliver_pending().await.unwrap();
    if let Some((late, after)) = late {
        assert_eq!(
            indexer.seen(),
            vec![first, after, late],
            "the late commit arrives"
        );
        // Once every delivery is older than the horizon, the floor passes them all.
        clock.advance(chrono::TimeDelta::from_std(LATE_COMMIT_HORIZON).unwrap());
        relay.deliver_pending().await.unwrap();
        assert_eq!(floor(), after);
    }

    let next = append_committed(&pool, "next");
    let mut conn = pool.get().unwrap();
    let pending: Vec<i64> = store::pending_for(&mut conn, "indexer", 10)
        .unwrap()
        .iter()
        .map(|event| event.id)
        .collect();
    assert_eq!(pending, vec![next]);
}

/// A consumer that takes its events in batches and fails on one greeting.
struct Batcher {
    batches: Mutex<Vec<Vec<i64>>>,
    fail_on: Mutex<Option<String>>,
}

impl EventHandler for Batcher {
    fn consumer(&self) -> &str {
        "batcher"
    }

    fn handle<'a>(&'a self, _event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async { unreachable!("the relay hands durable consumers batches") })
    }

    fn handle_batch<'a>(&'a self, events: &'a [Event]) -> BatchFuture<'a> {
        Box::pin(async move {
            self.batches
                .lock()
                .unwrap()
                .push(events.iter().map(|e| e.id).collect());
            let fail_on = self.fail_on.lock().unwrap().clone();
            match events
                .iter()
                .position(|e| Some(e.decode::<Greeting>().unwrap().to) == fail_on)
            {
                Some(handled) => Err(BatchFailure {
                    handled,
                    error: HandlerError("not now".into()),
                }),
                None => Ok(()),
            }
        })
    }
}

async fn durable_consumers_get_batches_and_resume_after_a_failure(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let batcher = Arc::new(Batcher {
        batches: Mutex::new(Vec::new()),
        fail_on: Mutex::new(Some("c".into())),
    });
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), OutboxSignal::new());
    relay.register(batcher.clone());
    let ids: Vec<i64> = ["a", "b", "c", "d"]
        .iter()
        .map(|to| append_committed(&pool, to))
        .collect();

    let report = relay.deliver_pending().await.unwrap();
    assert_eq!(
        report.consumers["batcher"].delivered, 2,
        "a and b are taken"
    );
    assert_eq!(report.failed(), 1);
    let mut conn = pool.get().unwrap();
    assert_eq!(delivered_to(&mut conn, "batcher").unwrap(), ids[..2]);

    *batcher.fail_on.lock().unwrap() = None;
    relay.deliver_pending().await.unwrap();
    assert_eq!(delivered_to(&mut conn, "batcher").unwrap(), ids);
    assert_eq!(
        *batcher.batches.lock().unwrap(),
        vec![ids.clone(), ids[2..].to_vec()],
        "one call per batch; the failed event comes again with what followed it"
    );
}

/// Asks the relay running as `task` to stop, and waits (up to 5 s) until it has.
async fn stop_relay(stop: tokio::sync::watch::Sender<bool>, task: tokio::task::JoinHandle<()>) {
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("relay stops when asked")
        .unwrap();
}

/// A running relay over `batcher` alone, with `pace` and `batch_size`, and its stop switch.
fn paced_relay(
    pool: &DbPool,
    batcher: &Arc<Batcher>,
    pace: Duration,
    batch_size: i64,
) -> (
    OutboxSignal,
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let signal = OutboxSignal::new();
    let mut relay = Relay::new(pool.clone(), Arc::new(SystemClock), signal.clone()).with_options(
        RelayOptions {
            batch_size,
            poll_interval: Duration::from_secs(3600),
            durable_pace: pace,
            ..RelayOptions::default()
        },
    );
    relay.register(Arc::clone(batcher) as Arc<dyn EventHandler>);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    (signal, stop, tokio::spawn(relay.run(stopped)))
}

impl Batcher {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            batches: Mutex::new(Vec::new()),
            fail_on: Mutex::new(None),
        })
    }

    fn batches(&self) -> Vec<Vec<i64>> {
        self.batches.lock().unwrap().clone()
    }

    /// Waits (up to 5 s) until the batches hold `count` events in all.
    async fn wait_for(&self, count: usize) {
        for _ in 0..500 {
            if self.batches().iter().map(Vec::len).sum::<usize>() >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn durable_lane_rests_after_delivering_but_drains_a_backlog_at_once(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let ids: Vec<i64> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|to| append_committed(&pool, to))
        .collect();
    let batcher = Batcher::new();
    let (signal, stop, task) = paced_relay(&pool, &batcher, Duration::from_secs(3600), 2);
    signal.notify();
    batcher.wait_for(5).await;
    assert_eq!(
        batcher.batches(),
        vec![ids[..2].to_vec(), ids[2..4].to_vec(), ids[4..].to_vec()],
        "full batches follow each other without a rest"
    );

    // The last batch was not full: the lane now rests, and a new event waits.
    append_committed(&pool, "f");
    signal.notify();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(batcher.batches().len(), 3, "no pass while resting");

    stop_relay(stop, task).await;
}

async fn events_arriving_while_the_durable_lane_rests_go_in_one_batch(backend: Backend) {
    let (_db, pool) = migrated(backend);
    let batcher = Batcher::new();
    let (signal, stop, task) = paced_relay(&pool, &batcher, Duration::from_millis(300), 100);
    let first = append_committed(&pool, "a");
    signal.notify();
    batcher.wait_for(1).await;
    let second = append_committed(&pool, "b");
    signal.notify();
    let third = append_committed(&pool, "c");
    signal.notify();
    batcher.wait_for(3).await;
    assert_eq!(batcher.batches(), vec![vec![first], vec![second, third]]);

    stop_relay(stop, task).await;
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Backend::Postgres).await })*
        }
    };
}

on_both_backends!(
    committed_event_is_delivered_with_its_payload,
    sqlite_records_deliveries_in_the_floor_postgres_one_by_one,
    rollback_leaves_no_event,
    failing_handler_is_retried_and_order_is_kept,
    delivered_event_is_not_delivered_again,
    pending_events_survive_a_restart,
    events_a_consumer_ignores_are_recorded_without_a_call,
    background_relay_delivers_on_signal_retries_and_stops,
    live_subscriber_hears_only_new_events_and_reports_progress,
    live_subscriber_retries_a_failed_event,
    live_subscriber_is_not_held_up_by_a_slow_consumer,
    the_floor_rises_past_handled_events_but_not_past_a_late_commit,
    durable_consumers_get_batches_and_resume_after_a_failure,
    durable_lane_rests_after_delivering_but_drains_a_backlog_at_once,
    events_arriving_while_the_durable_lane_rests_go_in_one_batch,
);
