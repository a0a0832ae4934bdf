//! Every form against malformed and hostile values: empty, huge, unicode, control
//! characters, HTML, SQL-looking and bidi text. None may answer 5xx; a refusal is a 4xx page
//! that says what to fix (never an empty or generic body), and a page that echoes a value
//! back escapes it.

use kernel::Backend;

use crate::browser::{Browser, Page};
use crate::helpers::spawn_app;
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery";

/// The hostile values.
fn values() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("spaces", "   ".to_owned()),
        ("huge", "x".repeat(300_000)),
        ("unicode", "Ünïcödé 中文 😀 مرحبا".to_owned()),
        ("control", "a\u{0}b\u{7}c\u{1b}[31md".to_owned()),
        (
            "html",
            "<script>alert(1)</script><img src=x onerror=alert(2)>".to_owned(),
        ),
        ("sql", "' OR 1=1; DROP TABLE users; --".to_owned()),
        ("bidi", "\u{202e}gnp.exe".to_owned()),
        ("newlines", "line one\r\nline two".to_owned()),
    ]
}

/// A form: the page that shows it, where it posts, and its fields with ordinary values.
struct Form {
    page: &'static str,
    action: &'static str,
    fields: Vec<(&'static str, &'static str)>,
}

fn forms() -> Vec<Form> {
    vec![
        Form {
            page: "/signup",
            action: "/signup",
            fields: vec![
                ("username", "newperson"),
                ("email", "new@example.org"),
                ("password", PASSWORD),
            ],
        },
        Form {
            page: "/login",
            action: "/login",
            fields: vec![("login", "hostile"), ("password", PASSWORD), ("next", "/")],
        },
        Form {
            page: "/settings",
            action: "/settings/profile",
            fields: vec![
                ("display_name", "Name"),
                ("bio_markdown", "Bio"),
                ("avatar_url", ""),
                ("website_url", ""),
            ],
        },
        Form {
            page: "/settings",
            action: "/settings/email",
            fields: vec![("email", "other@example.org"), ("password", PASSWORD)],
        },
        Form {
            page: "/settings",
            action: "/settings/password",
            fields: vec![("current_password", PASSWORD), ("new_password", PASSWORD)],
        },
        Form {
            page: "/write",
            action: "/write",
            fields: vec![
                ("title", "A title"),
                ("description", ""),
                ("tags", "rust"),
                ("cover_image_url", ""),
                ("body", "Body"),
                ("publish_at", "2027-01-01T09:00"),
                ("action", "save"),
            ],
        },
        Form {
            page: "/posts/hostile-post",
            action: "/posts/hostile-post/comments",
            fields: vec![
                ("body", "A comment"),
                ("parent_id", ""),
                ("idempotency_key", "key"),
                ("website", ""),
            ],
        },
        Form {
            page: "/admin/settings",
            action: "/admin/settings",
            fields: vec![
                ("title", "Site"),
                ("description", ""),
                ("base_url", "https://blog.example.org"),
                ("default_role", "reader"),
                ("moderation", "open"),
            ],
        },
    ]
}

fn check(page: &Page, form: &str, field: &str, kind: &str) {
    let what = format!("{form} {field}={kind}");
    assert!(
        page.status < 500,
        "{what}: {} {}",
        page.status,
        &page.body[..page.body.len().min(500)]
    );
    if page.status >= 400 {
        let explained = page.body.contains(r#"role="alert""#) || page.body.contains("error-page");
        assert!(explained, "{what}: a {} without a message", page.status);
    }
    assert!(
        !page.body.contains("<script>alert(1)"),
        "{what}: HTML echoed unescaped"
    );
    assert!(
        !page.body.contains("<img src=x onerror"),
        "{what}: HTML echoed unescaped"
    );
}

async fn post_with(browser: &mut Browser, form: &Form, field: &str, value: &str) -> Page {
    let shown = browser.get(form.page).await;
    assert_eq!(shown.status, 200, "{}", form.page);
    let token = shown.csrf_token();
    let mut fields: Vec<(&str, &str)> = vec![("csrf_token", &token)];
    for (name, default) in &form.fields {
        fields.push((name, if *name == field { value } else { default }));
    }
    browser.post(form.action, &fields).await
}

async fn no_form_answers_5xx_to_hostile_values(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut admin = Browser::new(&app.address);
    admin.sign_up("hostile", PASSWORD).await;
    // The post the comment form is under.
    let published = admin
        .submit(
            "/write",
            "/write",
            &[
                ("title", "Hostile post"),
                ("body", "Words."),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(published.headers["location"], "/posts/hostile-post");
    let values = values();
    // The sign-in form goes last: its failures reach the per-address sign-in limit, which
    // would then (rightly) refuse the sign-ins the other forms need.
    let mut all = forms();
    all.sort_by_key(|form| form.action == "/login");
    for form in all {
        for (field, _) in &form.fields {
            for (kind, value) in &values {
                let anonymous = form.page == "/signup" || form.page == "/login";
                let answer = if anonymous {
                    post_with(&mut Browser::new(&app.address), &form, field, value).await
                } else {
                    post_with(&mut admin, &form, field, value).await
                };
                check(&answer, form.action, field, kind);
                // A hostile value that is still a valid new password was accepted: put the
                // old one back so the next rounds can confirm with it.
                if form.action == "/settings/password" && answer.status == 303 {
                    let restore = Form {
                        page: "/settings",
                        action: "/settings/password",
                        fields: vec![("current_password", ""), ("new_password", PASSWORD)],
                    };
                    let back = post_with(&mut admin, &restore, "current_password", value).await;
                    assert_eq!(back.status, 303, "restore the password after {kind}");
                }
            }
        }
    }
    // A form far past the size limit.
    let mut browser = Browser::new(&app.address);
    let page = browser.get("/signup").await;
    let token = page.csrf_token();
    let huge = "y".repeat(600 * 1024);
    let too_large = browser
        .post("/signup", &[("csrf_token", &token), ("username", &huge)])
        .await;
    assert_eq!(too_large.status, 413);
    assert!(too_large.body.contains("too large"));
    app.stop().await;
}

on_both_backends!(no_form_answers_5xx_to_hostile_values);
