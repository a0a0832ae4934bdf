//! The profiles port: everything the server and other modules may ask of the profiles module.

use async_trait::async_trait;

use crate::{
    AccountSummary, ApiToken, Byline, NewAccount, Profile, ProfileCard, ProfileChanges,
    ProfilesError, Role, Session, SignupPolicy, Viewer,
};

/// What the profiles module answers. Every write runs in one transaction; changes others may
/// react to record their [`crate::ProfileEvent`] in the outbox in that same transaction.
///
/// Operations taking a [`Viewer`] act as that account: it must still exist and not be
/// suspended ([`ProfilesError::Forbidden`] otherwise). Admin operations check the stored role,
/// not the viewer's copy of it.
#[async_trait]
pub trait ProfilesPort: Send + Sync {
    /// The profile with this id.
    async fn by_id(&self, id: i64) -> Result<Option<Profile>, ProfilesError>;

    /// The profile with this username, regardless of case.
    async fn by_username(&self, username: &str) -> Result<Option<Profile>, ProfilesError>;

    /// Profiles with these ids, in the order asked (unknown ids skipped, repeats once), in a
    /// fixed number of queries whatever their number: for lists without N+1 queries.
    async fn by_ids(&self, ids: Vec<i64>) -> Result<Vec<Profile>, ProfilesError>;

    /// Cards (name, bio, picture) of the profiles with these ids, in the order asked (unknown
    /// ids skipped, repeats once), in one query: for lists that show no counts. The default
    /// takes them from [`ProfilesPort::by_ids`].
    async fn cards_by_ids(&self, ids: Vec<i64>) -> Result<Vec<ProfileCard>, ProfilesError> {
        Ok(self
            .by_ids(ids)
            .await?
            .into_iter()
            .map(ProfileCard::from)
            .collect())
    }

    /// Bylines (names, bio, picture, site) of the profiles with these ids, in the order asked
    /// (unknown ids skipped, repeats once), in one query: for reader pages, which show no
    /// counts. The default takes them from [`ProfilesPort::by_ids`].
    async fn bylines_by_ids(&self, ids: Vec<i64>) -> Result<Vec<Byline>, ProfilesError> {
        Ok(self
            .by_ids(ids)
            .await?
            .into_iter()
            .map(Byline::from)
            .collect())
    }

    /// Opens an account through the sign-up form, under `policy`. The very first account on
    /// a fresh instance becomes an admin, even when sign-up is closed.
    async fn register(
        &self,
        account: NewAccount,
        policy: SignupPolicy,
    ) -> Result<Profile, ProfilesError>;

    /// Opens an account with `role`, whatever the sign-up policy (`quire admin create-user`).
    async fn create_account(
        &self,
        account: NewAccount,
        role: Role,
    ) -> Result<Profile, ProfilesError>;

    /// Signs in with a username or email (`login`) and password and opens a new session.
    /// `client` identifies the caller (its IP address) for rate limiting. Unknown login, wrong
    /// password and suspended account all give [`ProfilesError::InvalidCredentials`]; too
    /// many recent failures give [`ProfilesError::RateLimited`] before the password is
    /// checked.
    async fn sign_in(
        &self,
        login: &str,
        password: &str,
        client: &str,
    ) -> Result<Session, ProfilesError>;

    /// Who holds this session token, if it is current and the account is not suspended.
    /// A session used past half its life is extended to a full life again.
    async fn authenticate(&self, session_token: &str) -> Result<Option<Viewer>, ProfilesError>;

    /// Ends the session (nothing happens for an unknown token).
    async fn sign_out(&self, session_token: &str) -> Result<(), ProfilesError>;

    /// Replaces the password after checking the current one; ends every other session of the
    /// account (keeping `keep_session`, the one in use) and revokes its API tokens.
    async fn change_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
        keep_session: &str,
    ) -> Result<(), ProfilesError>;

    /// Replaces the email after checking the password.
    async fn change_email(
        &self,
        viewer: &Viewer,
        password: &str,
        new_email: &str,
    ) -> Result<(), ProfilesError>;

    /// The viewer's own email address (stored lower-cased), for their settings and the API's
    /// user object. [`ProfilesError::NotFound`] if the account no longer exists.
    async fn email(&self, viewer: &Viewer) -> Result<String, ProfilesError>;

    /// Issues a new API token for the viewer; its plain text is in the answer only.
    async fn issue_api_token(&self, viewer: &Viewer) -> Result<ApiToken, ProfilesError>;

    /// Who holds this API token, if it is not revoked and the account is not suspended.
    async fn authenticate_api_token(&self, token: &str) -> Result<Option<Viewer>, ProfilesError>;

    /// Revokes one of the viewer's own API tokens ([`ProfilesError::NotFound`] for any other).
    async fn revoke_api_token(&self, viewer: &Viewer, token_id: i64) -> Result<(), ProfilesError>;

    /// Replaces the viewer's display name, bio, avatar and website.
    async fn update_profile(
        &self,
        viewer: &Viewer,
        changes: ProfileChanges,
    ) -> Result<Profile, ProfilesError>;

    /// Follows `username` (idempotent); returns that profile with its new counts. Following
    /// yourself is [`ProfilesError::Invalid`].
    async fn follow(&self, viewer: &Viewer, username: &str) -> Result<Profile, ProfilesError>;

    /// Stops following `username` (idempotent); returns that profile with its new counts.
    async fn unfollow(&self, viewer: &Viewer, username: &str) -> Result<Profile, ProfilesError>;

    /// Which of `followed_ids` the follower follows.
    async fn is_following(
        &self,
        follower_id: i64,
        followed_ids: Vec<i64>,
    ) -> Result<Vec<i64>, ProfilesError>;

    /// Everyone the follower follows (for the personal feed).
    async fn followed_ids(&self, follower_id: i64) -> Result<Vec<i64>, ProfilesError>;

    /// A page (from 1, 1–100 per page) of accounts whose username or email contains `search`
    /// (any case; empty for all), newest first, with the number matching. Admins only.
    async fn list_accounts(
        &self,
        admin: &Viewer,
        search: &str,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<AccountSummary>, u64), ProfilesError>;

    /// Changes an account's role. Admins only; the last active admin cannot be demoted.
    async fn set_role(&self, admin: &Viewer, user_id: i64, role: Role)
    -> Result<(), ProfilesError>;

    /// Suspends or reinstates an account; suspending ends its sessions and revokes its API
    /// tokens. Admins only; the last active admin cannot be suspended.
    async fn set_suspended(
        &self,
        admin: &Viewer,
        user_id: i64,
        suspended: bool,
    ) -> Result<(), ProfilesError>;

    /// Deletes an account with its sessions, tokens and follows, and announces
    /// [`crate::ProfileEvent::ProfileDeleted`]. Admins only; the last active admin cannot be
    /// deleted.
    async fn delete_account(&self, admin: &Viewer, user_id: i64) -> Result<(), ProfilesError>;
}
