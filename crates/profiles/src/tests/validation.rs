//! Hostile input: empty, huge, unicode, control characters, HTML. Every refusal is `Invalid`
//! naming the right field, nothing is written, nothing panics.

use kernel::Backend;
use profiles_api::{NewAccount, ProfileChanges, ProfilesPort};

use super::{OPEN, PASSWORD, field_of, fixture};

fn with(username: &str, email: &str, password: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        email: email.into(),
        password: password.into(),
    }
}

async fn hostile_sign_ups_name_the_field(backend: Backend) {
    let f = fixture(backend);
    let huge = "a".repeat(1_000_000);
    let bad_usernames = [
        "",
        "  ",
        "ab",
        "a234567890123456789012345678901",
        "1abc",
        "_abc",
        "-abc",
        "ali ce",
        "alicé",
        "Ålice",
        "ali\u{0}ce",
        "ali\nce",
        "<script>",
        "a\"b'c",
        "😀😀😀",
        "admin",
        "Admin",
        "LOGIN",
        "settings",
        "www",
        "al.ice",
        "al@ice",
        &huge,
    ];
    for username in bad_usernames {
        let shown: String = username.chars().take(40).collect();
        assert_eq!(
            field_of(
                f.profiles
                    .register(with(username, "ok@example.org", PASSWORD), OPEN)
                    .await
            ),
            "username",
            "{shown:?}"
        );
    }
    let long_email = format!("{}@example.org", "a".repeat(250));
    let bad_emails = [
        "",
        "   ",
        "no-at-sign",
        "a@b",
        "a@@b.org",
        "a@b@c.org",
        "@example.org",
        "a@.org",
        "a@example.",
        "a@ex..ample.org",
        "a b@example.org",
        "<a>@example.org",
        "a@example.org\u{0}",
        "\"a\"@example.org",
        "a@exa mple.org",
        &long_email,
        &huge,
    ];
    for email in bad_emails {
        let shown: String = email.chars().take(40).collect();
        assert_eq!(
            field_of(
                f.profiles
                    .register(with("alice", email, PASSWORD), OPEN)
                    .await
            ),
            "email",
            "{shown:?}"
        );
    }
    let over_1024_bytes = "é".repeat(513);
    let bad_passwords = [
        "",
        "short",
        "123456789",
        "          ",
        "\t\n \t\n \t\n \t\n",
        &over_1024_bytes,
    ];
    for password in bad_passwords {
        assert_eq!(
            field_of(
                f.profiles
                    .register(with("alice", "alice@example.org", password), OPEN)
                    .await
            ),
            "password",
            "{} chars",
            password.chars().count()
        );
    }
    // Nothing was written: the first real account is still the first (an admin).
    let first = f
        .profiles
        .register(
            with("alice", "alice@example.org", "ünïcødé pässwörd 🔑"),
            OPEN,
        )
        .await
        .unwrap();
    assert_eq!(first.role, profiles_api::Role::Admin);
    assert!(
        f.profiles
            .sign_in("alice", "ünïcødé pässwörd 🔑", super::CLIENT)
            .await
            .is_ok()
    );
    // A password of exactly 1024 bytes and one of exactly 10 characters are fine.
    let at_limit = "é".repeat(512);
    f.profiles
        .register(with("bob", "bob@example.org", &at_limit), OPEN)
        .await
        .unwrap();
    f.profiles
        .register(
            with("carol-c_3", "CAROL@mail.example.org", "ten chars!"),
            OPEN,
        )
        .await
        .unwrap();
}

