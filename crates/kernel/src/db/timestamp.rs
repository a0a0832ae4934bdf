//! Timestamps read without chrono's format interpreter.
//!
//! SQLite keeps timestamps as text (`2026-12-06 04:13:01.321740`), and diesel turns each into
//! a `NaiveDateTime` with chrono's `parse_from_str`, which interprets its format string anew
//! for every value: 6 % of `GET /api/articles` (20 rows, two timestamps each) in profiles.
//! [`DbTimestamp`] reads that one layout directly and leaves anything else (other layouts,
//! Julian day numbers) to diesel. PostgreSQL sends timestamps in binary: diesel's own
//! conversion is used there unchanged.
//!
//! Row structs keep `NaiveDateTime` fields and name these types for reading:
//! `#[diesel(deserialize_as = kernel::db::DbTimestamp)]`, and
//! `#[diesel(deserialize_as = kernel::db::DbNullableTimestamp)]` for `Option`s.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::Sqlite;

use super::DbBackend;

/// A `TIMESTAMP` column's value, read quickly from SQLite's text (see the module
/// documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct DbTimestamp(pub NaiveDateTime);

impl From<DbTimestamp> for NaiveDateTime {
    fn from(timestamp: DbTimestamp) -> Self {
        timestamp.0
    }
}

impl FromSql<Timestamp, Sqlite> for DbTimestamp {
    fn from_sql(
        mut value: <Sqlite as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        if let Some(at) = parse_sqlite_text(value.read_text()) {
            return Ok(Self(at));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Pg> for DbTimestamp {
    fn from_sql(
        value: <Pg as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, DbBackend> for DbTimestamp {
    fn from_sql(
        value: <DbBackend as diesel::backend::Backend>::RawValue<'_>,
    ) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

/// A nullable `TIMESTAMP` column's value, read as [`DbTimestamp`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct DbNullableTimestamp(pub Option<NaiveDateTime>);

impl From<DbNullableTimestamp> for Option<NaiveDateTime> {
    fn from(timestamp: DbNullableTimestamp) -> Self {
        timestamp.0
    }
}

/// Each backend reads a nullable timestamp as [`DbTimestamp`] reads a present one.
macro_rules! nullable_from_sql {
    ($backend:ty) => {
        impl FromSql<Nullable<Timestamp>, $backend> for DbNullableTimestamp {
            fn from_sql(
                value: <$backend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                <DbTimestamp as FromSql<Timestamp, $backend>>::from_sql(value)
                    .map(|at| Self(Some(at.0)))
            }

            fn from_nullable_sql(
                value: Option<<$backend as diesel::backend::Backend>::RawValue<'_>>,
            ) -> deserialize::Result<Self> {
                match value {
                    Some(value) => {
                        <Self as FromSql<Nullable<Timestamp>, $backend>>::from_sql(value)
                    }
                    None => Ok(Self(None)),
                }
            }
        }
    };
}

nullable_from_sql!(Sqlite);
nullable_from_sql!(Pg);
nullable_from_sql!(DbBackend);

/// `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 9 digits, as diesel writes
/// timestamps to SQLite. `None` for anything else, including dates that do not exist.
fn parse_sqlite_text(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b' ' {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes.get(range)?.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    let nanos = match bytes.get(19..) {
        None | Some([]) => 0,
        Some([b'.', digits @ ..]) if (1..=9).contains(&digits.len()) => {
            let value = number(20..bytes.len())?;
            let scale = 10u32.pow(u32::try_from(9 - digits.len()).ok()?);
            value * scale
        }
        Some(_) => return None,
    };
    let time =
        NaiveTime::from_hms_nano_opt(number(11..13)?, number(14..16)?, number(17..19)?, nanos)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_reads(text: &str) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(text, "%F %T%.f").ok()
    }

    #[test]
    fn reads_what_diesel_writes_as_chrono_does() {
        for text in [
            "2026-12-06 04:13:01.321740",
            "2026-12-06 04:13:01",
            "2024-02-29 23:59:59.5",
            "1999-01-01 00:00:00.000000001",
            "2026-12-06 04:13:01.123456789",
        ] {
            assert_eq!(parse_sqlite_text(text), chrono_reads(text), "{text}");
            assert!(parse_sqlite_text(text).is_some(), "{text}");
        }
    }

    #[test]
    fn leaves_everything_else_to_diesel() {
        for text in [
            "",
            "2026-12-06",
            "2026-12-06T04:13:01",
            "2026-12-06 04:13:01Z",
            "2026-12-06 04:13:01+02:00",
            "2026-12-06 04:13:01.",
            "2026-12-06 04:13:01.1234567890",
            "2026-02-30 04:13:01",
            "2026-12-06 24:13:01",
            "2026-1a-06 04:13:01",
            "2460650.5",
            "２026-12-06 04:13:01",
        ] {
            assert_eq!(parse_sqlite_text(text), None, "{text}");
        }
    }
}
