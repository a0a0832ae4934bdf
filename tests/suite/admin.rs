//! The admin area through the real server.

use kernel::Backend;

use crate::browser::Browser;
use crate::helpers::spawn_app;
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery";

/// Every admin route, with the method it answers.
fn admin_routes(id: i64) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/admin".to_owned()),
        ("GET", "/admin/users".to_owned()),
        ("GET", "/admin/users?q=a&page=1".to_owned()),
        ("GET", "/admin/settings".to_owned()),
        ("POST", "/admin/settings".to_owned()),
        ("POST", format!("/admin/users/{id}/role")),
        ("POST", format!("/admin/users/{id}/suspend")),
        ("POST", format!("/admin/users/{id}/unsuspend")),
        ("GET", format!("/admin/users/{id}/delete")),
        ("POST", format!("/admin/users/{id}/delete")),
    ]
}

async fn only_admins_reach_the_admin_area(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("theadmin", PASSWORD).await;
    let mut editor = Browser::new(&app.address);
    editor.sign_up("anneditor", PASSWORD).await;
    let editor_id = app.profiles_by_username("anneditor").await;
    // Even an editor is not an admin.
    let page = admin.get("/admin/users").await;
    let set = admin
        .post(
            &format!("/admin/users/{editor_id}/role"),
            &[("csrf_token", &page.csrf_token()), ("role", "editor")],
        )
        .await;
    assert_eq!(set.status, 303);

    let token = editor.get("/").await.csrf_token();
    for (method, path) in admin_routes(editor_id) {
        let page = if method == "GET" {
            editor.get(&path).await
        } else {
            editor
                .post(&path, &[("csrf_token", &token), ("role", "admin")])
                .await
        };
        assert_eq!(page.status, 403, "{method} {path} for an editor");
        let anonymous = if method == "GET" {
            Browser::new(&app.address).get(&path).await
        } else {
            Browser::new(&app.address)
                .post(&path, &[("role", "admin")])
                .await
        };
        assert!(
            anonymous.status == 303 || anonymous.status == 403,
            "{method} {path} anonymous: {}",
            anonymous.status
        );
    }
    assert!(!editor.get("/").await.body.contains(r#"href="/admin""#));
    assert!(admin.get("/").await.body.contains(r#"href="/admin""#));
    app.stop().await;
}

async fn admins_change_roles_suspend_and_delete(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("theadmin", PASSWORD).await;
    let mut member = Browser::new(&app.address);
    member.sign_up("member", PASSWORD).await;
    let id = app.profiles_by_username("member").await;

    let list = admin.get("/admin/users?q=memb").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("member@example.org"));
    assert!(
        !list.body.contains("theadmin@example.org"),
        "search filters"
    );

    // Promote to author: now they can write.
    assert_eq!(member.get("/write").await.status, 403);
    let token = list.csrf_token();
    admin
        .post(
            &format!("/admin/users/{id}/role"),
            &[("csrf_token", &token), ("role", "author")],
        )
        .await;
    assert_eq!(member.get("/write").await.status, 200);
    let bad = admin
        .post(
            &format!("/admin/users/{id}/role"),
            &[("csrf_token", &token), ("role", "emperor")],
        )
        .await;
    assert_eq!(bad.status, 403);

    // Suspend: their session ends and they cannot sign in.
    admin
        .post(
            &format!("/admin/users/{id}/suspend"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(member.get("/settings").await.status, 303, "signed out");
    let locked = Browser::new(&app.address)
        .submit(
            "/login",
            "/login",
            &[("login", "member"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(locked.status, 401);
    admin
        .post(
            &format!("/admin/users/{id}/unsuspend"),
            &[("csrf_token", &token)],
        )
        .await;
    let back = Browser::new(&app.address)
        .submit(
            "/login",
            "/login",
            &[("login", "member"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(back.status, 303);

    // The last admin cannot demote themselves.
    let admin_id = app.profiles_by_username("theadmin").await;
    let demote = admin
        .post(
            &format!("/admin/users/{admin_id}/role"),
            &[("csrf_token", &token), ("role", "reader")],
        )
        .await;
    assert_eq!(demote.status, 403);

    // Delete, after a page that says what happens to their posts.
    let confirm = admin.get(&format!("/admin/users/{id}/delete")).await;
    assert!(confirm.body.contains("Their posts are not deleted"));
    let deleted = admin
        .post(
            &format!("/admin/users/{id}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(
        Browser::new(&app.address)
            .get("/authors/member")
            .await
            .status,
        404
    );
    app.stop().await;
}

/// The settings form's fields.
fn settings_form(title: &str, url: &str, open: bool, role: &str) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("title", title.to_owned()),
        ("description", "Notes & essays".to_owned()),
        ("base_url", url.to_owned()),
        ("default_role", role.to_owned()),
        ("moderation", "first-time".to_owned()),
    ];
    if open {
        fields.push(("open_signup", "on".to_owned()));
    }
    fields
}

async fn save_settings(
    admin: &mut Browser,
    fields: &[(&'static str, String)],
) -> crate::browser::Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    admin
        .submit("/admin/settings", "/admin/settings", &fields)
        .await
}

async fn site_settings_change_the_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("theadmin", PASSWORD).await;

    let refused = save_settings(
        &mut admin,
        &settings_form("New title", "not a url", true, "author"),
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("must start with http"));
    assert!(
        refused.body.contains(r#"value="New title""#),
        "typed values kept"
    );

    let saved = save_settings(
        &mut admin,
        &settings_form("Field Notes", &app.address, true, "author"),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let home = Browser::new(&app.address).get("/").await;
    assert!(home.body.contains("<title>Field Notes</title>"));
    assert!(
        home.body
            .contains(r#"<meta name="description" content="Notes &amp; essays">"#)
    );

    // New accounts now start as authors.
    let mut newcomer = Browser::new(&app.address);
    newcomer.sign_up("newcomer", PASSWORD).await;
    assert_eq!(newcomer.get("/write").await.status, 200);

    // Closed sign-up refuses new accounts with a clear message.
    save_settings(
        &mut admin,
        &settings_form("Field Notes", &app.address, false, "reader"),
    )
    .await;
    let refused = Browser::new(&app.address)
        .submit(
            "/signup",
            "/signup",
            &[
                ("username", "latecomer"),
                ("email", "l@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Sign-up is closed"));
    app.stop().await;
}

on_both_backends!(
    only_admins_reach_the_admin_area,
    admins_change_roles_suspend_and_delete,
    site_settings_change_the_site,
);
