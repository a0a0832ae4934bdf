//! The page cache for anonymous readers: pages come from memory, and every kind of change
//! shows on the very next request — no waiting, no time-based staleness.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use kernel::{Backend, Clock};
use posts_api::{Actor, PostDraft, PostsPort};
use profiles_api::{ProfileChanges, ProfilesPort, Role};

use crate::helpers::{TestApp, spawn_app};
use crate::on_both_backends;

async fn publish(app: &TestApp, author: Actor, title: &str, tags: &[&str]) -> posts_api::Post {
    let posts = app.posts();
    let post = posts
        .create(author, draft(title, tags))
        .await
        .expect("draft saved");
    app.clock.advance(chrono::Duration::minutes(10));
    posts.publish(author, post.id).await.expect("published")
}

fn draft(title: &str, tags: &[&str]) -> PostDraft {
    PostDraft {
        title: title.into(),
        description: format!("About {title}"),
        body_markdown: format!("The body of {title}."),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ..PostDraft::default()
    }
}

/// GETs `path` with extra request headers; returns status, headers and raw body.
async fn get_with(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, BTreeMap<String, String>, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    let mut response = request.send().await.expect("request sent");
    let body = response.body().limit(10 << 20).await.expect("body read");
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    (response.status().as_u16(), headers, body.to_vec())
}

/// GETs `path` until the answer comes from the cache (right after a change, the cache
/// stands aside until the change's event has reached it: a few milliseconds). Returns the
/// page.
async fn cached(app: &TestApp, path: &str) -> String {
    for _ in 0..100 {
        let (status, headers, page) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        if headers.get("x-cache").map(String::as_str) == Some("hit") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} is never served from the cache");
}

async fn reader_pages_are_cached_and_every_change_shows_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    let first = publish(&app, alice, "First light", &["Rust"]).await;
    let paths = [
        "/".to_owned(),
        format!("/posts/{}", first.slug),
        "/tags/rust".to_owned(),
        "/authors/alice".to_owned(),
        "/archive".to_owned(),
        "/feed.atom".to_owned(),
        "/feed.json".to_owned(),
        "/tags/rust/feed.rss".to_owned(),
        "/authors/alice/feed.atom".to_owned(),
    ];
    for path in &paths {
        assert!(cached(&app, path).await.contains("First light"), "{path}");
    }
    cached(&app, "/sitemap.xml").await;

    // An edit of the title reaches every page that shows it.
    app.posts()
        .update(alice, first.id, draft("First light, revised", &["rust"]))
        .await
        .unwrap();
    for path in &paths {
        let (_, _, page) = app.get(path).await;
        assert!(page.contains("First light, revised"), "{path} is stale");
    }

    // A new post appears in the lists and in its older neighbour's links.
    for path in &paths {
        cached(&app, path).await;
    }
    let second = publish(&app, alice, "Second wind", &["rust"]).await;
    for path in paths.iter().filter(|p| !p.starts_with("/posts/")) {
        let (_, _, page) = app.get(path).await;
        assert!(page.contains("Second wind"), "{path} misses the new post");
    }
    let (_, _, sitemap) = app.get("/sitemap.xml").await;
    assert!(
        sitemap.contains(&second.slug),
        "the sitemap lists the new post"
    );
    let (_, _, page) = app.get(&format!("/posts/{}", first.slug)).await;
    assert!(
        page.contains(&format!("href=\"/posts/{}\"", second.slug)),
        "the older post links to the newer one"
    );

    // A removed tag empties its list; unpublishing takes the post off every list.
    cached(&app, "/tags/rust").await;
    app.posts()
        .update(alice, second.id, draft("Second wind", &["go"]))
        .await
        .unwrap();
    let (_, _, page) = app.get("/tags/rust").await;
    assert!(!page.contains("Second wind"), "the post left #rust");
    cached(&app, "/tags/go").await;
    app.posts().unpublish(alice, second.id).await.unwrap();
    assert_eq!(app.get("/tags/go").await.0, 404);
    let (_, _, page) = app.get("/").await;
    assert!(!page.contains("Second wind"));
    let (_, _, page) = app.get(&format!("/posts/{}", first.slug)).await;
    assert!(
        !page.contains(&second.slug),
        "no link to an unpublished post"
    );

    // Deleting works the same way.
    cached(&app, "/").await;
    app.posts().delete(alice, first.id).await.unwrap();
    assert_eq!(app.get(&format!("/posts/{}", first.slug)).await.0, 404);
    let (_, _, page) = app.get("/").await;
    assert!(!page.contains("First light"));
    app.stop().await;
}

