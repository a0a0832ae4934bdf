//! The profiles module against real databases, every test on SQLite and on PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kernel::clock::ManualClock;
use kernel::outbox::OutboxSignal;
use kernel::testing::TestDatabase;
use kernel::{Backend, DbPool};
use profiles_api::{
    NewAccount, Profile, ProfileEvent, ProfilesError, ProfilesPort, Role, SignupPolicy, Viewer,
};

use crate::{SignInLimits, SqlProfiles};

/// Runs each named `async fn(Backend)` of the enclosing module once per backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(kernel::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(kernel::Backend::Postgres).await })*
        }
    };
}

mod accounts;
mod admin;
mod follows;
mod races;
mod rate_limits;
mod sessions;
mod validation;

/// The password every test account gets.
const PASSWORD: &str = "correct horse battery";
/// The client address of most sign-ins.
const CLIENT: &str = "192.0.2.1";
/// Sign-up open to readers.
const OPEN: SignupPolicy = SignupPolicy {
    open: true,
    default_role: Role::Reader,
};

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Fixture {
    _db: TestDatabase,
    pool: DbPool,
    clock: ManualClock,
    profiles: SqlProfiles,
}

fn fixture(backend: Backend) -> Fixture {
    fixture_with(backend, SignInLimits::default())
}

fn fixture_with(backend: Backend, limits: SignInLimits) -> Fixture {
    let db = TestDatabase::create(backend);
    let pool = db.pool();
    kernel::migrations::run_all(
        &mut pool.get().unwrap(),
        &[&kernel::MIGRATIONS, &crate::MIGRATIONS],
    )
    .unwrap();
    let clock = ManualClock::new(start());
    let profiles = SqlProfiles::new(pool.clone(), Arc::new(clock.clone()), OutboxSignal::new())
        .with_sign_in_limits(limits);
    Fixture {
        _db: db,
        pool,
        clock,
        profiles,
    }
}

/// A valid account named `username`, email `<username>@example.org`.
fn account(username: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        email: format!("{username}@example.org"),
        password: PASSWORD.into(),
    }
}

fn viewer(profile: &Profile) -> Viewer {
    Viewer {
        id: profile.id,
        username: profile.username.clone(),
        role: profile.role,
    }
}

impl Fixture {
    /// Registers `username` through open sign-up and returns them as a viewer.
    async fn register(&self, username: &str) -> Viewer {
        viewer(
            &self
                .profiles
                .register(account(username), OPEN)
                .await
                .unwrap(),
        )
    }

    /// The first account (an admin) and a reader.
    async fn admin_and_reader(&self) -> (Viewer, Viewer) {
        let admin = self.register("root_admin").await;
        assert_eq!(admin.role, Role::Admin);
        (admin, self.register("reader").await)
    }
}

/// The field of a validation error, or a panic naming what came instead.
fn field_of<T: std::fmt::Debug>(result: Result<T, ProfilesError>) -> String {
    match result {
        Err(ProfilesError::Invalid { field, message }) => {
            assert!(!message.is_empty());
            field
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The events written since the last call, checked to carry their own type.
async fn events(fixture: &Fixture) -> Vec<ProfileEvent> {
    kernel::testing::drain_events::<ProfileEvent>(&fixture.pool, "test-collector")
        .await
        .into_iter()
        .map(|(event_type, event)| {
            assert_eq!(event.event_type(), event_type);
            event
        })
        .collect()
}
