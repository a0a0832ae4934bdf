//! Looking profiles up: one, or many at once in a fixed number of queries.

use std::collections::HashMap;

use diesel::prelude::*;
use kernel::DbConnection;
use profiles_api::Profile;

use crate::error::StoreResult;
use crate::rows::{self, UserRow};
use crate::schema::users;

/// The profile with this id.
pub(crate) fn by_id(conn: &mut DbConnection, id: i64) -> StoreResult<Option<Profile>> {
    rows::by_id(conn, id)?
        .map(|row| rows::profile(conn, row))
        .transpose()
}

/// The profile with this username, regardless of case.
pub(crate) fn by_username(conn: &mut DbConnection, username: &str) -> StoreResult<Option<Profile>> {
    rows::by_username(conn, username.trim())?
        .map(|row| rows::profile(conn, row))
        .transpose()
}

/// Profiles with these ids, in the order asked, each once: one query for the accounts and
/// two for the follow counts.
pub(crate) fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<Profile>> {
    let mut order: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
    let mut wanted: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !order.contains_key(id) {
            order.insert(*id, wanted.len());
            wanted.push(*id);
        }
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<UserRow> = users::table
        .filter(users::id.eq_any(&wanted))
        .select(UserRow::as_select())
        .load(conn)?;
    let mut profiles = rows::profiles(conn, found)?;
    profiles.sort_by_key(|profile| order.get(&profile.id).copied());
    Ok(profiles)
}
