//! Signed-in sessions: opened by a sign-in, checked on every request, extended when used
//! past half their life, ended by signing out, a password change or a suspension.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use kernel::db::write_transaction;
use profiles_api::{ProfileEvent, Session, Viewer};

use crate::error::{StoreError, StoreResult};
use crate::events;
use crate::rows::UserRow;
use crate::schema::{sessions, users};
use crate::tokens;

/// How long a session lasts without use.
pub(crate) const LIFETIME: TimeDelta = TimeDelta::days(30);

/// Opens a new session for `user` (call inside a write transaction). Also forgets the
/// user's expired sessions, so the table does not keep them forever.
pub(crate) fn open(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user: &UserRow,
) -> StoreResult<Session> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user.id))
            .filter(sessions::expires_at.le(now.naive_utc())),
    )
    .execute(conn)?;
    let token = tokens::generate()?;
    let expires_at = now + LIFETIME;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(&token.hash),
            sessions::user_id.eq(user.id),
            sessions::created_at.eq(now.naive_utc()),
            sessions::expires_at.eq(expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(Session {
        token: token.plain,
        viewer: user.viewer(),
        expires_at,
    })
}

/// What a session token is worth, as read (without writing anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionCheck {
    /// No such session, or its account is suspended.
    Refused,
    /// The session ran out: forget it (see [`forget`]).
    Expired(i64),
    /// A good session, ending at `expires_at`; `renew` names it when it is past half its
    /// life (see [`extend`]).
    Valid {
        viewer: Viewer,
        expires_at: DateTime<Utc>,
        renew: Option<i64>,
    },
}

/// Checks the session whose token hashes to `token_hash` (see [`tokens::hash`]) at `now`:
/// a pure read, so it can run in place on a request's thread; the rare write it calls for
/// ([`forget`], [`extend`]) is the caller's to make.
pub(crate) fn check(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    token_hash: &str,
) -> StoreResult<SessionCheck> {
    let found: Option<(i64, NaiveDateTime, UserRow)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((sessions::id, sessions::expires_at, UserRow::as_select()))
        .get_result(conn)
        .optional()?;
    let Some((id, expires_at, user)) = found else {
        return Ok(SessionCheck::Refused);
    };
    let expires_at = expires_at.and_utc();
    if expires_at <= now {
        return Ok(SessionCheck::Expired(id));
    }
    if user.suspended() {
        return Ok(SessionCheck::Refused);
    }
    Ok(SessionCheck::Valid {
        viewer: user.viewer(),
        expires_at,
        renew: due_for_extension(expires_at, now).then_some(id),
    })
}

/// Whether a session ending at `expires_at` is past half its life at `now`, so that using it
/// extends it (see [`extend`]).
pub(crate) fn due_for_extension(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires_at - now < LIFETIME / 2
}

/// Deletes expired session `id`.
pub(crate) fn forget(conn: &mut DbConnection, id: i64) -> StoreResult<()> {
    write_transaction::<_, StoreError, _>(conn, |conn| {
        diesel::delete(sessions::table.find(id)).execute(conn)?;
        Ok(())
    })
}

/// Gives session `id` a full life again from `now`.
pub(crate) fn extend(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    write_transaction::<_, StoreError, _>(conn, |conn| {
        diesel::update(sessions::table.find(id))
            .set(sessions::expires_at.eq((now + LIFETIME).naive_utc()))
            .execute(conn)?;
        Ok(())
    })
}

/// Ends session `token` and announces it (call inside a write transaction). Gives the
/// account whose session it was; unknown tokens are ignored.
pub(crate) fn close(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    token: &str,
) -> StoreResult<Option<i64>> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::hash(token);
    let user_id: Option<i64> = sessions::table
        .filter(sessions::token_hash.eq(&hash))
        .select(sessions::user_id)
        .first(conn)
        .optional()?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(&hash))).execute(conn)?;
    access_changed(conn, now, user_id)?;
    Ok(Some(user_id))
}

/// Ends every session of `user_id` except `keep` (a plain token; may be empty), and
/// announces it (call inside a write transaction).
pub(crate) fn close_all_but(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: i64,
    keep: &str,
) -> StoreResult<()> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(tokens::hash(keep))),
    )
    .execute(conn)?;
    access_changed(conn, now, user_id)
}

/// Ends every session of `user_id`, and announces it (call inside a write transaction).
pub(crate) fn close_all(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: i64,
) -> StoreResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    access_changed(conn, now, user_id)
}

/// Records that `user_id`'s sessions ended or grant something else now, for the processes
/// that remember sessions (see [`crate::session_cache`]).
pub(crate) fn access_changed(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: i64,
) -> StoreResult<()> {
    events::record(conn, &ProfileEvent::AccessChanged { id: user_id }, now)
}
