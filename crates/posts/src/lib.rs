//! Quire's posts module: posts, drafts, scheduling, tags, slugs, revisions and favorites.
//!
//! It owns the `posts` table (see `migrations/posts/`); its schema stays private to the crate.
//! Others use it through [`posts_api::PostsPort`], implemented here by [`SqlPosts`].

mod schema;
mod store;

pub use store::SqlPosts;

use kernel::ModuleMigrations;

/// The module's migrations, run at start-up after the profiles module's.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "posts",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/posts/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/posts/postgres"),
};
