//! Posts as readers meet them through the real server.

use std::time::Duration;

use kernel::{Backend, Clock};
use posts_api::{Actor, PostDraft, PostsPort};

use crate::helpers::spawn_app;
use crate::on_both_backends;

const AUTHOR: Actor = Actor {
    id: 1,
    may_edit_any: false,
};

fn draft(title: &str, description: &str) -> PostDraft {
    PostDraft {
        title: title.into(),
        description: description.into(),
        body_markdown: "Some *words*.".into(),
        ..PostDraft::default()
    }
}

async fn home_lists_published_posts_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let posts = app.posts();
    for n in 1..=12 {
        let post = posts
            .create(
                AUTHOR,
                draft(&format!("Post number {n}"), &format!("About <{n}>")),
            )
            .await
            .unwrap();
        app.clock.advance(chrono::Duration::minutes(1));
        posts.publish(AUTHOR, post.id).await.unwrap();
    }
    posts
        .create(AUTHOR, draft("Unseen draft", ""))
        .await
        .unwrap();

    let (status, _, home) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(!home.contains("No posts yet"));
    assert!(
        !home.contains("Unseen draft"),
        "drafts never reach the home page"
    );
    let newest = home.find("Post number 12").expect("newest listed");
    let older = home.find("Post number 3").expect("tenth listed");
    assert!(newest < older, "newest first");
    assert!(!home.contains("Post number 2<"), "ten per page");
    assert!(home.contains(r#"href="/posts/post-number-12""#));
    assert!(
        home.contains("About &lt;12&gt;"),
        "descriptions are escaped"
    );
    assert!(home.contains(r#"rel="next" href="/page/2""#));

    let (status, _, second) = app.get("/page/2").await;
    assert_eq!(status, 200);
    assert!(second.contains("Post number 2") && second.contains("Post number 1"));
    assert!(second.contains(r#"rel="prev" href="/""#));
    assert_eq!(app.get("/page/3").await.0, 404);
    app.stop().await;
}

async fn scheduled_post_appears_when_its_time_comes(backend: Backend) {
    let app = spawn_app(backend).await;
    let posts = app.posts();
    let post = posts
        .create(AUTHOR, draft("From the future", ""))
        .await
        .unwrap();
    posts
        .schedule(
            AUTHOR,
            post.id,
            app.clock.now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    let (_, _, home) = app.get("/").await;
    assert!(home.contains("No posts yet"));

    // No restart: the server's scheduler notices once the (injected) clock passes the time.
    app.clock.advance(chrono::Duration::hours(1));
    let mut appeared = false;
    for _ in 0..100 {
        let (_, _, home) = app.get("/").await;
        if home.contains("From the future") {
            appeared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        appeared,
        "the scheduled post was published by the server's scheduler"
    );
    app.stop().await;
}

on_both_backends!(
    home_lists_published_posts_newest_first,
    scheduled_post_appears_when_its_time_comes,
);
