//! Failed sign-ins are limited per account and per client, before the password is checked,
//! and the limits lift when the window has passed.

use chrono::TimeDelta;
use kernel::Backend;
use profiles_api::{ProfilesError, ProfilesPort};

use super::{CLIENT, PASSWORD, fixture, fixture_with};
use crate::{RateLimit, SignInLimits};

fn retry_after(result: Result<profiles_api::Session, ProfilesError>) -> u64 {
    match result {
        Err(ProfilesError::RateLimited { retry_after_secs }) => retry_after_secs,
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

async fn an_account_is_limited_after_five_failures_then_recovers(backend: Backend) {
    let f = fixture(backend);
    f.register("alice").await;
    for i in 0..5 {
        // From different addresses: the login's own limit applies.
        let client = format!("203.0.113.{i}");
        f.clock.advance(TimeDelta::minutes(1));
        assert_eq!(
            f.profiles.sign_in("alice", "wrong password", &client).await,
            Err(ProfilesError::InvalidCredentials)
        );
    }
    // Even the right password is not checked now, whatever the case of the name.
    let wait = retry_after(f.profiles.sign_in("ALICE", PASSWORD, CLIENT).await);
    assert_eq!(
        wait,
        11 * 60,
        "the first failure (1 min in) leaves the window at 16 min"
    );
    // The email is counted apart, so the refusal cannot tell it belongs to "alice".
    let session = f
        .profiles
        .sign_in("alice@example.org", PASSWORD, CLIENT)
        .await
        .unwrap();
    assert_eq!(session.viewer.username, "alice");
    // Other accounts are not affected.
    f.register("bob").await;
    assert!(f.profiles.sign_in("bob", PASSWORD, CLIENT).await.is_ok());

    f.clock.advance(TimeDelta::minutes(11));
    let session = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    assert_eq!(session.viewer.username, "alice");
}

async fn success_clears_the_account_failures(backend: Backend) {
    let f = fixture(backend);
    f.register("alice").await;
    for round in 0..2 {
        for _ in 0..4 {
            assert_eq!(
                f.profiles.sign_in("alice", "wrong password", CLIENT).await,
                Err(ProfilesError::InvalidCredentials),
                "round {round}"
            );
        }
        f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    }
}

async fn a_client_is_limited_across_accounts_and_unknown_logins(backend: Backend) {
    let limits = SignInLimits {
        per_client: RateLimit {
            max_failures: 3,
            window: TimeDelta::minutes(1),
        },
        per_account: RateLimit {
            max_failures: 100,
            window: TimeDelta::minutes(1),
        },
    };
    let f = fixture_with(backend, limits);
    f.register("alice").await;
    for login in ["ghost_one", "ghost_two", "alice"] {
        assert_eq!(
            f.profiles.sign_in(login, "wrong password", CLIENT).await,
            Err(ProfilesError::InvalidCredentials)
        );
    }
    assert_eq!(
        retry_after(f.profiles.sign_in("alice", PASSWORD, CLIENT).await),
        60
    );
    // Another address is still served.
    assert!(
        f.profiles
            .sign_in("alice", PASSWORD, "192.0.2.99")
            .await
            .is_ok()
    );
    f.clock.advance(TimeDelta::seconds(59));
    assert_eq!(
        retry_after(f.profiles.sign_in("alice", PASSWORD, CLIENT).await),
        1
    );
    f.clock.advance(TimeDelta::seconds(1));
    assert!(f.profiles.sign_in("alice", PASSWORD, CLIENT).await.is_ok());
}

async fn an_unknown_login_is_limited_like_an_account(backend: Backend) {
    let f = fixture(backend);
    f.register("alice").await;
    for login in ["Ghost", "alice"] {
        for i in 0..5 {
            let client = format!("203.0.113.{i}");
            f.clock.advance(TimeDelta::seconds(1));
            assert_eq!(
                f.profiles.sign_in(login, "wrong password", &client).await,
                Err(ProfilesError::InvalidCredentials)
            );
        }
    }
    // The same answer, to the second, whether the account exists or not.
    f.clock.advance(TimeDelta::minutes(1));
    let ghost = retry_after(f.profiles.sign_in("ghost", PASSWORD, "203.0.113.9").await);
    let alice = retry_after(f.profiles.sign_in("alice", PASSWORD, "203.0.113.9").await);
    assert_eq!(
        ghost + 5,
        alice,
        "alice's failures started 5 s after the ghost's"
    );
}

async fn a_wrong_current_password_counts_as_a_failed_sign_in(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let session = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    for _ in 0..5 {
        assert_eq!(
            super::field_of(
                f.profiles
                    .change_password(
                        &alice,
                        "wrong password",
                        "a new long password",
                        &session.token
                    )
                    .await
            ),
            "current_password"
        );
    }
    assert!(matches!(
        f.profiles
            .change_password(&alice, PASSWORD, "a new long password", &session.token)
            .await,
        Err(ProfilesError::RateLimited { .. })
    ));
}

on_both_backends!(
    an_account_is_limited_after_five_failures_then_recovers,
    success_clears_the_account_failures,
    a_client_is_limited_across_accounts_and_unknown_logins,
    an_unknown_login_is_limited_like_an_account,
    a_wrong_current_password_counts_as_a_failed_sign_in,
);
