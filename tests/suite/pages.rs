//! The HTML site as a reader meets it, against the real server.

use kernel::Backend;

use crate::helpers::spawn_app;
use crate::on_both_backends;

async fn home_shows_an_honest_empty_state(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, headers, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert!(body.contains("<title>Test Notes</title>"), "{body}");
    assert!(body.contains("No posts yet"), "{body}");
    assert!(body.contains(r#"<main id="site.main""#), "{body}");
    assert!(body.contains(r##"href="#site.main""##), "skip link: {body}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    app.stop().await;
}

async fn stylesheet_is_fingerprinted_and_cached_for_a_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, body) = app.get("/").await;
    let start = body.find("/assets/style.").expect("stylesheet link");
    let href: String = body[start..].chars().take_while(|c| *c != '"').collect();
    assert!(
        href.ends_with(".css") && href.len() > "/assets/style.css".len(),
        "{href}"
    );

    let (status, headers, css) = app.get(&href).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        css.contains("prefers-color-scheme: dark"),
        "both themes ship"
    );
    let etag = headers["etag"].clone();

    let revalidated = app
        .client
        .get(app.url(&href))
        .insert_header(("If-None-Match", etag))
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);

    let (status, headers, _) = app.get("/assets/style.css").await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert_eq!(app.get("/assets/style.0123456789ab.css").await.0, 404);
    app.stop().await;
}

async fn unknown_addresses_get_a_real_404_page(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/no-such-page",
        "/page/2",
        "/page/0",
        "/page/abc",
        "/page/99999999999999999999",
    ] {
        let (status, headers, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{path}"
        );
        assert!(body.contains("Page not found"), "{path}: {body}");
        assert!(
            body.contains("<title>Page not found · Test Notes</title>"),
            "{path}: {body}"
        );
    }
    app.stop().await;
}

async fn first_page_has_one_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, headers, _) = app.get("/page/1").await;
    assert_eq!(status, 301);
    assert_eq!(headers["location"], "/");
    app.stop().await;
}

async fn wrong_method_is_refused_politely(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut response = app.client.post(app.url("/")).send().await.unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    let body = response.body().await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("<!DOCTYPE html>"));
    let head = app.client.head(app.url("/")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    app.stop().await;
}

on_both_backends!(
    home_shows_an_honest_empty_state,
    stylesheet_is_fingerprinted_and_cached_for_a_year,
    unknown_addresses_get_a_real_404_page,
    first_page_has_one_address,
    wrong_method_is_refused_politely,
);
