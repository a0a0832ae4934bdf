//! The rendered-page cache for anonymous readers.
//!
//! Reader pages (home, posts, tags, authors, archive, feeds, sitemap) are the same bytes for
//! every anonymous reader until something they show changes. A handler that renders such a
//! page attaches [`CacheDeps`] to its response: the things whose change makes the page stale.
//! The [`middleware`] keeps the response bytes under the request path, serves later
//! anonymous requests from memory, and answers `If-None-Match` itself.
//!
//! Freshness comes from the outbox, never from a timer: the [`invalidation`] handler hears
//! every event as a live subscriber of the relay and evicts exactly the entries depending on
//! what changed. Two guards close the races:
//! - while a change committed *by this process* has not yet reached the cache
//!   ([`LiveProgress::caught_up`] is false), the cache serves nothing, so an author never sees
//!   their own change missing;
//! - a page rendered while an eviction happened is not stored (it may predate the change):
//!   [`PageCache::stamp`] is taken before rendering and checked when storing.
//!
//! Changes made through another instance reach this one when its relay next reads the outbox
//! (it is woken at once for local commits and polls for the others).
//!
//! Memory stays under a byte budget: the least recently used pages go first.
//!
//! Beside the anonymous pages it keeps [`PersonalTemplate`]s: pages rendered once for any
//! signed-in reader, with slots for the parts that are theirs, and for readers who see more
//! than the others (authors, moderators, commenters) their [`ReadersOwn`] parts (see
//! [`personal`]).

mod compress;
pub(crate) mod invalidation;
pub(crate) mod middleware;
pub(crate) mod personal;
mod slices;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use kernel::outbox::LiveProgress;

pub(crate) use compress::Encoding;
pub(crate) use personal::{PersonalTemplate, ReadersOwn, Slots, TemplatePost};

/// Says whether a cacheable page (or a signed-in page's template) came from the cache
/// (`hit`) or was rendered (`miss`).
pub(crate) const X_CACHE: actix_web::http::header::HeaderName =
    actix_web::http::header::HeaderName::from_static("x-cache");

/// Something a cached page shows; when it changes, the page is evicted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Dep {
    /// Lists of all published posts: home pages, the archive, site feeds, the sitemap.
    Listing,
    /// A page showing this post: its own page, and its neighbours' older/newer links.
    Post(i64),
    /// The page of this post, whose older/newer links change when a post is published
    /// next to it.
    Neighbours(i64),
    /// Lists of posts with this tag (pages and feeds).
    Tag(String),
    /// Lists of this author's posts (pages and feeds).
    AuthorPosts(i64),
    /// A page showing this profile's name, bio or avatar.
    Profile(i64),
}

/// Marks a response as the same for every anonymous reader, and says what it shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct CacheDeps(pub(crate) Vec<Dep>);

/// Attaches `deps` to `response`, making it cacheable for anonymous readers.
pub(crate) fn cacheable(
    mut response: actix_web::HttpResponse,
    deps: Vec<Dep>,
) -> actix_web::HttpResponse {
    response.extensions_mut().insert(CacheDeps(deps));
    response
}

/// What a cache entry holds for signed-in readers instead of a response.
enum SignedInPart {
    /// The page for any signed-in reader.
    Template(PersonalTemplate),
    /// One reader's own parts of it.
    ReadersOwn(ReadersOwn),
}

/// One stored response.
pub(crate) struct CachedPage {
    /// The response headers as rendered (content type, ETag, cache control).
    headers: HeaderMap,
    /// The ETag's opaque value, without quotes.
    etag: String,
    /// The uncompressed body.
    body: Bytes,
    /// Compressed forms, made on first demand.
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// For a part of a signed-in page: that part (the other fields are then empty).
    signed_in: Option<SignedInPart>,
    deps: Vec<Dep>,
    last_used: AtomicU64,
}

impl CachedPage {
    /// A page from a rendered response's headers and body.
    pub(crate) fn new(headers: HeaderMap, etag: String, body: Bytes, deps: Vec<Dep>) -> Self {
        Self {
            headers,
            etag,
            body,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            signed_in: None,
            deps,
            last_used: AtomicU64::new(0),
        }
    }

    /// An entry holding a signed-in page template.
    pub(crate) fn template(template: PersonalTemplate, deps: Vec<Dep>) -> Self {
        Self {
            signed_in: Some(SignedInPart::Template(template)),
            ..Self::new(HeaderMap::new(), String::new(), Bytes::new(), deps)
        }
    }

