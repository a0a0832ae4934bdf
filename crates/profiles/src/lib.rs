//! Quire's profiles module: accounts, passwords, sessions, API tokens, roles, profiles and
//! follows.
//!
//! It owns the `users`, `sessions`, `api_tokens` and `follows` tables (see
//! `migrations/profiles/`); their schema stays private to the crate. Others use it through
//! [`profiles_api::ProfilesPort`], implemented here by [`SqlProfiles`]. Every change runs in
//! one write transaction, which also appends its event to the outbox when it has one.
//!
//! Security in brief: passwords are hashed with argon2id ([`passwords`]); session and API
//! tokens are 256 random bits of which only a SHA-256 is stored; failed sign-ins are limited
//! per client and per login name, in memory ([`SignInLimits`]); sign-in failures all give one
//! answer in the same time, whether the account exists or not.

mod accounts;
mod admin;
mod api_tokens;
mod credentials;
mod error;
mod events;
mod follows;
pub mod passwords;
mod profile_edit;
mod rate_limit;
mod read;
mod reserved;
mod rows;
mod schema;
mod session_cache;
mod session_events;
mod sessions;
mod sign_in;
mod store;
mod tokens;
mod validate;

#[cfg(test)]
mod tests;

pub use rate_limit::{RateLimit, SignInLimits};
pub use session_events::SessionEvents;
pub use store::SqlProfiles;

use kernel::ModuleMigrations;

/// The module's migrations, run at start-up after the kernel's.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "profiles",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/profiles/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/profiles/postgres"),
};
