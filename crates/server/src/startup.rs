//! Building the application apart from running it, so `main` and the tests start the same
//! thing: [`Application::build`] opens and migrates the database, wires the modules, starts
//! the outbox relay and binds the listener (port 0 picks a free one);
//! [`Application::run_until_stopped`] serves until SIGINT/SIGTERM or a [`ServerHandle`] stop,
//! then lets in-flight requests finish and stops the relay.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer};
use comments::{CommentsConfig, SqlComments};
use comments_api::CommentsPort;
use kernel::outbox::{Fanout, OutboxSignal, Relay};
use kernel::{Clock, DatabaseUrl, DbError, DbPool, SystemClock};
use posts::SqlPosts;
use posts_api::PostsPort;
use profiles::SqlProfiles;
use profiles_api::ProfilesPort;
use tokio::sync::watch;

use crate::config::Config;
use crate::modules::MIGRATION_ORDER;
use crate::site::{Site, SiteSettings};
use crate::web::{self, AppState, Assets, Pages};

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The search service address is unusable.
    #[error("search: {0}")]
    Search(String),
    /// An embedded template is broken (a build defect).
    #[error("templates: {0}")]
    Templates(String),
}

/// A built application, listening but not yet serving.
pub struct Application {
    local_addr: SocketAddr,
    base_url: String,
    server: Server,
    workers: Vec<tokio::task::JoinHandle<()>>,
    stop_workers: watch::Sender<bool>,
    outbox: OutboxSignal,
}

/// Opens the database, creating the SQLite file if needed, and applies every module's
/// pending migrations in [`MIGRATION_ORDER`]. Returns the pool and the migrations applied.
pub async fn open_database(url: &DatabaseUrl) -> Result<(DbPool, Vec<String>), DbError> {
    let url = url.clone();
    tokio::task::spawn_blocking(move || {
        let pool = DbPool::connect(&url)?;
        let applied = kernel::migrations::run_all(&mut *pool.get()?, &MIGRATION_ORDER)?;
        Ok((pool, applied))
    })
    .await
    .map_err(|e| DbError::Task(e.to_string()))?
}

