//! Choosing the search adapter, and `quire search reindex`.
//!
//! Unset `--search-url`: the index lives in `<data-dir>/search` and search runs in this
//! process. Set: a `quire-search` service answers over HTTP, and the outbox relay delivers
//! post and profile events to it (at least once, retried while it is down).

use std::sync::Arc;

use search_api::{HttpSearch, SearchPort};

use crate::config::Config;
use crate::startup::StartupError;

/// The search port the configuration asks for.
pub fn port(config: &Config) -> Result<Arc<dyn SearchPort>, StartupError> {
    match &config.search_url {
        Some(url) => {
            let remote = HttpSearch::new(url).map_err(|e| StartupError::Search(e.to_string()))?;
            tracing::info!(%url, "search: using the quire-search service");
            Ok(Arc::new(remote))
        }
        #[cfg(feature = "local-search")]
        None => Ok(Arc::new(search::LocalSearch::start(
            config.data_dir.join("search"),
        ))),
        #[cfg(not(feature = "local-search"))]
        None => Err(StartupError::Search(
            "this quire was built without in-process search (feature `local-search`): set \
             SEARCH_URL to a quire-search service"
                .into(),
        )),
    }
}

/// Why a reindex failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReindexError(String);

/// Without in-process search there is no index here to rebuild.
#[cfg(not(feature = "local-search"))]
pub async fn reindex(_: &Config) -> Result<u64, ReindexError> {
    Err(ReindexError(
        "this quire was built without in-process search (feature `local-search`): rebuild \
         the index with a quire built with it, against the quire-search data directory"
            .into(),
    ))
}

/// Rebuilds the in-process index from the posts in the database, aside, then swaps it in
/// (a running server keeps searching the old index meanwhile). Shows a progress bar on a
/// terminal. Returns the number of posts indexed.
#[cfg(feature = "local-search")]
pub async fn reindex(config: &Config) -> Result<u64, ReindexError> {
    use indicatif::{ProgressBar, ProgressStyle};
    use kernel::SystemClock;
    use kernel::outbox::OutboxSignal;
    use posts::SqlPosts;
    use profiles::SqlProfiles;
    use search::LocalSearch;

    use crate::startup::open_database;

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
