//! The JSON API under `/api`, over HTTP, on both backends: the RealWorld endpoints, token
//! auth and its failures, the error shape, limits, CORS, the OpenAPI document, and a real
//! browser on another origin (`browser_client`).

mod articles;
mod browser_client;
mod errors;
mod social;
mod users;

use std::collections::BTreeMap;

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A response as the API tests look at it.
pub struct Reply {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub json: Value,
}

/// Sends `method path` with an optional token and JSON body.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Token {token}")));
    }
    match body {
        Some(body) => crate::read_reply!(request.send_json(&body).await),
        None => crate::read_reply!(request.send().await),
    }
}

/// Reads an awc send result into a [`Reply`] (`Value::Null` for an empty body).
#[macro_export]
macro_rules! read_reply {
    ($response:expr) => {{
        let mut response = $response.expect("request sent");
        let bytes = response.body().limit(4 * 1024 * 1024).await.expect("body");
        let headers: std::collections::BTreeMap<String, String> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let json = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
        };
        $crate::api::Reply {
            status: response.status().as_u16(),
            headers,
            json,
        }
    }};
}

/// Registers `username` through the API; returns its token.
pub async fn register(app: &TestApp, username: &str) -> String {
    let reply = call(
        app,
        Method::POST,
        "/api/users",
        None,
        Some(json!({"user": {
            "username": username,
            "email": format!("{username}@example.org"),
            "password": "correct horse battery",
        }})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    reply.json["user"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

/// Creates an article through the API; returns its slug.
pub async fn write(app: &TestApp, token: &str, title: &str, tags: &[&str]) -> String {
    let reply = call(
        app,
        Method::POST,
        "/api/articles",
        Some(token),
        Some(json!({"article": {
            "title": title,
            "description": format!("About {title}"),
            "body": format!("# {title}\n\nSome *Markdown*."),
            "tagList": tags,
        }})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    reply.json["article"]["slug"]
        .as_str()
        .expect("slug")
        .to_owned()
}

/// Asserts the spec's error shape: `{"errors": {key: [message, …]}}`.
pub fn assert_error_shape(reply: &Reply, status: u16, key: &str) {
    assert_eq!(reply.status, status, "{}", reply.json);
    let messages = reply.json["errors"][key]
        .as_array()
        .unwrap_or_else(|| panic!("no errors.{key} in {}", reply.json));
    assert!(
        !messages.is_empty()
            && messages
                .iter()
                .all(|m| !m.as_str().unwrap_or("").is_empty())
    );
    assert!(
        reply.headers["content-type"].starts_with("application/json"),
        "{:?}",
        reply.headers
    );
}

/// Whether `text` is an RFC 3339 timestamp with fractional seconds, as the suite expects.
pub fn is_timestamp(text: &Value) -> bool {
    let Some(text) = text.as_str() else {
        return false;
    };
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
        && text.len() == "2026-11-25T10:00:00.000Z".len()
        && text.as_bytes()[19] == b'.'
        && text.ends_with('Z')
}
