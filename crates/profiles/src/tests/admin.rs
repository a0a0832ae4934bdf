//! Admin operations: only for admins, never leaving the site without one; and the events
//! that renames and deletions announce.

use kernel::Backend;
use profiles_api::{ProfileChanges, ProfileEvent, ProfilesError, ProfilesPort, Role, Viewer};

use super::{CLIENT, PASSWORD, events, fixture};

async fn only_admins_may_administer(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    let editor = f.register("editor_one").await;
    f.profiles
        .set_role(&admin, editor.id, Role::Editor)
        .await
        .unwrap();
    // A viewer claiming to be admin is checked against the stored role.
    let pretender = Viewer {
        role: Role::Admin,
        ..reader.clone()
    };
    let ghost = Viewer {
        id: 999_999,
        username: "ghost".into(),
        role: Role::Admin,
    };
    for who in [&reader, &editor, &pretender, &ghost] {
        assert_eq!(
            f.profiles.list_accounts(who, "", 1, 20).await,
            Err(ProfilesError::Forbidden)
        );
        assert_eq!(
            f.profiles.set_role(who, reader.id, Role::Admin).await,
            Err(ProfilesError::Forbidden)
        );
        assert_eq!(
            f.profiles.set_suspended(who, admin.id, true).await,
            Err(ProfilesError::Forbidden)
        );
        assert_eq!(
            f.profiles.delete_account(who, admin.id).await,
            Err(ProfilesError::Forbidden)
        );
    }
    assert_eq!(
        f.profiles.by_id(reader.id).await.unwrap().unwrap().role,
        Role::Reader
    );
    assert_eq!(
        f.profiles.set_role(&admin, 999_999, Role::Author).await,
        Err(ProfilesError::NotFound)
    );
    assert_eq!(
        f.profiles.delete_account(&admin, 999_999).await,
        Err(ProfilesError::NotFound)
    );
}

async fn the_last_active_admin_is_protected(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    assert_eq!(
        super::field_of(f.profiles.set_role(&admin, admin.id, Role::Editor).await),
        "role"
    );
    assert_eq!(
        super::field_of(f.profiles.set_suspended(&admin, admin.id, true).await),
        "suspended"
    );
    assert_eq!(
        super::field_of(f.profiles.delete_account(&admin, admin.id).await),
        "user"
    );
    // Setting the role it already has is fine.
    f.profiles
        .set_role(&admin, admin.id, Role::Admin)
        .await
        .unwrap();

    // A suspended admin does not count.
    f.profiles
        .set_role(&admin, reader.id, Role::Admin)
        .await
        .unwrap();
    f.profiles
        .set_suspended(&admin, reader.id, true)
        .await
        .unwrap();
    assert_eq!(
        super::field_of(f.profiles.set_role(&admin, admin.id, Role::Reader).await),
        "role"
    );
    f.profiles
        .set_suspended(&admin, reader.id, false)
        .await
        .unwrap();

    // With a second active admin, the first may step down; then the second is the last.
    f.profiles
        .set_role(&admin, admin.id, Role::Author)
        .await
        .unwrap();
    assert_eq!(
        f.profiles.list_accounts(&admin, "", 1, 20).await,
        Err(ProfilesError::Forbidden),
        "no longer an admin"
    );
    let second = Viewer {
        role: Role::Admin,
        ..reader
    };
    assert_eq!(
        super::field_of(f.profiles.delete_account(&second, second.id).await),
        "user"
    );
    f.profiles.delete_account(&second, admin.id).await.unwrap();
    assert_eq!(f.profiles.by_id(admin.id).await.unwrap(), None);
}

