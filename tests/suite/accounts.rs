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
        let _ = field;
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

on_both_backends!(
    sign_up_sign_in_sign_out,
    forms_without_their_token_are_refused,
    sign_up_and_sign_in_errors_keep_what_was_typed,
    repeated_wrong_passwords_are_rate_limited,
);