impl Application {
    /// Builds everything from `config` on the system clock. Must run inside the actix/tokio
    /// runtime.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Builds everything with an injected clock (tests move time instead of waiting).
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        Self::build_with(config, clock, CommentsConfig::default()).await
    }

    /// Builds everything with an injected clock and the comments module's limits (tests use
    /// small rate limits and edit windows).
    pub async fn build_with(
        config: Config,
        clock: Arc<dyn Clock>,
        comments_config: CommentsConfig,
    ) -> Result<Self, StartupError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartupError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let (pool, applied) = open_database(&config.database_url).await?;
        for migration in &applied {
            tracing::info!(%migration, "applied migration");
        }

        let listener = TcpListener::bind(config.bind).map_err(|source| StartupError::Bind {
            addr: config.bind,
            source,
        })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.bind,
            source,
        })?;
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{local_addr}"));

        let assets = Arc::new(Assets::new());
        let asset_url = |name: &str| {
            assets
                .url(name)
                .ok_or_else(|| StartupError::Templates(format!("asset {name} missing")))
        };
        let asset_urls = web::AssetUrls {
            stylesheet: asset_url("style.css")?,
            highlight: asset_url("highlight.css")?,
            editor_js: asset_url("editor.js")?,
        };
        let stored = {
            let pool = pool.clone();
            tokio::task::spawn_blocking(move || kernel::settings::load(&mut *pool.get()?))
                .await
                .map_err(|e| DbError::Task(e.to_string()))??
        };
        let default_settings = SiteSettings::defaults(&config.site_title, &base_url);
        let site = Site::new(SiteSettings::from_stored(default_settings.clone(), &stored));
        let pages = Pages::new(site.clone(), asset_urls)
            .map_err(|e| StartupError::Templates(e.to_string()))?;
        let outbox = OutboxSignal::new();
        let posts: Arc<dyn PostsPort> =
            Arc::new(SqlPosts::new(pool.clone(), clock.clone(), outbox.clone()));
        let profiles = SqlProfiles::new(pool.clone(), clock.clone(), outbox.clone());
        let session_events = Arc::new(profiles.session_events());
        let profiles: Arc<dyn ProfilesPort> = Arc::new(profiles);
        let page_cache = Arc::new(web::PageCache::new(config.page_cache_bytes));
        let http_workers = config.workers.unwrap_or_else(|| default_workers(&pool));
        let search = crate::search::port(&config)?;
        let comments = SqlComments::new(pool.clone(), clock.clone(), outbox.clone(), posts.clone())
            .with_config(comments_config);
        let comments_events = Arc::new(comments.post_events_handler());
        let comments: Arc<dyn CommentsPort> = Arc::new(comments);
        let state = actix_web::web::Data::new(AppState {
            page_cache: page_cache.clone(),
            outbox: outbox.clone(),
            posts: posts.clone(),
            profiles: profiles.clone(),
            comments,
            search: search.clone(),
            comment_edit_window: comments_config.edit_window,
            clock: clock.clone(),
            pool: pool.clone(),
            pages: Arc::new(pages),
            assets,
            site: site.clone(),
            data_dir: config.data_dir.clone(),
        });

        // Background workers, stopped together after the server: the outbox relay (it
        // delivers to the consumers registered here: comments removes a deleted post's
        // comments, the page cache evicts what changed, profiles forgets ended sessions;
        // search registers its consumer when it lands) and the scheduler of posts.
        let mut relay = Relay::new(pool.clone(), clock, outbox.clone());
        relay.register(comments_events);
        relay.register(Arc::new(search::SearchIndexer::new(search, profiles)));
        let invalidator = web::PageCacheInvalidator::new(
            page_cache.clone(),
            posts.clone(),
            pool,
            site,
            default_settings,
        );
        // One live subscription (one read of each event) for both of this process's
        // memories: the page cache, and the sessions another process may end.
        let live = Fanout::new(
            "page-cache+sessions",
            vec![Arc::new(invalidator), session_events],
        );
        page_cache.follow(relay.subscribe_live(Arc::new(live)).await?);
        let (stop_workers, stopped) = watch::channel(false);
        let workers = vec![
            tokio::spawn(relay.run(stopped.clone())),
            tokio::spawn(crate::scheduler::run(
                posts,
                crate::scheduler::CHECK_INTERVAL,
                stopped,
            )),
        ];

        let cors_origins = config.cors_origins.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(from_fn(web::identify))
                .wrap(from_fn(web::conditional_get))
                .wrap(from_fn(web::serve_cached_pages))
                .wrap(web::render_error_pages())
                .wrap(web::security_headers())
                .wrap(from_fn(web::log_requests))
                .configure(|cfg| web::mount_api(cfg, &cors_origins))
                .configure(web::routes)
        })
        .shutdown_timeout(10)
        // Segments go out as soon as they are written, as nginx does on keep-alive
        // connections: a large body written in slices would otherwise leave its last, short
        // segment waiting for the client's delayed ACK (40 ms on Linux).
        .tcp_nodelay(true)
        .workers(http_workers)
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: local_addr,
            source,
        })?;
        Ok(Self {
            local_addr,
            base_url,
            server: server.run(),
            workers,
            stop_workers,
            outbox,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The public base URL: configured, or derived from the bound address.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The signal the modules raise after committing an event. Code that writes through the
    /// modules beside the server (tests, tools in the same process) should raise this one,
    /// so the relay and the page cache learn of the change at once.
    pub fn outbox_signal(&self) -> OutboxSignal {
        self.outbox.clone()
    }

    /// A handle to stop the server gracefully from elsewhere.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT, SIGTERM or [`ServerHandle::stop`]), waits for in-flight
    /// requests, then stops the background workers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        let _ = self.stop_workers.send(true);
        for worker in self.workers {
            if tokio::time::timeout(Duration::from_secs(10), worker)
                .await
                .is_err()
            {
                tracing::warn!("a background worker did not stop within 10 s");
            }
        }
        tracing::info!("quire stopped");
        served
    }
}

/// HTTP worker threads when the configuration names none: one per CPU core, as actix-web
/// would pick, or two per core with a PostgreSQL server on this machine. Its reads then run
/// on the worker itself ([`DbPool::read`]), which waits for each statement's answer; with
/// one worker per core the cores sat idle meanwhile. Alternating runs on 2,000 posts, page
/// cache off, two cores: reads in place with 4 workers against the blocking pool with 2,
/// home 4,442–4,588 against 3,518–3,982 requests/s, one post 3,080–3,305 against
/// 2,417–2,877, a tag 3,797–4,006 against 3,090–3,611; 8 or 16 workers gained nothing more.
fn default_workers(pool: &DbPool) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if pool.backend() == kernel::Backend::Postgres && pool.reads_in_place() {
        cores * 2
    } else {
        cores
    }
}
