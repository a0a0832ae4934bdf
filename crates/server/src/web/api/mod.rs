//! The JSON API under `/api`: the RealWorld ("Conduit") API over Quire's own modules, its
//! OpenAPI document (`/api/openapi.json`), a page describing it (`/api/docs`), and the
//! Markdown preview (`/api/preview`).
//!
//! - Authentication is `Authorization: Token <token>` only ([`auth`]); the site's session
//!   cookie is never read for API writes, so there is nothing for CSRF to ride on.
//! - Every error, including actix's own (unknown route, wrong method, oversized or
//!   malformed body), has the spec's shape `{"errors": {"<field or body>": ["…"]}}`
//!   ([`errors`], [`json_errors`]).
//! - Browsers on other origins may call it (CORS, [`cors`]); responses are never
//!   page-cached (no handler here attaches cache dependencies).
//!
//! `/api/search` answers the search page's results as JSON.

mod articles;
mod assemble;
mod auth;
mod comments;
mod cors;
mod docs;
mod dto;
mod errors;
mod favorites;
mod openapi;
mod preview;
mod profiles;
mod search;
mod tags;
mod users;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::config::CorsOrigins;
use errors::{ApiError, error_body};

/// The largest request body the API reads (a post's Markdown may be 200 KB; JSON escaping
/// can double it).
pub(crate) const BODY_LIMIT: usize = 512 * 1024;

/// Mounts the API under `/api` on the app.
pub(crate) fn mount(cfg: &mut web::ServiceConfig, origins: &CorsOrigins) {
    cfg.service(
        web::scope("/api")
            .app_data(
                web::JsonConfig::default()
                    .limit(BODY_LIMIT)
                    .error_handler(json_error),
            )
            .app_data(web::PayloadConfig::default().limit(BODY_LIMIT))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .configure(routes)
            .default_service(web::to(no_route))
            .wrap(cors::middleware(origins))
            .wrap(from_fn(json_errors)),
    );
}

/// The API's routes, relative to `/api`.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi::document))
        .route("/docs", web::get().to(docs::page))
        .route("/preview", web::post().to(preview::preview))
        .route("/users/login", web::post().to(users::login))
        .route("/users", web::post().to(users::register))
        .route("/user", web::get().to(users::current))
        .route("/user", web::put().to(users::update))
        .route("/profiles/{username}", web::get().to(profiles::show))
        .route(
            "/profiles/{username}/follow",
            web::post().to(profiles::follow),
        )
        .route(
            "/profiles/{username}/follow",
            web::delete().to(profiles::unfollow),
        )
        .route("/articles", web::get().to(articles::list))
        .route("/articles", web::post().to(articles::create))
        .route("/articles/feed", web::get().to(articles::feed))
        .route("/articles/{slug}", web::get().to(articles::show))
        .route("/articles/{slug}", web::put().to(articles::update))
        .route("/articles/{slug}", web::delete().to(articles::delete))
        .route(
            "/articles/{slug}/favorite",
            web::post().to(favorites::favorite),
        )
        .route(
            "/articles/{slug}/favorite",
            web::delete().to(favorites::unfavorite),
        )
        .route("/articles/{slug}/comments", web::get().to(comments::list))
        .route(
            "/articles/{slug}/comments",
            web::post().to(comments::create),
        )
        .route(
            "/articles/{slug}/comments/{id}",
            web::delete().to(comments::delete),
        )
        .route("/tags", web::get().to(tags::list))
        .route("/search", web::get().to(search::search));
}

/// Unknown routes under `/api`.
async fn no_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(
        "There is no API route at this address.".into(),
    ))
}

/// A body that is not the JSON expected: 413 when too large, 422 otherwise, with serde's
/// explanation (which names the line, column and missing or mistyped field).
fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::TooLarge(format!("The body may be at most {limit} bytes.")).into()
        }
        JsonPayloadError::ContentType => ApiError::invalid(
            "body",
            "Send the body as JSON, with `Content-Type: application/json`.",
        )
        .into(),
        JsonPayloadError::Deserialize(error) => {
            ApiError::invalid("body", format!("The JSON body is not valid: {error}.")).into()
        }
        other => ApiError::invalid("body", format!("The body could not be read: {other}.")).into(),
    }
}

/// A malformed query string (e.g. `limit=ten`): 422.
fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::invalid("query", format!("The query string is not valid: {error}.")).into()
}

/// A path segment of the wrong type (e.g. a comment id that is not a number): 404.
fn path_error(_: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("There is nothing at this address.".into()).into()
}

/// What a bare error status means, for error responses actix makes itself.
fn bare_message(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => "There is nothing at this address.".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that method.".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("The body may be at most {BODY_LIMIT} bytes.")
        }
        other => other
            .canonical_reason()
            .unwrap_or("The request could not be handled.")
            .to_owned(),
    }
}

/// Middleware: gives every error response under `/api` that is not already JSON (actix's
/// 404/405, a payload refused before the handler ran, a CORS refusal) the API's error shape,
/// keeping its status and headers.
pub(crate) async fn json_errors(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(request).await?.map_into_boxed_body();
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return Ok(response);
    }
    let (request, original) = response.into_parts();
    let mut replaced = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replaced.append_header((name.clone(), value.clone()));
        }
    }
    let replaced = replaced.json(error_body("body", &bare_message(status)));
    Ok(ServiceResponse::new(request, replaced))
}
