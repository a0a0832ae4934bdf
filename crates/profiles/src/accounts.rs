//! Opening accounts, and the checks every change made on behalf of an account starts with.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use profiles_api::{ProfilesError, Role, SignupPolicy};

use crate::error::StoreResult;
use crate::rows::{self, UserRow};
use crate::schema::users;
use crate::validate::CleanAccount;

/// Where a new account comes from, which decides its role.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin {
    /// The sign-up form, under the site's policy.
    SignUp(SignupPolicy),
    /// An operator (`quire admin create-user`), with the role they chose.
    Operator(Role),
}

/// Serialises the changes that depend on counting accounts (the first account, the last
/// admin) across concurrent transactions. SQLite's write transactions are serial already
/// (`BEGIN IMMEDIATE`); on PostgreSQL this takes a lock on `users` that conflicts with
/// itself and with writes, but not with reads, until the transaction ends.
pub(crate) fn lock_accounts(conn: &mut DbConnection) -> StoreResult<()> {
    if let DbConnection::Pg(_) = conn {
        diesel::sql_query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").execute(conn)?;
    }
    Ok(())
}

/// Whether any account exists.
pub(crate) fn any_account(conn: &mut DbConnection) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(users::table.select(users::id))).get_result(conn)?)
}

/// The account acting, which must exist and not be suspended.
pub(crate) fn active(conn: &mut DbConnection, id: i64) -> StoreResult<UserRow> {
    match rows::by_id(conn, id)? {
        Some(row) if !row.suspended() => Ok(row),
        _ => Err(ProfilesError::Forbidden.into()),
    }
}

/// Refuses if the username or the email is taken — with one answer for both.
fn ensure_available(conn: &mut DbConnection, account: &CleanAccount) -> StoreResult<()> {
    if rows::by_username(conn, &account.username)?.is_some()
        || rows::by_email(conn, &account.email)?.is_some()
    {
        return Err(ProfilesError::not_available().into());
    }
    Ok(())
}

/// Creates an account (call inside a write transaction); the password is already hashed.
pub(crate) fn create(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    account: &CleanAccount,
    password_hash: &str,
    origin: Origin,
) -> StoreResult<UserRow> {
    lock_accounts(conn)?;
    let first = !any_account(conn)?;
    let role = match origin {
        // The person installing the site signs up first and must be able to run it.
        Origin::SignUp(_) if first => Role::Admin,
        Origin::SignUp(policy) if !policy.open => return Err(ProfilesError::SignupClosed.into()),
        Origin::SignUp(policy) => policy.default_role,
        Origin::Operator(role) => role,
    };
    ensure_available(conn, account)?;
    let at = now.naive_utc();
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::username.eq(&account.username),
            users::email.eq(&account.email),
            users::password_hash.eq(password_hash),
            users::display_name.eq(&account.username),
            users::role.eq(role.as_str()),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?;
    rows::by_id(conn, id)?.ok_or_else(|| ProfilesError::NotFound.into())
}
