//! Shared helpers of the search tests: events, fixtures for both adapters.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::net::TcpListener;

use chrono::{DateTime, Duration, Utc};
use posts_api::{PostDocument, PostEvent};
use profiles_api::ProfileEvent;
use search::LocalSearch;
use search_api::{AuthorName, HttpSearch, SearchEvent, SearchPort};
use tempfile::TempDir;

pub const ALICE: i64 = 1;
pub const BOB: i64 = 2;

pub fn author(id: i64) -> AuthorName {
    match id {
        ALICE => AuthorName {
            id,
            username: "alice".into(),
            display_name: "Alice Liddell".into(),
        },
        _ => AuthorName {
            id,
            username: "bob".into(),
            display_name: "Bob Builder".into(),
        },
    }
}

/// `days` before one instant fixed for the whole test run (whole seconds), so two calls
/// with the same argument always agree.
pub fn days_ago(days: i64) -> DateTime<Utc> {
    static START: std::sync::LazyLock<i64> = std::sync::LazyLock::new(|| Utc::now().timestamp());
    DateTime::from_timestamp(*START, 0).unwrap() - Duration::days(days)
}

pub fn document(
    id: i64,
    title: &str,
    body: &str,
    tags: &[&str],
    author_id: i64,
    age_days: i64,
) -> PostDocument {
    PostDocument {
        post_id: id,
        slug: format!("post-{id}"),
        title: title.into(),
        description: String::new(),
        body_text: body.into(),
        tags: tags.iter().map(|t| t.to_lowercase()).collect(),
        author_id,
        published_at: days_ago(age_days),
        updated_at: days_ago(age_days),
        former_tags: Vec::new(),
    }
}

fn event(event: &PostEvent, author_id: Option<i64>) -> SearchEvent {
    let search_event = SearchEvent::new(event.event_type(), serde_json::to_string(event).unwrap());
    match author_id {
        Some(id) => search_event.with_author(author(id)),
        None => search_event,
    }
}

pub fn published(
    id: i64,
    title: &str,
    body: &str,
    tags: &[&str],
    author_id: i64,
    age_days: i64,
) -> SearchEvent {
    event(
        &PostEvent::PostPublished(document(id, title, body, tags, author_id, age_days)),
        Some(author_id),
    )
}

pub fn updated(
    id: i64,
    title: &str,
    body: &str,
    tags: &[&str],
    author_id: i64,
    age_days: i64,
) -> SearchEvent {
    event(
        &PostEvent::PostUpdated(document(id, title, body, tags, author_id, age_days)),
        Some(author_id),
    )
}

pub fn without_author(mut event: SearchEvent) -> SearchEvent {
    event.author = None;
    event
}

pub fn unpublished(id: i64) -> SearchEvent {
    event(
        &PostEvent::PostUnpublished {
            post_id: id,
            slug: format!("post-{id}"),
            author_id: ALICE,
            tags: Vec::new(),
        },
        None,
    )
}

pub fn deleted(id: i64) -> SearchEvent {
    event(
        &PostEvent::PostDeleted {
            post_id: id,
            slug: format!("post-{id}"),
            author_id: ALICE,
            tags: Vec::new(),
        },
        None,
    )
}

pub fn renamed(id: i64, username: &str, display_name: &str) -> SearchEvent {
    let event = ProfileEvent::ProfileUpdated {
        id,
        username: username.into(),
        display_name: display_name.into(),
    };
    SearchEvent::new(event.event_type(), serde_json::to_string(&event).unwrap())
}

pub async fn feed(port: &dyn SearchPort, event: SearchEvent) {
    port.apply(event).await.unwrap();
}

pub struct Local {
    pub dir: TempDir,
    pub search: LocalSearch,
}

pub fn local() -> Local {
    let dir = tempfile::tempdir().unwrap();
    let search = LocalSearch::open_or_create(dir.path().join("search")).unwrap();
    Local { dir, search }
}

pub struct Remote {
    pub dir: TempDir,
    pub client: HttpSearch,
    pub server: actix_web::dev::ServerHandle,
}

/// A `quire-search` service over `search`, on a free port, in a thread of its own.
pub fn serve(search: LocalSearch) -> (String, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = search::http_service(search, listener).unwrap();
            sender.send(server.handle()).unwrap();
            server.await
        })
    });
    (format!("http://{address}"), receiver.recv().unwrap())
}

pub fn remote() -> Remote {
    let dir = tempfile::tempdir().unwrap();
    let search = LocalSearch::open_or_create(dir.path().join("search")).unwrap();
    let (url, server) = serve(search);
    Remote {
        dir,
        client: HttpSearch::new(&url).unwrap(),
        server,
    }
}
