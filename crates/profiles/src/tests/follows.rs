//! Following: idempotent, counted, batched.

use kernel::Backend;
use profiles_api::{Byline, ProfileCard, ProfileChanges, ProfilesError, ProfilesPort};

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

async fn bylines_carry_each_column_in_the_order_asked(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let bob = f.register("bob").await;
    let changes = ProfileChanges {
        display_name: "Alice Liddell".into(),
        bio_markdown: "Curious *always*.".into(),
        avatar_url: Some("https://example.org/alice.png".into()),
        website_url: Some("https://alice.example.org/".into()),
    };
    f.profiles.update_profile(&alice, changes).await.unwrap();
    f.profiles.follow(&bob, "alice").await.unwrap();

    let bylines = f
        .profiles
        .bylines_by_ids(vec![bob.id, 999_999, alice.id, bob.id])
        .await
        .unwrap();
    let names: Vec<&str> = bylines.iter().map(|b| b.username.as_str()).collect();
    assert_eq!(
        names,
        ["bob", "alice"],
        "order kept, unknown skipped, repeats once"
    );
    assert_eq!(
        bylines[1],
        Byline {
            id: alice.id,
            username: "alice".into(),
            display_name: "Alice Liddell".into(),
            bio_html: "<p>Curious <em>always</em>.</p>\n".into(),
            avatar_url: Some("https://example.org/alice.png".into()),
            website_url: Some("https://alice.example.org/".into()),
        }
    );
    // The same as the full profile says, with or without several ids at once.
    let profile = f.profiles.by_id(alice.id).await.unwrap().unwrap();
    let one = f.profiles.bylines_by_ids(vec![alice.id]).await.unwrap();
    assert_eq!(one, vec![Byline::from(profile)]);
    assert!(f.profiles.bylines_by_ids(vec![]).await.unwrap().is_empty());
}

on_both_backends!(
    following_is_idempotent_and_counted,
    profiles_in_bulk_keep_the_order_asked,
    bylines_carry_each_column_in_the_order_asked,
);
