//! Signed-in readers of a post: the page comes from a template shared by every reader who
//! sees the same thing, filled with their own header, CSRF token and form keys; those who
//! see more (the author, editors, anyone who commented) get the same template with their
//! own editor links and comment section, which are kept for them too, and match what a
//! full render shows them; every change shows on the next request, as for anonymous
//! readers, and an edit link goes when its window ends.

use std::collections::HashSet;

use comments_api::{CommentsPort, ModerationMode, NewComment};
use kernel::Backend;
use posts_api::{PostDraft, PostsPort};
use profiles_api::Role;

use crate::browser::{Browser, Page};
use crate::helpers::{TestApp, spawn_app};
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery";

/// The notice a full render of the post page shows after `?comment=pending`.
const THANKS: &str = "<p class=\"notice\" role=\"status\">Thank you! Your comment will appear once a moderator approves it.</p>";

async fn reader(app: &TestApp, username: &str, role: Role) -> Browser {
    app.author(username, role).await;
    let mut browser = Browser::new(&app.address);
    browser.sign_in(username, PASSWORD).await;
    browser
}

/// Every idempotency key on the page.
fn keys(page: &Page) -> Vec<String> {
    let marker = r#"name="idempotency_key" value=""#;
    page.body
        .match_indices(marker)
        .map(|(at, _)| {
            page.body[at + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .collect()
}

/// The page with its form keys blanked (they are fresh on every request).
fn without_keys(page: &Page) -> String {
    let mut body = page.body.clone();
    for key in keys(page) {
        body = body.replace(&key, "KEY");
    }
    body
}

fn x_cache(page: &Page) -> &str {
    page.headers.get("x-cache").map_or("", String::as_str)
}

/// `path` for `browser` once it comes from the cache again. After a write, the cache is
/// bypassed until the write's event reaches it, and a page rendered before that is evicted
/// by it; on PostgreSQL the event comes through the relay a moment after the response.
async fn once_cached(browser: &mut Browser, path: &str) -> Page {
    for _ in 0..50 {
        let page = browser.get(path).await;
        if x_cache(&page) == "hit" {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{path} was not cached again within 5 s");
}

async fn signed_in_post_pages_are_filled_per_reader(backend: Backend) {
    let app = spawn_app(backend).await;
    let writer = app.author("writer", Role::Author).await;
    let posts = app.posts();
    let draft = PostDraft {
        title: "Shared pages".into(),
        body_markdown: "Words for everyone.".into(),
        ..PostDraft::default()
    };
    let post = posts.create(writer, draft.clone()).await.unwrap();
    let post = posts.publish(writer, post.id).await.unwrap();
    let path = format!("/posts/{}", post.slug);

    let mut carol = reader(&app, "carol", Role::Reader).await;
    let mut dave = reader(&app, "dave", Role::Author).await;
    let first = carol.get(&path).await;
    assert_eq!(first.status, 200);
    assert_eq!(x_cache(&first), "miss");
    let again = carol.get(&path).await;
    assert_eq!(x_cache(&again), "hit", "the second reader page is filled");
    for page in [&first, &again] {
        assert!(page.body.contains(r#"href="/authors/carol""#));
        assert!(page.body.contains("Sign out"));
        assert!(!page.body.contains("qslot"), "no slot is left");
        assert!(
            !page.body.contains(r#"href="/write""#),
            "a reader cannot write"
        );
        assert!(!page.body.contains("Edit this post"));
        assert!(!page.headers.contains_key("etag"), "fresh keys every time");
        assert_eq!(page.headers["cache-control"], "private, no-cache");
    }
    let (first_keys, again_keys) = (keys(&first), keys(&again));
    assert_eq!(first_keys.len(), 1, "the comment form");
    assert!(first_keys.iter().all(|k| k.len() == 32));
    assert_ne!(first_keys, again_keys, "a fresh key per request");

    let other = dave.get(&path).await;
    assert_eq!(x_cache(&other), "hit");
    assert!(other.body.contains(r#"href="/authors/dave""#));
    assert!(!other.body.contains(r#"href="/authors/carol""#));
    assert!(
        other.body.contains(r#"href="/write""#),
        "an author may write"
    );
    assert_ne!(other.csrf_token(), again.csrf_token());

    // Those who see more get their own parts in the same template.
    let mut author = Browser::new(&app.address);
    author.sign_in("writer", PASSWORD).await;
    let own = author.get(&path).await;
    assert!(own.body.contains("Edit this post"));
    assert_eq!(x_cache(&own), "hit", "the template everyone shares");
    assert!(!own.body.contains("qslot"));
    let own_again = author.get(&path).await;
    assert_eq!(without_keys(&own_again), without_keys(&own));
    assert_ne!(
        keys(&own_again),
        keys(&own),
        "fresh keys in their own parts too"
    );
    // The same page as a full render shows them (that one also has a notice for them).
    let full = author.get(&format!("{path}?comment=pending")).await;
    assert_eq!(x_cache(&full), "", "rendered in full");
    assert!(full.body.contains(THANKS));
    assert_eq!(without_keys(&own), without_keys(&full).replace(THANKS, ""));
    let mut editor = reader(&app, "eddie", Role::Editor).await;
    assert!(editor.get(&path).await.body.contains("Edit this post"));

    // A pending comment shows to its writer and the editor, not to the other readers.
    let erin = app.author("erin", Role::Reader).await;
    let mut erin_browser = Browser::new(&app.address);
    erin_browser.sign_in("erin", PASSWORD).await;
    app.comments()
        .create(NewComment {
            post_id: post.id,
            author: comments_api::Actor {
                id: erin.id,
                may_moderate_any: false,
            },
            parent_id: None,
            body: "Erin waits for approval.".into(),
            idempotency_key: None,
            client_ip: None,
            account_is_new: false,
            mode: ModerationMode::All,
        })
        .await
        .unwrap();
    let erins = erin_browser.get(&path).await;
    assert!(erins.body.contains("Erin waits for approval."));
    assert!(erins.body.contains("Awaiting approval"));
    // The same page as a full render shows her (that one also thanks her for commenting).
    let full = erin_browser.get(&format!("{path}?comment=pending")).await;
    assert!(full.body.contains(THANKS));
    assert_eq!(
        without_keys(&erins),
        without_keys(&full).replace(THANKS, "")
    );
    let moderated = editor.get(&path).await;
    assert!(moderated.body.contains("Erin waits for approval."));
    assert!(moderated.body.contains("Approve"));
    let carols = carol.get(&path).await;
    assert!(
        !carols.body.contains("Erin waits"),
        "pending: not for others"
    );
    assert!(!carols.body.contains("Approve"));

    // A comment written through the filled form (its CSRF token and key) is taken, and
    // shows to the others at once; its writer now gets the edit link on their own render.
    let token = carols.csrf_token();
    let key = keys(&carols).remove(0);
    let sent = carol
        .post(
            &format!("{path}/comments"),
            &[
                ("csrf_token", token.as_str()),
                ("body", "Carol agrees."),
                ("parent_id", ""),
                ("idempotency_key", key.as_str()),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let carols = carol.get(&path).await;
    assert!(carols.body.contains("Carol agrees."));
    let edit_link = "Edit<span class=\"visually-hidden\"> your comment";
    let delete_link = "Delete<span class=\"visually-hidden\"> your comment";
    assert!(carols.body.contains(edit_link), "her edit link");
    assert!(carols.body.contains(delete_link), "her delete link");
    assert_eq!(x_cache(&carols), "miss", "the comment evicted the template");
    let cached = once_cached(&mut carol, &path).await;
    assert!(
        cached.body.contains(edit_link),
        "her edit link, from the cache"
    );
    // Her edit link goes when the edit window ends, with no event to evict anything.
    app.clock.advance(chrono::TimeDelta::minutes(20));
    let later = carol.get(&path).await;
    assert_eq!(x_cache(&later), "hit");
    assert!(!later.body.contains(edit_link), "the window has ended");
    assert!(later.body.contains(delete_link), "she may still delete it");
    let daves = dave.get(&path).await;
    assert!(daves.body.contains("Carol agrees."));
    assert!(!daves.body.contains("your comment"));
    let reply_keys = keys(&dave.get(&path).await);
    assert_eq!(reply_keys.len(), 2, "the comment form and one reply form");
    assert_eq!(
        reply_keys.iter().collect::<HashSet<_>>().len(),
        2,
        "each form has its own key"
    );

    // An edit shows to signed-in readers at once.
    dave.get(&path).await;
    posts
        .update(
            writer,
            post.id,
            PostDraft {
                title: "Shared pages, revised".into(),
                ..draft
            },
        )
        .await
        .unwrap();
    assert!(dave.get(&path).await.body.contains("Shared pages, revised"));
    app.stop().await;
}

on_both_backends!(signed_in_post_pages_are_filled_per_reader);
