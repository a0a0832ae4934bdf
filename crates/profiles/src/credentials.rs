//! Changing a signed-in account's password or email, each confirmed with the password.
//!
//! Runs on the blocking pool (inside `DbPool::run`). Wrong passwords here count against the
//! account's sign-in limit too: a stolen session must not become a password-guessing oracle.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use kernel::db::write_transaction;
use profiles_api::ProfilesError;

use crate::error::{StoreError, StoreResult};
use crate::rate_limit::{Key, RateLimiter};
use crate::rows::{self, UserRow};
use crate::schema::users;
use crate::sign_in::{limited, password_matches};
use crate::{accounts, api_tokens, passwords, sessions};

/// The active account `viewer_id`, once `password` is confirmed as its own.
fn confirmed(
    conn: &mut DbConnection,
    limiter: &RateLimiter,
    now: DateTime<Utc>,
    viewer_id: i64,
    field: &str,
    password: &str,
) -> StoreResult<UserRow> {
    let user = accounts::active(conn, viewer_id)?;
    let key = Key::Account(user.id);
    limiter.check(&key, now).map_err(limited)?;
    if !password_matches(Some(&user), password) {
        limiter.fail(key, now);
        return Err(ProfilesError::invalid(field, "That is not your current password.").into());
    }
    Ok(user)
}

/// Replaces the password (`new` is already validated); ends every other session and revokes
/// every API token.
pub(crate) fn change_password(
    conn: &mut DbConnection,
    limiter: &RateLimiter,
    now: DateTime<Utc>,
    viewer_id: i64,
    current: &str,
    new: &str,
    keep_session: &str,
) -> StoreResult<()> {
    let user = confirmed(conn, limiter, now, viewer_id, "current_password", current)?;
    let hash = passwords::hash_password(new)?;
    write_transaction::<_, StoreError, _>(conn, |conn| {
        accounts::active(conn, user.id)?;
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(hash),
                users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        sessions::close_all_but(conn, now, user.id, keep_session)?;
        api_tokens::revoke_all(conn, user.id)
    })
}

/// Replaces the email (`new_email` is already validated and lower-cased).
pub(crate) fn change_email(
    conn: &mut DbConnection,
    limiter: &RateLimiter,
    now: DateTime<Utc>,
    viewer_id: i64,
    password: &str,
    new_email: &str,
) -> StoreResult<()> {
    let user = confirmed(conn, limiter, now, viewer_id, "password", password)?;
    write_transaction::<_, StoreError, _>(conn, |conn| {
        let user = accounts::active(conn, user.id)?;
        if user.email == new_email {
            return Ok(());
        }
        if rows::by_email(conn, new_email)?.is_some() {
            return Err(ProfilesError::not_available().into());
        }
        diesel::update(users::table.find(user.id))
            .set((
                users::email.eq(new_email),
                users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        Ok(())
    })
}
