//! Quire's comments module: threaded comments under posts, and their moderation.
//!
//! It owns the `comments` table (see `migrations/comments/`). It learns about posts only
//! through the `posts-api` port and events, never from the posts tables.

use kernel::ModuleMigrations;

/// The module's migrations, run at start-up after the posts module's.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "comments",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/comments/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/comments/postgres"),
};
