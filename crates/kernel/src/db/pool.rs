//! The connection pool and the bridge from async handlers to blocking queries.

use std::time::Duration;

use diesel::r2d2::R2D2Connection;

use super::writer_gate::{self, WriterGate};
use super::{Backend, DatabaseUrl, DbConnection, DbError, postgres, sqlite};
use crate::outbox::OutboxSignal;

/// Opens connections for the pool, applying the SQLite pragmas or the PostgreSQL settings
/// to each new one.
#[derive(Debug, Clone)]
pub struct ConnectionFactory {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for ConnectionFactory {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => Ok(DbConnection::Sqlite(sqlite::establish(path)?)),
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Pg(postgres::establish(url)?)),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.ping().map_err(DbError::from)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Size and patience of the pool.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_size: u32,
    /// How long a caller waits for a free connection before getting [`DbError::Pool`].
    pub connection_timeout: Duration,
}

impl PoolOptions {
    /// Defaults suited to the backend on a small server.
    ///
    /// SQLite has one writer at a time whatever the pool size; a few connections let readers
    /// proceed beside it (WAL). PostgreSQL gets a modest pool per instance, since several
    /// instances may share one server.
    pub fn for_backend(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self {
                max_size: 8,
                connection_timeout: Duration::from_secs(5),
            },
            Backend::Postgres => Self {
                max_size: 10,
                connection_timeout: Duration::from_secs(5),
            },
        }
    }
}

/// A pool of connections to one database. Cheap to clone.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<ConnectionFactory>,
    url: DatabaseUrl,
    /// On SQLite, the queue this pool's write transactions wait in (see [`writer_gate`]).
    writer: Option<WriterGate>,
    /// Reads run on the caller's thread (see [`DbPool::read`]).
    reads_in_place: bool,
}

/// A connection checked out of the pool; returned to it on drop.
pub type PooledConnection = r2d2::PooledConnection<ConnectionFactory>;

impl DbPool {
    /// Opens a pool to `url` with the backend's default options, creating the SQLite file
    /// and its directory if they do not exist yet.
    pub fn connect(url: &DatabaseUrl) -> Result<Self, DbError> {
        Self::connect_with(url, PoolOptions::for_backend(url.backend()))
    }

    /// Opens a pool with explicit options.
    pub fn connect_with(url: &DatabaseUrl, options: PoolOptions) -> Result<Self, DbError> {
        if let DatabaseUrl::Sqlite(path) = url {
            sqlite::create_parent_dir(path)?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            // No `SELECT 1` before every checkout: a broken connection is noticed by
            // `has_broken` when it comes back, and the query that met it reports the error.
            .test_on_check_out(false)
            .connection_timeout(options.connection_timeout)
            .build(ConnectionFactory { url: url.clone() })?;
        Ok(Self {
            pool,
            url: url.clone(),
            writer: (url.backend() == Backend::Sqlite).then(WriterGate::default),
            reads_in_place: url.is_on_this_machine(),
        })
    }

    /// The backend behind this pool.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// Whether [`DbPool::read`] runs its work on the caller's thread when it can.
    pub fn reads_in_place(&self) -> bool {
        self.reads_in_place
    }

    /// Where this pool connects, password redacted.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Checks a connection out, blocking the current thread. For the CLI, start-up and tests;
    /// request handlers use [`DbPool::run`].
    pub fn get(&self) -> Result<PooledConnection, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` with a pooled connection on tokio's blocking thread pool, so a slow query
    /// never stalls the async workers. Write transactions it opens on SQLite wait in this
    /// pool's writer queue (see [`writer_gate`]).
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            // The connection first, then (inside `work`) the writer's turn: a writer holding
            // its turn never waits for a connection, so the two cannot deadlock.
            let mut conn = pool.get().map_err(DbError::from)?;
            writer_gate::run_with(writer, || work(&mut conn))
        })
        .await
        .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }
}

impl DbPool {
    /// Runs `work` in one write transaction (see [`super::write_transaction`]) on the blocking
    /// pool and, once it has committed, wakes the outbox relay: the work may have appended
    /// events, which are then delivered at once instead of at the next poll.
    pub async fn write<T, E, F>(&self, outbox: &OutboxSignal, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let result = self
            .run(move |conn| super::write_transaction(conn, work))
            .await;
        if result.is_ok() {
            outbox.notify();
        }
        result
    }

    /// Runs read-only `work` (it must not write). When the database is on this machine
    /// ([`DatabaseUrl::is_on_this_machine`]) and a pooled connection is free at once, it runs
    /// right here on the calling thread: a SQLite reader in WAL mode never waits for a
    /// writer's lock, and a local PostgreSQL answers through a socket in microseconds, both
    /// less than the trip to the blocking pool and back (two thread switches per
    /// statement), which dominated reader pages in profiles. Otherwise (no free connection,
    /// or a server across a network, where a round trip would hold up the caller's other
    /// work) it goes to the blocking pool like [`DbPool::run`].
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        if self.reads_in_place
            && let Some(mut conn) = self.pool.try_get()
        {
            return work(&mut conn);
        }
        self.run(work).await
    }
}

impl std::fmt::Debug for DbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbPool")
            .field("url", &self.url)
            .field("state", &self.pool.state())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::testing::TestDatabase;

    async fn reads_run_with_or_without_a_free_connection(backend: Backend) {
        let db = TestDatabase::create(backend);
        let pool = DbPool::connect_with(
            db.url(),
            PoolOptions {
                max_size: 1,
                connection_timeout: Duration::from_secs(5),
            },
        )
        .unwrap();
        let answer: Result<u8, DbError> =
            pool.read(|conn| super::super::ping(conn).map(|()| 7)).await;
        assert_eq!(answer.unwrap(), 7);

        // The only connection is busy: the read waits on the blocking pool instead of failing.
        let held = pool.get().unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        let answer: Result<u8, DbError> =
            pool.read(|conn| super::super::ping(conn).map(|()| 8)).await;
        assert_eq!(answer.unwrap(), 8);
        releaser.join().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_reads_run_with_or_without_a_free_connection() {
        reads_run_with_or_without_a_free_connection(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_reads_run_with_or_without_a_free_connection() {
        reads_run_with_or_without_a_free_connection(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_write_transactions_queue_on_the_pools_writer_gate() {
        let db = TestDatabase::create(Backend::Sqlite);
        let pool = DbPool::connect(db.url()).unwrap();
        let gate = pool
            .writer
            .clone()
            .expect("a SQLite pool has a writer gate");
        let outbox = OutboxSignal::new();

        // Another writer holds the turn: a write through the pool does not start its
        // transaction until the turn is given back.
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            let _turn = gate.turn();
            held_tx.send(()).unwrap();
            let _ = release_rx.recv();
        });
        held_rx.recv().unwrap();
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let write = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.write::<_, DbError, _>(&outbox, move |conn| {
                    started_tx.send(()).unwrap();
                    super::super::ping(conn)
                })
                .await
            })
        };
        let waited = tokio::task::spawn_blocking(move || {
            let early = started_rx.recv_timeout(Duration::from_millis(200));
            release_tx.send(()).unwrap();
            let late = started_rx.recv_timeout(Duration::from_secs(10));
            (early.is_err(), late.is_ok())
        })
        .await
        .unwrap();
        holder.join().unwrap();
        assert_eq!(waited, (true, true), "waited for the turn, then ran");
        write.await.unwrap().unwrap();
    }

    #[test]
    fn a_postgres_pool_has_no_writer_gate() {
        let db = TestDatabase::create(Backend::Postgres);
        assert!(DbPool::connect(db.url()).unwrap().writer.is_none());
    }
}
