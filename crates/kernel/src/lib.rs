//! Infrastructure every Quire module shares, and no domain logic.
//!
//! - [`db`]: one diesel connection type over SQLite and PostgreSQL, its pool, and
//!   [`db::DbPool::run`] to run blocking queries off the async threads.
//! - [`migrations`]: each module embeds its own migrations; these helpers run and revert
//!   them one module at a time.
//! - [`outbox`]: events appended inside the caller's transaction and a relay that delivers
//!   them at least once to registered handlers.
//! - [`clock`]: the current time, injectable for tests.
//! - [`markdown`]: Markdown to sanitized HTML (posts and comments), with table of contents,
//!   excerpt, plain text and reading time, and the stylesheet for highlighted code.
//! - [`slug`]: unicode-aware URL slugs.
//! - [`settings`]: site settings edited at run time, stored as text by key.

pub mod clock;
pub mod db;
pub mod hex;
pub mod markdown;
pub mod migrations;
pub mod outbox;
pub mod settings;
pub mod slug;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use clock::{Clock, SystemClock};
pub use db::{Backend, DatabaseUrl, DbConnection, DbError, DbPool};
pub use migrations::ModuleMigrations;

/// The kernel's own migrations (the outbox tables). They run first.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "kernel",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/kernel/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/kernel/postgres"),
};
