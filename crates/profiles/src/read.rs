//! Looking profiles up: one, or many at once in a fixed number of queries.

use std::collections::HashMap;

use diesel::prelude::*;
use kernel::DbConnection;
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

/// Cards of the profiles with these ids, in the order asked, each once, in one query (one
/// whose SQL does not depend on the number of ids when there is one, so the connection
/// keeps it prepared: the common case of a single article's author).
pub(crate) fn cards_by_ids(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<ProfileCard>> {
    let (wanted, order) = distinct(ids);
    let columns = (
        users::id,
        users::username,
        users::bio_markdown,
        users::avatar_url,
    );
    let found: Vec<CardRow> = match wanted.as_slice() {
        [] => return Ok(Vec::new()),
        [one] => users::table
            .filter(users::id.eq(*one))
            .select(columns)
            .load(conn)?,
        many => users::table
            .filter(users::id.eq_any(many))
            .select(columns)
            .load(conn)?,
    };
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
/// (kept prepared for a single id, like [`cards_by_ids`]).
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
    let found: Vec<BylineRow> = match wanted.as_slice() {
        [] => return Ok(Vec::new()),
        [one] => users::table
            .filter(users::id.eq(*one))
            .select(columns)
            .load(conn)?,
        many => users::table
            .filter(users::id.eq_any(many))
            .select(columns)
            .load(conn)?,
    };
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

/// `items` sorted by their id's position in `order`.
fn in_order<T>(mut items: Vec<T>, order: &HashMap<i64, usize>, id: impl Fn(&T) -> i64) -> Vec<T> {
    items.sort_by_key(|item| order.get(&id(item)).copied());
    items
}