async fn accounts_are_listed_searched_and_paged(backend: Backend) {
    let f = fixture(backend);
    let (admin, _) = f.admin_and_reader().await;
    for name in ["alice", "alina", "bob_100"] {
        f.register(name).await;
    }
    let (all, total) = f.profiles.list_accounts(&admin, "", 1, 2).await.unwrap();
    assert_eq!(total, 5);
    assert_eq!(all.len(), 2);
    let (rest, _) = f.profiles.list_accounts(&admin, "", 3, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(
        rest[0].username, "root_admin",
        "newest first, so the first account last"
    );
    assert_eq!(rest[0].role, Role::Admin);
    assert_eq!(rest[0].email, "root_admin@example.org");

    let (found, total) = f
        .profiles
        .list_accounts(&admin, " ALI ", 1, 20)
        .await
        .unwrap();
    let names: Vec<&str> = found.iter().map(|a| a.username.as_str()).collect();
    assert_eq!((names, total), (vec!["alina", "alice"], 2));
    let (found, _) = f
        .profiles
        .list_accounts(&admin, "bob_100@example", 1, 20)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    for wildcard in ["%", "_", "\\"] {
        let (found, total) = f
            .profiles
            .list_accounts(&admin, wildcard, 1, 20)
            .await
            .unwrap();
        let expected = usize::from(wildcard == "_") * 2; // root_admin and bob_100
        assert_eq!(
            (found.len(), total as usize),
            (expected, expected),
            "{wildcard}"
        );
    }
    assert_eq!(
        super::field_of(f.profiles.list_accounts(&admin, "", 0, 20).await),
        "page"
    );
    assert_eq!(
        super::field_of(f.profiles.list_accounts(&admin, "", 1, 0).await),
        "per_page"
    );
    assert_eq!(
        super::field_of(f.profiles.list_accounts(&admin, "", 1, 101).await),
        "per_page"
    );
    assert_eq!(
        super::field_of(
            f.profiles
                .list_accounts(&admin, &"a".repeat(101), 1, 20)
                .await
        ),
        "search"
    );
    let (beyond, total) = f
        .profiles
        .list_accounts(&admin, "", u32::MAX, 100)
        .await
        .unwrap();
    assert_eq!((beyond.len(), total), (0, 5));
}

async fn renames_and_deletions_are_announced(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    let alice = f.register("alice").await;
    assert!(
        events(&f).await.is_empty(),
        "opening accounts announces nothing"
    );

    let changes = ProfileChanges {
        display_name: "Alice Liddell".into(),
        bio_markdown: "Curious.".into(),
        ..ProfileChanges::default()
    };
    let updated = f
        .profiles
        .update_profile(&alice, changes.clone())
        .await
        .unwrap();
    assert_eq!(updated.display_name, "Alice Liddell");
    // The same again changes nothing and announces nothing.
    f.profiles.update_profile(&alice, changes).await.unwrap();
    assert_eq!(
        events(&f).await,
        [ProfileEvent::ProfileUpdated {
            id: alice.id,
            username: "alice".into(),
            display_name: "Alice Liddell".into(),
        }]
    );
    // An empty display name goes back to the username.
    let reset = f
        .profiles
        .update_profile(&alice, ProfileChanges::default())
        .await
        .unwrap();
    assert_eq!(reset.display_name, "alice");
    assert_eq!(events(&f).await.len(), 1);

    // Deleting takes sessions, tokens and follows with it.
    let session = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    let token = f.profiles.issue_api_token(&alice).await.unwrap();
    f.profiles.follow(&alice, "reader").await.unwrap();
    f.profiles.follow(&reader, "alice").await.unwrap();
    // Following again changes nothing and announces nothing.
    f.profiles.follow(&reader, "alice").await.unwrap();
    f.profiles.delete_account(&admin, alice.id).await.unwrap();
    assert_eq!(
        events(&f).await,
        [
            ProfileEvent::FollowersChanged {
                id: reader.id,
                username: "reader".into(),
                followers: 1,
            },
            ProfileEvent::FollowersChanged {
                id: alice.id,
                username: "alice".into(),
                followers: 1,
            },
            // Its sessions ended (said for whoever remembers sessions), then it went.
            ProfileEvent::AccessChanged { id: alice.id },
            ProfileEvent::ProfileDeleted {
                id: alice.id,
                username: "alice".into(),
            }
        ]
    );
    assert_eq!(f.profiles.by_id(alice.id).await.unwrap(), None);
    assert_eq!(f.profiles.authenticate(&session.token).await.unwrap(), None);
    assert_eq!(
        f.profiles
            .authenticate_api_token(&token.token)
            .await
            .unwrap(),
        None
    );
    let reader_now = f.profiles.by_id(reader.id).await.unwrap().unwrap();
    assert_eq!((reader_now.followers, reader_now.following), (0, 0));
    assert_eq!(
        f.profiles.delete_account(&admin, alice.id).await,
        Err(ProfilesError::NotFound)
    );
    // The name is free again.
    f.register("alice").await;
}

on_both_backends!(
    only_admins_may_administer,
    the_last_active_admin_is_protected,
    accounts_are_listed_searched_and_paged,
    renames_and_deletions_are_announced,
);
