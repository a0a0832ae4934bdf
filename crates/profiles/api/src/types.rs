//! Plain data types of the profiles port.
//!
//! Types that carry a secret (a password or a plain token) print it as `<redacted>` in
//! their `Debug` output, so a stray `{:?}` in a log line cannot leak it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Role;

const REDACTED: &str = "<redacted>";

/// What a list shows of an author: name, bio and picture, without the counts of a full
/// [`Profile`] (cheaper to look up for every author of a list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCard {
    /// Id, opaque outside the profiles module.
    pub id: i64,
    /// Unique (regardless of case) name, as the owner typed it.
    pub username: String,
    /// The bio as written, in Markdown.
    pub bio_markdown: String,
    /// Picture (http or https URL).
    pub avatar_url: Option<String>,
}

impl From<Profile> for ProfileCard {
    fn from(profile: Profile) -> Self {
        ProfileCard {
            id: profile.id,
            username: profile.username,
            bio_markdown: profile.bio_markdown,
            avatar_url: profile.avatar_url,
        }
    }
}

/// What a page shows of an author beside their writing: names, bio, picture and site,
/// without the follow counts of a full [`Profile`] (one query for any number of authors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Byline {
    /// Id, opaque outside the profiles module.
    pub id: i64,
    /// Unique (regardless of case) name, as the owner typed it; in URLs under `/authors/`.
    pub username: String,
    /// The name shown; the username unless the owner chose another.
    pub display_name: String,
    /// The bio rendered to sanitized HTML.
    pub bio_html: String,
    /// Picture (http or https URL).
    pub avatar_url: Option<String>,
    /// The owner's own site (http or https URL).
    pub website_url: Option<String>,
}

impl From<Profile> for Byline {
    fn from(profile: Profile) -> Self {
        Byline {
            id: profile.id,
            username: profile.username,
            display_name: profile.display_name,
            bio_html: profile.bio_html,
            avatar_url: profile.avatar_url,
            website_url: profile.website_url,
        }
    }
}

/// A public profile, as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Id, opaque outside the profiles module.
    pub id: i64,
    /// Unique (regardless of case) name, as the owner typed it; in URLs under `/authors/`.
    pub username: String,
    /// The name shown; the username unless the owner chose another.
    pub display_name: String,
    /// The bio as written, in Markdown.
    pub bio_markdown: String,
    /// The bio rendered to sanitized HTML.
    pub bio_html: String,
    /// Picture (http or https URL).
    pub avatar_url: Option<String>,
    /// The owner's own site (http or https URL).
    pub website_url: Option<String>,
    /// What the account may do.
    pub role: Role,
    /// Whether an admin suspended the account (it cannot sign in).
    pub suspended: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Accounts following this one.
    pub followers: u64,
    /// Accounts this one follows.
    pub following: u64,
}

/// Who is signed in, as the server hands it back to the modules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// The profile id.
    pub id: i64,
    /// The username.
    pub username: String,
    /// The role when the session or token was checked. Admin operations check the stored
    /// role again, so a stale value grants nothing.
    pub role: Role,
}

/// What a person gives to open an account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    /// The wished username (3–30 ASCII letters, digits, `_`, `-`, starting with a letter).
    pub username: String,
    /// Email address; stored lower-cased.
    pub email: String,
    /// Password in plain text; only its argon2id hash is stored.
    pub password: String,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password", &REDACTED)
            .finish()
    }
}

/// Whether strangers may sign up, and as what. The server reads it from the site settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupPolicy {
    /// Whether sign-up is open. The very first account is created even when it is not.
    pub open: bool,
    /// The role new accounts get (the very first one is always an admin).
    pub default_role: Role,
}

/// A signed-in session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The session token in plain text, for the cookie. Only its SHA-256 is stored, so this
    /// is the one time it can be read.
    pub token: String,
    /// Who signed in.
    pub viewer: Viewer,
    /// When the session ends unless it is used (each use past half its life extends it).
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &REDACTED)
            .field("viewer", &self.viewer)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A newly issued API token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// The token in plain text, shown once: only its SHA-256 is stored.
    pub token: String,
    /// The token's id, to revoke it later.
    pub id: i64,
    /// Whose token it is.
    pub viewer: Viewer,
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiToken")
            .field("token", &REDACTED)
            .field("id", &self.id)
            .field("viewer", &self.viewer)
            .finish()
    }
}

/// The fields a person edits on their profile page; all replaced at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileChanges {
    /// The name shown (at most 60 characters); empty means the username.
    pub display_name: String,
    /// The bio in Markdown (at most 2,000 characters).
    pub bio_markdown: String,
    /// Picture (http or https URL); `None` or empty to remove it.
    pub avatar_url: Option<String>,
    /// Own site (http or https URL); `None` or empty to remove it.
    pub website_url: Option<String>,
}

/// An account as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// Email (lower case).
    pub email: String,
    /// Role.
    pub role: Role,
    /// Whether the account is suspended.
    pub suspended: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}
