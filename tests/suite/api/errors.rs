//! The error shape for everything that can go wrong, limits, CORS, and the OpenAPI
//! document with its page.

use actix_web::http::Method;
use kernel::Backend;
use serde_json::Value;

use super::{assert_error_shape, call, register};
use crate::helpers::spawn_app;
use crate::on_both_backends;

async fn every_refusal_has_the_spec_error_shape(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = register(&app, "ada").await;

    let unknown = call(&app, Method::GET, "/api/nothing/here", None, None).await;
    assert_error_shape(&unknown, 404, "body");
    let wrong_method = call(&app, Method::PATCH, "/api/articles", Some(&token), None).await;
    assert!(
        matches!(wrong_method.status, 404 | 405),
        "{}",
        wrong_method.status
    );
    assert_error_shape(&wrong_method, wrong_method.status, "body");

    let send_raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/articles"))
            .insert_header(("Authorization", format!("Token {token}")))
            .insert_header(("Content-Type", content_type))
            .send_body(body)
    };
    let broken = crate::read_reply!(send_raw("{\"article\": ", "application/json").await);
    assert_error_shape(&broken, 422, "body");
    let missing_field =
        crate::read_reply!(send_raw(r#"{"article": {"title": "t"}}"#, "application/json").await);
    assert_error_shape(&missing_field, 422, "body");
    assert!(
        missing_field.json["errors"]["body"][0]
            .as_str()
            .unwrap()
            .contains("description"),
        "names the missing field: {}",
        missing_field.json
    );
    let wrong_type = crate::read_reply!(
        send_raw(
            r#"{"article": {"title": 1, "description": "d", "body": "b"}}"#,
            "application/json"
        )
        .await
    );
    assert_error_shape(&wrong_type, 422, "body");
    let not_json =
        crate::read_reply!(send_raw("title=t", "application/x-www-form-urlencoded").await);
    assert_error_shape(&not_json, 422, "body");

    let huge = format!(
        r#"{{"article": {{"title": "t", "description": "d", "body": "{}"}}}}"#,
        "x".repeat(600 * 1024)
    );
    let too_large = crate::read_reply!(
        app.client
            .post(app.url("/api/articles"))
            .insert_header(("Authorization", format!("Token {token}")))
            .insert_header(("Content-Type", "application/json"))
            .send_body(huge)
            .await
    );
    assert_error_shape(&too_large, 413, "body");
    let long_preview = crate::read_reply!(
        app.client
            .post(app.url("/api/preview"))
            .insert_header(("Authorization", format!("Token {token}")))
            .send_body("y".repeat(600 * 1024))
            .await
    );
    assert_error_shape(&long_preview, 413, "body");
    app.stop().await;
}

async fn browsers_on_other_origins_may_call_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let preflight = crate::read_reply!(
        app.client
            .request(Method::OPTIONS, app.url("/api/articles"))
            .insert_header(("Origin", "http://elsewhere.example:3000"))
            .insert_header(("Access-Control-Request-Method", "POST"))
            .insert_header((
                "Access-Control-Request-Headers",
                "authorization, content-type"
            ))
            .send()
            .await
    );
    assert!(
        matches!(preflight.status, 200 | 204),
        "{}",
        preflight.status
    );
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    let methods = preflight.headers["access-control-allow-methods"].to_ascii_uppercase();
    assert!(
        methods.contains("POST") && methods.contains("DELETE"),
        "{methods}"
    );
    let headers = preflight.headers["access-control-allow-headers"].to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert!(
        !preflight
            .headers
            .contains_key("access-control-allow-credentials")
    );

    let simple = crate::read_reply!(
        app.client
            .get(app.url("/api/tags"))
            .insert_header(("Origin", "http://elsewhere.example:3000"))
            .send()
            .await
    );
    assert_eq!(simple.status, 200);
    assert_eq!(simple.headers["access-control-allow-origin"], "*");
    let refused = crate::read_reply!(
        app.client
            .get(app.url("/api/user"))
            .insert_header(("Origin", "http://elsewhere.example:3000"))
            .send()
            .await
    );
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.headers["access-control-allow-origin"], "*",
        "errors are readable too"
    );
    // The HTML site is not opened to other origins.
    let (_, site_headers, _) = app.get("/").await;
    assert!(!site_headers.contains_key("access-control-allow-origin"));
    app.stop().await;
}

async fn the_openapi_document_and_its_page_are_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, headers, body) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].starts_with("application/json"));
    let document: Value = serde_json::from_str(&body).expect("valid JSON");
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/articles/{slug}/comments/{id}"));
    assert!(paths.contains_key("/api/preview"));
    assert!(paths.contains_key("/api/search"));
    assert_eq!(paths.len(), 14);
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());

    let (status, headers, page) = app.get("/api/docs").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].starts_with("text/html"));
    assert!(headers["content-security-policy"].contains("script-src 'self'"));
    assert!(!page.contains("<script"), "no script needed");
    for text in [
        "GET /api/articles/feed",
        "POST /api/users/login",
        "DELETE /api/articles/{slug}/comments/{id}",
        "schema-Article",
    ] {
        assert!(page.contains(text), "{text} missing from the docs page");
    }
    // Never page-cached.
    let (_, again, _) = app.get("/api/openapi.json").await;
    assert_ne!(again.get("x-cache").map(String::as_str), Some("hit"));

    let token = register(&app, "ada").await;
    let rendered = app
        .client
        .post(app.url("/api/preview"))
        .insert_header(("Authorization", format!("Token {token}")))
        .send_body("Some **bold** <script>alert(1)</script>")
        .await;
    let mut rendered = rendered.expect("sent");
    assert_eq!(rendered.status().as_u16(), 200);
    let html = String::from_utf8(rendered.body().await.unwrap().to_vec()).unwrap();
    assert!(html.contains("<strong>bold</strong>") && !html.contains("<script"));
    app.stop().await;
}

on_both_backends!(
    every_refusal_has_the_spec_error_shape,
    browsers_on_other_origins_may_call_it,
    the_openapi_document_and_its_page_are_served,
);
