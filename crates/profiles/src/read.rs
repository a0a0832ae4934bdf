//! Looking profiles up: one, or many at once in a fixed number of queries.

use std::collections::HashMap;

use diesel::prelude::*;
use kernel::DbConnection;
use kernel::db::DbBackend;
use profiles_api::{Byline, Profile, ProfileCard};

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

/// `ids` without repeats, in their first order, with each one's position.
fn distinct(ids: &[i64]) -> (Vec<i64>, HashMap<i64, usize>) {
    let mut order: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
    let mut wanted: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !order.contains_key(id) {
            order.insert(*id, wanted.len());
            wanted.push(*id);
        }
    }
    (wanted, order)
}

/// Profiles with these ids, in the order asked, each once: one query for the accounts and
/// two for the follow counts.
pub(crate) fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<Profile>> {
    let (wanted, order) = distinct(ids);
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

/// The columns of a card.
type CardRow = (i64, String, String, Option<String>);

/// Cards of the profiles with these ids, in the order asked, each once, in one query (kept
/// prepared for a single id, see [`with_ids`]).
pub(crate) fn cards_by_ids(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<ProfileCard>> {
    let (wanted, order) = distinct(ids);
    let columns = (
        users::id,
        users::username,
        users::bio_markdown,
        users::avatar_url,
    );
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<CardRow> = with_ids(&wanted).select(columns).load(conn)?;
    let cards = found
        .into_iter()
        .map(|(id, username, bio_markdown, avatar_url)| ProfileCard {
            id,
            username,
            bio_markdown,
            avatar_url,
        })
        .collect();
    Ok(in_order(cards, &order, |card| card.id))
}

/// The columns of a byline.
type BylineRow = (i64, String, String, String, Option<String>, Option<String>);

/// Bylines of the profiles with these ids, in the order asked, each once, in one query
/// (kept prepared for a single id, see [`with_ids`]).
pub(crate) fn bylines_by_ids(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<Byline>> {
    let (wanted, order) = distinct(ids);
    let columns = (
        users::id,
        users::username,
        users::display_name,
        users::bio_html,
        users::avatar_url,
        users::website_url,
    );
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<BylineRow> = with_ids(&wanted).select(columns).load(conn)?;
    let bylines = found
        .into_iter()
        .map(
            |(id, username, display_name, bio_html, avatar_url, website_url)| Byline {
                id,
                username,
                display_name,
                bio_html,
                avatar_url,
                website_url,
            },
        )
        .collect();
    Ok(in_order(bylines, &order, |byline| byline.id))
}

/// The accounts with these ids. One id is compared with `=`, SQL that does not vary, so the
/// connection keeps the statement prepared (the common case: a single author); SQLite's
/// `IN (?, …)` is prepared afresh every time.
fn with_ids(ids: &[i64]) -> users::BoxedQuery<'_, DbBackend> {
    match ids {
        [one] => users::table.filter(users::id.eq(*one)).into_boxed(),
        many => users::table.filter(users::id.eq_any(many)).into_boxed(),
    }
}

/// `items` sorted by their id's position in `order`.
fn in_order<T>(mut items: Vec<T>, order: &HashMap<i64, usize>, id: impl Fn(&T) -> i64) -> Vec<T> {
    items.sort_by_key(|item| order.get(&id(item)).copied());
    items
}