    /// An entry holding one reader's own parts of a signed-in page.
    pub(crate) fn readers_own(own: ReadersOwn, deps: Vec<Dep>) -> Self {
        Self {
            signed_in: Some(SignedInPart::ReadersOwn(own)),
            ..Self::new(HeaderMap::new(), String::new(), Bytes::new(), deps)
        }
    }

    /// The reader's own parts, if this entry holds them.
    pub(crate) fn own_parts(&self) -> Option<&ReadersOwn> {
        match &self.signed_in {
            Some(SignedInPart::ReadersOwn(own)) => Some(own),
            _ => None,
        }
    }

    /// The signed-in template, if this entry is one.
    pub(crate) fn personal(&self) -> Option<&PersonalTemplate> {
        match &self.signed_in {
            Some(SignedInPart::Template(template)) => Some(template),
            _ => None,
        }
    }

    /// The body in `encoding` and the coding actually used (compression that fails falls
    /// back to the plain bytes). Compressed forms are made once, on first demand.
    pub(crate) fn body(&self, encoding: Encoding) -> (Bytes, Encoding) {
        let compressed =
            match encoding {
                Encoding::Identity => None,
                Encoding::Gzip => Some(self.gzip.get_or_init(|| {
                    compress::gzip(&self.body).unwrap_or_else(|| self.body.clone())
                })),
                Encoding::Brotli => Some(self.brotli.get_or_init(|| {
                    compress::brotli(&self.body).unwrap_or_else(|| self.body.clone())
                })),
            };
        match compressed {
            // A failed compression stored the plain bytes: serve them as such.
            Some(bytes) if bytes.as_ptr() != self.body.as_ptr() => (bytes.clone(), encoding),
            _ => (self.body.clone(), Encoding::Identity),
        }
    }

    /// The ETag's opaque value for the body in `encoding` (each coding is its own
    /// representation, so each has its own strong tag).
    pub(crate) fn etag_for(&self, encoding: Encoding) -> String {
        match encoding.token() {
            None => self.etag.clone(),
            Some(token) => format!("{}-{token}", self.etag),
        }
    }

    /// The headers rendered with the page.
    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The bytes it is charged against the budget: the body plus room for its two compressed
    /// forms (text compresses to well under a quarter each), the key and bookkeeping.
    fn charge(&self, key: &str) -> usize {
        let signed_in = match &self.signed_in {
            Some(SignedInPart::Template(template)) => template.len(),
            Some(SignedInPart::ReadersOwn(own)) => own.len(),
            None => 0,
        };
        self.body.len() + self.body.len() / 2 + signed_in + key.len() + 512
    }
}

struct Entries {
    pages: HashMap<String, Arc<CachedPage>>,
    by_dep: HashMap<Dep, HashSet<String>>,
    bytes: usize,
}

impl Entries {
    fn remove(&mut self, key: &str) {
        if let Some(page) = self.pages.remove(key) {
            self.bytes = self.bytes.saturating_sub(page.charge(key));
            for dep in &page.deps {
                if let Some(keys) = self.by_dep.get_mut(dep) {
                    keys.remove(key);
                    if keys.is_empty() {
                        self.by_dep.remove(dep);
                    }
                }
            }
        }
    }
}

