//! What every handler can reach.

use std::sync::Arc;

use kernel::DbPool;
use posts_api::PostsPort;
use profiles_api::ProfilesPort;

use super::{Assets, PageCache, Pages};
use crate::site::Site;

/// Shared, read-only application state.
#[derive(Clone)]
pub(crate) struct AppState {
    /// The database, for health checks (modules own their own queries).
    pub(crate) pool: DbPool,
    /// The posts module's port.
    pub(crate) posts: Arc<dyn PostsPort>,
    /// The profiles module's port.
    pub(crate) profiles: Arc<dyn ProfilesPort>,
    /// Templates and site-wide page data.
    pub(crate) pages: Arc<Pages>,
    /// Static files.
    pub(crate) assets: Arc<Assets>,
    /// Site settings, as this instance knows them.
    pub(crate) site: Site,
    /// Rendered reader pages for anonymous readers.
    pub(crate) page_cache: Arc<PageCache>,
    /// Raised after a commit that appended an event (wakes the relay).
    pub(crate) outbox: kernel::outbox::OutboxSignal,
    /// Where uploaded files live.
    pub(crate) data_dir: std::path::PathBuf,
}
