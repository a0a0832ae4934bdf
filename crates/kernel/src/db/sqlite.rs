//! How every SQLite connection is set up.
//!
//! - `busy_timeout = 5000`: a connection that finds the database locked by a writer waits up
//!   to 5 s instead of failing at once with `SQLITE_BUSY`. Set first, so the other pragmas
//!   wait politely too.
//! - `journal_mode = WAL`: readers never block the writer nor the writer the readers; the
//!   setting is stored in the file, so every connection sees the same mode.
//! - `synchronous = NORMAL`: in WAL mode this never corrupts the database and survives a crash
//!   of the process; only a power loss or OS crash may roll back the last few commits. `FULL`
//!   would fsync on every commit, several times slower on writes, for a blog a poor trade.
//! - `foreign_keys = ON`: SQLite leaves them off per connection unless asked; modules rely on
//!   them inside their own tables.

use std::path::Path;

use diesel::{Connection, RunQueryDsl, SqliteConnection};

use super::DbError;

/// The statements run on every new SQLite connection, in order.
const CONNECTION_PRAGMAS: &[&str] = &[
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
];

/// Opens (creating if needed) the SQLite file at `path` and applies the connection pragmas.
pub(super) fn establish(path: &Path) -> Result<SqliteConnection, DbError> {
    let location = path.to_str().ok_or_else(|| {
        DbError::Config(format!("database path is not UTF-8: {}", path.display()))
    })?;
    let mut conn = SqliteConnection::establish(location)?;
    for pragma in CONNECTION_PRAGMAS {
        diesel::sql_query(*pragma).execute(&mut conn)?;
    }
    Ok(conn)
}

/// Creates the directory that will hold the database file.
pub(super) fn create_parent_dir(path: &Path) -> Result<(), DbError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(|e| {
            DbError::Config(format!(
                "cannot create the database directory {}: {e}",
                dir.display()
            ))
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::{BigInt, Text};

    use crate::db::{Backend, DbConnection};
    use crate::testing::TestDatabase;

    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }

    #[derive(diesel::QueryableByName)]
    struct Number {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }

    /// Reads a numeric pragma through its table-valued function (`column` is what it is called there).
    fn number(conn: &mut DbConnection, pragma: &str, column: &str) -> i64 {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!("SELECT {column} AS value FROM pragma_{pragma}()"))
            .get_result::<Number>(conn)
            .unwrap()
            .value
    }

    #[test]
    fn every_pooled_connection_gets_the_documented_pragmas() {
        use diesel::RunQueryDsl;
        let db = TestDatabase::create(Backend::Sqlite);
        let pool = db.pool();
        // Check out several connections at once, so more than the first one is inspected.
        let mut connections: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
        for conn in &mut connections {
            let conn: &mut DbConnection = conn;
            let mode = diesel::sql_query("PRAGMA journal_mode")
                .get_result::<Mode>(conn)
                .unwrap();
            assert_eq!(mode.journal_mode, "wal");
            assert_eq!(number(conn, "foreign_keys", "foreign_keys"), 1);
            assert_eq!(number(conn, "busy_timeout", "timeout"), 5000);
            assert_eq!(number(conn, "synchronous", "synchronous"), 1, "NORMAL");
        }
    }

    #[test]
    fn creates_the_file_and_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("deeper").join("quire.db");
        let pool = crate::DbPool::connect(&crate::DatabaseUrl::Sqlite(path.clone())).unwrap();
        drop(pool.get().unwrap());
        assert!(path.is_file());
    }
}
