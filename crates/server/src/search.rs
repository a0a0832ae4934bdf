//! Choosing the search adapter, and `quire search reindex`.
//!
//! Unset `--search-url`: the index lives in `<data-dir>/search` and search runs in this
//! process. Set: a `quire-search` service answers over HTTP, and the outbox relay delivers
//! post and profile events to it (at least once, retried while it is down).

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use kernel::SystemClock;
use kernel::outbox::OutboxSignal;
use posts::SqlPosts;
use profiles::SqlProfiles;
use search::LocalSearch;
use search_api::{HttpSearch, SearchPort};

use crate::config::Config;
use crate::startup::{StartupError, open_database};

/// The search port the configuration asks for.
pub fn port(config: &Config) -> Result<Arc<dyn SearchPort>, StartupError> {
    match &config.search_url {
        Some(url) => {
            let remote = HttpSearch::new(url).map_err(|e| StartupError::Search(e.to_string()))?;
            tracing::info!(%url, "search: using the quire-search service");
            Ok(Arc::new(remote))
        }
        None => Ok(Arc::new(LocalSearch::start(config.data_dir.join("search")))),
    }
}

/// Why a reindex failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReindexError(String);

/// Rebuilds the in-process index from the posts in the database, aside, then swaps it in
/// (a running server keeps searching the old index meanwhile). Shows a progress bar on a
/// terminal. Returns the number of posts indexed.
pub async fn reindex(config: &Config) -> Result<u64, ReindexError> {
    if config.search_url.is_some() {
        return Err(ReindexError(
            "search runs in a quire-search service (SEARCH_URL is set): stop it, run \
             `quire search reindex` with that service's --data-dir and without SEARCH_URL, \
             then start it again"
                .into(),
        ));
    }
    let fail = |e: &dyn std::fmt::Display| ReindexError(e.to_string());
    let (pool, _) = open_database(&config.database_url)
        .await
        .map_err(|e| fail(&e))?;
    let clock = Arc::new(SystemClock);
    let outbox = OutboxSignal::new();
    let posts = SqlPosts::new(pool.clone(), clock.clone(), outbox.clone());
    let profiles = SqlProfiles::new(pool, clock, outbox);
    let local = LocalSearch::start(config.data_dir.join("search"));
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} posts ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let indexed = local
        .reindex(&posts, &profiles, &mut |progress| {
            bar.set_length(progress.total);
            bar.set_position(progress.done);
        })
        .await
        .map_err(|e| fail(&e))?;
    bar.finish_and_clear();
    Ok(indexed)
}
