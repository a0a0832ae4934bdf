//! The reading site through the real server: post pages, redirects, tags, archive, feeds.

use kernel::Backend;
use posts_api::{Actor, PostDraft, PostsPort};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};
use crate::on_both_backends;

const AUTHOR: Actor = Actor {
    id: 1,
    may_edit_any: false,
};

const BODY: &str = "Intro paragraph with **bold**.\n\n## First part\n\nText.\n\n## Second part\n\nMore.\n\n## Third part\n\n```rust\nfn main() {}\n```\n\n<script>alert('x')</script>\n";

async fn publish(app: &TestApp, title: &str, tags: &[&str], body: &str) -> posts_api::Post {
    let posts = app.posts();
    let post = posts
        .create(
            AUTHOR,
            PostDraft {
                title: title.into(),
                description: format!("About {title}"),
                body_markdown: body.into(),
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                ..PostDraft::default()
            },
        )
        .await
        .unwrap();
    app.clock.advance(chrono::Duration::minutes(10));
    posts.publish(AUTHOR, post.id).await.unwrap()
}

async fn a_post_page_shows_the_post(backend: Backend) {
    let app = spawn_app(backend).await;
    let older = publish(&app, "Older post", &["misc"], "old").await;
    let post = publish(&app, "The Main Post", &["Rust", "Web Dev"], BODY).await;
    let newer = publish(&app, "Newer post", &[], "new").await;

    let (status, headers, page) = app.get(&format!("/posts/{}", post.slug)).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(
        page.contains("<h1 id=\"site.post-title\">The Main Post</h1>"),
        "{page}"
    );
    assert!(page.contains("<strong>bold</strong>"));
    assert!(
        !page.contains("<script>alert"),
        "raw HTML never reaches the page"
    );
    assert!(
        page.contains(r#"<nav class="toc""#),
        "three headings give a table of contents"
    );
    assert!(page.contains(r##"href="#first-part""##));
    assert!(page.contains(r#"href="/tags/web%20dev""#), "{page}");
    assert!(page.contains(&format!(
        r#"<link rel="canonical" href="{}/posts/the-main-post">"#,
        app.address
    )));
    assert!(page.contains(r#"<time datetime=""#));
    assert!(
        page.contains(&format!(r#"href="/posts/{}""#, older.slug)),
        "link to the older post"
    );
    assert!(
        page.contains(&format!(r#"href="/posts/{}""#, newer.slug)),
        "link to the newer post"
    );

    let posts = app.posts();
    let draft = posts
        .create(
            AUTHOR,
            PostDraft {
                title: "Secret draft".into(),
                body_markdown: "x".into(),
                ..PostDraft::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(app.get(&format!("/posts/{}", draft.slug)).await.0, 404);
    assert_eq!(app.get("/posts/no-such-post").await.0, 404);
    app.stop().await;
}

async fn a_renamed_slug_redirects(backend: Backend) {
    let app = spawn_app(backend).await;
    let post = publish(&app, "Original name", &[], "text").await;
    let posts = app.posts();
    posts
        .update(
            AUTHOR,
            post.id,
            PostDraft {
                title: "Original name".into(),
                body_markdown: "text".into(),
                slug: Some("Straße nach Köln".into()),
                ..PostDraft::default()
            },
        )
        .await
        .unwrap();
    let (status, headers, _) = app.get("/posts/original-name").await;
    assert_eq!(status, 301);
    assert_eq!(headers["location"], "/posts/stra%C3%9Fe-nach-k%C3%B6ln");
    let (status, _, page) = app.get(&headers["location"]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Original name"));
    app.stop().await;
}

async fn tag_pages_and_archive_list_posts(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "Rusty one", &["Rust"], "a").await;
    publish(&app, "Webby one", &["web dev"], "b").await;
    publish(&app, "Rusty two", &["rust", "web dev"], "c").await;

    let (status, _, page) = app.get("/tags/rust").await;
    assert_eq!(status, 200);
    assert!(page.contains("Rusty one") && page.contains("Rusty two"));
    assert!(!page.contains("Webby one"));
    assert!(page.contains("2 posts"));
    let (status, _, page) = app.get("/tags/Web%20Dev").await;
    assert_eq!(status, 200, "tags match whatever their case");
    assert!(page.contains("Webby one") && page.contains("Rusty two"));
    assert_eq!(app.get("/tags/nothing-here").await.0, 404);
    assert_eq!(app.get("/tags/rust/page/2").await.0, 404);
    assert_eq!(app.get("/tags/rust/page/1").await.0, 301);

    let (status, _, archive) = app.get("/archive").await;
    assert_eq!(status, 200);
    assert!(archive.contains("November 2026"), "{archive}");
    let two = archive.find("Rusty two").unwrap();
    let one = archive.find("Rusty one").unwrap();
    assert!(two < one, "newest first");
    assert!(
        !archive.contains("/archive/2026"),
        "one year: no year links"
    );

    // A post in the next year: /archive shows that year and links the others.
    app.clock.advance(chrono::Duration::days(70));
    publish(&app, "New year", &[], "d").await;
    let (status, _, archive) = app.get("/archive").await;
    assert_eq!(status, 200);
    assert!(archive.contains("New year") && archive.contains("January 2027"));
    assert!(
        !archive.contains("Rusty one"),
        "older years have their own page"
    );
    assert!(archive.contains(r#"href="/archive/2026""#));
    assert!(archive.contains(r#"href="/archive/2027" aria-current="page""#));
    let (status, _, older) = app.get("/archive/2026").await;
    assert_eq!(status, 200);
    assert!(older.contains("Rusty one") && !older.contains("New year"));
    assert!(older.contains(r#"href="/archive/2026" aria-current="page""#));
    for missing in ["/archive/2025", "/archive/twenty", "/archive/99999999999"] {
        assert_eq!(app.get(missing).await.0, 404, "{missing}");
    }
    app.stop().await;
}

async fn feeds_carry_full_content_with_absolute_links(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(
        &app,
        "Feed & friends",
        &["rust"],
        "Hello <em>there</em> & **bold**",
    )
    .await;
    publish(&app, "Another one", &["other"], "Second").await;

    let (status, headers, atom) = app.get("/feed.atom").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    assert!(atom.starts_with("<?xml"));
    assert!(atom.contains("<title>Feed &amp; friends</title>"), "{atom}");
    assert!(
        atom.contains(&format!("{}/posts/feed-friends", app.address)),
        "{atom}"
    );
    assert!(
        atom.contains("&lt;strong&gt;bold&lt;"),
        "content is escaped HTML: {atom}"
    );
    assert!(
        !atom.contains("<em>"),
        "raw HTML from the source does not survive"
    );

    let (status, headers, rss) = app.get("/feed.rss").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/rss+xml; charset=utf-8"
    );
    assert!(rss.contains("<pubDate>Sun, 1 Nov 2026"), "{rss}");

    let (status, headers, json) = app.get("/feed.json").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/feed+json; charset=utf-8"
    );
    let feed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["items"].as_array().unwrap().len(), 2);
    assert_eq!(feed["items"][0]["title"], "Another one");
    assert!(
        feed["items"][1]["content_html"]
            .as_str()
            .unwrap()
            .contains("<strong>bold</strong>")
    );

    let (status, _, tag_feed) = app.get("/tags/rust/feed.json").await;
    assert_eq!(status, 200);
    let tag_feed: Value = serde_json::from_str(&tag_feed).unwrap();
    assert_eq!(tag_feed["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/feed.xml").await.0, 404);

    let (_, _, home) = app.get("/").await;
    assert!(home.contains(r#"<link rel="alternate" type="application/atom+xml""#));
    app.stop().await;
}

async fn machines_get_a_sitemap_robots_and_conditional_get(backend: Backend) {
    let app = spawn_app(backend).await;
    let post = publish(&app, "Mapped </script> post", &["rust"], "text").await;

    let (status, headers, sitemap) = app.get("/sitemap.xml").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/xml; charset=utf-8");
    assert!(
        sitemap.contains(&format!("<loc>{}/posts/{}</loc>", app.address, post.slug)),
        "{sitemap}"
    );
    assert!(sitemap.contains(&format!("<loc>{}/tags/rust</loc>", app.address)));
    assert!(
        sitemap.contains("<lastmod>2026-11-01T09:10:00+00:00</lastmod>"),
        "{sitemap}"
    );

    let (status, _, robots) = app.get("/robots.txt").await;
    assert_eq!(status, 200);
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.address)));
    assert!(robots.contains("Disallow: /admin"));

    // Conditional GET on pages and feeds.
    for path in [
        "/",
        &format!("/posts/{}", post.slug),
        "/feed.atom",
        "/sitemap.xml",
    ] {
        let (status, headers, _) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        let etag = headers
            .get("etag")
            .unwrap_or_else(|| panic!("{path} has an ETag"))
            .clone();
        let again = app
            .client
            .get(app.url(path))
            .insert_header(("If-None-Match", etag.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        let stale = app
            .client
            .get(app.url(path))
            .insert_header(("If-None-Match", "\"0000\""))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 200, "{path}");
    }
    // A change gives a new ETag.
    let (_, before, _) = app.get("/").await;
    publish(&app, "Fresh", &[], "new").await;
    let (_, after, _) = app.get("/").await;
    assert_ne!(before["etag"], after["etag"]);

    // Meta for sharing, and JSON-LD that cannot break out of its script element.
    let (_, _, page) = app.get(&format!("/posts/{}", post.slug)).await;
    assert!(page.contains(r#"<meta property="og:type" content="article">"#));
    assert!(page.contains(r#"<meta name="twitter:card" content="summary">"#));
    assert!(page.contains(r#"<script type="application/ld+json">"#));
    assert!(page.contains(r#""@type":"BlogPosting""#), "{page}");
    assert!(
        page.contains(r#"Mapped \u003c/script\u003e post"#),
        "{page}"
    );
    assert_eq!(
        page.matches("</script>").count(),
        1,
        "only the JSON-LD element closes"
    );
    app.stop().await;
}

async fn authors_have_pages_bylines_and_feeds(backend: Backend) {
    let app = spawn_app(backend).await;
    let ada = app.author("ada", profiles_api::Role::Author).await;
    let other = app.author("grace", profiles_api::Role::Author).await;
    let posts = app.posts();
    for (who, title) in [(ada, "Ada one"), (other, "Grace one"), (ada, "Ada two")] {
        let post = posts
            .create(
                who,
                PostDraft {
                    title: title.into(),
                    body_markdown: "text".into(),
                    ..PostDraft::default()
                },
            )
            .await
            .unwrap();
        app.clock.advance(chrono::Duration::minutes(1));
        posts.publish(who, post.id).await.unwrap();
    }

    let (status, _, page) = app.get("/authors/ada").await;
    assert_eq!(status, 200);
    assert!(page.contains("Ada one") && page.contains("Ada two"));
    assert!(!page.contains("Grace one"));
    assert!(page.contains("2 posts"));
    assert_eq!(
        app.get("/authors/ADA").await.0,
        200,
        "usernames match whatever their case"
    );
    assert_eq!(app.get("/authors/nobody").await.0, 404);

    let (_, _, home) = app.get("/").await;
    assert!(
        home.contains(r#"<a class="byline" href="/authors/grace">grace</a>"#),
        "{home}"
    );
    let (_, _, post) = app.get("/posts/ada-one").await;
    assert!(post.contains(r#"class="author-card""#));
    assert!(post.contains(r#"href="/authors/ada" rel="author""#));

    let (status, _, feed) = app.get("/authors/ada/feed.json").await;
    assert_eq!(status, 200);
    let feed: Value = serde_json::from_str(&feed).unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 2);
    assert_eq!(feed["items"][0]["authors"][0]["name"], "ada");
    let (status, _, atom) = app.get("/authors/ada/feed.atom").await;
    assert_eq!(status, 200);
    assert!(atom.contains("<author><name>ada</name></author>"));
    assert_eq!(app.get("/authors/nobody/feed.atom").await.0, 404);
    app.stop().await;
}

on_both_backends!(
    authors_have_pages_bylines_and_feeds,
    machines_get_a_sitemap_robots_and_conditional_get,
    a_post_page_shows_the_post,
    a_renamed_slug_redirects,
    tag_pages_and_archive_list_posts,
    feeds_carry_full_content_with_absolute_links,
);
