//! Registration, login, the current user and its update; token failures.

use actix_web::http::Method;
use kernel::Backend;
use serde_json::json;

use super::{assert_error_shape, call, register};
use crate::helpers::spawn_app;
use crate::on_both_backends;

async fn register_login_and_the_current_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = register(&app, "ada").await;

    let me = call(&app, Method::GET, "/api/user", Some(&token), None).await;
    assert_eq!(me.status, 200);
    let user = &me.json["user"];
    assert_eq!(user["username"], "ada");
    assert_eq!(user["email"], "ada@example.org");
    assert_eq!(user["token"], token.as_str());
    assert_eq!(
        (user["bio"].as_str(), user["image"].as_str()),
        (Some(""), Some(""))
    );

    let login = call(
        &app,
        Method::POST,
        "/api/users/login",
        None,
        Some(json!({"user": {"email": "ADA@example.org", "password": "correct horse battery"}})),
    )
    .await;
    assert_eq!(login.status, 200, "{}", login.json);
    let second = login.json["user"]["token"].as_str().unwrap().to_owned();
    assert_ne!(second, token, "each login issues a fresh token");
    assert!(
        !login.headers.contains_key("set-cookie"),
        "no cookie from the API"
    );

    let wrong = call(
        &app,
        Method::POST,
        "/api/users/login",
        None,
        Some(json!({"user": {"email": "ada@example.org", "password": "wrong password!"}})),
    )
    .await;
    assert_error_shape(&wrong, 401, "body");

    let updated = call(
        &app,
        Method::PUT,
        "/api/user",
        Some(&second),
        Some(json!({"user": {"email": "ada@example.org", "bio": "I *write*.", "image": "https://img.example/ada.png"}})),
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.json);
    assert_eq!(updated.json["user"]["bio"], "I *write*.");
    assert_eq!(updated.json["user"]["image"], "https://img.example/ada.png");

    let rename = call(
        &app,
        Method::PUT,
        "/api/user",
        Some(&second),
        Some(json!({"user": {"username": "grace"}})),
    )
    .await;
    assert_error_shape(&rename, 422, "username");
    let bad_image = call(
        &app,
        Method::PUT,
        "/api/user",
        Some(&second),
        Some(json!({"user": {"image": "javascript:alert(1)"}})),
    )
    .await;
    assert_eq!(bad_image.status, 422, "{}", bad_image.json);

    // A taken username or email is a 422 in the spec's shape.
    let taken = call(
        &app,
        Method::POST,
        "/api/users",
        None,
        Some(json!({"user": {"username": "ada", "email": "other@example.org", "password": "correct horse battery"}})),
    )
    .await;
    assert_error_shape(&taken, 422, "body");
    let invalid = call(
        &app,
        Method::POST,
        "/api/users",
        None,
        Some(json!({"user": {"username": "x", "email": "nope", "password": "correct horse battery"}})),
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.json);
    app.stop().await;
}

async fn tokens_are_required_checked_and_revocable(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = register(&app, "ada").await;

    let anonymous = call(&app, Method::GET, "/api/user", None, None).await;
    assert_error_shape(&anonymous, 401, "body");
    assert_eq!(anonymous.headers["www-authenticate"], "Token");
    let forged = call(&app, Method::GET, "/api/user", Some("not-a-token"), None).await;
    assert_error_shape(&forged, 401, "body");
    let malformed = crate::read_reply!(
        app.client
            .get(app.url("/api/user"))
            .insert_header(("Authorization", "Basic YWRhOnB3"))
            .send()
            .await
    );
    assert_error_shape(&malformed, 401, "body");
    let bearer = crate::read_reply!(
        app.client
            .get(app.url("/api/user"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .send()
            .await
    );
    assert_eq!(bearer.status, 200);
    // A bad token on an endpoint where auth is optional is still refused.
    let listed = call(&app, Method::GET, "/api/articles", Some("revoked"), None).await;
    assert_error_shape(&listed, 401, "body");

    // Suspending the account revokes its tokens.
    let admin = profiles_api::Viewer {
        id: app.profiles_by_username("ada").await,
        username: "ada".into(),
        role: profiles_api::Role::Admin,
    };
    let second = app.author("bob", profiles_api::Role::Author).await;
    let bob_token = {
        use profiles_api::ProfilesPort;
        let bob = app.profiles().by_id(second.id).await.unwrap().unwrap();
        let viewer = profiles_api::Viewer {
            id: bob.id,
            username: bob.username,
            role: bob.role,
        };
        let issued = app.profiles().issue_api_token(&viewer).await.unwrap();
        app.profiles()
            .set_suspended(&admin, second.id, true)
            .await
            .unwrap();
        issued.token
    };
    let suspended = call(&app, Method::GET, "/api/user", Some(&bob_token), None).await;
    assert_error_shape(&suspended, 401, "body");
    app.stop().await;
}

async fn the_site_session_cookie_does_not_authenticate_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = crate::browser::Browser::new(&app.address);
    browser.sign_up("ada", "correct horse battery").await;
    assert!(!browser.cookies.is_empty(), "signed in on the site");
    let cookie = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let write = crate::read_reply!(
        app.client
            .post(app.url("/api/articles"))
            .insert_header(("Cookie", cookie.clone()))
            .send_json(
                &json!({"article": {"title": "Via cookie", "description": "d", "body": "b"}})
            )
            .await
    );
    assert_error_shape(&write, 401, "body");
    let me = crate::read_reply!(
        app.client
            .get(app.url("/api/user"))
            .insert_header(("Cookie", cookie))
            .send()
            .await
    );
    assert_eq!(me.status, 401);
    app.stop().await;
}

on_both_backends!(
    register_login_and_the_current_user,
    tokens_are_required_checked_and_revocable,
    the_site_session_cookie_does_not_authenticate_the_api,
);
