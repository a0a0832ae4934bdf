//! The home page: newest published posts, paginated under stable URLs (`/`, `/page/2`, …).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use posts_api::{PageRequest, PostPage, PostsError};
use serde::Serialize;

use super::AppState;
use super::errors::PageError;

/// Posts per home page.
const PER_PAGE: u32 = 10;

#[derive(Serialize)]
struct PostItem {
    slug: String,
    title: String,
    description: String,
    published_at: String,
    published_on: String,
}

#[derive(Serialize)]
struct PageLinks {
    number: u32,
    previous_url: Option<String>,
    next_url: Option<String>,
}

fn page_url(number: u32) -> String {
    if number <= 1 {
        "/".to_owned()
    } else {
        format!("/page/{number}")
    }
}

/// `GET /`.
pub(crate) async fn first_page(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    render(&state, 1).await
}

/// `GET /page/{number}`: `/page/1` redirects to `/`; a number that is not a page is a 404.
pub(crate) async fn numbered_page(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let number: u32 = match number.parse() {
        Ok(n) if n >= 1 => n,
        _ => return Err(PageError::NotFound),
    };
    if number == 1 {
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, "/"))
            .finish());
    }
    render(&state, number).await
}

async fn render(state: &AppState, number: u32) -> Result<HttpResponse, PageError> {
    let page = state
        .posts
        .published_page(PageRequest {
            page: number,
            per_page: PER_PAGE,
        })
        .await
        .map_err(|error| match error {
            PostsError::InvalidRequest(_) => PageError::NotFound,
            PostsError::Unavailable(reason) => PageError::Unavailable(reason),
        })?;
    if number > 1 && page.posts.is_empty() {
        return Err(PageError::NotFound);
    }
    let links = links(&page, number);
    let posts: Vec<PostItem> = page
        .posts
        .into_iter()
        .map(|post| PostItem {
            published_at: post.published_at.to_rfc3339(),
            published_on: post.published_at.format("%-d %B %Y").to_string(),
            slug: post.slug,
            title: post.title,
            description: post.description,
        })
        .collect();
    let html = state.pages.render("home.html", |context| {
        context.insert("posts", &posts);
        context.insert("page", &links);
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}

fn links(page: &PostPage, number: u32) -> PageLinks {
    PageLinks {
        number,
        previous_url: (number > 1).then(|| page_url(number - 1)),
        next_url: page.has_next().then(|| page_url(number + 1)),
    }
}
