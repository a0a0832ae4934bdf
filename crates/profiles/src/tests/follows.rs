//! Following: idempotent, counted, batched.

use kernel::Backend;
use profiles_api::{ProfileCard, ProfilesError, ProfilesPort};

use super::fixture;

async fn following_is_idempotent_and_counted(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let bob = f.register("bob").await;
    let carol = f.register("carol").await;

    let followed = f.profiles.follow(&alice, "BOB").await.unwrap();
    assert_eq!((followed.id, followed.followers), (bob.id, 1));
    let again = f.profiles.follow(&alice, "bob").await.unwrap();
    assert_eq!(again.followers, 1, "following twice counts once");
    f.profiles.follow(&carol, "bob").await.unwrap();
    f.profiles.follow(&alice, "carol").await.unwrap();

    let alice_now = f.profiles.by_id(alice.id).await.unwrap().unwrap();
    assert_eq!((alice_now.followers, alice_now.following), (0, 2));
    assert_eq!(
        f.profiles
            .is_following(alice.id, vec![bob.id, carol.id, alice.id, 999_999])
            .await
            .unwrap(),
        vec![bob.id, carol.id]
    );
    assert_eq!(
        f.profiles.is_following(alice.id, vec![]).await.unwrap(),
        Vec::<i64>::new()
    );
    assert_eq!(
        f.profiles.followed_ids(alice.id).await.unwrap(),
        vec![bob.id, carol.id]
    );
    assert_eq!(
        f.profiles.followed_ids(bob.id).await.unwrap(),
        Vec::<i64>::new()
    );

    assert_eq!(
        super::field_of(f.profiles.follow(&alice, "Alice").await),
        "username"
    );
    assert_eq!(
        f.profiles.follow(&alice, "nobody").await,
        Err(ProfilesError::NotFound)
    );
    assert_eq!(
        f.profiles.unfollow(&alice, "nobody").await,
        Err(ProfilesError::NotFound)
    );

    let unfollowed = f.profiles.unfollow(&alice, "bob").await.unwrap();
    assert_eq!(unfollowed.followers, 1, "carol still follows bob");
    let again = f.profiles.unfollow(&alice, "bob").await.unwrap();
    assert_eq!(again.followers, 1, "unfollowing twice is harmless");
    assert_eq!(
        f.profiles.followed_ids(alice.id).await.unwrap(),
        vec![carol.id]
    );
}

async fn profiles_in_bulk_keep_the_order_asked(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let bob = f.register("bob").await;
    let carol = f.register("carol").await;
    f.profiles.follow(&alice, "bob").await.unwrap();
    f.profiles.follow(&carol, "bob").await.unwrap();
    f.profiles.follow(&bob, "alice").await.unwrap();

    let found = f
        .profiles
        .by_ids(vec![carol.id, 999_999, bob.id, alice.id, carol.id])
        .await
        .unwrap();
    let summary: Vec<(&str, u64, u64)> = found
        .iter()
        .map(|p| (p.username.as_str(), p.followers, p.following))
        .collect();
    assert_eq!(
        summary,
        [("carol", 0, 1), ("bob", 2, 1), ("alice", 1, 1)],
        "order kept, unknown ids skipped, repeats once"
    );
    assert!(f.profiles.by_ids(vec![]).await.unwrap().is_empty());

    // Cards: the same accounts in the same order, name, bio and picture as the profiles.
    let cards = f
        .profiles
        .cards_by_ids(vec![carol.id, 999_999, bob.id, alice.id, carol.id])
        .await
        .unwrap();
    let expected: Vec<ProfileCard> = found.into_iter().map(ProfileCard::from).collect();
    assert_eq!(cards, expected);
    let one = f.profiles.cards_by_ids(vec![bob.id]).await.unwrap();
    assert_eq!(one, expected[1..2]);
    assert!(
        f.profiles
            .cards_by_ids(vec![999_999])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(f.profiles.cards_by_ids(vec![]).await.unwrap().is_empty());
}

on_both_backends!(
    following_is_idempotent_and_counted,
    profiles_in_bulk_keep_the_order_asked,
);
