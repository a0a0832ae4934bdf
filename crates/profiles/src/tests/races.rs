//! Concurrent requests that must not break the rules: two first sign-ups, two follows.

use std::sync::Arc;

use kernel::Backend;
use profiles_api::{ProfilesPort, Role};

use super::{OPEN, account, fixture};

async fn simultaneous_first_sign_ups_make_one_admin(backend: Backend) {
    let f = fixture(backend);
    let profiles = Arc::new(f.profiles.clone());
    let sign_ups: Vec<_> = (0..6)
        .map(|i| {
            let profiles = Arc::clone(&profiles);
            tokio::spawn(async move { profiles.register(account(&format!("user{i}")), OPEN).await })
        })
        .collect();
    let mut admins = 0;
    for sign_up in sign_ups {
        if sign_up.await.unwrap().unwrap().role == Role::Admin {
            admins += 1;
        }
    }
    assert_eq!(admins, 1);
}

async fn simultaneous_follows_count_once(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    f.register("bob").await;
    let follows: Vec<_> = (0..6)
        .map(|_| {
            let profiles = f.profiles.clone();
            let alice = alice.clone();
            tokio::spawn(async move { profiles.follow(&alice, "bob").await })
        })
        .collect();
    for follow in follows {
        follow.await.unwrap().unwrap();
    }
    let bob = f.profiles.by_username("bob").await.unwrap().unwrap();
    assert_eq!(bob.followers, 1);
}

on_both_backends!(
    simultaneous_first_sign_ups_make_one_admin,
    simultaneous_follows_count_once,
);
