//! Opening accounts, signing in and out, and the answers that must not tell accounts apart.

use kernel::Backend;
use profiles_api::{NewAccount, ProfilesError, ProfilesPort, Role, SignupPolicy};

use super::{CLIENT, OPEN, PASSWORD, account, fixture, viewer};

async fn register_sign_in_and_sign_out(backend: Backend) {
    let f = fixture(backend);
    let alice = f
        .profiles
        .register(
            NewAccount {
                username: " Alice ".into(),
                email: " Alice@Example.ORG ".into(),
                password: PASSWORD.into(),
            },
            OPEN,
        )
        .await
        .unwrap();
    assert_eq!(alice.username, "Alice", "trimmed, case kept");
    assert_eq!(alice.display_name, "Alice", "defaults to the username");
    assert_eq!(alice.bio_markdown, "");
    assert_eq!((alice.followers, alice.following), (0, 0));
    assert!(!alice.suspended);
    assert_eq!(alice.created_at, super::start());
    assert_eq!(
        f.profiles.email(&viewer(&alice)).await.unwrap(),
        "alice@example.org",
        "trimmed, lower-cased"
    );
    let stranger = profiles_api::Viewer {
        id: alice.id + 1000,
        ..viewer(&alice)
    };
    assert_eq!(
        f.profiles.email(&stranger).await,
        Err(ProfilesError::NotFound)
    );

    let by_name = f.profiles.sign_in("alice", PASSWORD, CLIENT).await.unwrap();
    assert_eq!(by_name.viewer, viewer(&alice));
    assert_eq!(
        by_name.expires_at,
        super::start() + chrono::TimeDelta::days(30)
    );
    let by_email = f
        .profiles
        .sign_in("ALICE@example.org", PASSWORD, CLIENT)
        .await
        .unwrap();
    assert_ne!(
        by_name.token, by_email.token,
        "each sign-in opens a new session"
    );
    assert_eq!(by_name.token.len(), 64);

    for session in [&by_name, &by_email] {
        assert_eq!(
            f.profiles.authenticate(&session.token).await.unwrap(),
            Some(viewer(&alice))
        );
    }
    f.profiles.sign_out(&by_name.token).await.unwrap();
    assert_eq!(f.profiles.authenticate(&by_name.token).await.unwrap(), None);
    assert!(
        f.profiles
            .authenticate(&by_email.token)
            .await
            .unwrap()
            .is_some()
    );
    // Signing out twice, or with nonsense, is harmless.
    f.profiles.sign_out(&by_name.token).await.unwrap();
    f.profiles.sign_out("nonsense").await.unwrap();
    for junk in ["", "x", &"0".repeat(64), &by_email.token.to_uppercase()] {
        assert_eq!(f.profiles.authenticate(junk).await.unwrap(), None, "{junk}");
    }

    assert_eq!(
        f.profiles.by_username("ALICE").await.unwrap().unwrap().id,
        alice.id
    );
    assert_eq!(
        f.profiles.by_id(alice.id).await.unwrap().unwrap().username,
        "Alice"
    );
    assert_eq!(f.profiles.by_username("bob").await.unwrap(), None);
    assert_eq!(f.profiles.by_username("ålice").await.unwrap(), None);
    assert_eq!(f.profiles.by_id(999_999).await.unwrap(), None);
}

async fn the_first_account_is_admin_even_when_sign_up_is_closed(backend: Backend) {
    let f = fixture(backend);
    let closed = SignupPolicy {
        open: false,
        default_role: Role::Reader,
    };
    let owner = f
        .profiles
        .register(account("founder"), closed)
        .await
        .unwrap();
    assert_eq!(owner.role, Role::Admin);
    assert_eq!(
        f.profiles.register(account("stranger"), closed).await,
        Err(ProfilesError::SignupClosed)
    );
    // Closed means closed even for a form full of mistakes.
    assert_eq!(
        f.profiles
            .register(
                NewAccount {
                    username: "!".into(),
                    email: "x".into(),
                    password: "y".into()
                },
                closed
            )
            .await,
        Err(ProfilesError::SignupClosed)
    );
    let authors = SignupPolicy {
        open: true,
        default_role: Role::Author,
    };
    let writer = f
        .profiles
        .register(account("writer"), authors)
        .await
        .unwrap();
    assert_eq!(writer.role, Role::Author);
    // The operator's command ignores the policy.
    let editor = f
        .profiles
        .create_account(account("editor_one"), Role::Editor)
        .await
        .unwrap();
    assert_eq!(editor.role, Role::Editor);
    assert!(
        f.profiles
            .sign_in("editor_one", PASSWORD, CLIENT)
            .await
            .is_ok()
    );
}