async fn profile_and_site_changes_show_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    let post = publish(&app, alice, "Hello", &["misc"]).await;
    let post_path = format!("/posts/{}", post.slug);
    for path in ["/", post_path.as_str(), "/tags/misc", "/authors/alice"] {
        cached(&app, path).await;
    }
    let session = app
        .profiles()
        .sign_in("alice", "correct horse battery", "127.0.0.1")
        .await
        .unwrap();
    app.profiles()
        .update_profile(
            &session.viewer,
            ProfileChanges {
                display_name: "Alice Liddell".into(),
                bio_markdown: String::new(),
                avatar_url: None,
                website_url: None,
            },
        )
        .await
        .unwrap();
    for path in ["/", post_path.as_str(), "/tags/misc", "/authors/alice"] {
        let (_, _, page) = app.get(path).await;
        assert!(page.contains("Alice Liddell"), "{path} shows the old name");
    }

    // A new follower shows on the author's page.
    cached(&app, "/authors/alice").await;
    app.author("bob", Role::Reader).await;
    let bob = app
        .profiles()
        .sign_in("bob", "correct horse battery", "127.0.0.1")
        .await
        .unwrap();
    app.profiles().follow(&bob.viewer, "alice").await.unwrap();
    let (_, _, page) = app.get("/authors/alice").await;
    assert!(page.contains("1 follower"), "the follower count is current");

    // Settings saved by another instance (straight into the database here) reach this one
    // through their event: this instance reloads them and forgets every page.
    cached(&app, "/").await;
    let pool = app.db.pool();
    let settings = BTreeMap::from([("title".to_owned(), "Renamed Notes".to_owned())]);
    let now = app.clock.now();
    pool.run(move |conn| kernel::settings::save(conn, &settings, now))
        .await
        .unwrap();
    app.outbox_signal().notify();
    let mut renamed = false;
    for _ in 0..100 {
        let (_, _, page) = app.get("/").await;
        if page.contains("Renamed Notes") {
            renamed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        renamed,
        "the new site title shows once its event is delivered"
    );
    assert!(cached(&app, "/").await.contains("Renamed Notes"));
    app.stop().await;
}

