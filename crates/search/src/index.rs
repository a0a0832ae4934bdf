//! The tantivy index on disk: generations, writes, searches and the atomic swap of a rebuilt
//! index.
//!
//! Layout under the root directory the caller gives (the server passes
//! `<data-dir>/search`): one directory per *generation* (`gen-<nanos>`), and a file
//! `CURRENT` naming the live one. A rebuild fills a fresh generation aside and then replaces
//! `CURRENT` by a rename, which is atomic; searches go on against the old generation until
//! the swap and the old directory is removed after it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, TimeZone, Utc};
use search_api::{AuthorName, SearchError, SearchHit, SearchResults, Snippet};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::merge_policy::LogMergePolicy;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument,
    Term,
};

use crate::query::{self, QueryBuilder};
use crate::schema::{self, Fields};
use crate::snippet;

/// The index writer's memory budget: one indexing thread, 16 MiB before it flushes a segment.
/// Every commit starts a segment whose term table is sized from this budget, and with writes
/// one at a time every write commits: at 16 MiB instead of 32, 855 → 958 sequential
/// `POST /api/articles` a second (median of three 5 s runs each), while indexing a backlog of
/// 3,000 posts took the same 4.6 s.
pub const WRITER_MEMORY: usize = 16 * 1024 * 1024;
/// The file naming the live generation.
const CURRENT: &str = "CURRENT";
/// At most this much recency lifts a score (a brand-new post scores up to 25 % higher).
const RECENCY_WEIGHT: f32 = 0.25;
/// The recency lift halves every this many days.
const RECENCY_HALF_LIFE_DAYS: f32 = 180.0;
/// Deepest result taken (page × per page); beyond it pages are empty, the total still told.
const MAX_DEPTH: usize = 10_000;
/// Characters of body text around the matched words.
const SNIPPET_CHARS: usize = 200;

/// A post as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexedPost {
    pub(crate) post_id: i64,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) body: String,
    pub(crate) tags: Vec<String>,
    pub(crate) author_id: i64,
    /// `None`: keep whatever names the index already has for this author.
    pub(crate) author: Option<AuthorName>,
    pub(crate) published_at: DateTime<Utc>,
}

/// One change to the index. Each is idempotent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Add the post, replacing any earlier version of it.
    Upsert(Box<IndexedPost>),
    /// Remove the post (nothing happens if it is not there).
    Remove(i64),
    /// Write these names into every post of this author.
    RenameAuthor(AuthorName),
}

/// Author names staged since the last commit, which reads of committed posts do not see yet.
#[derive(Debug, Default)]
struct StagedAuthors {
    changes: usize,
    names: std::collections::HashMap<i64, AuthorName>,
}

impl StagedAuthors {
    fn is_empty(&self) -> bool {
        self.changes == 0
    }

    fn names(&self, author_id: i64) -> Option<AuthorName> {
        self.names.get(&author_id).cloned()
    }

    /// Records one staged change, by `author_id` with these names if known.
    fn note(&mut self, author_id: i64, names: Option<&AuthorName>) {
        self.changes += 1;
        if let Some(names) = names {
            self.names.insert(author_id, names.clone());
        }
    }
}

/// How segments are merged. Each commit (every batch of events) adds a small segment, and
/// tantivy's default policy puts every segment under 10,000 posts in one level, so every few
/// commits it merged the whole index again: with 2,000 posts that was a fifth of the CPU of
/// a stream of new articles, and with 10,000 the whole index (about 100 MB) was read again
/// every eighth commit. Levels start at [`MIN_LAYER_POSTS`] instead, so small segments merge
/// with each other and a large one only with others of its size.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_layer_size(MIN_LAYER_POSTS);
    policy
}

/// Segments up to this many posts form the first merge level.
const MIN_LAYER_POSTS: u32 = 100;

fn corrupt(error: impl std::fmt::Display) -> SearchError {
    SearchError::Unavailable(format!("search index unusable: {error}"))
}

/// One generation of the index: its directory, reader and writer.
pub(crate) struct Generation {
    name: String,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
}

impl Generation {
    fn open(root: &Path, name: &str) -> Result<Self, SearchError> {
        let index = Index::open_in_dir(root.join(name)).map_err(corrupt)?;
        Self::ready(name, index)
    }

