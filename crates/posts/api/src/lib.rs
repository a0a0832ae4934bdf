//! The published face of Quire's posts module: what other modules and the server may ask of
//! it, in owned, serializable types, so the same port can later be served over HTTP.
//!
//! No diesel, actix or tantivy here (checked by the architecture test).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A published post as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    /// The post's id, opaque outside the posts module.
    pub id: i64,
    /// URL segment under `/posts/`.
    pub slug: String,
    /// Title as written.
    pub title: String,
    /// Short description (may be empty).
    pub description: String,
    /// The author's profile id, opaque.
    pub author_id: i64,
    /// When it went live.
    pub published_at: DateTime<Utc>,
}

/// Which page of a list to fetch (pages count from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page, at least 1.
    pub per_page: u32,
}

impl PageRequest {
    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// One page of published posts, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPage {
    /// The posts on this page.
    pub posts: Vec<PostSummary>,
    /// What was asked for.
    pub request: PageRequest,
    /// Published posts in all.
    pub total: u64,
}

impl PostPage {
    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.request.offset() + (self.posts.len() as u64) < self.total
    }
}

/// Why the posts module could not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PostsError {
    /// The request itself is wrong (e.g. page 0).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Storage could not be reached; retrying later may work.
    #[error("posts are temporarily unavailable: {0}")]
    Unavailable(String),
}

/// What the posts module answers.
#[async_trait]
pub trait PostsPort: Send + Sync {
    /// A page of published posts, newest first.
    async fn published_page(&self, request: PageRequest) -> Result<PostPage, PostsError>;
}
