//! Site settings: text values by key, edited at run time by administrators.
//!
//! The kernel only stores them; the server gives them meaning and defaults. A save replaces
//! the given keys in one write transaction and appends a `SiteSettingsChanged` event, so
//! caches elsewhere can follow.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::{DbConnection, DbError, write_transaction};
use crate::outbox::{self, NewEvent};

mod schema {
    diesel::table! {
        site_settings (key) {
            key -> Text,
            value -> Text,
            updated_at -> Timestamp,
        }
    }
}

use schema::site_settings;

/// The outbox event type written on every save.
pub const SETTINGS_CHANGED: &str = "SiteSettingsChanged";

/// Every stored setting.
pub fn load(conn: &mut DbConnection) -> Result<BTreeMap<String, String>, DbError> {
    let rows: Vec<(String, String)> = site_settings::table
        .select((site_settings::key, site_settings::value))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Stores `values` (replacing those keys) and records the change in the outbox.
pub fn save(
    conn: &mut DbConnection,
    values: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        for (key, value) in values {
            diesel::delete(site_settings::table.find(key)).execute(conn)?;
            diesel::insert_into(site_settings::table)
                .values((
                    site_settings::key.eq(key),
                    site_settings::value.eq(value),
                    site_settings::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
        }
        let keys: Vec<&String> = values.keys().collect();
        let event = NewEvent::new(SETTINGS_CHANGED, &keys, now)
            .map_err(|e| DbError::Task(format!("event encoding: {e}")))?;
        outbox::append(conn, &event)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Clock;
    use crate::clock::SystemClock;
    use crate::db::Backend;
    use crate::testing::TestDatabase;

    fn saves_loads_and_announces(backend: Backend) {
        let db = TestDatabase::create(backend);
        let pool = db.pool();
        let mut conn = pool.get().unwrap();
        crate::MIGRATIONS.run_pending(&mut conn).unwrap();
        assert!(load(&mut conn).unwrap().is_empty());
        let first = BTreeMap::from([
            ("title".to_owned(), "Field Notes".to_owned()),
            ("open_signup".to_owned(), "false".to_owned()),
        ]);
        save(&mut conn, &first, SystemClock.now()).unwrap();
        let second = BTreeMap::from([("title".to_owned(), "Field Notes II".to_owned())]);
        save(&mut conn, &second, SystemClock.now()).unwrap();
        let stored = load(&mut conn).unwrap();
        assert_eq!(stored["title"], "Field Notes II");
        assert_eq!(stored["open_signup"], "false");
        assert_eq!(outbox::count_events(&mut conn).unwrap(), 2);
    }

    #[test]
    fn sqlite_saves_loads_and_announces() {
        saves_loads_and_announces(Backend::Sqlite);
    }

    #[test]
    fn postgres_saves_loads_and_announces() {
        saves_loads_and_announces(Backend::Postgres);
    }
}
