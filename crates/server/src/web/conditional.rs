//! Conditional GET for generated pages: an `ETag` over the response bytes, and `304 Not
//! Modified` when the browser already holds them (`If-None-Match`).
//!
//! Applies to successful GET/HEAD responses that do not set their own `ETag` (assets do) and
//! are not marked [`FreshPerRequest`] (their bytes differ every time).
//! The body is read once to hash it; pages are small and already in memory.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, EntityTag, HeaderValue, IfNoneMatch};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;

use super::assets::fnv1a64;
use super::post_signed_in::FreshPerRequest;

/// The middleware function.
pub(crate) async fn conditional_get(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let applies = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = header::Header::parse(&request).ok();
    let response = next.call(request).await?.map_into_boxed_body();
    if !applies
        || response.status() != StatusCode::OK
        || response.headers().contains_key(header::ETAG)
        || response
            .response()
            .extensions()
            .contains::<FreshPerRequest>()
    {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = match body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => return Err(actix_web::error::ErrorInternalServerError("response body")),
    };
    let tag = EntityTag::new_strong(format!("{:016x}", fnv1a64(&bytes)));
    let fresh = match if_none_match {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        None => false,
    };
    let mut response = if fresh {
        let mut not_modified = head.set_body(BoxBody::new(()));
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        not_modified.headers_mut().remove(header::CONTENT_TYPE);
        not_modified
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    if let Ok(value) = HeaderValue::from_str(&tag.to_string()) {
        response.headers_mut().insert(header::ETAG, value);
    }
    Ok(ServiceResponse::new(request, response))
}
