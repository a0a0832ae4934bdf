//! `/tags/{tag}`: published posts with one tag, paginated.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use posts_api::{PageRequest, PostFilter, normalise_tag};

use super::AppState;
use super::chrome::Chrome;
use super::errors::{PageError, page_number};
use super::home::PER_PAGE;
use super::page_cache::{Dep, cacheable};
use super::view::{PageLinks, PostItem, TagLink, path_segment};

/// `GET /tags/{tag}`.
pub(crate) async fn first_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    tag: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    render(&state, &chrome, &tag, 1).await
}

/// `GET /tags/{tag}/page/{number}`.
pub(crate) async fn numbered_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (tag, number) = path.into_inner();
    match page_number(&number)? {
        1 => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/tags/{}", path_segment(&tag))))
            .finish()),
        number => render(&state, &chrome, &tag, number).await,
    }
}

async fn render(
    state: &AppState,
    chrome: &Chrome,
    tag: &str,
    number: u32,
) -> Result<HttpResponse, PageError> {
    let page = state
        .posts
        .published_page(
            PostFilter {
                tag: Some(tag.to_owned()),
                ..PostFilter::default()
            },
            PageRequest {
                page: number,
                per_page: PER_PAGE,
            },
        )
        .await?;
    // A tag no published post carries has no page.
    if page.posts.is_empty() {
        return Err(PageError::NotFound);
    }
    let name = page.posts[0]
        .tags
        .iter()
        .find(|t| t.as_str() == tag.trim().to_lowercase())
        .cloned()
        .unwrap_or_else(|| tag.trim().to_lowercase());
    let mut deps = vec![Dep::Tag(normalise_tag(tag).unwrap_or_default())];
    // Each post's author, and the post itself (its comment count shows).
    deps.extend(page.posts.iter().map(|p| Dep::Profile(p.author_id)));
    deps.extend(page.posts.iter().map(|p| Dep::Post(p.id)));
    let tag_link = TagLink::new(name);
    let links = PageLinks::new(&format!("/tags/{}/", tag_link.path), &page, number);
    let total = page.total;
    let posts = PostItem::list(state, page).await?;
    let html = state.pages.render(chrome, "tag.html", |context| {
        context.insert("tag", &tag_link);
        context.insert("total", &total);
        context.insert("posts", &posts);
        context.insert("page", &links);
    })?;
    Ok(cacheable(chrome.html(html), deps))
}
