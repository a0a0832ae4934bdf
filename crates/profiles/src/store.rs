//! [`SqlProfiles`]: the profiles port over the module's own tables.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kernel::db::write_transaction;
use kernel::outbox::OutboxSignal;
use kernel::{Clock, DbConnection, DbPool};
use profiles_api::{
    AccountSummary, ApiToken, Byline, NewAccount, Profile, ProfileCard, ProfileChanges,
    ProfilesError, ProfilesPort, Role, Session, SignupPolicy, Viewer,
};

use crate::accounts::{self, Origin};
use crate::error::{StoreError, StoreResult};
use crate::rate_limit::{Key, RateLimiter, SignInLimits};
use crate::session_cache::{self, SessionCache};
use crate::session_events::SessionEvents;
use crate::sessions::SessionCheck;
use crate::validate::{self, CleanAccount};
use crate::{
    admin, api_tokens, credentials, follows, passwords, profile_edit, read, rows, sessions,
    sign_in, tokens,
};

/// Accounts, sessions and profiles stored in the module's own tables.
///
/// Failed sign-ins are counted in memory, per process (see [`SignInLimits`]); clones share
/// the counts. Good sessions are remembered in memory too, and clones share them; with
/// several processes on one database, subscribe [`SqlProfiles::session_events`] to the
/// relay's live lane so that a sign-out in one ends the session in all.
#[derive(Clone)]
pub struct SqlProfiles {
    pool: DbPool,
    clock: Arc<dyn Clock>,
    outbox: OutboxSignal,
    limiter: Arc<RateLimiter>,
    sessions: Arc<SessionCache>,
}

impl std::fmt::Debug for SqlProfiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlProfiles")
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

impl SqlProfiles {
    /// Profiles in the database behind `pool`, with the default sign-in limits; `clock` dates
    /// changes, expires sessions and times the limits; `outbox` is signalled after each
    /// commit that may have written an event.
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>, outbox: OutboxSignal) -> Self {
        Self {
            pool,
            clock,
            outbox,
            limiter: Arc::new(RateLimiter::new(SignInLimits::default())),
            sessions: Arc::new(SessionCache::new(session_cache::CAPACITY)),
        }
    }

    /// The handler that makes this process forget remembered sessions when another process
    /// ends them or changes what they grant: subscribe it to the relay's live lane.
    pub fn session_events(&self) -> SessionEvents {
        SessionEvents::new(Arc::clone(&self.sessions))
    }

    /// The same, with other limits on failed sign-ins (and fresh counts).
    pub fn with_sign_in_limits(mut self, limits: SignInLimits) -> Self {
        self.limiter = Arc::new(RateLimiter::new(limits));
        self
    }

    /// Runs a pure read (see [`DbPool::read`]: no trip to the blocking pool on SQLite).
    async fn lookup<T, F>(&self, query: F) -> Result<T, ProfilesError>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.pool.read(query).await.map_err(ProfilesError::from)
    }

    /// Runs a read that may also tidy up (expired sessions) on the blocking pool.
    async fn read<T, F>(&self, query: F) -> Result<T, ProfilesError>
    where
        F: FnOnce(&mut DbConnection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.pool.run(query).await.map_err(ProfilesError::from)
    }

    /// Runs work that manages its own transactions (and may hash passwords) on the blocking
    /// pool, with the time and the rate limiter.
    async fn work<T, F>(&self, work: F) -> Result<T, ProfilesError>
    where
        F: FnOnce(&mut DbConnection, &RateLimiter, DateTime<Utc>) -> StoreResult<T>
            + Send
            + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        let limiter = Arc::clone(&self.limiter);
        self.pool
            .run(move |conn| work(conn, &limiter, now))
            .await
            .map_err(ProfilesError::from)
    }

    /// Runs a change in one write transaction, then wakes the outbox relay.
    async fn change<T, F>(&self, command: F) -> Result<T, ProfilesError>
    where
        F: FnOnce(&mut DbConnection, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        self.pool
            .write::<_, StoreError, _>(&self.outbox, move |conn| command(conn, now))
            .await
            .map_err(ProfilesError::from)
    }

    /// Hashes the password (off the async threads, before the transaction, so no lock is
    /// held while it runs), then creates the account.
    async fn open_account(
        &self,
        account: CleanAccount,
        origin: Origin,
    ) -> Result<Profile, ProfilesError> {
        self.work(move |conn, _, now| {
            let hash = passwords::hash_password(&account.password)?;
            write_transaction::<_, StoreError, _>(conn, |conn| {
                let row = accounts::create(conn, now, &account, &hash, origin)?;
                rows::profile(conn, row)
            })
        })
        .await
    }
}

