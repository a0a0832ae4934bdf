//! Accounts through the real server: sign-up, sign-in, sign-out, CSRF, rate limiting.

use kernel::Backend;

use crate::browser::Browser;
use crate::helpers::spawn_app;
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery";

async fn sign_up_sign_in_sign_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut alice = Browser::new(&app.address);
    let signed_up = alice.sign_up("alice", PASSWORD).await;
    assert_eq!(signed_up.headers["location"], "/");
    let session = signed_up.headers["set-cookie"].clone();
    assert!(session.starts_with("quire_session="), "{session}");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "plain http in tests: no Secure flag"
    );

    let home = alice.get("/").await;
    assert!(
        home.body.contains(">alice</a>"),
        "the header names the viewer"
    );
    assert!(home.body.contains("Sign out"));
    assert!(home.headers["cache-control"].starts_with("private"));

    let token = home.csrf_token();
    let out = alice.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, 303);
    assert!(!alice.cookies.contains_key("quire_session"));
    let home = alice.get("/").await;
    assert!(home.body.contains("Sign in") && !home.body.contains(">alice</a>"));

    // The old session is over on the server too: replaying its cookie signs nobody in.
    let mut replay = Browser::new(&app.address);
    let value = session
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    replay.cookies.insert("quire_session".into(), value);
    assert!(!replay.get("/").await.body.contains(">alice</a>"));

    let back = alice
        .submit(
            "/login?next=/archive",
            "/login",
            &[
                ("login", "ALICE"),
                ("password", PASSWORD),
                ("next", "/archive"),
            ],
        )
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(back.headers["location"], "/archive");
    let new_session = back.headers["set-cookie"].clone();
    assert_ne!(new_session, session, "a new session at every sign-in");
    app.stop().await;
}

