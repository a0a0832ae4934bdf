//! Search through the real server: fed by the outbox, found with highlighted snippets, and
//! contained when the index is broken.

use std::time::Duration;

use kernel::Backend;
use posts_api::{Actor, PostDraft, PostsPort};
use profiles_api::Role;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, spawn_app_in};
use crate::on_both_backends;

async fn publish(app: &TestApp, author: Actor, title: &str, body: &str, tags: &[&str]) {
    let posts = app.posts();
    let post = posts
        .create(
            author,
            PostDraft {
                title: title.into(),
                description: format!("About {title}"),
                body_markdown: body.into(),
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                ..PostDraft::default()
            },
        )
        .await
        .expect("draft saved");
    app.clock.advance(chrono::Duration::minutes(5));
    posts.publish(author, post.id).await.expect("published");
}

/// GETs `/search?q=` until the page mentions `expected` (the indexer runs as soon as the
/// relay is woken; a bounded wait, never a fixed sleep). Returns the page.
async fn search_until(app: &TestApp, q: &str, expected: &str) -> String {
    let path = format!("/search?q={}", urlencode(q));
    for _ in 0..250 {
        let (status, _, page) = app.get(&path).await;
        assert_eq!(status, 200, "{page}");
        if page.contains(expected) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("searching {q:?} never showed {expected:?}");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn published_posts_are_found_with_highlighted_snippets(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.author("alice", Role::Author).await;
    let bob = app.author("bobby", Role::Author).await;
    publish(
        &app,
        alice,
        "Baking sourdough bread",
        "A starter needs flour and water. Bread rises slowly overnight.",
        &["baking"],
    )
    .await;
    publish(
        &app,
        bob,
        "Tending a vegetable garden",
        "Tomatoes want sun; <script>alert(1)</script> is not a vegetable. Bread is not either.",
        &["garden"],
    )
    .await;

    let page = search_until(&app, "flour", "Baking sourdough bread").await;
    assert!(
        page.contains("<mark>flour</mark>"),
        "the matched words are highlighted: {page}"
    );
    assert!(page.contains("href=\"/authors/alice\""));
    assert!(page.contains("<time datetime="));

    // Both posts mention bread; tag: and author: narrow, -word excludes.
    let page = search_until(&app, "bread", "Tending a vegetable garden").await;
    assert!(page.contains("Baking sourdough bread"));
    let page = search_until(&app, "bread tag:garden", "Tending a vegetable garden").await;
    assert!(!page.contains("Baking sourdough bread"), "tag: filters");
    let page = search_until(&app, "bread author:alice", "Baking sourdough bread").await;
    assert!(
        !page.contains("Tending a vegetable garden"),
        "author: filters"
    );
    let page = search_until(&app, "bread -tomatoes", "Baking sourdough bread").await;
    assert!(
        !page.contains("Tending a vegetable garden"),
        "-word excludes"
    );
    let page = search_until(&app, "\"rises slowly\"", "Baking sourdough bread").await;
    assert!(
        !page.contains("Tending a vegetable garden"),
        "phrases match exactly"
    );

    // A typo still finds the post, and says so.
    let page = search_until(&app, "sourdouhg", "Baking sourdough bread").await;
    assert!(page.contains("similar words"), "{page}");

    // Hostile text in a post comes back escaped: only the highlight is markup.
    let page = search_until(&app, "vegetable", "Tending a vegetable garden").await;
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;") || !page.contains("alert(1)"));

    // The JSON endpoint gives the same.
    let (status, headers, body) = app.get("/api/search?q=flour").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].starts_with("application/json"));
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["slug"], "baking-sourdough-bread");
    assert!(
        json["hits"][0]["snippet"]["html"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
    app.stop().await;
}

async fn empty_and_odd_queries_answer_politely(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/search",
        "/search?q=",
        "/search?q=%22%22%22",
        "/search?q=zzzzqqqxx",
        "/search?q=(((%5B%5D:*^~",
        "/search?q=tag:",
        "/search?q=-",
        "/search?q=rust&page=abc",
        "/search?q=rust&page=999999999999",
        "/search?page=2",
        "/search?q=%FF%FE",
    ] {
        let (status, _, page) = app.get(path).await;
        assert_eq!(status, 200, "{path}: {page}");
        assert!(page.contains("role=\"search\""), "{path} shows the form");
    }
    let (status, _, body) = app.get("/api/search?q=").await;
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["total"], 0);
    app.stop().await;
}

async fn a_broken_index_is_contained_and_the_backlog_indexed_once_repaired(backend: Backend) {
    let data_dir = tempfile::tempdir().unwrap();
    let index_dir = data_dir.path().join("search");
    std::fs::create_dir_all(&index_dir).unwrap();
    std::fs::write(index_dir.join("CURRENT"), "gen-that-does-not-exist").unwrap();
    let app = spawn_app_in(backend, comments::CommentsConfig::default(), data_dir).await;
    let alice = app.author("alice", Role::Author).await;

    // Writes still succeed, every other page serves, search says it is unavailable.
    publish(
        &app,
        alice,
        "Written while search was down",
        "Backlog text.",
        &["later"],
    )
    .await;
    for path in ["/", "/archive", "/tags/later", "/feed.atom"] {
        assert_eq!(app.get(path).await.0, 200, "{path}");
    }
    let (status, _, page) = app.get("/search?q=backlog").await;
    assert_eq!(status, 503);
    assert!(page.contains("temporarily unavailable"), "{page}");
    let (status, _, body) = app.get("/api/search?q=backlog").await;
    assert_eq!(status, 503);
    assert!(body.contains("temporarily unavailable"));

    // The operator repairs the index (an empty one here): the relay retries the post's
    // event and the backlog becomes searchable without a restart.
    let repair = ::search::LocalSearch::start(&index_dir);
    repair.recreate_empty().await.unwrap();
    drop(repair);
    search_until(&app, "backlog", "Written while search was down").await;
    app.stop().await;
}

on_both_backends!(
    published_posts_are_found_with_highlighted_snippets,
    empty_and_odd_queries_answer_politely,
    a_broken_index_is_contained_and_the_backlog_indexed_once_repaired,
);