#[async_trait]
impl ProfilesPort for SqlProfiles {
    async fn by_id(&self, id: i64) -> Result<Option<Profile>, ProfilesError> {
        self.lookup(move |conn| read::by_id(conn, id)).await
    }

    async fn by_username(&self, username: &str) -> Result<Option<Profile>, ProfilesError> {
        let username = username.to_owned();
        self.lookup(move |conn| read::by_username(conn, &username))
            .await
    }

    async fn by_ids(&self, ids: Vec<i64>) -> Result<Vec<Profile>, ProfilesError> {
        self.lookup(move |conn| read::by_ids(conn, &ids)).await
    }

    async fn cards_by_ids(&self, ids: Vec<i64>) -> Result<Vec<ProfileCard>, ProfilesError> {
        self.lookup(move |conn| read::cards_by_ids(conn, &ids))
            .await
    }

    async fn bylines_by_ids(&self, ids: Vec<i64>) -> Result<Vec<Byline>, ProfilesError> {
        self.lookup(move |conn| read::bylines_by_ids(conn, &ids))
            .await
    }

    async fn register(
        &self,
        account: NewAccount,
        policy: SignupPolicy,
    ) -> Result<Profile, ProfilesError> {
        if !policy.open && self.read(accounts::any_account).await? {
            return Err(ProfilesError::SignupClosed);
        }
        let account = validate::account(account)?;
        self.open_account(account, Origin::SignUp(policy)).await
    }

    async fn create_account(
        &self,
        account: NewAccount,
        role: Role,
    ) -> Result<Profile, ProfilesError> {
        let account = validate::account(account)?;
        self.open_account(account, Origin::Operator(role)).await
    }

    async fn sign_in(
        &self,
        login: &str,
        password: &str,
        client: &str,
    ) -> Result<Session, ProfilesError> {
        let (login, password, client) = (login.to_owned(), password.to_owned(), client.to_owned());
        // Refuse a client over its limit before taking a connection.
        self.limiter
            .check(&Key::client(&client), self.clock.now())
            .map_err(|retry_after_secs| ProfilesError::RateLimited { retry_after_secs })?;
        self.work(move |conn, limiter, now| {
            sign_in::sign_in(conn, limiter, now, &login, &password, &client)
        })
        .await
    }

    async fn authenticate(&self, session_token: &str) -> Result<Option<Viewer>, ProfilesError> {
        if !tokens::well_formed(session_token) {
            return Ok(None);
        }
        let hash = tokens::hash(session_token);
        let now = self.clock.now();
        if let Some(viewer) = self.sessions.get(&hash, now) {
            return Ok(Some(viewer));
        }
        let stamp = self.sessions.stamp();
        let token_hash = hash.clone();
        // Checked on every signed-in request the cache cannot answer: the read runs in
        // place; the rare write (an expired session to forget, a session to extend) goes to
        // the blocking pool.
        match self
            .lookup(move |conn| sessions::check(conn, now, &token_hash))
            .await?
        {
            SessionCheck::Refused => Ok(None),
            SessionCheck::Expired(id) => {
                self.read(move |conn| sessions::forget(conn, id)).await?;
                Ok(None)
            }
            SessionCheck::Valid {
                viewer,
                expires_at,
                renew: None,
            } => {
                self.sessions.keep(hash, viewer.clone(), expires_at, stamp);
                Ok(Some(viewer))
            }
            SessionCheck::Valid {
                viewer,
                renew: Some(id),
                ..
            } => {
                self.read(move |conn| sessions::extend(conn, id, now))
                    .await?;
                Ok(Some(viewer))
            }
        }
    }

    async fn sign_out(&self, session_token: &str) -> Result<(), ProfilesError> {
        let token = session_token.to_owned();
        let ended = self
            .change(move |conn, now| sessions::close(conn, now, &token))
            .await?;
        if let Some(user_id) = ended {
            self.sessions.forget_account(user_id);
        }
        Ok(())
    }

