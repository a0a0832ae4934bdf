//! Following authors: the follow button on author pages and `/following`, the personal feed
//! of followed authors' posts — composed here from the profiles port (who is followed) and
//! the posts port (their posts), since neither module knows the other.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use posts_api::{PageRequest, PostFilter};
use serde::Deserialize;

use super::AppState;
use super::auth::{NoFields, SignedIn, VerifiedForm};
use super::chrome::Chrome;
use super::errors::{PageError, page_number};
use super::home::PER_PAGE;
use super::view::{PageLinks, PostItem, path_segment};

fn back_to(username: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/authors/{}", path_segment(username)),
        ))
        .finish()
}

fn refused(error: profiles_api::ProfilesError) -> PageError {
    match error {
        profiles_api::ProfilesError::NotFound => PageError::NotFound,
        profiles_api::ProfilesError::Invalid { .. } => {
            PageError::Forbidden("You cannot follow yourself.")
        }
        other => PageError::Unavailable(other.to_string()),
    }
}

/// `POST /authors/{username}/follow`.
pub(crate) async fn follow(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    username: web::Path<String>,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    let profile = state
        .profiles
        .follow(&session.viewer, &username)
        .await
        .map_err(refused)?;
    Ok(back_to(&profile.username))
}

/// `POST /authors/{username}/unfollow`.
pub(crate) async fn unfollow(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    username: web::Path<String>,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    let profile = state
        .profiles
        .unfollow(&session.viewer, &username)
        .await
        .map_err(refused)?;
    Ok(back_to(&profile.username))
}

#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

/// `GET /following`: newest posts of the authors the viewer follows.
pub(crate) async fn feed(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let number = match query.page.as_deref() {
        Some(text) => page_number(text)?,
        None => 1,
    };
    let followed = state
        .profiles
        .followed_ids(session.viewer.id)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?;
    let following = followed.len();
    let page = state
        .posts
        .published_page(
            PostFilter {
                author_ids: Some(followed),
                ..PostFilter::default()
            },
            PageRequest {
                page: number,
                per_page: PER_PAGE,
            },
        )
        .await?;
    if number > 1 && page.posts.is_empty() {
        return Err(PageError::NotFound);
    }
    let mut links = PageLinks::new("/following", &page, number);
    links.use_query_pages();
    let posts = PostItem::list(&state, page).await?;
    let html = state.pages.render(&chrome, "following.html", |context| {
        context.insert("posts", &posts);
        context.insert("page", &links);
        context.insert("following", &following);
    })?;
    Ok(chrome.html(html))
}