async fn a_scheduled_post_appears_when_its_time_comes(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    publish(&app, alice, "Already out", &[]).await;
    let posts = app.posts();
    let later = posts
        .create(alice, draft("Coming soon", &[]))
        .await
        .unwrap();
    let at = app.clock.now() + chrono::Duration::hours(1);
    posts.schedule(alice, later.id, at).await.unwrap();
    assert!(!cached(&app, "/").await.contains("Coming soon"));

    app.clock.advance(chrono::Duration::hours(2));
    // The scheduler checks every second; its commit bypasses the cache until delivered.
    let mut shown = false;
    for _ in 0..50 {
        let (_, _, page) = app.get("/").await;
        if page.contains("Coming soon") {
            shown = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown, "the scheduled post went live on the home page");
    app.stop().await;
}

async fn cached_pages_compress_and_answer_conditional_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    let post = publish(&app, alice, "Squeezed", &[]).await;
    let path = format!("/posts/{}", post.slug);
    let plain = cached(&app, &path).await;

    let (status, headers, body) = get_with(&app, &path, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(headers["vary"], "Accept-Encoding");
    let mut unpacked = String::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);

    let (_, headers, body) = get_with(&app, &path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(headers["content-encoding"], "gzip");
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);
    let gzip_tag = headers["etag"].clone();

    let (_, headers, _) = app.get(&path).await;
    let plain_tag = headers["etag"].clone();
    assert_ne!(plain_tag, gzip_tag, "each coding is its own representation");
    let (status, _, body) = get_with(&app, &path, &[("if-none-match", &plain_tag)]).await;
    assert_eq!((status, body.len()), (304, 0));
    let (status, _, _) = get_with(
        &app,
        &path,
        &[("if-none-match", &gzip_tag), ("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(status, 304);
    app.stop().await;
}

async fn signed_in_readers_get_their_own_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    publish(&app, alice, "Personal", &[]).await;
    cached(&app, "/").await;
    let session = app
        .profiles()
        .sign_in("alice", "correct horse battery", "127.0.0.1")
        .await
        .unwrap();
    let cookie = format!("quire_session={}", session.token);
    let (status, headers, body) = get_with(&app, "/", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        !headers.contains_key("x-cache"),
        "not from the shared cache"
    );
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("Sign out"), "the header is the viewer's own");
    let (_, _, anonymous) = app.get("/").await;
    assert!(!anonymous.contains("Sign out"));
    app.stop().await;
}

async fn comments_show_at_once_on_cached_pages(backend: Backend) {
    use comments_api::{CommentsPort, ModerationMode, NewComment};
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    let bob = app.author("bob", Role::Reader).await;
    let post = publish(&app, alice, "Talk to me", &["chat"]).await;
    let post_path = format!("/posts/{}", post.slug);
    let feed_path = format!("{post_path}/comments.atom");
    for path in [
        "/",
        post_path.as_str(),
        "/tags/chat",
        "/authors/alice",
        &feed_path,
    ] {
        cached(&app, path).await;
    }
    let comment = app
        .comments()
        .create(NewComment {
            post_id: post.id,
            author: comments_api::Actor {
                id: bob.id,
                may_moderate_any: false,
            },
            parent_id: None,
            body: "A first reply from Bob.".into(),
            idempotency_key: None,
            client_ip: None,
            account_is_new: false,
            mode: ModerationMode::Open,
        })
        .await
        .unwrap();
    let (_, _, page) = app.get(&post_path).await;
    assert!(
        page.contains("A first reply from Bob."),
        "the post page shows it"
    );
    let (_, _, feed) = app.get(&feed_path).await;
    assert!(
        feed.contains("A first reply from Bob."),
        "the comment feed shows it"
    );
    for path in ["/", "/tags/chat", "/authors/alice"] {
        let (_, _, page) = app.get(path).await;
        assert!(page.contains("1 comment"), "{path} counts it");
    }

    // A commenter's new name shows under their comment.
    cached(&app, &post_path).await;
    let session = app
        .profiles()
        .sign_in("bob", "correct horse battery", "127.0.0.1")
        .await
        .unwrap();
    app.profiles()
        .update_profile(
            &session.viewer,
            ProfileChanges {
                display_name: "Robert Roe".into(),
                bio_markdown: String::new(),
                avatar_url: None,
                website_url: None,
            },
        )
        .await
        .unwrap();
    let (_, _, page) = app.get(&post_path).await;
    assert!(
        page.contains("Robert Roe"),
        "the commenter's new name shows"
    );

    cached(&app, &post_path).await;
    app.comments()
        .delete(
            comments_api::Actor {
                id: bob.id,
                may_moderate_any: false,
            },
            comment.id,
        )
        .await
        .unwrap();
    let (_, _, page) = app.get(&post_path).await;
    assert!(!page.contains("A first reply from Bob."), "gone at once");
    app.stop().await;
}

on_both_backends!(
    reader_pages_are_cached_and_every_change_shows_at_once,
    profile_and_site_changes_show_at_once,
    a_scheduled_post_appears_when_its_time_comes,
    cached_pages_compress_and_answer_conditional_requests,
    signed_in_readers_get_their_own_page,
    comments_show_at_once_on_cached_pages,
);
