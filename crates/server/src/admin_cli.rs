//! `quire admin …`: administration from the command line.

use std::sync::Arc;

use kernel::SystemClock;
use kernel::outbox::OutboxSignal;
use profiles::SqlProfiles;
use profiles_api::{NewAccount, ProfilesPort, Role};

use crate::config::Config;
use crate::startup::open_database;

/// Creates an account with `role`; returns its username. Validation errors come back as
/// the messages the sign-up form would show.
pub async fn create_user(
    config: &Config,
    account: NewAccount,
    role: Role,
) -> Result<String, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| e.to_string())?;
    let (pool, _) = open_database(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let profiles = SqlProfiles::new(pool, Arc::new(SystemClock), OutboxSignal::new());
    profiles
        .create_account(account, role)
        .await
        .map(|profile| profile.username)
        .map_err(|e| e.to_string())
}
