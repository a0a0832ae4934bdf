//! The `quire-search` service: the search port over HTTP, for a server that runs search in a
//! process of its own (`quire serve --search-url`). The wire format is the one
//! `search_api::HttpSearch` speaks.

use std::net::TcpListener;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use search_api::{SearchError, SearchEvent, SearchPort, SearchQuery};

use crate::LocalSearch;

fn status_of(error: &SearchError) -> StatusCode {
    match error {
        SearchError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        SearchError::Invalid { .. } => StatusCode::BAD_REQUEST,
        SearchError::NotSupported(_) => StatusCode::NOT_IMPLEMENTED,
    }
}

fn failure(error: &SearchError) -> HttpResponse {
    HttpResponse::build(status_of(error)).json(error)
}

async fn search(search: web::Data<LocalSearch>, query: web::Query<SearchQuery>) -> HttpResponse {
    match search.search(query.into_inner()).await {
        Ok(results) => HttpResponse::Ok().json(results),
        Err(error) => failure(&error),
    }
}

async fn events(search: web::Data<LocalSearch>, event: web::Json<SearchEvent>) -> HttpResponse {
    match search.apply(event.into_inner()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(error) => failure(&error),
    }
}

async fn event_batch(
    search: web::Data<LocalSearch>,
    events: web::Json<Vec<SearchEvent>>,
) -> HttpResponse {
    match search.apply_all(events.into_inner()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(error) => failure(&error),
    }
}

async fn healthz(search: web::Data<LocalSearch>) -> HttpResponse {
    match search.health().await {
        Ok(health) => HttpResponse::Ok().json(health),
        Err(error) => failure(&error),
    }
}

/// Rebuilding needs the posts database, which this service does not have: rebuild with
/// `quire search reindex` on the server's side, or delete the data directory and replay
/// the outbox by renaming the consumer.
async fn reindex() -> HttpResponse {
    failure(&SearchError::NotSupported(
        "quire-search has no posts database; rebuild from the quire server".to_owned(),
    ))
}

/// Registers the service's routes: `GET /search`, `POST /events`, `POST /events/batch`,
/// `GET /healthz`,
/// `POST /reindex` (answers 501). Needs `web::Data<LocalSearch>` in the app.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/search", web::get().to(search))
        .route("/events", web::post().to(events))
        .route("/events/batch", web::post().to(event_batch))
        .route("/healthz", web::get().to(healthz))
        .route("/reindex", web::post().to(reindex));
}

/// The service over `search`, listening on `listener`; run the returned server on an actix
/// runtime (`actix_web::rt::System`). Bind `127.0.0.1:0` in tests to get a free port.
pub fn http_service(
    search: LocalSearch,
    listener: TcpListener,
) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::new(search);
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .app_data(web::JsonConfig::default().limit(16 * 1024 * 1024))
            .configure(routes)
    })
    .workers(2)
    .listen(listener)?
    .run();
    Ok(server)
}
