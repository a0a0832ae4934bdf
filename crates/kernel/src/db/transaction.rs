//! Transactions that write.
//!
//! SQLite starts a plain `BEGIN` transaction as a reader and upgrades it to a writer at its
//! first write; if another connection committed a write in between, the upgrade fails at once
//! with `SQLITE_BUSY` — the busy timeout cannot help, because waiting would not make the
//! reader's snapshot current. `BEGIN IMMEDIATE` takes the write lock up front (waiting up to
//! the busy timeout for it), so a read-then-write transaction never fails that way.
//! PostgreSQL needs nothing special: a plain transaction is used there.
//!
//! On SQLite the outermost transaction first waits for its turn in the pool's writer queue,
//! when it runs on a pool's thread (see [`super::writer_gate`]).

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;

use super::DbConnection;
use super::writer_gate::WriterGate;

type Manager = <DbConnection as Connection>::TransactionManager;

/// Runs `work` in a transaction meant to write: committed if it returns `Ok`, rolled back if
/// it returns `Err`. Nested calls become savepoints, like diesel's `transaction`.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    let outermost = Manager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map_err(E::from)?
        .is_none();
    if !outermost {
        return conn.transaction(work);
    }
    let gate = match conn {
        DbConnection::Sqlite(_) => WriterGate::current(),
        DbConnection::Pg(_) => None,
    };
    // Held until the transaction has committed or rolled back.
    let _turn = gate.as_ref().map(WriterGate::turn);
    match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        }
        DbConnection::Pg(_) => Manager::begin_transaction(conn)?,
    }
    match work(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(commit_error) => {
                // Leave the connection usable: roll back what the failed commit left open.
                let _ = Manager::rollback_transaction(conn);
                Err(commit_error.into())
            }
        },
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;

    use super::*;
    use crate::db::{Backend, DbError};
    use crate::testing::TestDatabase;

    #[derive(diesel::QueryableByName)]
    struct Counter {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn read(conn: &mut DbConnection, for_update: bool) -> Result<i64, DieselError> {
        let lock = if for_update { " FOR UPDATE" } else { "" };
        Ok(
            diesel::sql_query(format!("SELECT n FROM counter WHERE id = 1{lock}"))
                .get_result::<Counter>(conn)?
                .n,
        )
    }

    /// Several threads each read a counter and write it back plus one, many times: with
    /// deferred SQLite transactions some would fail with "database is locked"; here none may,
    /// and no increment may be lost.
    fn concurrent_read_modify_write_never_fails(backend: Backend) {
        let db = TestDatabase::create(backend);
        let pool = db.pool();
        {
            let mut conn = pool.get().unwrap();
            let id_type = match backend {
                Backend::Sqlite => "INTEGER",
                Backend::Postgres => "BIGINT",
            };
            diesel::sql_query(format!(
                "CREATE TABLE counter (id {id_type} PRIMARY KEY, n BIGINT NOT NULL)"
            ))
            .execute(&mut *conn)
            .unwrap();
            diesel::sql_query("INSERT INTO counter (id, n) VALUES (1, 0)")
                .execute(&mut *conn)
                .unwrap();
        }
        const THREADS: i64 = 4;
        const ROUNDS: i64 = 100;
        let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS as usize));
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                let pool = pool.clone();
                let start = start.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    start.wait();
                    for _ in 0..ROUNDS {
                        write_transaction::<_, DbError, _>(&mut conn, |conn| {
                            // PostgreSQL needs the row lock; SQLite's write lock is already held.
                            let n = read(conn, matches!(conn, DbConnection::Pg(_)))?;
                            // Let the other threads read the same value before this one writes.
                            std::thread::sleep(std::time::Duration::from_micros(200));
                            diesel::sql_query(format!(
                                "UPDATE counter SET n = {} WHERE id = 1",
                                n + 1
                            ))
                            .execute(conn)?;
                            Ok(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        let mut conn = pool.get().unwrap();
        assert_eq!(read(&mut conn, false).unwrap(), THREADS * ROUNDS);
    }

    fn error_rolls_back_and_nesting_uses_savepoints(backend: Backend) {
        let db = TestDatabase::create(backend);
        let pool = db.pool();
        let mut pooled = pool.get().unwrap();
        let conn: &mut DbConnection = &mut pooled;
        diesel::sql_query("CREATE TABLE t (v BIGINT NOT NULL)")
            .execute(conn)
            .unwrap();
        let failed = write_transaction::<(), DbError, _>(conn, |conn| {
            diesel::sql_query("INSERT INTO t (v) VALUES (1)").execute(conn)?;
            Err(DbError::Config("changed my mind".into()))
        });
        assert!(failed.is_err());
        write_transaction::<_, DbError, _>(conn, |conn| {
            diesel::sql_query("INSERT INTO t (v) VALUES (2)").execute(conn)?;
            let inner = write_transaction::<(), DbError, _>(conn, |conn| {
                diesel::sql_query("INSERT INTO t (v) VALUES (3)").execute(conn)?;
                Err(DbError::Config("inner only".into()))
            });
            assert!(inner.is_err());
            Ok(())
        })
        .unwrap();
        #[derive(diesel::QueryableByName)]
        struct V {
            #[diesel(sql_type = BigInt)]
            v: i64,
        }
        let values: Vec<i64> = diesel::sql_query("SELECT v FROM t ORDER BY v")
            .load::<V>(conn)
            .unwrap()
            .into_iter()
            .map(|r| r.v)
            .collect();
        assert_eq!(values, vec![2]);
        // The connection is usable afterwards (no transaction left open).
        assert!(
            Manager::transaction_manager_status_mut(conn)
                .transaction_depth()
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn sqlite_concurrent_read_modify_write_never_fails() {
        concurrent_read_modify_write_never_fails(Backend::Sqlite);
    }

    #[test]
    fn postgres_concurrent_read_modify_write_never_fails() {
        concurrent_read_modify_write_never_fails(Backend::Postgres);
    }

    #[test]
    fn sqlite_error_rolls_back_and_nesting_uses_savepoints() {
        error_rolls_back_and_nesting_uses_savepoints(Backend::Sqlite);
    }

    #[test]
    fn postgres_error_rolls_back_and_nesting_uses_savepoints() {
        error_rolls_back_and_nesting_uses_savepoints(Backend::Postgres);
    }
}
