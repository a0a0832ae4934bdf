//! The home page: newest published posts, paginated under stable URLs (`/`, `/page/2`, …).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use posts_api::{PageRequest, PostFilter};

use super::AppState;
use super::chrome::Chrome;
use super::errors::{PageError, page_number};
use super::page_cache::{Dep, cacheable};
use super::view::{PageLinks, PostItem};

/// Posts per list page.
pub(crate) const PER_PAGE: u32 = 10;

/// `GET /`.
pub(crate) async fn first_page(
    state: web::Data<AppState>,
    chrome: Chrome,
) -> Result<HttpResponse, PageError> {
    render(&state, &chrome, 1).await
}

/// `GET /page/{number}`: `/page/1` redirects to `/`; a number that is not a page is a 404.
pub(crate) async fn numbered_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    number: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    match page_number(&number)? {
        1 => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, "/"))
            .finish()),
        number => render(&state, &chrome, number).await,
    }
}

async fn render(state: &AppState, chrome: &Chrome, number: u32) -> Result<HttpResponse, PageError> {
    let page = state
        .posts
        .published_page(
            PostFilter::default(),
            PageRequest {
                page: number,
                per_page: PER_PAGE,
            },
        )
        .await?;
    if number > 1 && page.posts.is_empty() {
        return Err(PageError::NotFound);
    }
    let links = PageLinks::new("/", &page, number);
    let mut deps = vec![Dep::Listing];
    // Each post's author, and the post itself (its comment count shows).
    deps.extend(page.posts.iter().map(|p| Dep::Profile(p.author_id)));
    deps.extend(page.posts.iter().map(|p| Dep::Post(p.id)));
    let posts = PostItem::list(state, page).await?;
    let html = state.pages.render(chrome, "home.html", |context| {
        context.insert("posts", &posts);
        context.insert("page", &links);
    })?;
    Ok(cacheable(chrome.html(html), deps))
}
