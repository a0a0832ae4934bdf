//! The connection enum over both backends.

// The `MultiConnection` derive generates public items (the `MultiBackend` backend type and
// its helpers) without doc comments; they are diesel's, documented there.
#![allow(missing_docs)]

use diesel::{PgConnection, SqliteConnection};

/// A connection to either backend. Write queries against this type; match on it only for
/// the rare statement whose SQL differs between SQLite and PostgreSQL.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// An embedded SQLite database file.
    Sqlite(SqliteConnection),
    /// A PostgreSQL server.
    Pg(PgConnection),
}

impl DbConnection {
    /// Which backend this connection speaks to.
    pub fn backend(&self) -> super::Backend {
        match self {
            DbConnection::Sqlite(_) => super::Backend::Sqlite,
            DbConnection::Pg(_) => super::Backend::Postgres,
        }
    }
}

impl std::fmt::Debug for DbConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbConnection({:?})", self.backend())
    }
}
