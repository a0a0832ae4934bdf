//! The in-process adapter: the search port over the index in this process.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use posts_api::PostsPort;
use profiles_api::ProfilesPort;
use search_api::{
    AuthorName, MAX_QUERY_CHARS, SearchError, SearchEvent, SearchHealth, SearchPort, SearchQuery,
    SearchResults,
};

use crate::events;
use crate::index::SearchIndex;

/// Posts read from the posts port per batch while rebuilding.
const REINDEX_BATCH: u32 = 100;

/// How far a rebuild has come, reported after each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReindexProgress {
    /// Posts indexed so far.
    pub done: u64,
    /// Published posts when the rebuild started (a guide: posts may come and go meanwhile).
    pub total: u64,
}

/// The search port in-process, over the tantivy index under one directory. Cheap to clone.
///
/// Every call runs the index's blocking work off the async threads. When the index cannot
/// be used (missing, corrupt, or a write failed), calls answer
/// [`SearchError::Unavailable`] and each later call tries to open it again from disk; a
/// [`LocalSearch::reindex`] or [`LocalSearch::recreate_empty`] replaces it.
#[derive(Debug, Clone)]
pub struct LocalSearch {
    index: Arc<SearchIndex>,
}

async fn blocking<T, F>(work: F) -> Result<T, SearchError>
where
    F: FnOnce() -> Result<T, SearchError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SearchError::unavailable(format!("search task failed: {e}")))?
}

impl LocalSearch {
    /// Opens the index under `dir`; [`SearchError::Unavailable`] when it is missing or
    /// unusable.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, SearchError> {
        Ok(Self {
            index: Arc::new(SearchIndex::open(dir.as_ref())?),
        })
    }

    /// Opens the index under `dir`, creating an empty one (and the directory) when there is
    /// none. A corrupt index is an error and is left as it is.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Self, SearchError> {
        Ok(Self {
            index: Arc::new(SearchIndex::open_or_create(dir.as_ref())?),
        })
    }

    /// Like [`LocalSearch::open_or_create`], but never fails: with an unusable index the
    /// adapter starts unavailable (logged), so the server still starts and shows "search
    /// temporarily unavailable" until the index is rebuilt.
    pub fn start(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        match SearchIndex::open_or_create(dir) {
            Ok(index) => Self {
                index: Arc::new(index),
            },
            Err(error) => {
                tracing::error!(%error, dir = %dir.display(), "search index unusable; rebuild it");
                Self {
                    index: Arc::new(SearchIndex::detached(dir)),
                }
            }
        }
    }

    /// The directory the index lives in.
    pub fn dir(&self) -> PathBuf {
        self.index.root().to_owned()
    }

    /// Tries to reopen an unavailable index from disk; fine if it is open.
    fn ensure_open(index: &SearchIndex) -> Result<(), SearchError> {
        if index.is_open() {
            return Ok(());
        }
        index.reopen()
    }

    /// Replaces the index by an empty one: after a corrupt index, when no rebuild is
    /// possible. Posts come back as their events arrive, or with [`LocalSearch::reindex`].
    pub async fn recreate_empty(&self) -> Result<(), SearchError> {
        let index = self.index.clone();
        blocking(move || index.recreate()).await
    }

    /// Rebuilds the whole index from the posts port (author names from the profiles port)
    /// into a fresh directory, then swaps it in atomically. Searches and events go on
    /// against the old index meanwhile; events applied during the rebuild are replayed onto
    /// the new one before the swap. Works on an unavailable index too (that is the repair).
    /// `progress` hears after each batch. Returns the number of posts indexed.
    pub async fn reindex(
        &self,
        posts: &dyn PostsPort,
        profiles: &dyn ProfilesPort,
        progress: &mut (dyn FnMut(ReindexProgress) + Send),
    ) -> Result<u64, SearchError> {
        let total = posts
            .published_page(
                posts_api::PostFilter::default(),
                posts_api::PageRequest {
                    page: 1,
                    per_page: 1,
                },
            )
            .await
            .map_err(SearchError::unavailable)?
            .total;
        let index = self.index.clone();
        // The rebuild holds a guard on the index across awaits; it lives on one blocking
        // thread and is fed batches through a channel.
        let (batches, mut receiver) =
            tokio::sync::mpsc::channel::<Vec<crate::index::IndexedPost>>(2);
        let complete = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let all_fed = complete.clone();
        let (started, has_started) = tokio::sync::oneshot::channel::<()>();
        let worker = tokio::task::spawn_blocking(move || -> Result<u64, SearchError> {
            let rebuild = index.begin_rebuild()?;
            // The journal now records every event applied meanwhile: reading may start.
            let _ = started.send(());
            while let Some(batch) = receiver.blocking_recv() {
                rebuild.add(batch)?;
            }
            if !all_fed.load(std::sync::atomic::Ordering::Acquire) {
                // Dropping the rebuild removes it; the live index stays as it was.
                return Err(SearchError::unavailable("rebuild abandoned"));
            }
            rebuild.finish()
        });
        if has_started.await.is_err() {
            return worker
                .await
                .map_err(|e| SearchError::unavailable(format!("rebuild task failed: {e}")))?;
        }
        let mut done = 0;
        let mut after_id = 0;
        progress(ReindexProgress { done, total });
        let fed: Result<(), SearchError> = async {
            loop {
                let docs = posts
                    .published_documents(after_id, REINDEX_BATCH)
                    .await
                    .map_err(SearchError::unavailable)?;
                let Some(last) = docs.last() else {
                    return Ok(());
                };
                after_id = last.post_id;
                let mut author_ids: Vec<i64> = docs.iter().map(|d| d.author_id).collect();
                author_ids.sort_unstable();
                author_ids.dedup();
                let authors = profiles
                    .by_ids(author_ids)
                    .await
                    .map_err(SearchError::unavailable)?;
                let count = docs.len() as u64;
                let batch =
                    docs.into_iter()
                        .map(|doc| {
                            let author = authors.iter().find(|p| p.id == doc.author_id).map(|p| {
                                AuthorName {
                                    id: p.id,
                                    username: p.username.clone(),
                                    display_name: p.display_name.clone(),
                                }
                            });
                            events::indexed(doc, author)
                        })
                        .collect();
                if batches.send(batch).await.is_err() {
                    // The worker stopped; its error tells why.
                    return Ok(());
                }
                done += count;
                progress(ReindexProgress { done, total });
            }
        }
        .await;
        if fed.is_ok() {
            complete.store(true, std::sync::atomic::Ordering::Release);
        }
        drop(batches);
        let finished = worker
            .await
            .map_err(|e| SearchError::unavailable(format!("rebuild task failed: {e}")))?;
        // A failure reading posts must not swap in a partial index (the worker saw to it).
        fed?;
        finished
    }
}

