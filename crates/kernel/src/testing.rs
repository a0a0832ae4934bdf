//! Throw-away databases for tests, one per test, so tests run in parallel.
//!
//! SQLite: a fresh file in a temporary directory. PostgreSQL: a fresh database on the server
//! named by `QUIRE_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! dropped again when the [`TestDatabase`] is dropped. PostgreSQL tests never skip silently:
//! if the server is unreachable they fail with a message saying how to start it.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::db::{Backend, DatabaseUrl, DbPool};

/// Where the PostgreSQL test server is, unless `QUIRE_TEST_POSTGRES_URL` says otherwise.
pub const DEFAULT_POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Both backends, for tests that run once on each.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    url: DatabaseUrl,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

fn admin_url() -> String {
    std::env::var("QUIRE_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_ADMIN_URL.into())
}

/// A database name no other test (in this or another process) is using.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "quire_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDatabase {
    /// Creates an empty database on `backend`. Panics with a clear message if impossible.
    pub fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("create a temporary directory");
                let url = DatabaseUrl::Sqlite(dir.path().join("quire.db"));
                Self {
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = admin_url();
                let name = unique_name();
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL tests need a server at {admin_url} ({e}). Start it with \
                         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
                         or point QUIRE_TEST_POSTGRES_URL at one."
                    )
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create the test database");
                let url = match admin_url.rsplit_once('/') {
                    Some((server, _db)) => format!("{server}/{name}"),
                    None => panic!("QUIRE_TEST_POSTGRES_URL must end in /<database>"),
                };
                Self {
                    url: DatabaseUrl::Postgres(url),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }

    /// The database's URL.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pool to it.
    pub fn pool(&self) -> DbPool {
        DbPool::connect(&self.url).expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            // WITH (FORCE) ends sessions a test left open (pools dropped late).
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// Delivers every pending outbox event to a throw-away consumer named `consumer` and returns
/// them in order, each as `(event type, payload decoded as T)`. Calling it again with the
/// same name returns only the events written since.
pub async fn drain_events<T>(pool: &DbPool, consumer: &str) -> Vec<(String, T)>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    use std::sync::{Arc, Mutex};

    use crate::outbox::{Event, EventHandler, HandlerFuture, OutboxSignal, Relay};

    struct Drain<T> {
        name: String,
        seen: Mutex<Vec<(String, T)>>,
    }

    impl<T: serde::de::DeserializeOwned + Send + 'static> EventHandler for Drain<T> {
        fn consumer(&self) -> &str {
            &self.name
        }

        fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
            Box::pin(async move {
                let decoded: T = event.decode().unwrap_or_else(|e| {
                    panic!(
                        "event {} ({}) does not decode: {e}",
                        event.id, event.event_type
                    )
                });
                self.seen
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push((event.event_type.clone(), decoded));
                Ok(())
            })
        }
    }

    let drain = Arc::new(Drain {
        name: consumer.to_owned(),
        seen: Mutex::new(Vec::new()),
    });
    let mut relay = Relay::new(
        pool.clone(),
        Arc::new(crate::clock::SystemClock),
        OutboxSignal::new(),
    );
    relay.register(drain.clone());
    relay
        .deliver_pending()
        .await
        .expect("the outbox can be read");
    let mut seen = drain
        .seen
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    std::mem::take(&mut *seen)
}
