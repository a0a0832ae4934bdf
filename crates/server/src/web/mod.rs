//! The web layer: routes, pages, static assets and the middleware around them.

mod archive;
mod assets;
mod conditional;
mod errors;
mod feeds;
mod health;
mod home;
mod machines;
mod middleware;
mod pages;
mod post;
mod state;
mod tags;
mod view;

pub(crate) use assets::Assets;
pub(crate) use pages::Pages;
pub(crate) use pages::{AssetUrls, SiteInfo};
pub(crate) use state::AppState;

use actix_web::http::header;
use actix_web::{HttpResponse, guard, web};

/// A 200 HTML page; browsers revalidate before reuse.
fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// A route answering GET and HEAD (actix drops the body for HEAD).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Registers every route on the app.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", read().to(health::healthz))
        .route("/readyz", read().to(health::readyz))
        .route("/", read().to(home::first_page))
        .route("/page/{number}", read().to(home::numbered_page))
        .route("/posts/{slug}", read().to(post::show))
        .route("/tags/{tag}", read().to(tags::first_page))
        .route("/tags/{tag}/page/{number}", read().to(tags::numbered_page))
        .route("/archive", read().to(archive::show))
        .route("/sitemap.xml", read().to(machines::sitemap))
        .route("/robots.txt", read().to(machines::robots))
        .route("/feed.{format}", read().to(feeds::site))
        .route("/tags/{tag}/feed.{format}", read().to(feeds::tag))
        .route("/assets/{file}", read().to(assets::serve));
}

pub(crate) use conditional::conditional_get;
pub(crate) use errors::render_error_pages;
pub(crate) use middleware::{log_requests, security_headers};
