//! Signing in: rate limits, the password check, and a fresh session.
//!
//! Runs on the blocking pool (inside `DbPool::run`): the argon2 verification is slow on
//! purpose. The limits are checked first, then the account is looked up and the password
//! verified — an unknown login against a dummy hash, so all failures look and take alike.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use kernel::db::write_transaction;
use profiles_api::{ProfilesError, Session};

use crate::error::{StoreError, StoreResult};
use crate::passwords;
use crate::rate_limit::{Key, RateLimiter};
use crate::rows::{self, UserRow};
use crate::schema::users;
use crate::sessions;
use crate::validate::{MAX_EMAIL, MAX_PASSWORD_BYTES};

/// The refusal for a key that used up its failures.
pub(crate) fn limited(retry_after_secs: u64) -> StoreError {
    ProfilesError::RateLimited { retry_after_secs }.into()
}

/// The account a login (username or email) names.
fn find(conn: &mut DbConnection, login: &str) -> StoreResult<Option<UserRow>> {
    let login = login.trim();
    // No username or email holds a control character; PostgreSQL would refuse a NUL byte in
    // the query, so such a login is unknown without asking the database.
    if login.is_empty() || login.len() > MAX_EMAIL || login.chars().any(char::is_control) {
        Ok(None)
    } else if login.contains('@') {
        rows::by_email(conn, login)
    } else {
        rows::by_username(conn, login)
    }
}

/// Whether `password` is `user`'s; always spends one verification's time.
pub(crate) fn password_matches(user: Option<&UserRow>, password: &str) -> bool {
    match user {
        Some(user) if password.len() <= MAX_PASSWORD_BYTES => {
            passwords::verify_password(password, &user.password_hash)
        }
        _ => {
            passwords::verify_dummy(password.get(..MAX_PASSWORD_BYTES).unwrap_or(""));
            false
        }
    }
}

/// Checks the login and password and opens a new session.
pub(crate) fn sign_in(
    conn: &mut DbConnection,
    limiter: &RateLimiter,
    now: DateTime<Utc>,
    login: &str,
    password: &str,
    client: &str,
) -> StoreResult<Session> {
    let client_key = Key::client(client);
    limiter.check(&client_key, now).map_err(limited)?;
    // The login as typed, not the account it names: the same behaviour for known and unknown
    // logins, and no way to link a username to its email through the limits.
    let login_key = Key::login(login);
    limiter.check(&login_key, now).map_err(limited)?;
    let user = find(conn, login)?;
    let matches = password_matches(user.as_ref(), password);
    let user = match user {
        // A suspended account is refused like a wrong password, after the same work.
        Some(user) if matches && !user.suspended() => user,
        _ => {
            limiter.fail(client_key, now);
            limiter.fail(login_key, now);
            return Err(ProfilesError::InvalidCredentials.into());
        }
    };
    limiter.clear(&login_key);
    let rehashed = if passwords::needs_rehash(&user.password_hash) {
        Some(passwords::hash_password(password)?)
    } else {
        None
    };
    write_transaction::<_, StoreError, _>(conn, |conn| {
        if let Some(hash) = rehashed {
            diesel::update(users::table.find(user.id))
                .set(users::password_hash.eq(hash))
                .execute(conn)?;
        }
        sessions::open(conn, now, &user)
    })
}
