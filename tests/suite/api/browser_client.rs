//! A real browser on another origin: headless Chromium loads a page from a second little
//! server whose script calls the API with `fetch()` — sign up, write an article in Markdown,
//! comment, favorite — proving CORS and the token flow end to end. The results are then
//! checked through the modules' ports.
//!
//! Skipped, with a message, when Chromium is missing outside CI; in CI (`CI` set) it must run.

use std::process::Command;

use actix_web::{App, HttpResponse, HttpServer, web};
use kernel::Backend;
use posts_api::{PostFilter, PostsPort, SlugLookup};

use crate::helpers::spawn_app;
use crate::on_both_backends;

const PAGE: &str = include_str!("../../api/client.html");
const SCRIPT: &str = include_str!("../../api/client.js");

/// The Chromium binary, if installed.
fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
}

/// Serves the client page and script on a free port; returns its address.
fn serve_client(api_origin: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let csp =
        format!("default-src 'none'; script-src 'self'; connect-src {api_origin}; base-uri 'none'");
    let server = HttpServer::new(move || {
        let csp = csp.clone();
        App::new()
            .route(
                "/client.html",
                web::get().to(move || {
                    let csp = csp.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("text/html; charset=utf-8")
                            .insert_header(("Content-Security-Policy", csp))
                            .body(PAGE)
                    }
                }),
            )
            .route(
                "/client.js",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type("text/javascript; charset=utf-8")
                        .body(SCRIPT)
                }),
            )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    address
}

async fn a_browser_on_another_origin_uses_the_api(backend: Backend) {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is required in CI: apt-get install -y chromium"
        );
        eprintln!("SKIPPED a_browser_on_another_origin_uses_the_api: chromium is not installed");
        return;
    };
    let app = spawn_app(backend).await;
    let client = serve_client(app.address.clone());
    assert_ne!(client, app.address, "a different origin");
    let url = format!("{client}/client.html?api={}/api", app.address);
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    let output = actix_web::rt::task::spawn_blocking(move || {
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--virtual-time-budget=15000",
                "--dump-dom",
                &profile_arg,
                &url,
            ])
            .output()
    })
    .await
    .unwrap()
    .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("ALL-STEPS-OK"),
        "the page did not finish:\n{dom}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for marker in [
        "signed-up:browser",
        "article:written-in-a-browser",
        "comment:",
        "favorited:1",
    ] {
        assert!(dom.contains(marker), "{marker} missing from\n{dom}");
    }

    // Behind the API: the article is a published post with its comment and favorite.
    let posts = app.posts();
    let SlugLookup::Found(post) = posts
        .post_by_slug("written-in-a-browser", None)
        .await
        .unwrap()
    else {
        panic!("the article moved");
    };
    assert!(post.body_html.contains("<strong>Chromium</strong>"));
    assert_eq!(post.favorites_count, 1);
    assert_eq!(post.tags, ["browser"]);
    let listed = posts
        .published_page(
            PostFilter {
                tag: Some("browser".into()),
                ..PostFilter::default()
            },
            posts_api::PageRequest {
                page: 1,
                per_page: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    let thread = {
        use comments_api::CommentsPort;
        app.comments().thread(post.id, None).await.unwrap()
    };
    assert_eq!(thread.comments.len(), 1);
    assert_eq!(
        thread.comments[0].body_markdown,
        "A comment from the browser"
    );
    app.stop().await;
}

on_both_backends!(a_browser_on_another_origin_uses_the_api);