    async fn change_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
        keep_session: &str,
    ) -> Result<(), ProfilesError> {
        let new = validate::password("new_password", new.to_owned())?;
        let (viewer_id, current, keep) = (viewer.id, current.to_owned(), keep_session.to_owned());
        self.work(move |conn, limiter, now| {
            credentials::change_password(conn, limiter, now, viewer_id, &current, &new, &keep)
        })
        .await?;
        // Other sessions ended: forget them here, and tell other processes (the event).
        self.sessions.forget_account(viewer_id);
        self.outbox.notify();
        Ok(())
    }

    async fn email(&self, viewer: &Viewer) -> Result<String, ProfilesError> {
        let id = viewer.id;
        self.lookup(move |conn| {
            rows::by_id(conn, id)?
                .map(|row| row.email)
                .ok_or_else(|| ProfilesError::NotFound.into())
        })
        .await
    }

    async fn change_email(
        &self,
        viewer: &Viewer,
        password: &str,
        new_email: &str,
    ) -> Result<(), ProfilesError> {
        let email = validate::email("email", new_email)?;
        let (viewer_id, password) = (viewer.id, password.to_owned());
        self.work(move |conn, limiter, now| {
            credentials::change_email(conn, limiter, now, viewer_id, &password, &email)
        })
        .await
    }

    async fn issue_api_token(&self, viewer: &Viewer) -> Result<ApiToken, ProfilesError> {
        let viewer_id = viewer.id;
        self.change(move |conn, now| api_tokens::issue(conn, now, viewer_id))
            .await
    }

    async fn authenticate_api_token(&self, token: &str) -> Result<Option<Viewer>, ProfilesError> {
        let token = token.to_owned();
        self.lookup(move |conn| api_tokens::authenticate(conn, &token))
            .await
    }

    async fn revoke_api_token(&self, viewer: &Viewer, token_id: i64) -> Result<(), ProfilesError> {
        let viewer_id = viewer.id;
        self.change(move |conn, _| api_tokens::revoke(conn, viewer_id, token_id))
            .await
    }

    async fn update_profile(
        &self,
        viewer: &Viewer,
        changes: ProfileChanges,
    ) -> Result<Profile, ProfilesError> {
        let changes = validate::changes(changes)?;
        let viewer_id = viewer.id;
        self.change(move |conn, now| profile_edit::update(conn, now, viewer_id, &changes))
            .await
    }

    async fn follow(&self, viewer: &Viewer, username: &str) -> Result<Profile, ProfilesError> {
        let (viewer_id, username) = (viewer.id, username.to_owned());
        self.change(move |conn, now| follows::follow(conn, now, viewer_id, &username))
            .await
    }

    async fn unfollow(&self, viewer: &Viewer, username: &str) -> Result<Profile, ProfilesError> {
        let (viewer_id, username) = (viewer.id, username.to_owned());
        self.change(move |conn, now| follows::unfollow(conn, now, viewer_id, &username))
            .await
    }

    async fn is_following(
        &self,
        follower_id: i64,
        followed_ids: Vec<i64>,
    ) -> Result<Vec<i64>, ProfilesError> {
        self.lookup(move |conn| follows::among(conn, follower_id, &followed_ids))
            .await
    }

    async fn followed_ids(&self, follower_id: i64) -> Result<Vec<i64>, ProfilesError> {
        self.lookup(move |conn| follows::all_followed(conn, follower_id))
            .await
    }

    async fn list_accounts(
        &self,
        admin: &Viewer,
        search: &str,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<AccountSummary>, u64), ProfilesError> {
        let (search, offset) = validate::listing(search, page, per_page)?;
        let admin_id = admin.id;
        self.read(move |conn| admin::list(conn, admin_id, &search, offset, per_page))
            .await
    }

    async fn set_role(
        &self,
        admin: &Viewer,
        user_id: i64,
        role: Role,
    ) -> Result<(), ProfilesError> {
        let admin_id = admin.id;
        self.change(move |conn, now| admin::set_role(conn, now, admin_id, user_id, role))
            .await?;
        self.sessions.forget_account(user_id);
        Ok(())
    }

    async fn set_suspended(
        &self,
        admin: &Viewer,
        user_id: i64,
        suspended: bool,
    ) -> Result<(), ProfilesError> {
        let admin_id = admin.id;
        self.change(move |conn, now| admin::set_suspended(conn, now, admin_id, user_id, suspended))
            .await?;
        self.sessions.forget_account(user_id);
        Ok(())
    }

    async fn delete_account(&self, admin: &Viewer, user_id: i64) -> Result<(), ProfilesError> {
        let admin_id = admin.id;
        self.change(move |conn, now| admin::delete(conn, now, admin_id, user_id))
            .await?;
        self.sessions.forget_account(user_id);
        Ok(())
    }
}
