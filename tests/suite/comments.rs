//! Comments through the real server, as readers, authors and moderators meet them in a
//! browser: writing, replying, editing, deleting, moderation in each mode, abuse guards,
//! counts on lists, the comment feed, and hostile markup.

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::TimeDelta;
use comments::{CommentsConfig, RateLimit};
use comments_api::CommentsPort;
use kernel::Backend;
use posts_api::{PostsPort, SlugLookup};
use profiles_api::Role;

use crate::browser::{Browser, Page};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery";

/// A site with an admin, an author who wrote one published post, and two readers.
struct Scene {
    app: TestApp,
    admin: Browser,
    writer: Browser,
    alice: Browser,
    bob: Browser,
    /// The post's slug.
    slug: String,
}

async fn scene(backend: Backend, config: CommentsConfig) -> Scene {
    let app = spawn_app_with(backend, config).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("theadmin", PASSWORD).await;
    app.author("writer", Role::Author).await;
    let mut writer = Browser::new(&app.address);
    writer.sign_in("writer", PASSWORD).await;
    let published = writer
        .submit(
            "/write",
            "/write",
            &[
                ("title", "A post to discuss"),
                ("body", "Some words worth answering."),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let slug = published.headers["location"]
        .trim_start_matches("/posts/")
        .to_owned();
    let mut alice = Browser::new(&app.address);
    alice.sign_up("alice", PASSWORD).await;
    let mut bob = Browser::new(&app.address);
    bob.sign_up("bob", PASSWORD).await;
    Scene {
        app,
        admin,
        writer,
        alice,
        bob,
        slug,
    }
}

/// A key no other submission in this test binary uses.
fn fresh_key() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("test-key-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Posts a comment (a reply when `parent` is given) with the post page's CSRF token.
async fn comment(browser: &mut Browser, slug: &str, body: &str, parent: Option<i64>) -> Page {
    comment_with_key(browser, slug, body, parent, &fresh_key()).await
}

async fn comment_with_key(
    browser: &mut Browser,
    slug: &str,
    body: &str,
    parent: Option<i64>,
    key: &str,
) -> Page {
    let page = browser.get(&format!("/posts/{slug}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = page.csrf_token();
    let parent = parent.map(|p| p.to_string()).unwrap_or_default();
    browser
        .post(
            &format!("/posts/{slug}/comments"),
            &[
                ("csrf_token", &token),
                ("body", body),
                ("parent_id", &parent),
                ("idempotency_key", key),
                ("website", ""),
            ],
        )
        .await
}

/// The id in a redirect to `…#comment-{id}`.
fn comment_id(page: &Page) -> i64 {
    assert_eq!(page.status, 303, "{}", page.body);
    let location = &page.headers["location"];
    location
        .rsplit_once("#comment-")
        .and_then(|(_, id)| id.parse().ok())
        .unwrap_or_else(|| panic!("no comment id in {location}"))
}

/// Posts a form that carries only the CSRF token (and `fields`), with the token of `page`.
async fn post_form(
    browser: &mut Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Page {
    browser.submit(page, action, fields).await
}

/// Sets the site's comment moderation mode through the admin settings form.
async fn set_moderation(scene: &mut Scene, mode: &str) {
    let address = scene.app.address.clone();
    let saved = scene
        .admin
        .submit(
            "/admin/settings",
            "/admin/settings",
            &[
                ("title", "Test Notes"),
                ("description", ""),
                ("base_url", &address),
                ("open_signup", "on"),
                ("default_role", "reader"),
                ("moderation", mode),
            ],
        )
        .await;
    assert!(
        saved.status == 303 || saved.status == 200,
        "settings: {} {}",
        saved.status,
        saved.body
    );
}

/// The home page's comment count for the only post.
async fn home_count(app: &TestApp) -> String {
    let (_, _, home) = app.get("/").await;
    let at = home.find("#comments\">").expect("a count on the home page") + "#comments\">".len();
    home[at..].chars().take_while(|c| *c != '<').collect()
}

async fn anonymous_page(app: &TestApp, slug: &str) -> String {
    let (status, headers, body) = app.get(&format!("/posts/{slug}")).await;
    assert_eq!(status, 200);
    assert!(
        !headers.contains_key("set-cookie"),
        "anonymous pages set no cookie"
    );
    body
}

async fn readers_comment_reply_edit_and_delete(backend: Backend) {
    let mut s = scene(backend, CommentsConfig::default()).await;
    let slug = s.slug.clone();

    // Signed out: no form, a way to sign in, and nothing that depends on the request.
    let first = anonymous_page(&s.app, &slug).await;
    assert!(first.contains(r#"<section id="comments""#));
    assert!(first.contains("Sign in to comment"));
    assert!(first.contains(&format!("/login?next=%2Fposts%2F{slug}%23comments")));
    assert!(!first.contains("csrf_token") && !first.contains("idempotency_key"));
    assert_eq!(
        first,
        anonymous_page(&s.app, &slug).await,
        "the same bytes every time"
    );
    assert!(first.contains(&format!(
        r#"<link rel="alternate" type="application/atom+xml" title="Comments on A post to discuss (Atom)" href="/posts/{slug}/comments.atom">"#
    )));

    // A comment, then a reply to it.
    let made = comment(&mut s.alice, &slug, "First *thoughts*.", None).await;
    let first_id = comment_id(&made);
    assert_eq!(
        made.headers["location"],
        format!("/posts/{slug}#comment-{first_id}")
    );
    let reply = comment(&mut s.bob, &slug, "A reply to Alice.", Some(first_id)).await;
    let reply_id = comment_id(&reply);
    let page = anonymous_page(&s.app, &slug).await;
    assert!(page.contains("2 comments"));
    assert!(page.contains(&format!(r#"id="comment-{first_id}""#)));
    assert!(page.contains("First <em>thoughts</em>."));
    assert!(page.contains(r#"<a class="comment__author" href="/authors/alice">alice</a>"#));
    assert!(page.contains(&format!(r#"href="/posts/{slug}#comment-{reply_id}""#)));
    assert!(page.contains(r#"<time datetime="2026-11-01T09:00:00+00:00">"#));
    assert!(page.contains("comment--depth-1"), "the reply is indented");
    assert!(
        !page.contains("csrf_token") && !page.contains("<form method=\"post\" action=\"/posts/")
    );

    // Signed in: the reader gets the forms, and Edit / Delete on their own comment only.
    let own = s.alice.get(&format!("/posts/{slug}")).await;
    assert!(own.body.contains(r#"name="idempotency_key""#));
    assert!(
        own.body
            .contains("<summary>Reply<span class=\"visually-hidden\"> to alice</span></summary>")
    );
    assert!(
        own.body
            .contains(&format!(r#"href="/comments/{first_id}/edit""#))
    );
    assert!(
        !own.body
            .contains(&format!(r#"href="/comments/{reply_id}/edit""#))
    );
    assert!(own.body.contains(r#"name="website""#) && own.body.contains(r#"tabindex="-1""#));

    // Editing: the author's form, then the "edited" marker.
    let form = s.alice.get(&format!("/comments/{first_id}/edit")).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("First *thoughts*."),
        "the Markdown to edit"
    );
    let edited = post_form(
        &mut s.alice,
        &format!("/comments/{first_id}/edit"),
        &format!("/comments/{first_id}/edit"),
        &[("body", "Second thoughts.")],
    )
    .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    assert_eq!(
        edited.headers["location"],
        format!("/posts/{slug}#comment-{first_id}")
    );
    let page = anonymous_page(&s.app, &slug).await;
    assert!(page.contains("Second thoughts.") && !page.contains("First <em>thoughts"));
    assert!(page.contains(r#"<span class="comment__edited">edited</span>"#));
    let empty = post_form(
        &mut s.alice,
        &format!("/comments/{first_id}/edit"),
        &format!("/comments/{first_id}/edit"),
        &[("body", "   ")],
    )
    .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Write something"));

    // Someone else may neither edit nor delete it.
    assert_eq!(
        s.bob
            .get(&format!("/comments/{first_id}/edit"))
            .await
            .status,
        403
    );
    assert_eq!(
        s.bob
            .get(&format!("/comments/{first_id}/delete"))
            .await
            .status,
        403
    );
    let token = s.bob.get(&format!("/posts/{slug}")).await.csrf_token();
    let refused = s
        .bob
        .post(
            &format!("/comments/{first_id}/edit"),
            &[("csrf_token", &token), ("body", "Hijacked")],
        )
        .await;
    assert_eq!(refused.status, 403);
    let refused = s
        .bob
        .post(
            &format!("/comments/{first_id}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let forged = s
        .bob
        .post(
            &format!("/comments/{reply_id}/delete"),
            &[("csrf_token", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403, "CSRF is checked");
    assert!(
        anonymous_page(&s.app, &slug)
            .await
            .contains("Second thoughts.")
    );

    // Past the edit window: no Edit link, and the form says why.
    s.app.clock.advance(TimeDelta::minutes(20));
    let late = s.alice.get(&format!("/posts/{slug}")).await;
    assert!(
        !late
            .body
            .contains(&format!(r#"href="/comments/{first_id}/edit""#))
    );
    let closed = post_form(
        &mut s.alice,
        &format!("/comments/{first_id}/edit"),
        &format!("/comments/{first_id}/edit"),
        &[("body", "Too late.")],
    )
    .await;
    assert_eq!(closed.status, 409);
    assert!(closed.body.contains("can no longer be edited"));
    assert!(closed.body.contains("Too late."), "the text is kept");

    // Deleting with confirmation: a comment with a reply stays as a placeholder.
    let confirm = s.alice.get(&format!("/comments/{first_id}/delete")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("cannot be undone"));
    let deleted = post_form(
        &mut s.alice,
        &format!("/comments/{first_id}/delete"),
        &format!("/comments/{first_id}/delete"),
        &[],
    )
    .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(
        deleted.headers["location"],
        format!("/posts/{slug}#comments")
    );
    let page = anonymous_page(&s.app, &slug).await;
    assert!(page.contains("This comment was deleted."));
    assert!(!page.contains("Second thoughts."));
    assert!(page.contains("A reply to Alice."));
    assert!(page.contains("1 comment<"));
    let gone = post_form(
        &mut s.bob,
        &format!("/comments/{reply_id}/delete"),
        &format!("/comments/{reply_id}/delete"),
        &[],
    )
    .await;
    assert_eq!(gone.status, 303);
    let page = anonymous_page(&s.app, &slug).await;
    assert!(
        !page.contains("This comment was deleted."),
        "the empty thread goes too"
    );
    assert!(page.contains("0 comments"));
    assert_eq!(
        s.bob
            .get(&format!("/comments/{reply_id}/edit"))
            .await
            .status,
        404
    );
    assert_eq!(s.bob.get("/comments/not-a-number/edit").await.status, 404);
    s.app.stop().await;
}

async fn refused_comments_come_back_with_the_text(backend: Backend) {
    let mut s = scene(backend, CommentsConfig::default()).await;
    let slug = s.slug.clone();

    // Empty, too long, too many links for a new account: 422, the text kept by the form.
    let empty = comment(&mut s.alice, &slug, "  ", None).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Write something before posting."));
    assert!(empty.body.contains(r#"aria-invalid="true""#));
    let long = "long ".repeat(1_200);
    let too_long = comment(&mut s.alice, &slug, &long, None).await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("at most 5000 characters"));
    assert!(
        too_long.body.contains(long.trim_end()),
        "the typed text is kept"
    );
    let links = "[a](https://a.example) [b](https://b.example) [c](https://c.example)";
    let linky = comment(&mut s.alice, &slug, links, None).await;
    assert_eq!(linky.status, 422);
    assert!(linky.body.contains("at most 2 links"));
    // The post's author is no new account's stranger: their links pass.
    assert_eq!(comment(&mut s.writer, &slug, links, None).await.status, 303);

    // A refused reply opens its own form with the error.
    let parent = comment_id(&comment(&mut s.bob, &slug, "Parent.", None).await);
    let reply = comment(&mut s.alice, &slug, "", Some(parent)).await;
    assert_eq!(reply.status, 422);
    assert!(
        reply
            .body
            .contains(r#"<details class="comment__reply" open>"#)
    );
    assert!(
        reply
            .body
            .contains(&format!(r#"id="reply-{parent}-error""#))
    );
    let unknown = comment(&mut s.alice, &slug, "To nobody.", Some(999_999)).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("To nobody."));

    // The honeypot: a neutral 400, nothing saved.
    let token = s.alice.get(&format!("/posts/{slug}")).await.csrf_token();
    let trapped = s
        .alice
        .post(
            &format!("/posts/{slug}/comments"),
            &[
                ("csrf_token", &token),
                ("body", "Buy things"),
                ("idempotency_key", &fresh_key()),
                ("website", "https://spam.example"),
            ],
        )
        .await;
    assert_eq!(trapped.status, 400);
    assert!(trapped.body.contains("could not be accepted"));
    assert!(!anonymous_page(&s.app, &slug).await.contains("Buy things"));

    // Double submission with the same key: one comment.
    let page = s.alice.get(&format!("/posts/{slug}")).await;
    let form_at = page.body.find(r#"id="comment-body""#).unwrap();
    let marker = r#"name="idempotency_key" value=""#;
    let key_at = page.body[..form_at].rfind(marker).unwrap() + marker.len();
    let key: String = page.body[key_at..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert_eq!(key.len(), 32, "a random key in the form");
    let once = comment_with_key(&mut s.alice, &slug, "Only once.", None, &key).await;
    let twice = comment_with_key(&mut s.alice, &slug, "Only once.", None, &key).await;
    assert_eq!(comment_id(&once), comment_id(&twice));
    let page = anonymous_page(&s.app, &slug).await;
    assert_eq!(page.matches("Only once.").count(), 1);

    // Not signed in: to the sign-in page; unknown post: 404.
    let mut stranger = Browser::new(&s.app.address);
    let anonymous = stranger
        .post(&format!("/posts/{slug}/comments"), &[("body", "Hi")])
        .await;
    // Refused either way: sent to sign in, or for the missing CSRF token.
    assert!(
        anonymous.status == 303 || anonymous.status == 403,
        "{}",
        anonymous.status
    );
    let token = s.alice.get(&format!("/posts/{slug}")).await.csrf_token();
    let missing = s
        .alice
        .post(
            "/posts/no-such-post/comments",
            &[("csrf_token", &token), ("body", "Hello")],
        )
        .await;
    assert_eq!(missing.status, 404);
    s.app.stop().await;
}

async fn rate_limits_answer_429_with_retry_after(backend: Backend) {
    let config = CommentsConfig {
        per_account: RateLimit {
            max: 2,
            window: TimeDelta::minutes(10),
        },
        ..CommentsConfig::default()
    };
    let mut s = scene(backend, config).await;
    let slug = s.slug.clone();
    assert_eq!(comment(&mut s.alice, &slug, "One.", None).await.status, 303);
    assert_eq!(comment(&mut s.alice, &slug, "Two.", None).await.status, 303);
    let limited = comment(&mut s.alice, &slug, "Three, too fast.", None).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    let retry: u64 = limited.headers["retry-after"].parse().unwrap();
    assert!((1..=600).contains(&retry), "Retry-After {retry}");
    assert!(limited.body.contains("Please wait"));
    assert!(
        limited.body.contains("Three, too fast."),
        "the text is kept"
    );
    // Another reader is not held back by Alice's pace.
    assert_eq!(
        comment(&mut s.bob, &slug, "Bob's turn.", None).await.status,
        303
    );
    s.app.clock.advance(TimeDelta::seconds(retry as i64 + 1));
    assert_eq!(
        comment(&mut s.alice, &slug, "Three, in time.", None)
            .await
            .status,
        303
    );
    s.app.stop().await;
}

/// Posts a moderation button's form from `page`.
async fn moderate(browser: &mut Browser, page: &str, id: i64, action: &str, back: &str) -> Page {
    post_form(
        browser,
        page,
        &format!("/comments/{id}/moderate"),
        &[("action", action), ("return_to", back)],
    )
    .await
}

async fn moderation_in_each_mode(backend: Backend) {
    let mut s = scene(backend, CommentsConfig::default()).await;
    let slug = s.slug.clone();
    let post_page = format!("/posts/{slug}");
    assert_eq!(home_count(&s.app).await, "0 comments");

    // Open: visible at once.
    let open = comment(&mut s.alice, &slug, "Open comment.", None).await;
    assert!(!open.headers["location"].contains("pending"));
    assert_eq!(home_count(&s.app).await, "1 comment");

    // First-time: Bob's first comment waits; Alice, already shown, does not.
    set_moderation(&mut s, "first-time").await;
    let waiting = comment(&mut s.bob, &slug, "Bob waits.", None).await;
    let waiting_id = comment_id(&waiting);
    assert_eq!(
        waiting.headers["location"],
        format!("/posts/{slug}?comment=pending#comment-{waiting_id}")
    );
    let own = s.bob.get(&format!("/posts/{slug}?comment=pending")).await;
    assert!(own.body.contains("Bob waits.") && own.body.contains("Awaiting approval"));
    assert!(own.body.contains("once a moderator approves it"));
    assert!(
        !own.body.contains("value=\"approve\""),
        "no moderation for Bob"
    );
    assert!(!anonymous_page(&s.app, &slug).await.contains("Bob waits."));
    assert!(!s.alice.get(&post_page).await.body.contains("Bob waits."));
    let (_, _, noticed) = s.app.get(&format!("/posts/{slug}?comment=pending")).await;
    assert!(
        !noticed.contains("moderator approves"),
        "no notice for anonymous readers"
    );
    let trusted = comment(&mut s.alice, &slug, "Alice is trusted.", None).await;
    assert!(!trusted.headers["location"].contains("pending"));
    assert_eq!(home_count(&s.app).await, "2 comments");

    // The post's author and the admin see it, marked, with the buttons.
    for moderator in [&mut s.writer, &mut s.admin] {
        let page = moderator.get(&post_page).await;
        assert!(page.body.contains("Bob waits.") && page.body.contains("Awaiting approval"));
        assert!(page.body.contains(r#"value="approve""#));
        let queue = moderator.get("/moderation").await;
        assert_eq!(queue.status, 200);
        assert!(queue.body.contains("Bob waits."));
        assert!(queue.body.contains("Waiting for approval (1)"));
    }
    assert!(
        s.writer
            .get("/")
            .await
            .body
            .contains(r#"href="/moderation""#)
    );
    // Readers have no queue and no buttons that work.
    assert_eq!(s.alice.get("/moderation").await.status, 403);
    assert!(
        !s.alice
            .get("/")
            .await
            .body
            .contains(r#"href="/moderation""#)
    );
    let refused = moderate(&mut s.alice, &post_page, waiting_id, "approve", "post").await;
    assert_eq!(
        refused.status, 404,
        "a pending comment does not exist for Alice"
    );
    let open_id = comment_id(&open);
    let refused = moderate(&mut s.bob, &post_page, open_id, "hide", "post").await;
    assert_eq!(refused.status, 403);
    let nonsense = moderate(&mut s.writer, &post_page, open_id, "promote", "post").await;
    assert_eq!(nonsense.status, 400);

    // Approve from the queue: everyone sees it, and Bob is trusted from now on.
    let approved = moderate(
        &mut s.writer,
        "/moderation",
        waiting_id,
        "approve",
        "moderation",
    )
    .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    assert_eq!(approved.headers["location"], "/moderation");
    assert!(anonymous_page(&s.app, &slug).await.contains("Bob waits."));
    assert_eq!(home_count(&s.app).await, "3 comments");
    let again = comment(&mut s.bob, &slug, "Bob is trusted now.", None).await;
    assert!(!again.headers["location"].contains("pending"));
    assert_eq!(home_count(&s.app).await, "4 comments");

    // Hide from the post page: readers lose it, moderators find it under "Hidden".
    let hidden = moderate(&mut s.admin, &post_page, open_id, "hide", "post").await;
    assert_eq!(hidden.status, 303);
    assert_eq!(
        hidden.headers["location"],
        format!("/posts/{slug}#comment-{open_id}")
    );
    assert!(
        !anonymous_page(&s.app, &slug)
            .await
            .contains("Open comment.")
    );
    assert!(!s.bob.get(&post_page).await.body.contains("Open comment."));
    assert!(
        !s.alice.get(&post_page).await.body.contains("Open comment."),
        "hidden from its author too"
    );
    assert_eq!(home_count(&s.app).await, "3 comments");
    let page = s.writer.get(&post_page).await;
    assert!(page.body.contains("Open comment.") && page.body.contains(">Hidden<"));
    let queue = s.writer.get("/moderation").await;
    assert!(queue.body.contains("Hidden (1)") && queue.body.contains(r#"value="unhide""#));
    let unhidden = moderate(
        &mut s.writer,
        "/moderation",
        open_id,
        "unhide",
        "moderation",
    )
    .await;
    assert_eq!(unhidden.status, 303);
    assert!(
        anonymous_page(&s.app, &slug)
            .await
            .contains("Open comment.")
    );
    assert_eq!(home_count(&s.app).await, "4 comments");

    // All: even trusted readers wait; the post's author does not.
    set_moderation(&mut s, "all").await;
    let held = comment(&mut s.alice, &slug, "Alice waits too.", None).await;
    assert!(held.headers["location"].contains("?comment=pending"));
    assert!(
        !anonymous_page(&s.app, &slug)
            .await
            .contains("Alice waits too.")
    );
    let author = comment(&mut s.writer, &slug, "The author answers.", None).await;
    assert!(!author.headers["location"].contains("pending"));
    assert_eq!(home_count(&s.app).await, "5 comments");

    // A moderator deletes: gone for everyone, and the count follows.
    let deleted = moderate(&mut s.admin, &post_page, open_id, "delete", "post").await;
    assert_eq!(deleted.status, 303);
    assert!(
        !s.writer
            .get(&post_page)
            .await
            .body
            .contains("Open comment.")
    );
    assert_eq!(home_count(&s.app).await, "4 comments");
    let held_id = comment_id(&held);
    let deleted = moderate(
        &mut s.writer,
        "/moderation",
        held_id,
        "delete",
        "moderation",
    )
    .await;
    assert_eq!(deleted.status, 303);
    assert!(
        s.writer
            .get("/moderation")
            .await
            .body
            .contains("Waiting for approval (0)")
    );
    s.app.stop().await;
}

async fn deleting_the_post_removes_its_comments(backend: Backend) {
    let mut s = scene(backend, CommentsConfig::default()).await;
    let slug = s.slug.clone();
    let post_id = match s.app.posts().post_by_slug(&slug, None).await.unwrap() {
        SlugLookup::Found(post) => post.id,
        SlugLookup::Moved { .. } => panic!("the post moved"),
    };
    comment(&mut s.alice, &slug, "Visible.", None).await;
    set_moderation(&mut s, "all").await;
    comment(&mut s.bob, &slug, "Waiting in the queue.", None).await;
    assert!(
        s.writer
            .get("/moderation")
            .await
            .body
            .contains("Waiting in the queue.")
    );
    let comments = s.app.comments();
    assert_eq!(comments.counts(vec![post_id]).await.unwrap()[&post_id], 1);

    let deleted = post_form(
        &mut s.writer,
        &format!("/posts/{slug}/delete"),
        &format!("/posts/{slug}/delete"),
        &[],
    )
    .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(s.app.get(&format!("/posts/{slug}")).await.0, 404);
    assert_eq!(
        s.app.get(&format!("/posts/{slug}/comments.atom")).await.0,
        404
    );
    // The relay delivers the post's deletion to the comments module on its own time: look
    // a bounded number of times.
    let mut removed = false;
    for _ in 0..100 {
        let left = comments.counts(vec![post_id]).await.unwrap()[&post_id];
        let queue = s.writer.get("/moderation").await;
        if left == 0 && !queue.body.contains("Waiting in the queue.") {
            removed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        removed,
        "the deleted post's comments are still there after 5 s"
    );
    s.app.stop().await;
}

async fn the_comment_feed_is_valid_atom(backend: Backend) {
    let mut s = scene(backend, CommentsConfig::default()).await;
    let slug = s.slug.clone();
    let empty = s.app.get(&format!("/posts/{slug}/comments.atom")).await;
    assert_eq!(empty.0, 200);
    for n in 1..=3 {
        s.app.clock.advance(TimeDelta::minutes(1));
        comment(&mut s.alice, &slug, &format!("Comment <{n}> & more"), None).await;
    }
    set_moderation(&mut s, "all").await;
    comment(&mut s.bob, &slug, "Pending, not in the feed.", None).await;
    let (status, headers, body) = s.app.get(&format!("/posts/{slug}/comments.atom")).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    assert!(!body.contains("Pending, not in the feed."));
    let newest = body
        .find("Comment &amp;lt;3&amp;gt;")
        .expect("escaped content");
    let oldest = body
        .find("Comment &amp;lt;1&amp;gt;")
        .expect("escaped content");
    assert!(newest < oldest, "newest first");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let script = r##"
import sys, feedparser
feed = feedparser.parse(sys.argv[1])
problems = []
if feed.bozo:
    problems.append("not well-formed: %r" % feed.bozo_exception)
if feed.version != "atom10":
    problems.append("version %r" % feed.version)
if len(feed.entries) != 3:
    problems.append("%d entries, expected 3" % len(feed.entries))
for entry in feed.entries:
    if not entry.get("link", "").startswith("http") or "#comment-" not in entry.get("link", ""):
        problems.append("bad link %r" % entry.get("link"))
    if entry.get("author") != "alice":
        problems.append("author %r" % entry.get("author"))
    if not entry.get("published_parsed") or not entry.get("content"):
        problems.append("no date or content in %r" % entry.get("title"))
print("\n".join(problems))
sys.exit(1 if problems else 0)
"##;
    let parsed = Command::new("python3")
        .args(["-c", script])
        .arg(file.path())
        .output()
        .expect("python3 runs (pip install feedparser; .ci/run does)");
    assert!(
        parsed.status.success(),
        "the comment feed is not valid Atom:\n{}{}",
        String::from_utf8_lossy(&parsed.stdout),
        String::from_utf8_lossy(&parsed.stderr)
    );
    assert_eq!(s.app.get("/posts/no-such-post/comments.atom").await.0, 404);
    s.app.stop().await;
}

/// The HTML of every comment body on a page.
fn comment_bodies(page: &str) -> Vec<&str> {
    let marker = r#"<div class="comment__body">"#;
    page.match_indices(marker)
        .map(|(at, _)| {
            let start = at + marker.len();
            let end = page[start..]
                .find("</div>\n")
                .map_or(page.len(), |e| start + e);
            &page[start..end]
        })
        .collect()
}

/// Every tag in `html` as (lower-case name, the whole tag text).
fn tags(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let after = &rest[at + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = &after[..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        if !name.is_empty() {
            found.push((name, tag.to_lowercase()));
        }
        rest = &after[end.min(after.len())..];
    }
    found
}

async fn hostile_comments_never_become_markup(backend: Backend) {
    let generous = CommentsConfig {
        per_account: RateLimit {
            max: 100,
            window: TimeDelta::minutes(10),
        },
        per_client: RateLimit {
            max: 100,
            window: TimeDelta::minutes(10),
        },
        ..CommentsConfig::default()
    };
    let mut s = scene(backend, generous).await;
    let slug = s.slug.clone();
    let payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[y](JaVaScRiPt:alert(1))",
        "[z](  javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<scr<script>ipt>alert(1)</script>",
        "\"><script>alert(1)</script>",
        "[w](java\u{0}script:alert(1))",
        "＜script＞alert(1)＜/script＞",
        "<style>body{display:none}</style>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<object data=\"javascript:alert(1)\"></object><embed src=x>",
        "<form action=\"https://evil.example\"><button>go</button></form>",
        "<div style=\"background:url(javascript:alert(1))\" onclick=alert(1)>styled</div>",
        "![img](javascript:alert(1))",
        "<details open ontoggle=alert(1)>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">data</a>",
        "`<script>alert(1)</script>` and <b onmouseover=alert(1)>bold</b>",
    ];
    for (n, payload) in payloads.iter().enumerate() {
        let body = format!("Payload {n}: {payload}");
        let made = comment(&mut s.alice, &slug, &body, None).await;
        assert!(
            made.status == 303 || made.status == 422,
            "{payload}: {} {}",
            made.status,
            made.body
        );
    }
    for page in [
        anonymous_page(&s.app, &slug).await,
        s.alice.get(&format!("/posts/{slug}")).await.body,
        s.writer.get(&format!("/posts/{slug}")).await.body,
    ] {
        let bodies = comment_bodies(&page);
        assert!(
            bodies.len() >= payloads.len() - 2,
            "{} bodies",
            bodies.len()
        );
        for body in bodies {
            for (name, tag) in tags(body) {
                assert!(
                    !matches!(
                        name.as_str(),
                        "script"
                            | "iframe"
                            | "svg"
                            | "style"
                            | "math"
                            | "object"
                            | "embed"
                            | "form"
                            | "button"
                            | "input"
                            | "details"
                            | "link"
                            | "meta"
                            | "base"
                            | "frame"
                            | "frameset"
                    ),
                    "<{name}> survived in: {body}"
                );
                let words: Vec<&str> = tag.split(|c: char| c.is_whitespace() || c == '/').collect();
                assert!(
                    !words.iter().any(|w| w.starts_with("on") && w.contains('=')),
                    "an event handler survived in <{tag}>"
                );
                assert!(!tag.contains("style="), "inline style survived in <{tag}>");
                for attribute in ["href=\"", "src=\"", "xlink:href=\"", "data=\"", "action=\""] {
                    if let Some(at) = tag.find(attribute) {
                        let value: String = tag[at + attribute.len()..]
                            .chars()
                            .take_while(|c| *c != '"')
                            .filter(|c| !c.is_whitespace() && !c.is_control())
                            .collect();
                        let value = value.replace("&#x09;", "").replace("&#9;", "");
                        assert!(
                            !value.starts_with("javascript:")
                                && !value.starts_with("data:")
                                && !value.starts_with("vbscript:"),
                            "a script URL survived in <{tag}>"
                        );
                    }
                }
            }
        }
        // The page's only script is the post's JSON-LD.
        assert_eq!(page.matches("<script").count(), 1, "{page}");
    }
    s.app.stop().await;
}

async fn signed_out_and_draft_pages_show_no_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("theadmin", PASSWORD).await;
    let saved = admin
        .submit(
            "/write",
            "/write",
            &[("title", "Not yet"), ("body", "Draft."), ("action", "save")],
        )
        .await;
    assert_eq!(saved.status, 303);
    // The draft's own page: the author sees it without a comment form or a feed.
    let draft = admin.get("/posts/not-yet").await;
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains(r#"<section id="comments""#));
    assert!(!draft.body.contains(r#"name="idempotency_key""#));
    assert!(!draft.body.contains("comments.atom"));
    let token = draft.csrf_token();
    let refused = admin
        .post(
            "/posts/not-yet/comments",
            &[("csrf_token", &token), ("body", "Too early.")],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("not open for comments"));
    assert_eq!(app.get("/posts/not-yet/comments.atom").await.0, 404);
    app.stop().await;
}

on_both_backends!(
    readers_comment_reply_edit_and_delete,
    refused_comments_come_back_with_the_text,
    rate_limits_answer_429_with_retry_after,
    moderation_in_each_mode,
    deleting_the_post_removes_its_comments,
    the_comment_feed_is_valid_atom,
    hostile_comments_never_become_markup,
    signed_out_and_draft_pages_show_no_forms,
);
