//! Serving anonymous reader pages from the [`PageCache`].
//!
//! A request may be answered from the cache when it is a GET or HEAD with no query string
//! and no session cookie. On a miss the page is rendered as usual; if its handler marked it
//! with [`CacheDeps`] and it came back `200` without setting a cookie, its bytes are stored.
//! Hits answer `If-None-Match` with `304`, and compress per `Accept-Encoding` (once per page).

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use super::slices;
use super::{CacheDeps, CachedPage, Encoding};
use crate::web::AppState;
use crate::web::auth::SESSION_COOKIE;

use super::X_CACHE;

/// The middleware function.
pub(crate) async fn page_cache(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let cache = &state.page_cache;
    if !cache.enabled() || !eligible(&request) {
        return Ok(next.call(request).await?.map_into_boxed_body());
    }
    let encoding = Encoding::negotiate(request.headers());
    if let Some(page) = cache.get(request.path()) {
        let mut response = answer(&page, request.request(), encoding);
        response
            .headers_mut()
            .insert(X_CACHE, HeaderValue::from_static("hit"));
        return Ok(request.into_response(response));
    }

    let stamp = cache.stamp();
    let key = request.path().to_owned();
    let storable = *request.method() == Method::GET;
    let response = next.call(request).await?.map_into_boxed_body();
    let deps = response.response().extensions().get::<CacheDeps>().cloned();
    let Some(CacheDeps(deps)) = deps else {
        return Ok(response);
    };
    if !storable
        || response.status() != StatusCode::OK
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return Ok(response);
    }
    let Some(etag) = opaque_etag(response.headers().get(header::ETAG)) else {
        return Ok(response);
    };
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("response body"))?;
    let page = CachedPage::new(head.headers().clone(), etag, bytes, deps);
    let mut response = answer(&page, &request, encoding);
    response
        .headers_mut()
        .insert(X_CACHE, HeaderValue::from_static("miss"));
    cache.insert(key, page, stamp);
    Ok(ServiceResponse::new(request, response))
}

/// Whether the request is one every anonymous reader would get the same answer to.
fn eligible(request: &ServiceRequest) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD)
        && request.query_string().is_empty()
        && request
            .cookie(SESSION_COOKIE)
            .is_none_or(|c| c.value().is_empty())
}

/// The value inside a strong `ETag` header, without its quotes.
fn opaque_etag(value: Option<&HeaderValue>) -> Option<String> {
    let text = value?.to_str().ok()?;
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.to_owned())
}

/// Whether `If-None-Match` names `etag` (or is `*`). Weak comparison, as RFC 9110 asks.
fn not_modified(request: &actix_web::HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/").trim_matches('"'))
        .any(|tag| tag == "*" || tag == etag)
}

/// The response for `page`: `304` when the client holds it, else the bytes in `encoding`.
fn answer(page: &CachedPage, request: &actix_web::HttpRequest, encoding: Encoding) -> HttpResponse {
    let (bytes, used) = page.body(encoding);
    let etag = page.etag_for(used);
    let fresh = not_modified(request, &etag);
    let mut response = if fresh {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().body(slices::body(bytes))
    };
    let headers = response.headers_mut();
    for (name, value) in page.headers() {
        let skip = *name == header::CONTENT_LENGTH
            || *name == header::ETAG
            || (fresh && *name == header::CONTENT_TYPE);
        if !skip {
            headers.append(name.clone(), value.clone());
        }
    }
    if let Ok(value) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(token) = used.token() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(token));
    }
    response
}

#[cfg(test)]
mod tests {
    use actix_web::body::{BodySize, MessageBody};
    use actix_web::http::header::HeaderMap;
    use actix_web::test::TestRequest;
    use actix_web::web::Bytes;

    use super::super::slices::SLICE_ABOVE;
    use super::*;

    async fn served(size: usize) -> (BodySize, Bytes, Bytes) {
        let body: Bytes = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        let page = CachedPage::new(HeaderMap::new(), "e".into(), body.clone(), Vec::new());
        let request = TestRequest::default().to_http_request();
        let response = answer(&page, &request, Encoding::Identity);
        let length = response.body().size();
        let bytes = body::to_bytes(response.into_body()).await.unwrap();
        (length, bytes, body)
    }

    #[actix_web::test]
    async fn small_and_large_pages_are_served_whole_with_their_length() {
        for size in [10, SLICE_ABOVE, SLICE_ABOVE + 1, 5 * SLICE_ABOVE + 7] {
            let (length, bytes, body) = served(size).await;
            assert_eq!(length, BodySize::Sized(size as u64), "size {size}");
            assert_eq!(bytes, body, "size {size}");
        }
    }
}