    fn create(root: &Path) -> Result<Self, SearchError> {
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let name = format!("gen-{nanos}");
        let path = root.join(&name);
        std::fs::create_dir_all(&path).map_err(SearchError::unavailable)?;
        let index = Index::create_in_dir(&path, schema::schema()).map_err(corrupt)?;
        Self::ready(&name, index)
    }

    fn ready(name: &str, index: Index) -> Result<Self, SearchError> {
        schema::register_tokenizers(&index);
        let fields = Fields::of(&index.schema()).map_err(corrupt)?;
        let writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(corrupt)?;
        writer.set_merge_policy(Box::new(merge_policy()));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(corrupt)?;
        Ok(Self {
            name: name.to_owned(),
            fields,
            reader,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Applies `ops` in order and commits them (once, unless a rename needs the changes
    /// before it committed), then reloads the reader so they are searchable.
    fn apply(&self, ops: &[Op]) -> Result<(), SearchError> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError::unavailable("index writer poisoned"))?;
        let writer = guard
            .as_mut()
            .ok_or_else(|| SearchError::unavailable("index retired"))?;
        let mut staged = StagedAuthors::default();
        for op in ops {
            if matches!(op, Op::RenameAuthor(_)) && !staged.is_empty() {
                // A rename rewrites the author's committed posts: commit what came before.
                self.commit(writer)?;
                staged = StagedAuthors::default();
            }
            self.stage(writer, op, &mut staged)?;
        }
        self.commit(writer)
    }

    /// Commits the writer's pending changes and makes them searchable.
    fn commit(&self, writer: &mut IndexWriter) -> Result<(), SearchError> {
        writer.commit().map_err(SearchError::unavailable)?;
        self.reader.reload().map_err(SearchError::unavailable)?;
        Ok(())
    }

    /// Adds `op` to the writer's pending changes. Reads see committed data only, so an
    /// upsert without author names takes those staged earlier in the same commit, or else
    /// those among committed posts.
    fn stage(
        &self,
        writer: &mut IndexWriter,
        op: &Op,
        staged: &mut StagedAuthors,
    ) -> Result<(), SearchError> {
        let f = self.fields;
        match op {
            Op::Upsert(post) => {
                let mut post = (**post).clone();
                if post.author.is_none() {
                    post.author = match staged.names(post.author_id) {
                        Some(names) => Some(names),
                        None => self.known_author(post.author_id)?,
                    };
                }
                staged.note(post.author_id, post.author.as_ref());
                writer.delete_term(Term::from_field_i64(f.post_id, post.post_id));
                writer
                    .add_document(self.document(&post))
                    .map_err(SearchError::unavailable)?;
            }
            Op::Remove(post_id) => {
                writer.delete_term(Term::from_field_i64(f.post_id, *post_id));
                staged.changes += 1;
            }
            Op::RenameAuthor(author) => {
                staged.note(author.id, Some(author));
                for mut post in self.posts_of(author.id)? {
                    post.author = Some(author.clone());
                    writer.delete_term(Term::from_field_i64(f.post_id, post.post_id));
                    writer
                        .add_document(self.document(&post))
                        .map_err(SearchError::unavailable)?;
                }
            }
        }
        Ok(())
    }

    fn document(&self, post: &IndexedPost) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.post_id, post.post_id);
        doc.add_text(f.slug, &post.slug);
        doc.add_text(f.title, &post.title);
        doc.add_text(f.description, &post.description);
        doc.add_text(f.body, &post.body);
        for value in [&post.title, &post.description, &post.body] {
            doc.add_text(f.text, value);
        }
        for tag in &post.tags {
            doc.add_text(f.tag, query::normalise_exact(tag));
        }
        doc.add_i64(f.author_id, post.author_id);
        if let Some(author) = &post.author {
            doc.add_text(f.author, &author.username);
            doc.add_text(f.author_name, &author.display_name);
        }
        doc.add_date(
            f.published_at,
            tantivy::DateTime::from_timestamp_secs(post.published_at.timestamp()),
        );
        doc
    }

