//! The HTTP client adapter: the search port spoken to a remote `quire-search` service.
//!
//! Wire format (the service in the `search` crate answers it):
//! - `GET /search?q=&page=&per_page=` → `200` [`SearchResults`] as JSON;
//! - `POST /events` with a [`SearchEvent`] as JSON → `204`;
//! - `POST /events/batch` with a JSON array of them → `204` once all are applied;
//! - `GET /healthz` → `200` [`SearchHealth`];
//! - any failure → a non-2xx status with a [`SearchError`] as JSON.
//!
//! `awc` clients are tied to one thread, while the port must be `Send + Sync` (the outbox
//! relay calls it from any thread). So the client lives on a thread of its own, with a
//! single-threaded runtime, and the adapter sends it requests over a channel. Dropping the
//! adapter ends the thread.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot};

use crate::{SearchError, SearchEvent, SearchHealth, SearchPort, SearchQuery, SearchResults};

/// Longest wait for the service to answer one request.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body taken (a page of results with snippets is far smaller).
const MAX_BODY: usize = 8 * 1024 * 1024;

enum Request {
    Search(
        SearchQuery,
        oneshot::Sender<Result<SearchResults, SearchError>>,
    ),
    Apply(SearchEvent, oneshot::Sender<Result<(), SearchError>>),
    ApplyAll(Vec<SearchEvent>, oneshot::Sender<Result<(), SearchError>>),
    Health(oneshot::Sender<Result<SearchHealth, SearchError>>),
}

/// The search port over HTTP, talking to a `quire-search` service at a base URL such as
/// `http://127.0.0.1:8090` (the server's `--search-url`). Plain HTTP: run the service on a
/// private network or behind a proxy that terminates TLS.
#[derive(Debug, Clone)]
pub struct HttpSearch {
    base_url: String,
    requests: mpsc::UnboundedSender<Request>,
}

impl HttpSearch {
    /// An adapter for the service at `base_url`. Connects lazily: an unreachable service
    /// shows as [`SearchError::Unavailable`] on each call, not here. Fails only when the URL
    /// is not `http://…` or the client thread cannot start.
    pub fn new(base_url: &str) -> Result<Self, SearchError> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        if !base_url.starts_with("http://") {
            return Err(SearchError::invalid(
                "search_url",
                "The search service URL must start with http://.",
            ));
        }
        let (requests, receiver) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(SearchError::unavailable)?;
        let base = base_url.clone();
        std::thread::Builder::new()
            .name("search-http-client".into())
            .spawn(move || {
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, serve(base, receiver));
            })
            .map_err(SearchError::unavailable)?;
        Ok(Self { base_url, requests })
    }

    /// The service's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn ask<T>(
        &self,
        request: impl FnOnce(oneshot::Sender<Result<T, SearchError>>) -> Request,
    ) -> Result<T, SearchError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(request(reply))
            .map_err(|_| SearchError::unavailable("the search client stopped"))?;
        answer
            .await
            .map_err(|_| SearchError::unavailable("the search client stopped"))?
    }
}

/// The client thread: takes requests until every adapter clone is dropped.
async fn serve(base_url: String, mut receiver: mpsc::UnboundedReceiver<Request>) {
    let client = awc::Client::builder().timeout(TIMEOUT).finish();
    while let Some(request) = receiver.recv().await {
        let client = client.clone();
        let base_url = base_url.clone();
        tokio::task::spawn_local(async move {
            match request {
                Request::Search(query, reply) => {
                    let _ = reply.send(search(&client, &base_url, &query).await);
                }
                Request::Apply(event, reply) => {
                    let _ = reply.send(post_events(&client, &base_url, "events", &event).await);
                }
                Request::ApplyAll(events, reply) => {
                    let sent = post_events(&client, &base_url, "events/batch", &events).await;
                    let _ = reply.send(sent);
                }
                Request::Health(reply) => {
                    let _ = reply.send(health(&client, &base_url).await);
                }
            }
        });
    }
}

/// Reads the answer's body: the body of a 2xx answer, or the service's error.
macro_rules! read_body {
    ($response:expr) => {{
        let mut response = $response;
        let status = response.status();
        match response.body().limit(MAX_BODY).await {
            Ok(body) => answer(status, &body),
            Err(e) => Err(SearchError::unavailable(format!(
                "search service answer unreadable: {e}"
            ))),
        }
    }};
}

fn answer(status: awc::http::StatusCode, body: &[u8]) -> Result<Vec<u8>, SearchError> {
    if status.is_success() {
        return Ok(body.to_vec());
    }
    Err(serde_json::from_slice::<SearchError>(body)
        .unwrap_or_else(|_| SearchError::unavailable(format!("search service answered {status}"))))
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, SearchError> {
    serde_json::from_slice(body)
        .map_err(|e| SearchError::unavailable(format!("search service answer unreadable: {e}")))
}

async fn search(
    client: &awc::Client,
    base_url: &str,
    query: &SearchQuery,
) -> Result<SearchResults, SearchError> {
    let request = client
        .get(format!("{base_url}/search"))
        .query(query)
        .map_err(|e| SearchError::invalid("q", e.to_string()))?;
    let body = read_body!(request.send().await.map_err(unreachable)?)?;
    decode(&body)
}

/// Sends one event or a batch (`path` `events` or `events/batch`).
async fn post_events(
    client: &awc::Client,
    base_url: &str,
    path: &str,
    events: &impl serde::Serialize,
) -> Result<(), SearchError> {
    let response = client
        .post(format!("{base_url}/{path}"))
        .send_json(events)
        .await
        .map_err(unreachable)?;
    read_body!(response).map(|_| ())
}

async fn health(client: &awc::Client, base_url: &str) -> Result<SearchHealth, SearchError> {
    let response = client
        .get(format!("{base_url}/healthz"))
        .send()
        .await
        .map_err(unreachable)?;
    let body = read_body!(response)?;
    decode(&body)
}

fn unreachable(error: awc::error::SendRequestError) -> SearchError {
    tracing::warn!(%error, "search service unreachable");
    SearchError::unavailable(format!("search service unreachable: {error}"))
}

#[async_trait]
impl SearchPort for HttpSearch {
    async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        self.ask(|reply| Request::Search(query, reply)).await
    }

    async fn apply(&self, event: SearchEvent) -> Result<(), SearchError> {
        self.ask(|reply| Request::Apply(event, reply)).await
    }

    async fn apply_all(&self, events: Vec<SearchEvent>) -> Result<(), SearchError> {
        self.ask(|reply| Request::ApplyAll(events, reply)).await
    }

    async fn health(&self) -> Result<SearchHealth, SearchError> {
        self.ask(Request::Health).await
    }
}