/// The cache. See the module documentation.
pub(crate) struct PageCache {
    entries: RwLock<Entries>,
    budget: usize,
    ticks: AtomicU64,
    invalidations: AtomicU64,
    progress: OnceLock<LiveProgress>,
    slots: Slots,
    /// Unit tests and benches run without an outbox.
    #[cfg(any(test, feature = "bench"))]
    assumed_current: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl PageCache {
    /// An empty cache holding at most `budget` bytes; 0 disables it.
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            entries: RwLock::new(Entries {
                pages: HashMap::new(),
                by_dep: HashMap::new(),
                bytes: 0,
            }),
            budget,
            ticks: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
            progress: OnceLock::new(),
            slots: Slots::new(),
            #[cfg(any(test, feature = "bench"))]
            assumed_current: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Serves without an outbox subscription (unit tests and benches only).
    #[cfg(any(test, feature = "bench"))]
    pub(crate) fn assume_current(&self) {
        self.assumed_current.store(true, Ordering::Relaxed);
    }

    /// Whether pages are cached at all.
    pub(crate) fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The placeholders of this process's signed-in templates.
    pub(crate) fn slots(&self) -> &Slots {
        &self.slots
    }

    /// The key of the signed-in template for the page at `path` (page keys are paths and
    /// start with `/`, so the two never meet).
    pub(crate) fn template_key(path: &str) -> String {
        format!("signed-in {path}")
    }

    /// The key of one reader's own parts of the signed-in page at `path`; `may_edit_any`
    /// is part of it, so a change of role finds none.
    pub(crate) fn readers_own_key(path: &str, reader_id: i64, may_edit_any: bool) -> String {
        format!("signed-in {reader_id} {may_edit_any} {path}")
    }

    /// Connects the cache to its outbox subscription. Until then it serves nothing.
    pub(crate) fn follow(&self, progress: LiveProgress) {
        let _ = self.progress.set(progress);
    }

    /// Whether every change this process committed has reached the cache.
    fn current(&self) -> bool {
        #[cfg(any(test, feature = "bench"))]
        if self.assumed_current.load(Ordering::Relaxed) {
            return true;
        }
        self.progress.get().is_some_and(LiveProgress::caught_up)
    }

    /// The page stored under `key`, if the cache may serve it now.
    pub(crate) fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        if !self.enabled() || !self.current() {
            return None;
        }
        let page = self
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .pages
            .get(key)
            .cloned()?;
        let tick = self.ticks.fetch_add(1, Ordering::Relaxed) + 1;
        page.last_used.store(tick, Ordering::Relaxed);
        Some(page)
    }

    /// Take before rendering a page to store: [`PageCache::insert`] refuses the page if an
    /// eviction happened in between.
    pub(crate) fn stamp(&self) -> u64 {
        self.invalidations.load(Ordering::Acquire)
    }

    /// Stores `page` under `key` unless the cache was invalidated since `stamp` or the page
    /// alone would take more than a quarter of the budget. Returns whether it was stored.
    pub(crate) fn insert(&self, key: String, page: CachedPage, stamp: u64) -> bool {
        self.insert_shared(key, Arc::new(page), stamp)
    }

    /// [`PageCache::insert`] for a page the caller goes on using.
    pub(crate) fn insert_shared(&self, key: String, page: Arc<CachedPage>, stamp: u64) -> bool {
        let charge = page.charge(&key);
        if !self.enabled() || charge > self.budget / 4 {
            return false;
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock that evictions also take, so none can slip in between.
        if self.invalidations.load(Ordering::Acquire) != stamp {
            return false;
        }
        entries.remove(&key);
        let tick = self.ticks.fetch_add(1, Ordering::Relaxed) + 1;
        page.last_used.store(tick, Ordering::Relaxed);
        for dep in &page.deps {
            entries
                .by_dep
                .entry(dep.clone())
                .or_default()
                .insert(key.clone());
        }
        entries.bytes += charge;
        entries.pages.insert(key, page);
        if entries.bytes > self.budget {
            Self::shrink(&mut entries, self.budget - self.budget / 10);
        }
        true
    }

    /// Drops the least recently used pages until at most `target` bytes remain.
    fn shrink(entries: &mut Entries, target: usize) {
        let mut by_age: Vec<(u64, String)> = entries
            .pages
            .iter()
            .map(|(key, page)| (page.last_used.load(Ordering::Relaxed), key.clone()))
            .collect();
        by_age.sort_unstable();
        for (_, key) in by_age {
            if entries.bytes <= target {
                break;
            }
            entries.remove(&key);
        }
    }

    /// Evicts every page depending on one of `deps`. Returns how many went.
    pub(crate) fn invalidate(&self, deps: &[Dep]) -> usize {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        self.invalidations.fetch_add(1, Ordering::AcqRel);
        let keys: HashSet<String> = deps
            .iter()
            .filter_map(|dep| entries.by_dep.get(dep))
            .flatten()
            .cloned()
            .collect();
        for key in &keys {
            entries.remove(key);
        }
        keys.len()
    }

    /// Evicts everything (site-wide changes: title, description, address).
    pub(crate) fn clear(&self) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        self.invalidations.fetch_add(1, Ordering::AcqRel);
        entries.pages.clear();
        entries.by_dep.clear();
        entries.bytes = 0;
    }

    /// Bytes charged now, and pages held.
    #[cfg(test)]
    fn usage(&self) -> (usize, usize) {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        (entries.bytes, entries.pages.len())
    }
}

#[cfg(test)]
mod tests;
