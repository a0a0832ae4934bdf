//! PostgreSQL connection settings.

use diesel::{Connection, PgConnection, RunQueryDsl};

use super::DbError;

/// Applied to every new connection.
///
/// `plan_cache_mode = force_generic_plan`: every statement Quire runs is prepared once per
/// connection (diesel's statement cache), and PostgreSQL would otherwise plan it again at
/// each execution for as long as it judges a plan made for the bound values cheaper than a
/// generic one, which it did for the post page's statements: the planner
/// (`get_relation_info`, `cost_index`, `btcostestimate`…) was a large part of the server's
/// CPU. Quire's statements look rows up by key or walk an index in order with a `LIMIT`,
/// where the bound values do not change the best plan. Measured with the page cache off
/// (500 posts, wrk 32 connections): the post page went from 1,336–1,386 to 1,573–1,581
/// requests/s and its p99 from 205–236 ms to 50–105 ms; home from 2,521–2,530 to
/// 2,742–2,898.
const CONNECTION_SETTINGS: &[&str] = &["SET plan_cache_mode = force_generic_plan"];

/// Run once on every new connection so that its server process keeps the memory of one
/// statement for the next instead of handing it back to the system after each.
///
/// A server process linked with glibc gives the top of its heap back (`brk`) whenever more
/// than the trim threshold (128 KiB at first) lies free there, and faults it in again, page
/// by page, at the next statement that needs it. Reading a post (its 21 KB body detoasted,
/// copied for sending, and the row's message buffer) takes about 135 KiB for the length of
/// the statement, so every post page did that round trip: `brk` twice per post read (strace)
/// and, in a system-wide profile of the post page with the page cache off, page faults
/// 7.5 % and `brk` 4.4 % of the machine's CPU, about a quarter of PostgreSQL's share.
///
/// glibc documents that freeing a block it had mapped on its own (any allocation over the
/// mmap threshold, 128 KiB at first) raises that threshold to the block's size and the trim
/// threshold to twice that (mallopt(3), "M_MMAP_THRESHOLD"). This statement makes the server
/// allocate and free 1 MiB, so the process trims only beyond 2 MiB of free heap from then
/// on: at most that much more memory kept per connection, in exchange for no trim-and-fault
/// per statement. On a server without glibc's allocator it merely builds and drops a string.
/// Measured (2,000 posts, page cache off, wrk 32 connections, five alternating rounds): the
/// post page went from 1,727–2,220 to 1,999–2,456 requests/s.
const WARM_ALLOCATOR: &str = "SELECT length(repeat('x', 1048576))";

/// Connects to the server at `url` and applies the connection settings.
pub(super) fn establish(url: &str) -> Result<PgConnection, DbError> {
    let mut conn = PgConnection::establish(url)?;
    for setting in CONNECTION_SETTINGS {
        diesel::sql_query(*setting).execute(&mut conn)?;
    }
    diesel::sql_query(WARM_ALLOCATOR).execute(&mut conn)?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};

    use crate::db::{Backend, DbConnection, DbPool};
    use crate::testing::TestDatabase;

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        plan_cache_mode: String,
    }

    #[test]
    fn every_pooled_connection_uses_generic_plans() {
        let db = TestDatabase::create(Backend::Postgres);
        let pool = DbPool::connect(db.url()).unwrap();
        let mut conn = pool.get().unwrap();
        let DbConnection::Pg(pg) = &mut *conn else {
            panic!("a PostgreSQL pool hands out PostgreSQL connections");
        };
        let setting: Setting = diesel::sql_query("SHOW plan_cache_mode")
            .get_result(pg)
            .unwrap();
        assert_eq!(setting.plan_cache_mode, "force_generic_plan");
    }
}
