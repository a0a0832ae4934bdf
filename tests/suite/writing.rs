//! Writing through the real server: editor, preview, drafts, publishing, scheduling,
//! revisions, deletion, dashboard — as a signed-in author in a browser would.

use kernel::Backend;

use crate::browser::Browser;
use crate::helpers::spawn_app;
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery";

async fn an_author_writes_previews_saves_and_publishes(backend: Backend) {
    let app = spawn_app(backend).await;
    // The first account on a fresh instance is the admin, who may write.
    let mut author = Browser::new(&app.address);
    author.sign_up("writer", PASSWORD).await;

    // Preview renders through the pipeline without saving anything.
    let preview = author
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Draft title"),
                ("body", "Some **bold** <script>x</script>"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("<strong>bold</strong>"));
    assert!(!preview.body.contains("<script>x"));
    assert!(
        preview.body.contains("Some **bold**"),
        "the textarea keeps the Markdown"
    );

    // Save a draft: nobody else sees it, its author does.
    let saved = author
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Draft title"),
                ("tags", "Rust, Notes"),
                ("body", "First words."),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.headers["location"], "/posts/draft-title/edit?saved=1");
    let anonymous = Browser::new(&app.address).get("/posts/draft-title").await;
    assert_eq!(anonymous.status, 404);
    let own = author.get("/posts/draft-title").await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("only you can see it"));
    let dashboard = author.get("/dashboard").await;
    assert!(dashboard.body.contains("Drafts (1)") && dashboard.body.contains("Draft title"));

    // Edit, then publish: it reaches the home page.
    let published = author
        .submit(
            "/posts/draft-title/edit",
            "/posts/draft-title/edit",
            &[
                ("title", "Final title"),
                ("tags", "rust"),
                ("slug", ""),
                ("body", "Better words."),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    assert_eq!(published.headers["location"], "/posts/final-title");
    let home = Browser::new(&app.address).get("/").await;
    assert!(home.body.contains("Final title"));

    // Revisions: three saves of the text, the first restorable.
    let revisions = author.get("/posts/final-title/revisions").await;
    assert_eq!(revisions.status, 200);
    assert!(revisions.body.contains("Restore this version"));
    let restore_action = revisions
        .body
        .split(r#"action=""#)
        .find(|part| part.contains("/restore"))
        .and_then(|part| part.split('"').next())
        .unwrap()
        .to_owned();
    let token = revisions.csrf_token();
    let restored = author
        .post(&restore_action, &[("csrf_token", &token)])
        .await;
    assert_eq!(restored.status, 303, "{}", restored.body);

    // Unpublish, then delete with confirmation.
    let unpublished = author
        .submit(
            "/posts/final-title/edit",
            "/posts/final-title/edit",
            &[
                ("title", "Final title"),
                ("body", "x"),
                ("action", "unpublish"),
            ],
        )
        .await;
    assert_eq!(unpublished.status, 303);
    assert_eq!(
        Browser::new(&app.address)
            .get("/posts/final-title")
            .await
            .status,
        404
    );
    let confirm = author.get("/posts/final-title/delete").await;
    assert!(confirm.body.contains("cannot be undone"));
    let deleted = author
        .post(
            "/posts/final-title/delete",
            &[("csrf_token", &confirm.csrf_token())],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(author.get("/posts/final-title").await.status, 404);
    app.stop().await;
}

async fn scheduling_from_the_editor(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut author = Browser::new(&app.address);
    author.sign_up("planner", PASSWORD).await;
    let bad = author
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Later"),
                ("body", "Soon."),
                ("publish_at", "tomorrow"),
                ("action", "schedule"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Give the date and time"));
    assert!(
        bad.body.contains(r#"value="Later""#),
        "what was typed is kept"
    );
    assert!(
        !author.get("/dashboard").await.body.contains("Later"),
        "nothing half-made"
    );

    let scheduled = author
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Later"),
                ("body", "Soon."),
                ("publish_at", "2026-11-02T09:00"),
                ("action", "schedule"),
            ],
        )
        .await;
    assert_eq!(scheduled.status, 303, "{}", scheduled.body);
    assert!(
        author
            .get("/dashboard")
            .await
            .body
            .contains("Scheduled (1)")
    );
    app.stop().await;
}

async fn writing_needs_an_author(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = Browser::new(&app.address).get("/write").await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.headers["location"], "/login?next=%2Fwrite");

    let mut admin = Browser::new(&app.address);
    admin.sign_up("siteowner", PASSWORD).await;
    let mut reader = Browser::new(&app.address);
    reader.sign_up("rita", PASSWORD).await;
    let refused = reader.get("/write").await;
    assert_eq!(refused.status, 403, "readers do not write");
    assert!(refused.body.contains("author role"));

    // Another author's post cannot be edited.
    admin
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Owner post"),
                ("body", "x"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(reader.get("/posts/owner-post/edit").await.status, 403);
    let page = reader.get("/").await;
    let stolen = reader
        .post(
            "/posts/owner-post/edit",
            &[
                ("csrf_token", &page.csrf_token()),
                ("title", "Stolen"),
                ("body", "y"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(stolen.status, 403);
    assert!(
        Browser::new(&app.address)
            .get("/posts/owner-post")
            .await
            .body
            .contains("Owner post")
    );

    // The live preview endpoint is for writers only.
    assert_eq!(
        Browser::new(&app.address)
            .post("/api/preview", &[])
            .await
            .status,
        401
    );
    app.stop().await;
}

on_both_backends!(
    an_author_writes_previews_saves_and_publishes,
    scheduling_from_the_editor,
    writing_needs_an_author,
);