async fn a_taken_username_or_email_gives_one_answer(backend: Backend) {
    let f = fixture(backend);
    f.profiles.register(account("alice"), OPEN).await.unwrap();
    let same_name = f
        .profiles
        .register(
            NewAccount {
                username: "ALICE".into(),
                email: "someone.else@example.org".into(),
                password: PASSWORD.into(),
            },
            OPEN,
        )
        .await;
    let same_email = f
        .profiles
        .register(
            NewAccount {
                username: "someone_else".into(),
                email: "Alice@EXAMPLE.org".into(),
                password: PASSWORD.into(),
            },
            OPEN,
        )
        .await;
    let by_operator = f
        .profiles
        .create_account(account("Alice"), Role::Author)
        .await;
    assert!(
        matches!(same_name, Err(ProfilesError::NotAvailable(_))),
        "{same_name:?}"
    );
    assert_eq!(same_name, same_email, "the same answer, word for word");
    assert_eq!(same_name, by_operator);
    // Nothing was created.
    assert_eq!(f.profiles.by_username("someone_else").await.unwrap(), None);

    let bob = viewer(&f.profiles.register(account("bob"), OPEN).await.unwrap());
    assert_eq!(
        f.profiles
            .change_email(&bob, PASSWORD, "ALICE@example.org")
            .await
            .err(),
        same_name.err()
    );
}

async fn every_failed_sign_in_gives_the_same_answer(backend: Backend) {
    let f = fixture(backend);
    let (admin, reader) = f.admin_and_reader().await;
    f.profiles
        .set_suspended(&admin, reader.id, true)
        .await
        .unwrap();
    let huge = "x".repeat(100_000);
    let attempts: [(&str, &str); 8] = [
        ("root_admin", "wrong password!"),
        ("nobody_here", PASSWORD),
        ("nobody@example.org", PASSWORD),
        ("reader", PASSWORD), // suspended, right password
        ("", PASSWORD),
        ("root_admin", ""),
        ("root_admin", &huge),
        (&huge, PASSWORD),
    ];
    for (i, (login, password)) in attempts.into_iter().enumerate() {
        // A fresh client each time, so the limits stay out of the way.
        let client = format!("198.51.100.{i}");
        assert_eq!(
            f.profiles.sign_in(login, password, &client).await,
            Err(ProfilesError::InvalidCredentials),
            "attempt {i}"
        );
    }
    assert!(
        f.profiles
            .sign_in("root_admin", PASSWORD, CLIENT)
            .await
            .is_ok()
    );
}

async fn changing_the_email_needs_the_password(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    assert_eq!(
        super::field_of(
            f.profiles
                .change_email(&alice, "not it at all", "new@example.org")
                .await
        ),
        "password"
    );
    assert_eq!(
        super::field_of(
            f.profiles
                .change_email(&alice, PASSWORD, "not an email")
                .await
        ),
        "email"
    );
    f.profiles
        .change_email(&alice, PASSWORD, "New@Example.org")
        .await
        .unwrap();
    assert!(
        f.profiles
            .sign_in("new@example.org", PASSWORD, CLIENT)
            .await
            .is_ok()
    );
    assert_eq!(
        f.profiles
            .sign_in("alice@example.org", PASSWORD, CLIENT)
            .await,
        Err(ProfilesError::InvalidCredentials)
    );
    // The same address again is fine.
    f.profiles
        .change_email(&alice, PASSWORD, "new@example.org")
        .await
        .unwrap();
}

on_both_backends!(
    register_sign_in_and_sign_out,
    the_first_account_is_admin_even_when_sign_up_is_closed,
    a_taken_username_or_email_gives_one_answer,
    every_failed_sign_in_gives_the_same_answer,
    changing_the_email_needs_the_password,
);
