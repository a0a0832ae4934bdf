//! `/dashboard`: "My posts" — drafts, scheduled and published, with links to edit them.

use actix_web::{HttpResponse, web};
use posts_api::PostStatus;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::SignedIn;
use super::chrome::Chrome;
use super::editor::actor_of;
use super::errors::PageError;
use super::view::{long_date, path_segment};

#[derive(Serialize)]
struct Row {
    title: String,
    path: String,
    status: &'static str,
    when: String,
    when_iso: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DashboardQuery {
    #[serde(default)]
    deleted: Option<String>,
}

/// `GET /dashboard`.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, PageError> {
    let posts = state.posts.posts_of(actor_of(&session)).await?;
    let mut groups: [(&str, Vec<Row>); 3] = [
        ("drafts", Vec::new()),
        ("scheduled", Vec::new()),
        ("published", Vec::new()),
    ];
    for post in posts {
        let (index, when) = match post.status {
            PostStatus::Draft => (0, post.updated_at),
            PostStatus::Scheduled => (1, post.published_at.unwrap_or(post.updated_at)),
            PostStatus::Published => (2, post.published_at.unwrap_or(post.updated_at)),
        };
        groups[index].1.push(Row {
            path: path_segment(&post.slug),
            title: post.title,
            status: post.status.as_str(),
            when: long_date(when),
            when_iso: when.to_rfc3339(),
        });
    }
    let [(_, drafts), (_, scheduled), (_, published)] = groups;
    let may_write = session.viewer.role.may_write();
    let deleted = query.deleted.is_some();
    let html = state.pages.render(&chrome, "dashboard.html", |context| {
        context.insert("drafts", &drafts);
        context.insert("scheduled", &scheduled);
        context.insert("published", &published);
        context.insert("may_write", &may_write);
        context.insert("deleted", &deleted);
    })?;
    Ok(chrome.html(html))
}
