//! `/authors/{username}`: an author's profile and their published posts, paginated.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use posts_api::{PageRequest, PostFilter};

use profiles_api::{Byline, Viewer};

use super::AppState;
use super::auth::MaybeSignedIn;
use super::chrome::Chrome;
use super::errors::{PageError, page_number};
use super::home::PER_PAGE;
use super::page_cache::{Dep, cacheable};
use super::view::{AuthorView, PageLinks, PostItem, path_segment};

/// `GET /authors/{username}`.
pub(crate) async fn first_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    signed_in: MaybeSignedIn,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let viewer = signed_in.0.as_ref().map(|s| &s.viewer);
    render(&state, &chrome, viewer, &username, 1).await
}

/// `GET /authors/{username}/page/{number}`.
pub(crate) async fn numbered_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    signed_in: MaybeSignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let viewer = signed_in.0.as_ref().map(|s| &s.viewer);
    let (username, number) = path.into_inner();
    match page_number(&number)? {
        1 => Ok(HttpResponse::MovedPermanently()
            .insert_header((
                header::LOCATION,
                format!("/authors/{}", path_segment(&username)),
            ))
            .finish()),
        number => render(&state, &chrome, viewer, &username, number).await,
    }
}

async fn render(
    state: &AppState,
    chrome: &Chrome,
    viewer: Option<&Viewer>,
    username: &str,
    number: u32,
) -> Result<HttpResponse, PageError> {
    let profile = state
        .profiles
        .by_username(username)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?
        .ok_or(PageError::NotFound)?;
    let page = state
        .posts
        .published_page(
            PostFilter {
                author_id: Some(profile.id),
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
    // The follow button: absent on one's own page and for anonymous readers.
    let follow = match viewer {
        Some(viewer) if viewer.id != profile.id => {
            let followed = state
                .profiles
                .is_following(viewer.id, vec![profile.id])
                .await
                .map_err(|e| PageError::Unavailable(e.to_string()))?;
            Some(if followed.contains(&profile.id) {
                "unfollow"
            } else {
                "follow"
            })
        }
        _ => None,
    };
    let (profile_id, followers) = (profile.id, profile.followers);
    let author = AuthorView::new(Byline::from(profile));
    let links = PageLinks::new(
        &format!("/authors/{}/", path_segment(&author.username)),
        &page,
        number,
    );
    let total = page.total;
    let mut deps = vec![Dep::AuthorPosts(profile_id), Dep::Profile(profile_id)];
    // Each post too: its comment count shows.
    deps.extend(page.posts.iter().map(|p| Dep::Post(p.id)));
    let posts = PostItem::list(state, page).await?;
    let html = state.pages.render(chrome, "author.html", |context| {
        context.insert("author", &author);
        context.insert("followers", &followers);
        context.insert("follow", &follow);
        context.insert("total", &total);
        context.insert("posts", &posts);
        context.insert("page", &links);
    })?;
    Ok(cacheable(chrome.html(html), deps))
}