#[async_trait]
impl SearchPort for LocalSearch {
    async fn search(&self, query: SearchQuery) -> Result<SearchResults, SearchError> {
        let (page, per_page) = query.clamped();
        let q: String = query.q.chars().take(MAX_QUERY_CHARS).collect();
        let q = q.trim().to_owned();
        let index = self.index.clone();
        blocking(move || {
            Self::ensure_open(&index)?;
            index.search(&q, page, per_page)
        })
        .await
    }

    async fn apply(&self, event: SearchEvent) -> Result<(), SearchError> {
        let ops = events::ops(&event)?;
        if ops.is_empty() {
            return Ok(());
        }
        let index = self.index.clone();
        blocking(move || {
            Self::ensure_open(&index)?;
            index.apply(ops)
        })
        .await
    }

    async fn apply_all(&self, events: Vec<SearchEvent>) -> Result<(), SearchError> {
        let mut ops = Vec::new();
        for event in &events {
            ops.extend(events::ops(event)?);
        }
        if ops.is_empty() {
            return Ok(());
        }
        let index = self.index.clone();
        blocking(move || {
            Self::ensure_open(&index)?;
            index.apply(ops)
        })
        .await
    }

    async fn health(&self) -> Result<SearchHealth, SearchError> {
        let index = self.index.clone();
        blocking(move || {
            Self::ensure_open(&index)?;
            Ok(SearchHealth {
                documents: index.documents()?,
            })
        })
        .await
    }
}