async fn hostile_profile_edits_name_the_field(backend: Backend) {
    let f = fixture(backend);
    let alice = f.register("alice").await;
    let edit = |changes: ProfileChanges| {
        let profiles = f.profiles.clone();
        let alice = alice.clone();
        async move { profiles.update_profile(&alice, changes).await }
    };
    let name = |display_name: &str| ProfileChanges {
        display_name: display_name.into(),
        ..ProfileChanges::default()
    };
    for bad in [
        "x".repeat(61),
        "a\u{7}b".into(),
        "two\nlines".into(),
        "tab\there".into(),
        "evil\u{202E}txt.exe".into(),
        "\u{0}".into(),
    ] {
        assert_eq!(field_of(edit(name(&bad)).await), "display_name", "{bad:?}");
    }
    let bio = |bio_markdown: &str| ProfileChanges {
        bio_markdown: bio_markdown.into(),
        ..ProfileChanges::default()
    };
    for bad in [
        "b".repeat(2_001),
        "nul \u{0} byte".into(),
        "bell \u{7}".into(),
    ] {
        let shown: String = bad.chars().take(20).collect();
        assert_eq!(field_of(edit(bio(&bad)).await), "bio", "{shown:?}");
    }
    let bad_urls = [
        "javascript:alert(1)".to_owned(),
        "data:text/html,<script>alert(1)</script>".into(),
        "ftp://example.org/me.png".into(),
        "https://".into(),
        "http:///path".into(),
        "//example.org/me.png".into(),
        "https://example.org/a b.png".into(),
        "https://example.org/\"onerror=\"alert(1)".into(),
        "https://example.org/'x'".into(),
        "https://example.org/<img>".into(),
        "https://example.org/\u{0}".into(),
        format!("https://example.org/{}", "a".repeat(2_000)),
    ];
    for bad in &bad_urls {
        let shown: String = bad.chars().take(40).collect();
        let avatar = ProfileChanges {
            avatar_url: Some(bad.clone()),
            ..ProfileChanges::default()
        };
        assert_eq!(field_of(edit(avatar).await), "avatar_url", "{shown}");
        let website = ProfileChanges {
            website_url: Some(bad.clone()),
            ..ProfileChanges::default()
        };
        assert_eq!(field_of(edit(website).await), "website_url", "{shown}");
    }
    assert!(
        super::events(&f).await.is_empty(),
        "refusals change nothing"
    );

    // What is allowed: unicode, HTML-looking names (escaped by the pages), limits exactly.
    let saved = edit(ProfileChanges {
        display_name: "  Zoë 山田 <b>&amp;</b> 🦀  ".into(),
        bio_markdown: "*Hello* [site](https://example.org)\r\n\r\n<script>alert(1)</script>\
                       <img src=x onerror=alert(1)>"
            .into(),
        avatar_url: Some(" HTTPS://cdn.example.org/me.png ".into()),
        website_url: Some(String::new()),
    })
    .await
    .unwrap();
    assert_eq!(saved.display_name, "Zoë 山田 <b>&amp;</b> 🦀");
    assert_eq!(
        saved.avatar_url.as_deref(),
        Some("HTTPS://cdn.example.org/me.png")
    );
    assert_eq!(saved.website_url, None, "empty means none");
    assert!(!saved.bio_markdown.contains('\r'));
    assert!(
        saved.bio_html.contains("<em>Hello</em>"),
        "{}",
        saved.bio_html
    );
    assert!(saved.bio_html.contains("nofollow"), "{}", saved.bio_html);
    assert!(!saved.bio_html.contains("<script"), "{}", saved.bio_html);
    assert!(!saved.bio_html.contains("<img"), "{}", saved.bio_html);
    let at_limits = edit(ProfileChanges {
        display_name: "n".repeat(60),
        bio_markdown: "b".repeat(2_000),
        avatar_url: Some(format!("https://e.org/{}", "a".repeat(2_000 - 14))),
        website_url: None,
    })
    .await
    .unwrap();
    assert_eq!(at_limits.display_name.len(), 60);
    assert_eq!(at_limits.avatar_url.map(|u| u.len()), Some(2_000));
}

on_both_backends!(
    hostile_sign_ups_name_the_field,
    hostile_profile_edits_name_the_field,
);
