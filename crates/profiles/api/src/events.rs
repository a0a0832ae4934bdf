//! Events the profiles module writes to the outbox, in the same transaction as the change.

use serde::{Deserialize, Serialize};

/// A change to a profile that others (caches, search, feeds) may react to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileEvent {
    /// Something shown about the profile changed (display name, bio, avatar or website).
    ProfileUpdated {
        /// The profile.
        id: i64,
        /// Its username.
        username: String,
        /// Its display name now.
        display_name: String,
    },
    /// Someone started or stopped following the profile.
    FollowersChanged {
        /// The profile followed or unfollowed.
        id: i64,
        /// Its username.
        username: String,
        /// How many follow it now.
        followers: u64,
    },
    /// Sessions of the account ended (a sign-out, a password change, a suspension) or what
    /// they grant changed (its role). Whoever remembers sessions checks the account's again.
    AccessChanged {
        /// The account.
        id: i64,
    },
    /// The account was deleted for good.
    ProfileDeleted {
        /// The profile that was.
        id: i64,
        /// Its username at the time.
        username: String,
    },
}

impl ProfileEvent {
    /// The outbox event type, e.g. `ProfileUpdated`.
    pub fn event_type(&self) -> &'static str {
        match self {
            ProfileEvent::ProfileUpdated { .. } => "ProfileUpdated",
            ProfileEvent::FollowersChanged { .. } => "FollowersChanged",
            ProfileEvent::AccessChanged { .. } => "AccessChanged",
            ProfileEvent::ProfileDeleted { .. } => "ProfileDeleted",
        }
    }

    /// The profile concerned.
    pub fn profile_id(&self) -> i64 {
        match self {
            ProfileEvent::ProfileUpdated { id, .. }
            | ProfileEvent::FollowersChanged { id, .. }
            | ProfileEvent::AccessChanged { id }
            | ProfileEvent::ProfileDeleted { id, .. } => *id,
        }
    }
}
