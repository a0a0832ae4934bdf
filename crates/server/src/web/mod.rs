//! The web layer: routes, pages, static assets and the middleware around them.

mod assets;
mod errors;
mod health;
mod home;
mod middleware;
mod pages;
mod state;

pub(crate) use assets::Assets;
pub(crate) use pages::Pages;
pub(crate) use pages::SiteInfo;
pub(crate) use state::AppState;

use actix_web::{guard, web};

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
        .route("/assets/{file}", read().to(assets::serve));
}

pub(crate) use errors::render_error_pages;
pub(crate) use middleware::{log_requests, security_headers};
