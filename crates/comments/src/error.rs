//! The module's internal error, turned into the port's [`CommentsError`] at the boundary.

use comments_api::CommentsError;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kernel::DbError;
use posts_api::PostsError;

/// A refusal to pass on as it is, or a storage failure to log and report as unavailable.
#[derive(Debug)]
pub(crate) enum StoreError {
    Refused(CommentsError),
    Storage(DbError),
}

impl StoreError {
    /// Whether a unique index refused the write (a concurrent duplicate submission).
    pub(crate) fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Storage(DbError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            )))
        )
    }
}

impl From<CommentsError> for StoreError {
    fn from(error: CommentsError) -> Self {
        StoreError::Refused(error)
    }
}

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        StoreError::Storage(error)
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

impl From<StoreError> for CommentsError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Refused(error) => error,
            StoreError::Storage(error) => {
                tracing::error!(%error, "comments storage failed");
                CommentsError::Unavailable("the database could not be reached".into())
            }
        }
    }
}

/// The posts module's failure to answer, as the comments port reports it.
pub(crate) fn posts_unavailable(error: PostsError) -> CommentsError {
    tracing::error!(%error, "the posts port failed while handling comments");
    CommentsError::Unavailable("posts could not be reached".into())
}

/// Results inside the module.
pub(crate) type StoreResult<T> = Result<T, StoreError>;
