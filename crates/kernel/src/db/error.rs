//! Errors of the database layer.

/// What can go wrong between a caller and the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had from the pool in time (database down or pool exhausted).
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    /// A connection could not be opened.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// A statement failed.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// A migration failed to run or to revert.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The blocking task running a query was cancelled or panicked.
    #[error("database task did not complete: {0}")]
    Task(String),
    /// The database URL could not be understood or its file could not be created.
    #[error("database configuration: {0}")]
    Config(String),
}