async fn forms_without_their_token_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new(&app.address);
    let refused = browser
        .post(
            "/signup",
            &[
                ("username", "mallory"),
                ("email", "m@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("did not come from this site"),
        "{}",
        refused.body
    );
    // A token from another browser does not help either.
    let mut other = Browser::new(&app.address);
    let page = other.get("/signup").await;
    let foreign = page.csrf_token();
    browser.get("/signup").await;
    let refused = browser
        .post(
            "/signup",
            &[
                ("csrf_token", &foreign),
                ("username", "mallory"),
                ("email", "m@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    for path in ["/login", "/logout"] {
        assert_eq!(
            browser
                .post(path, &[("login", "x"), ("password", "y")])
                .await
                .status,
            403,
            "{path}"
        );
    }
    // Signed in, the token is tied to the session.
    browser.sign_up("mallory", PASSWORD).await;
    let stale = browser.post("/logout", &[("csrf_token", &foreign)]).await;
    assert_eq!(stale.status, 403);
    app.stop().await;
}

async fn sign_up_and_sign_in_errors_keep_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut first = Browser::new(&app.address);
    first.sign_up("taken", PASSWORD).await;

    let mut browser = Browser::new(&app.address);
    for (username, email, password, field) in [
        ("", "a@example.org", PASSWORD, "username"),
        ("admin", "b@example.org", PASSWORD, "username"),
        ("Taken", "c@example.org", PASSWORD, "username"),
        ("fresh", "taken@example.org", PASSWORD, "username"),
        ("fresh", "not-an-email", PASSWORD, "email"),
        ("fresh", "d@example.org", "short", "password"),
        ("<script>", "e@example.org", PASSWORD, "username"),
    ] {
        let page = browser
            .submit(
                "/signup",
                "/signup",
                &[
                    ("username", username),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{username}/{email}: {}", page.body);
        assert!(page.body.contains(r#"role="alert""#), "an error is shown");
        assert!(
            !page.body.contains(PASSWORD),
            "the password is never sent back"
        );
        assert!(
            !page.body.contains("<script>\""),
            "typed values are escaped"
        );
        // The error is tied to the field at fault, for assistive technology.
        let input_start = page
            .body
            .find(&format!(r#"name="{field}""#))
            .expect("field shown");
        let input_end = input_start + page.body[input_start..].find('>').unwrap();
        assert!(
            page.body[input_start..input_end].contains(r#"aria-invalid="true""#),
            "{username}/{email}: {field} marked invalid"
        );
    }
    let wrong = browser
        .submit(
            "/login",
            "/login",
            &[("login", "taken"), ("password", "wrong password!")],
        )
        .await;
    let unknown = browser
        .submit(
            "/login",
            "/login",
            &[("login", "nobody"), ("password", "wrong password!")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    let message = |body: &str| {
        body.split(r#"role="alert""#)
            .nth(1)
            .unwrap_or_default()
            .split("</p>")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        message(&wrong.body),
        message(&unknown.body),
        "no account enumeration"
    );
    assert!(wrong.body.contains(r#"value="taken""#), "the login is kept");
    app.stop().await;
}

async fn repeated_wrong_passwords_are_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    Browser::new(&app.address).sign_up("victim", PASSWORD).await;
    let mut attacker = Browser::new(&app.address);
    let mut limited = None;
    for attempt in 0..10 {
        let page = attacker
            .submit(
                "/login",
                "/login",
                &[("login", "victim"), ("password", "guess guess guess")],
            )
            .await;
        if page.status == 429 {
            limited = Some((attempt, page));
            break;
        }
        assert_eq!(page.status, 401);
    }
    let (attempt, page) = limited.expect("a burst of wrong passwords is refused with 429");
    assert!(attempt <= 6, "limited after {attempt} attempts");
    let retry: u64 = page.headers["retry-after"].parse().unwrap();
    assert!(retry >= 1);
    assert!(page.body.contains("Too many attempts"));
    // Even the right password waits: the limit is checked before the password.
    let right = attacker
        .submit(
            "/login",
            "/login",
            &[("login", "victim"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(right.status, 429);
    app.stop().await;
}

async fn settings_edit_profile_email_and_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut here = Browser::new(&app.address);
    here.sign_up("carol", PASSWORD).await;
    let mut elsewhere = Browser::new(&app.address);
    let signed_in = elsewhere
        .submit(
            "/login",
            "/login",
            &[("login", "carol"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed_in.status, 303);

    let saved = here
        .submit(
            "/settings",
            "/settings/profile",
            &[
                ("display_name", "Carol Writes"),
                (
                    "bio_markdown",
                    "I write *slowly*. <script>alert(1)</script>",
                ),
                ("avatar_url", ""),
                ("website_url", "https://carol.example"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let author = Browser::new(&app.address).get("/authors/carol").await;
    assert!(author.body.contains("<h1>Carol Writes</h1>"));
    assert!(author.body.contains("<em>slowly</em>"));
    assert!(!author.body.contains("<script>alert"), "bios are sanitized");

    let bad_url = here
        .submit(
            "/settings",
            "/settings/profile",
            &[
                ("display_name", "C"),
                ("website_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(bad_url.status, 422);
    assert!(
        bad_url.body.contains("javascript:alert(1)"),
        "what was typed is shown again (escaped)"
    );

    let wrong = here
        .submit(
            "/settings",
            "/settings/email",
            &[
                ("email", "new@example.org"),
                ("password", "not my password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.body.contains("not your current password"),
        "{}",
        wrong.body
    );
    let changed = here
        .submit(
            "/settings",
            "/settings/email",
            &[("email", "new@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let by_email = Browser::new(&app.address)
        .submit(
            "/login",
            "/login",
            &[("login", "new@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(by_email.status, 303, "sign in with the new email");

    let new_password = "an even better passphrase";
    let short = here
        .submit(
            "/settings",
            "/settings/password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(short.status, 422);
    let changed = here
        .submit(
            "/settings",
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let after = here.get(&changed.headers["location"]).await;
    assert_eq!(after.status, 200, "this session goes on");
    assert!(
        after
            .body
            .contains("Every other session has been signed out")
    );
    let other = elsewhere.get("/settings").await;
    assert_eq!(other.status, 303, "the other session ended");
    assert_eq!(other.headers["location"], "/login?next=%2Fsettings");
    app.stop().await;
}

async fn readers_follow_authors_and_get_their_feed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("chiefeditor", PASSWORD).await;
    admin
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Followed post"),
                ("body", "x"),
                ("action", "publish"),
            ],
        )
        .await;
    let mut reader = Browser::new(&app.address);
    reader.sign_up("follower", PASSWORD).await;

    let empty = reader.get("/following").await;
    assert!(empty.body.contains("You follow 0 authors"));
    assert!(!empty.body.contains("Followed post"));

    let page = reader.get("/authors/chiefeditor").await;
    assert!(page.body.contains("0 followers"));
    let followed = reader
        .post(
            "/authors/chiefeditor/follow",
            &[("csrf_token", &page.csrf_token())],
        )
        .await;
    assert_eq!(followed.status, 303);
    let page = reader.get("/authors/chiefeditor").await;
    assert!(page.body.contains("1 follower "), "{}", page.body);
    assert!(page.body.contains(">Unfollow<"));
    let feed = reader.get("/following").await;
    assert!(feed.body.contains("Followed post"));

    // Nobody follows themselves; anonymous readers are asked to sign in.
    let own = admin.get("/authors/chiefeditor").await;
    assert!(!own.body.contains(">Follow<"));
    let refused = admin
        .post(
            "/authors/chiefeditor/follow",
            &[("csrf_token", &own.csrf_token())],
        )
        .await;
    assert_eq!(refused.status, 403);
    let anonymous = Browser::new(&app.address).get("/following").await;
    assert_eq!(anonymous.status, 303);

    let page = reader.get("/authors/chiefeditor").await;
    reader
        .post(
            "/authors/chiefeditor/unfollow",
            &[("csrf_token", &page.csrf_token())],
        )
        .await;
    assert!(
        reader
            .get("/authors/chiefeditor")
            .await
            .body
            .contains("0 followers")
    );
    app.stop().await;
}

async fn avatars_upload_checked_by_content(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut person = Browser::new(&app.address);
    person.sign_up("pictured", PASSWORD).await;
    let token = person.get("/settings").await.csrf_token();
    let png: Vec<u8> = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 64]].concat();

    let forged = person
        .post_multipart(
            "/settings/avatar",
            &[("csrf_token", "wrong")],
            ("avatar", "a.png", &png),
        )
        .await;
    assert_eq!(forged.status, 403);
    let not_image = person
        .post_multipart(
            "/settings/avatar",
            &[("csrf_token", &token)],
            ("avatar", "a.png", b"<svg onload=alert(1)>"),
        )
        .await;
    assert_eq!(not_image.status, 415);
    assert!(not_image.body.contains("PNG, JPEG, GIF or WebP"));
    let huge = vec![0x89u8; 3 * 1024 * 1024];
    let too_large = person
        .post_multipart(
            "/settings/avatar",
            &[("csrf_token", &token)],
            ("avatar", "big.png", &huge),
        )
        .await;
    assert_eq!(too_large.status, 413);

    let uploaded = person
        .post_multipart(
            "/settings/avatar",
            &[("csrf_token", &token)],
            ("avatar", "me.png", &png),
        )
        .await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let page = Browser::new(&app.address).get("/authors/pictured").await;
    let start = page
        .body
        .find("/uploads/avatars/")
        .expect("the author page shows the picture");
    let src: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let picture = Browser::new(&app.address).get(&src).await;
    assert_eq!(picture.status, 200);
    assert_eq!(picture.headers["content-type"], "image/png");
    assert!(picture.headers["cache-control"].contains("immutable"));
    assert_eq!(
        Browser::new(&app.address)
            .get("/uploads/avatars/..%2Fquire.db")
            .await
            .status,
        404
    );
    app.stop().await;
}

on_both_backends!(
    avatars_upload_checked_by_content,
    readers_follow_authors_and_get_their_feed,
    settings_edit_profile_email_and_password,
    sign_up_sign_in_sign_out,
    forms_without_their_token_are_refused,
    sign_up_and_sign_in_errors_keep_what_was_typed,
    repeated_wrong_passwords_are_rate_limited,
);
