//! What every handler can reach.

use std::sync::Arc;

use chrono::TimeDelta;
use comments_api::CommentsPort;
use kernel::{Clock, DbPool};
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
    /// The comments module's port.
    pub(crate) comments: Arc<dyn CommentsPort>,
    /// How long after writing it an author may edit a comment (the comments module enforces
    /// it; pages use it to offer the "Edit" link only while it works).
    pub(crate) comment_edit_window: TimeDelta,
    /// The application's clock (tests move it).
    pub(crate) clock: Arc<dyn Clock>,
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
    /// The search module's port (in-process or a `quire-search` service).
    pub(crate) search: Arc<dyn search_api::SearchPort>,
    /// Where uploaded files live.
    pub(crate) data_dir: std::path::PathBuf,
}
