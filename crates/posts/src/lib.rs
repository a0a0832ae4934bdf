//! Quire's posts module: posts, drafts, scheduling, tags, slugs, revisions and favorites.
//!
//! It owns its tables (see `migrations/posts/`); their schema stays private to the crate.
//! Others use it through [`posts_api::PostsPort`], implemented here by [`SqlPosts`]. Every
//! change runs in one write transaction that also appends its event to the outbox.

mod counts;
mod error;
mod events;
mod neighbours;
mod read;
mod render;
mod rows;
mod schema;
mod slugs;
mod store;
mod validate;
mod write;

#[cfg(test)]
mod tests;

pub use store::SqlPosts;

use kernel::ModuleMigrations;

/// The module's migrations, run at start-up after the profiles module's.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "posts",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/posts/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/posts/postgres"),
};
