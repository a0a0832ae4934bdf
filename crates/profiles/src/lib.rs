//! Quire's profiles module: accounts, passwords, sessions, profiles and follows.
//!
//! It owns the `users` table (see `migrations/profiles/`). Other modules reach it only through
//! the `profiles-api` port.

use kernel::ModuleMigrations;

/// The module's migrations, run at start-up after the kernel's.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "profiles",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/profiles/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/profiles/postgres"),
};
