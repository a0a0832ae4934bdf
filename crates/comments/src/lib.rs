//! Quire's comments module: threaded comments under posts, and their moderation.
//!
//! It owns the `comments` and `comment_trusted_authors` tables (see `migrations/comments/`);
//! their schema stays private to the crate. Others use it through
//! [`comments_api::CommentsPort`], implemented here by [`SqlComments`]. It learns about posts
//! only through the `posts-api` port (is the post published, who wrote it) and events
//! ([`PostEventsHandler`] removes a deleted post's comments), never from the posts tables.
//!
//! Decisions worth knowing:
//! - **Deletion.** A comment without replies is removed; one with replies stays as a
//!   "deleted" placeholder with no author or text, so the thread stays readable. Removing the
//!   last reply under a placeholder removes the placeholder too.
//! - **Visibility.** Readers see visible comments of published posts. A commenter also sees
//!   their own pending comments; the post's author, editors and admins see everything. A
//!   comment the viewer may not read but whose replies they may is listed as a "withheld"
//!   placeholder. Whether a post is published is asked of the posts port at read time, so an
//!   unpublished post's comments disappear for readers and come back if it is republished.
//! - **Moderation.** The post's author and site moderators are never held for approval nor
//!   rate limited. In first-time mode a commenter is trusted once a moderator approves one of
//!   their comments (or one went up visible); hiding one of their comments withdraws that.
//! - **Abuse.** Per-account and per-address rate limits in memory, a length limit, a link
//!   limit for new accounts, and duplicate submissions (same idempotency key, or same body on
//!   the same post and parent within minutes) answered with the first comment.

mod config;
mod error;
mod events;
mod handler;
mod rate_limit;
mod read;
mod rows;
mod schema;
mod store;
mod thread;
mod validate;
mod write;

#[cfg(test)]
mod tests;

pub use config::{CommentsConfig, RateLimit};
pub use handler::{CONSUMER, PostEventsHandler};
pub use store::SqlComments;

use kernel::ModuleMigrations;

/// The module's migrations, run at start-up after the posts module's.
pub const MIGRATIONS: ModuleMigrations = ModuleMigrations {
    module: "comments",
    sqlite: diesel_migrations::embed_migrations!("../../migrations/comments/sqlite"),
    postgres: diesel_migrations::embed_migrations!("../../migrations/comments/postgres"),
};