    fn read_post(&self, doc: &TantivyDocument) -> IndexedPost {
        let f = self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let author_id = doc
            .get_first(f.author_id)
            .and_then(|v| v.as_i64())
            .unwrap_or_default();
        let username = text(f.author);
        IndexedPost {
            post_id: doc
                .get_first(f.post_id)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
            slug: text(f.slug),
            title: text(f.title),
            description: text(f.description),
            body: text(f.body),
            tags: doc
                .get_all(f.tag)
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            author_id,
            author: (!username.is_empty()).then(|| AuthorName {
                id: author_id,
                username,
                display_name: text(f.author_name),
            }),
            published_at: doc
                .get_first(f.published_at)
                .and_then(|v| v.as_datetime())
                .and_then(|d| Utc.timestamp_opt(d.into_timestamp_secs(), 0).single())
                .unwrap_or_default(),
        }
    }

    /// Every committed post of an author.
    fn posts_of(&self, author_id: i64) -> Result<Vec<IndexedPost>, SearchError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_i64(self.fields.author_id, author_id),
            IndexRecordOption::Basic,
        );
        let found = searcher
            .search(&query, &DocSetCollector)
            .map_err(SearchError::unavailable)?;
        found
            .into_iter()
            .map(|address| {
                searcher
                    .doc::<TantivyDocument>(address)
                    .map(|doc| self.read_post(&doc))
                    .map_err(SearchError::unavailable)
            })
            .collect()
    }

    /// The names the index already holds for an author, if any.
    fn known_author(&self, author_id: i64) -> Result<Option<AuthorName>, SearchError> {
        Ok(self
            .posts_of(author_id)?
            .into_iter()
            .find_map(|post| post.author))
    }

    fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a query; `None` when nothing is left to look for.
    fn search(&self, q: &str, page: u32, per_page: u32) -> Result<SearchResults, SearchError> {
        let mut results = SearchResults::empty(q, page, per_page);
        let parsed = query::parse(q);
        let mut builder = QueryBuilder::new(self.fields);
        let Some(exact) = builder.exact(&parsed) else {
            return Ok(results);
        };
        let searcher = self.reader.searcher();
        let offset = (page as usize - 1).saturating_mul(per_page as usize);
        let mut answer = self.run(&searcher, exact.as_ref(), offset, per_page)?;
        if answer.1 == 0
            && let Some(fuzzy) = builder
                .fuzzy(&parsed, &searcher)
                .map_err(SearchError::unavailable)?
        {
            answer = self.run(&searcher, fuzzy.as_ref(), offset, per_page)?;
            results.fuzzy = answer.1 > 0;
        }
        let (hits, total) = answer;
        results.hits = hits;
        results.total = total;
        Ok(results)
    }

    fn run(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        offset: usize,
        per_page: u32,
    ) -> Result<(Vec<SearchHit>, u64), SearchError> {
        if offset + per_page as usize > MAX_DEPTH {
            let total = searcher
                .search(query, &Count)
                .map_err(SearchError::unavailable)?;
            return Ok((Vec::new(), total as u64));
        }
        let now = Utc::now().timestamp();
        let top = TopDocs::with_limit(per_page as usize)
            .and_offset(offset)
            .tweak_score(move |segment: &SegmentReader| {
                let dates = segment.fast_fields().date("published_at").ok();
                move |doc: DocId, score: Score| {
                    let published = dates.as_ref().and_then(|column| column.first(doc));
                    score * recency_lift(now, published.map(|d| d.into_timestamp_secs()))
                }
            });
        let (top, total) = searcher
            .search(query, &(top, Count))
            .map_err(SearchError::unavailable)?;
        let mut generator = SnippetGenerator::create(searcher, query, self.fields.body)
            .map_err(SearchError::unavailable)?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(SearchError::unavailable)?;
            let post = self.read_post(&doc);
            let found = generator.snippet(&post.body);
            let snippet = if found.is_empty() {
                snippet::lead(&post.body, &post.description, SNIPPET_CHARS)
            } else {
                snippet::from_tantivy(&found)
            };
            hits.push(hit(post, score, snippet));
        }
        Ok((hits, total as u64))
    }
}

