//! Rows as stored, and their conversion to the port's types.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kernel::DbConnection;
use profiles_api::{AccountSummary, Profile, Role, Viewer};

use crate::error::StoreResult;
use crate::schema::functions::lower;
use crate::schema::{follows, users};

/// A `users` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) password_hash: String,
    pub(crate) display_name: String,
    pub(crate) bio_markdown: String,
    pub(crate) bio_html: String,
    pub(crate) avatar_url: Option<String>,
    pub(crate) website_url: Option<String>,
    pub(crate) role: String,
    #[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]
    pub(crate) suspended_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = kernel::db::DbTimestamp)]
    pub(crate) created_at: NaiveDateTime,
}

impl UserRow {
    /// The row's role; an unknown value (impossible under the CHECK constraint) reads as
    /// reader, the least powerful.
    pub(crate) fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Reader)
    }

    pub(crate) fn suspended(&self) -> bool {
        self.suspended_at.is_some()
    }

    /// Whether this is an admin who may act as one now.
    pub(crate) fn is_active_admin(&self) -> bool {
        self.role() == Role::Admin && !self.suspended()
    }

    pub(crate) fn viewer(&self) -> Viewer {
        Viewer {
            id: self.id,
            username: self.username.clone(),
            role: self.role(),
        }
    }

    pub(crate) fn summary(self) -> AccountSummary {
        AccountSummary {
            role: self.role(),
            suspended: self.suspended(),
            id: self.id,
            username: self.username,
            email: self.email,
            created_at: self.created_at.and_utc(),
        }
    }

    fn into_profile(self, followers: u64, following: u64) -> Profile {
        Profile {
            role: self.role(),
            suspended: self.suspended(),
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            bio_markdown: self.bio_markdown,
            bio_html: self.bio_html,
            avatar_url: self.avatar_url,
            website_url: self.website_url,
            created_at: self.created_at.and_utc(),
            followers,
            following,
        }
    }
}

/// The account with this id. (Unique keys are looked up with `get_result`, not `first`,
/// whose bound `LIMIT` makes SQLite prepare the statement again at every execution.)
pub(crate) fn by_id(conn: &mut DbConnection, id: i64) -> StoreResult<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The account with this username, regardless of case (through the `lower(username)` index).
pub(crate) fn by_username(conn: &mut DbConnection, username: &str) -> StoreResult<Option<UserRow>> {
    // Usernames are printable ASCII; a lookup with anything else (a NUL byte included, which
    // PostgreSQL would refuse) finds nothing without a query.
    if !username.is_ascii() || username.is_empty() || username.chars().any(|c| c.is_ascii_control())
    {
        return Ok(None);
    }
    Ok(users::table
        .filter(lower(users::username).eq(username.to_ascii_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// The account with this email (stored lower-cased).
pub(crate) fn by_email(conn: &mut DbConnection, email: &str) -> StoreResult<Option<UserRow>> {
    // No stored email holds a control character (and PostgreSQL refuses NUL bytes).
    if email.chars().any(char::is_control) {
        return Ok(None);
    }
    Ok(users::table
        .filter(lower(users::email).eq(email.trim().to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Follower counts and following counts of each account, in two grouped queries.
fn follow_counts(
    conn: &mut DbConnection,
    ids: &[i64],
) -> StoreResult<(HashMap<i64, u64>, HashMap<i64, u64>)> {
    let to_map = |pairs: Vec<(i64, i64)>| -> HashMap<i64, u64> {
        pairs
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect()
    };
    let followers: Vec<(i64, i64)> = follows::table
        .filter(follows::followed_id.eq_any(ids))
        .group_by(follows::followed_id)
        .select((follows::followed_id, diesel::dsl::count_star()))
        .load(conn)?;
    let following: Vec<(i64, i64)> = follows::table
        .filter(follows::follower_id.eq_any(ids))
        .group_by(follows::follower_id)
        .select((follows::follower_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok((to_map(followers), to_map(following)))
}

/// Profiles of these rows, with their counts fetched in two batch queries (no N+1).
pub(crate) fn profiles(conn: &mut DbConnection, rows: Vec<UserRow>) -> StoreResult<Vec<Profile>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let (followers, following) = follow_counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            row.into_profile(
                followers.get(&id).copied().unwrap_or(0),
                following.get(&id).copied().unwrap_or(0),
            )
        })
        .collect())
}

/// The profile of one row.
pub(crate) fn profile(conn: &mut DbConnection, row: UserRow) -> StoreResult<Profile> {
    profiles(conn, vec![row])?
        .pop()
        .ok_or_else(|| profiles_api::ProfilesError::NotFound.into())
}
