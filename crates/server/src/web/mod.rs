//! The web layer: routes, pages, static assets and the middleware around them.

mod accounts;
mod admin;
mod admin_settings;
mod api;
mod archive;
mod assets;
mod auth;
mod authors;
mod avatars;
#[cfg(feature = "bench")]
pub mod bench;
mod chrome;
mod comment_feed;
mod comment_section;
mod comment_view;
mod comments;
mod conditional;
mod dashboard;
mod editor;
mod errors;
mod feeds;
mod follows;
mod health;
mod home;
mod machines;
mod middleware;
mod moderation;
mod page_cache;
mod pages;
mod post;
mod post_signed_in;
mod search;
mod settings;
mod state;
mod tags;
mod view;

pub(crate) use assets::Assets;
pub(crate) use page_cache::PageCache;
pub(crate) use page_cache::invalidation::Invalidator as PageCacheInvalidator;
pub(crate) use page_cache::middleware::page_cache as serve_cached_pages;
pub(crate) use pages::AssetUrls;
pub(crate) use pages::Pages;
pub(crate) use state::AppState;

use actix_web::{guard, web};

/// A route answering GET and HEAD (actix drops the body for HEAD).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Registers every route on the app.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::FormConfig::default().limit(auth::FORM_LIMIT))
        .app_data(web::PayloadConfig::default().limit(auth::FORM_LIMIT))
        .route("/healthz", read().to(health::healthz))
        .route("/readyz", read().to(health::readyz))
        .route("/", read().to(home::first_page))
        .route("/page/{number}", read().to(home::numbered_page))
        .route("/posts/{slug}", read().to(post::show))
        .route("/posts/{slug}/comments", web::post().to(comments::create))
        .route("/posts/{slug}/comments.atom", read().to(comment_feed::atom))
        .route("/comments/{id}/edit", read().to(comments::edit_page))
        .route("/comments/{id}/edit", web::post().to(comments::edit))
        .route("/comments/{id}/delete", read().to(comments::delete_page))
        .route("/comments/{id}/delete", web::post().to(comments::delete))
        .route(
            "/comments/{id}/moderate",
            web::post().to(comments::moderate),
        )
        .route("/moderation", read().to(moderation::show))
        .route("/write", read().to(editor::new_page))
        .route("/write", web::post().to(editor::create))
        .route("/posts/{slug}/edit", read().to(editor::edit_page))
        .route("/posts/{slug}/edit", web::post().to(editor::update))
        .route("/posts/{slug}/delete", read().to(editor::delete_page))
        .route("/posts/{slug}/delete", web::post().to(editor::delete))
        .route("/posts/{slug}/revisions", read().to(editor::revisions_page))
        .route(
            "/posts/{slug}/revisions/{id}/restore",
            web::post().to(editor::restore),
        )
        .route("/dashboard", read().to(dashboard::show))
        .route("/admin", read().to(admin::overview))
        .route("/admin/users", read().to(admin::users))
        .route("/admin/settings", read().to(admin_settings::show))
        .route("/admin/settings", web::post().to(admin_settings::save))
        .route("/admin/users/{id}/role", web::post().to(admin::set_role))
        .route("/admin/users/{id}/suspend", web::post().to(admin::suspend))
        .route(
            "/admin/users/{id}/unsuspend",
            web::post().to(admin::unsuspend),
        )
        .route("/admin/users/{id}/delete", read().to(admin::delete_page))
        .route("/admin/users/{id}/delete", web::post().to(admin::delete))
        .route("/settings", read().to(settings::show))
        .route("/settings/profile", web::post().to(settings::save_profile))
        .route("/settings/email", web::post().to(settings::change_email))
        .route(
            "/settings/password",
            web::post().to(settings::change_password),
        )
        .route("/settings/avatar", web::post().to(avatars::upload))
        .route("/uploads/avatars/{file}", read().to(avatars::serve))
        .route("/search", read().to(search::page))
        .route("/tags/{tag}", read().to(tags::first_page))
        .route("/tags/{tag}/page/{number}", read().to(tags::numbered_page))
        .route("/archive", read().to(archive::show))
        .route("/archive/{year}", read().to(archive::show_year))
        .route("/authors/{username}", read().to(authors::first_page))
        .route(
            "/authors/{username}/page/{number}",
            read().to(authors::numbered_page),
        )
        .route(
            "/authors/{username}/feed.{format}",
            read().to(feeds::author),
        )
        .route(
            "/authors/{username}/follow",
            web::post().to(follows::follow),
        )
        .route(
            "/authors/{username}/unfollow",
            web::post().to(follows::unfollow),
        )
        .route("/following", read().to(follows::feed))
        .route("/signup", read().to(accounts::signup_page))
        .route("/signup", web::post().to(accounts::signup))
        .route("/login", read().to(accounts::login_page))
        .route("/login", web::post().to(accounts::login))
        .route("/logout", web::post().to(accounts::logout))
        .route("/sitemap.xml", read().to(machines::sitemap))
        .route("/robots.txt", read().to(machines::robots))
        .route("/feed.{format}", read().to(feeds::site))
        .route("/tags/{tag}/feed.{format}", read().to(feeds::tag))
        .route("/assets/{file}", read().to(assets::serve));
}

pub(crate) use api::mount as mount_api;
pub(crate) use auth::identify;
pub(crate) use conditional::conditional_get;
pub(crate) use errors::render_error_pages;
pub(crate) use middleware::{log_requests, security_headers};
