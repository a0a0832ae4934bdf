//! Middleware applied to every response.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, Next};

/// Logs each request: at `debug` when it succeeded (so load does not flood the log; set
/// `RUST_LOG=debug` to see them), `info` for client errors, `error` for server errors.
pub(crate) async fn log_requests(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.path().to_owned();
    let response = next.call(request).await?;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros();
    match status {
        500.. => tracing::error!(%method, %path, status, micros, "request"),
        400..=499 => tracing::info!(%method, %path, status, micros, "request"),
        _ => tracing::debug!(%method, %path, status, micros, "request"),
    }
    Ok(response)
}

/// Conservative security headers on every response. The pages load nothing from elsewhere
/// and run no inline script, so the content security policy can be strict.
pub(crate) fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
}
