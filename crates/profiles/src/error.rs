//! The module's internal error, turned into the port's [`ProfilesError`] at the boundary.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kernel::DbError;
use profiles_api::ProfilesError;

/// A refusal to pass on as it is, or a failure to log and report as storage trouble.
#[derive(Debug)]
pub(crate) enum StoreError {
    Refused(ProfilesError),
    Storage(DbError),
}

impl StoreError {
    /// A failure outside the database (randomness, hashing, encoding), reported like one.
    pub(crate) fn internal(what: &str, error: impl std::fmt::Display) -> Self {
        StoreError::Storage(DbError::Task(format!("{what}: {error}")))
    }
}

impl From<ProfilesError> for StoreError {
    fn from(error: ProfilesError) -> Self {
        StoreError::Refused(error)
    }
}

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        match error {
            // The unique indexes that a concurrent change can hit are the username and email
            // ones (checked first, then raced): the same answer as when the check catches it.
            DbError::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                StoreError::Refused(ProfilesError::not_available())
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
        StoreError::internal("event encoding", error)
    }
}

impl From<StoreError> for ProfilesError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Refused(error) => error,
            StoreError::Storage(error) => {
                tracing::error!(%error, "profiles storage failed");
                ProfilesError::Storage("the database could not be reached".into())
            }
        }
    }
}

/// Results inside the module.
pub(crate) type StoreResult<T> = Result<T, StoreError>;
