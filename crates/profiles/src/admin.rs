//! What only admins may do: list accounts, change roles, suspend, delete. Each checks the
//! acting admin's *stored* role (a stale viewer grants nothing), and none may leave the site
//! without an active admin.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use profiles_api::{AccountSummary, ProfileEvent, ProfilesError, Role};

use crate::accounts::{self, lock_accounts};
use crate::error::StoreResult;
use crate::rows::{self, UserRow};
use crate::schema::functions::lower;
use crate::schema::users;
use crate::{api_tokens, events, follows, sessions};

/// The acting admin's row, or `Forbidden`.
fn require_admin(conn: &mut DbConnection, admin_id: i64) -> StoreResult<UserRow> {
    let admin = accounts::active(conn, admin_id)?;
    if admin.is_active_admin() {
        Ok(admin)
    } else {
        Err(ProfilesError::Forbidden.into())
    }
}

fn target(conn: &mut DbConnection, user_id: i64) -> StoreResult<UserRow> {
    rows::by_id(conn, user_id)?.ok_or_else(|| ProfilesError::NotFound.into())
}

/// Refuses, naming `field`, if `user` is the only active admin left.
fn keep_one_admin(conn: &mut DbConnection, user: &UserRow, field: &str) -> StoreResult<()> {
    if !user.is_active_admin() {
        return Ok(());
    }
    let active_admins: i64 = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::suspended_at.is_null())
        .count()
        .get_result(conn)?;
    if active_admins <= 1 {
        return Err(ProfilesError::invalid(
            field,
            "This is the only active admin: make another account admin first, so someone can \
             still run the site.",
        )
        .into());
    }
    Ok(())
}

/// `%text%` for LIKE, with `\` escaping LIKE's own wildcards in `text`.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A page of accounts whose username or email contains `search` (lower-cased already),
/// newest first, and how many match.
pub(crate) fn list(
    conn: &mut DbConnection,
    admin_id: i64,
    search: &str,
    offset: i64,
    per_page: u32,
) -> StoreResult<(Vec<AccountSummary>, u64)> {
    require_admin(conn, admin_id)?;
    let pattern = contains_pattern(search);
    let matching = || {
        users::table
            .filter(
                lower(users::username)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(users::email.like(pattern.clone()).escape('\\')),
            )
            .into_boxed()
    };
    let total: i64 = matching().count().get_result(conn)?;
    let rows: Vec<UserRow> = matching()
        .order((users::created_at.desc(), users::id.desc()))
        .limit(i64::from(per_page))
        .offset(offset)
        .select(UserRow::as_select())
        .load(conn)?;
    Ok((
        rows.into_iter().map(UserRow::summary).collect(),
        u64::try_from(total).unwrap_or(0),
    ))
}

/// Gives `user_id` the role `role` (call inside a write transaction).
pub(crate) fn set_role(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    admin_id: i64,
    user_id: i64,
    role: Role,
) -> StoreResult<()> {
    lock_accounts(conn)?;
    require_admin(conn, admin_id)?;
    let user = target(conn, user_id)?;
    if user.role() == role {
        return Ok(());
    }
    keep_one_admin(conn, &user, "role")?;
    diesel::update(users::table.find(user.id))
        .set((
            users::role.eq(role.as_str()),
            users::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    sessions::access_changed(conn, now, user.id)
}

/// Suspends (ending sessions and API tokens) or reinstates `user_id` (call inside a write
/// transaction).
pub(crate) fn set_suspended(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    admin_id: i64,
    user_id: i64,
    suspended: bool,
) -> StoreResult<()> {
    lock_accounts(conn)?;
    require_admin(conn, admin_id)?;
    let user = target(conn, user_id)?;
    if suspended {
        keep_one_admin(conn, &user, "suspended")?;
        sessions::close_all(conn, now, user.id)?;
        api_tokens::revoke_all(conn, user.id)?;
    }
    if user.suspended() != suspended {
        diesel::update(users::table.find(user.id))
            .set((
                users::suspended_at.eq(suspended.then_some(now.naive_utc())),
                users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes `user_id` with its sessions, tokens and follows, and announces it (call inside a
/// write transaction).
pub(crate) fn delete(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    admin_id: i64,
    user_id: i64,
) -> StoreResult<()> {
    lock_accounts(conn)?;
    require_admin(conn, admin_id)?;
    let user = target(conn, user_id)?;
    keep_one_admin(conn, &user, "user")?;
    sessions::close_all(conn, now, user.id)?;
    api_tokens::revoke_all(conn, user.id)?;
    follows::forget(conn, user.id)?;
    diesel::delete(users::table.find(user.id)).execute(conn)?;
    events::record(
        conn,
        &ProfileEvent::ProfileDeleted {
            id: user.id,
            username: user.username,
        },
        now,
    )
}
