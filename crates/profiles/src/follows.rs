//! Who follows whom: following and unfollowing (idempotent), and the questions feeds ask.

use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kernel::DbConnection;
use profiles_api::{Profile, ProfileEvent, ProfilesError};

use crate::accounts;
use crate::error::StoreResult;
use crate::events;
use crate::rows::{self, UserRow};
use crate::schema::follows;

fn target(conn: &mut DbConnection, username: &str) -> StoreResult<UserRow> {
    rows::by_username(conn, username.trim())?.ok_or_else(|| ProfilesError::NotFound.into())
}

/// `viewer_id` follows `username` (call inside a write transaction); returns that profile.
pub(crate) fn follow(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    viewer_id: i64,
    username: &str,
) -> StoreResult<Profile> {
    let viewer = accounts::active(conn, viewer_id)?;
    let followed = target(conn, username)?;
    if followed.id == viewer.id {
        return Err(ProfilesError::invalid("username", "You cannot follow yourself.").into());
    }
    // In a savepoint: a concurrent follow of the same pair loses the race harmlessly.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(follows::table)
            .values((
                follows::follower_id.eq(viewer.id),
                follows::followed_id.eq(followed.id),
                follows::created_at.eq(now.naive_utc()),
            ))
            .execute(conn)
    });
    let changed = match inserted {
        Ok(rows) => rows > 0,
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => false,
        Err(other) => return Err(other.into()),
    };
    let profile = rows::profile(conn, followed)?;
    if changed {
        announce(conn, &profile, now)?;
    }
    Ok(profile)
}

/// Records the new follower count, for pages that show it.
fn announce(conn: &mut DbConnection, profile: &Profile, now: DateTime<Utc>) -> StoreResult<()> {
    events::record(
        conn,
        &ProfileEvent::FollowersChanged {
            id: profile.id,
            username: profile.username.clone(),
            followers: profile.followers,
        },
        now,
    )
}

/// `viewer_id` stops following `username` (call inside a write transaction).
pub(crate) fn unfollow(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    viewer_id: i64,
    username: &str,
) -> StoreResult<Profile> {
    let viewer = accounts::active(conn, viewer_id)?;
    let followed = target(conn, username)?;
    let removed = diesel::delete(
        follows::table
            .filter(follows::follower_id.eq(viewer.id))
            .filter(follows::followed_id.eq(followed.id)),
    )
    .execute(conn)?;
    let profile = rows::profile(conn, followed)?;
    if removed > 0 {
        announce(conn, &profile, now)?;
    }
    Ok(profile)
}

/// Which of `ids` `follower_id` follows, in one query.
pub(crate) fn among(
    conn: &mut DbConnection,
    follower_id: i64,
    ids: &[i64],
) -> StoreResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(follows::table
        .filter(follows::follower_id.eq(follower_id))
        .filter(follows::followed_id.eq_any(ids))
        .order(follows::followed_id)
        .select(follows::followed_id)
        .load(conn)?)
}

/// Everyone `follower_id` follows.
pub(crate) fn all_followed(conn: &mut DbConnection, follower_id: i64) -> StoreResult<Vec<i64>> {
    Ok(follows::table
        .filter(follows::follower_id.eq(follower_id))
        .order(follows::followed_id)
        .select(follows::followed_id)
        .load(conn)?)
}

/// Ends every follow from or to `user_id`.
pub(crate) fn forget(conn: &mut DbConnection, user_id: i64) -> StoreResult<()> {
    diesel::delete(
        follows::table.filter(
            follows::follower_id
                .eq(user_id)
                .or(follows::followed_id.eq(user_id)),
        ),
    )
    .execute(conn)?;
    Ok(())
}
