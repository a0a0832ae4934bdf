//! The module's internal error, turned into the port's [`PostsError`] at the boundary.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kernel::DbError;
use posts_api::PostsError;

/// A refusal to pass on as it is, or a storage failure to log and report as unavailable.
#[derive(Debug)]
pub(crate) enum StoreError {
    Refused(PostsError),
    Storage(DbError),
}

impl From<PostsError> for StoreError {
    fn from(error: PostsError) -> Self {
        StoreError::Refused(error)
    }
}

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                StoreError::Refused(PostsError::Conflict(
                    "Another change took this address at the same moment; please save again."
                        .into(),
                ))
            }
            other => StoreError::Storage(other),
        }
    }
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        DbError::from(error).into()
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Storage(DbError::Task(format!("event encoding: {error}")))
    }
}

impl From<StoreError> for PostsError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Refused(error) => error,
            StoreError::Storage(error) => {
                tracing::error!(%error, "posts storage failed");
                PostsError::Unavailable("the database could not be reached".into())
            }
        }
    }
}

/// Results inside the module.
pub(crate) type StoreResult<T> = Result<T, StoreError>;