fn hit(post: IndexedPost, score: f32, snippet: Snippet) -> SearchHit {
    let (author_username, author_name) = post
        .author
        .map(|a| (a.username, a.display_name))
        .unwrap_or_default();
    SearchHit {
        post_id: post.post_id,
        slug: post.slug,
        title: post.title,
        description: post.description,
        tags: post.tags,
        author_id: post.author_id,
        author_username,
        author_name,
        published_at: post.published_at,
        score,
        snippet,
    }
}

/// How much a post's age lifts its score: `1 + 0.25` when brand new, halving every 180 days.
fn recency_lift(now: i64, published: Option<i64>) -> f32 {
    let Some(published) = published else {
        return 1.0;
    };
    let age_days = (now - published).max(0) as f32 / 86_400.0;
    1.0 + RECENCY_WEIGHT * 0.5_f32.powf(age_days / RECENCY_HALF_LIFE_DAYS)
}

/// Writes of the live generation and its readers' handle on it.
struct Writes {
    /// Ops applied while a rebuild runs, replayed onto the rebuilt generation before the swap.
    journal: Option<Vec<Op>>,
}

/// The index under one root directory. Cheap to share behind an `Arc`.
pub(crate) struct SearchIndex {
    root: PathBuf,
    current: RwLock<Option<Arc<Generation>>>,
    writes: Mutex<Writes>,
    rebuilding: Mutex<()>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An index with no usable generation (yet): every call but a rebuild fails until
    /// [`SearchIndex::reopen`] succeeds.
    pub(crate) fn detached(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            current: RwLock::new(None),
            writes: Mutex::new(Writes { journal: None }),
            rebuilding: Mutex::new(()),
        }
    }

    /// Opens the index under `root`; fails when it is missing or unusable.
    pub(crate) fn open(root: &Path) -> Result<Self, SearchError> {
        let index = Self::detached(root);
        index.reopen()?;
        Ok(index)
    }

    /// Opens the index under `root`, creating an empty one when there is none (a corrupt
    /// one is an error, left as it is).
    pub(crate) fn open_or_create(root: &Path) -> Result<Self, SearchError> {
        if !root.join(CURRENT).exists() {
            let index = Self::detached(root);
            index.recreate()?;
            return Ok(index);
        }
        Self::open(root)
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Opens the generation `CURRENT` names and makes it live.
    pub(crate) fn reopen(&self) -> Result<(), SearchError> {
        let name = std::fs::read_to_string(self.root.join(CURRENT))
            .map_err(|e| SearchError::Unavailable(format!("no search index: {e}")))?;
        let name = name.trim();
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(corrupt("CURRENT names no generation"));
        }
        let generation = Generation::open(&self.root, name)?;
        self.set_current(Some(Arc::new(generation)));
        Ok(())
    }

    /// Replaces the index by an empty one (posts come back through events or a rebuild).
    pub(crate) fn recreate(&self) -> Result<(), SearchError> {
        std::fs::create_dir_all(&self.root).map_err(SearchError::unavailable)?;
        let generation = Generation::create(&self.root)?;
        let writes = self
            .writes
            .lock()
            .map_err(|_| SearchError::unavailable("index writes poisoned"))?;
        self.install(generation)?;
        drop(writes);
        Ok(())
    }

    fn set_current(&self, generation: Option<Arc<Generation>>) -> Option<Arc<Generation>> {
        match self.current.write() {
            Ok(mut current) => std::mem::replace(&mut *current, generation),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), generation),
        }
    }

    fn live(&self) -> Result<Arc<Generation>, SearchError> {
        let current = match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        current.ok_or_else(|| SearchError::unavailable("the search index is not open"))
    }

    /// Whether a generation is live.
    pub(crate) fn is_open(&self) -> bool {
        self.live().is_ok()
    }

    /// Searches the live generation.
    pub(crate) fn search(
        &self,
        q: &str,
        page: u32,
        per_page: u32,
    ) -> Result<SearchResults, SearchError> {
        self.live()?.search(q, page, per_page)
    }

    /// Posts in the live generation.
    pub(crate) fn documents(&self) -> Result<u64, SearchError> {
        Ok(self.live()?.documents())
    }

    /// Applies `ops` to the live generation and makes them searchable. A failure to write
    /// detaches the generation, so later calls try to reopen it from disk.
    pub(crate) fn apply(&self, ops: Vec<Op>) -> Result<(), SearchError> {
        let mut writes = self
            .writes
            .lock()
            .map_err(|_| SearchError::unavailable("index writes poisoned"))?;
        let live = self.live()?;
        if let Err(error) = live.apply(&ops) {
            tracing::warn!(%error, "search index write failed; detaching it");
            self.set_current(None);
            return Err(error);
        }
        if let Some(journal) = writes.journal.as_mut() {
            journal.extend(ops);
        }
        Ok(())
    }

    /// Starts a rebuild: a fresh generation aside, and a journal of the writes made to the
    /// live one meanwhile. `None` when a rebuild is already running.
    pub(crate) fn begin_rebuild(&self) -> Result<Rebuild<'_>, SearchError> {
        let guard = self.rebuilding.try_lock().map_err(|_| {
            SearchError::unavailable("a rebuild of the search index is already running")
        })?;
        std::fs::create_dir_all(&self.root).map_err(SearchError::unavailable)?;
        let generation = Generation::create(&self.root)?;
        self.writes
            .lock()
            .map_err(|_| SearchError::unavailable("index writes poisoned"))?
            .journal = Some(Vec::new());
        Ok(Rebuild {
            index: self,
            generation: Some(generation),
            _guard: guard,
        })
    }

    /// Makes `generation` live: names it in `CURRENT` (write aside, then rename), swaps it
    /// in, retires and removes the one it replaces.
    fn install(&self, generation: Generation) -> Result<(), SearchError> {
        let pending = self.root.join(format!("{CURRENT}.new"));
        std::fs::write(&pending, &generation.name).map_err(SearchError::unavailable)?;
        std::fs::rename(&pending, self.root.join(CURRENT)).map_err(SearchError::unavailable)?;
        let name = generation.name.clone();
        if let Some(old) = self.set_current(Some(Arc::new(generation))) {
            if let Ok(mut writer) = old.writer.lock()
                && let Some(writer) = writer.take()
            {
                let _ = writer.wait_merging_threads();
            }
            if old.name != name {
                let _ = std::fs::remove_dir_all(self.root.join(&old.name));
            }
        }
        self.remove_strays(&name);
        Ok(())
    }

    /// Removes generation directories other than `keep` (left by crashed rebuilds).
    fn remove_strays(&self, keep: &str) {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("gen-") && name != keep {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// A rebuild in progress: add posts, then [`Rebuild::finish`]. Dropped unfinished, it
/// removes its directory and the live index carries on untouched.
pub(crate) struct Rebuild<'a> {
    index: &'a SearchIndex,
    generation: Option<Generation>,
    _guard: std::sync::MutexGuard<'a, ()>,
}

impl Rebuild<'_> {
    /// Adds a batch of posts to the new generation (committed, not yet live).
    pub(crate) fn add(&self, posts: Vec<IndexedPost>) -> Result<(), SearchError> {
        let generation = self
            .generation
            .as_ref()
            .ok_or_else(|| SearchError::unavailable("rebuild already finished"))?;
        let ops: Vec<Op> = posts.into_iter().map(|p| Op::Upsert(Box::new(p))).collect();
        generation.apply(&ops)
    }

    /// Replays what changed meanwhile and swaps the new generation in.
    pub(crate) fn finish(mut self) -> Result<u64, SearchError> {
        let generation = self
            .generation
            .take()
            .ok_or_else(|| SearchError::unavailable("rebuild already finished"))?;
        let mut writes = self
            .index
            .writes
            .lock()
            .map_err(|_| SearchError::unavailable("index writes poisoned"))?;
        let journal = writes.journal.take().unwrap_or_default();
        if !journal.is_empty() {
            generation.apply(&journal)?;
        }
        let documents = generation.documents();
        self.index.install(generation)?;
        drop(writes);
        Ok(documents)
    }
}

impl Drop for Rebuild<'_> {
    fn drop(&mut self) {
        if let Some(generation) = self.generation.take() {
            if let Ok(mut writes) = self.index.writes.lock() {
                writes.journal = None;
            }
            let name = generation.name.clone();
            drop(generation);
            let _ = std::fs::remove_dir_all(self.index.root.join(name));
        }
    }
}
