//! The database layer: one connection type over SQLite and PostgreSQL.
//!
//! The backend is chosen at run time from the database URL ([`DatabaseUrl`]). Queries are
//! written once against [`DbConnection`], diesel's `MultiConnection` over both backends;
//! backend-specific SQL lives in migrations and in the rare query that truly differs (match
//! on the enum there). Handlers never touch a connection on an async thread: they call
//! [`DbPool::run`], which checks a connection out and runs the closure on tokio's blocking
//! pool.

mod connection;
mod error;
mod pool;
mod postgres;
mod sqlite;
mod timestamp;
mod transaction;
mod url;
mod writer_gate;

pub use connection::{DbConnection, MultiBackend as DbBackend};
pub use error::DbError;
pub use pool::{ConnectionFactory, DbPool, PoolOptions, PooledConnection};
pub use timestamp::{DbNullableTimestamp, DbTimestamp};
pub use transaction::write_transaction;
pub use url::{Backend, DatabaseUrl, DatabaseUrlError};

/// Checks that the database answers on `conn`.
pub fn ping(conn: &mut DbConnection) -> Result<(), DbError> {
    use diesel::r2d2::R2D2Connection;
    conn.ping().map_err(DbError::from)
}
