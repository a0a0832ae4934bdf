//! Plain data types of the posts port.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a post is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostStatus {
    /// Visible to its author only.
    Draft,
    /// Waiting for its `published_at`; visible to its author only until then.
    Scheduled,
    /// Visible to everyone.
    Published,
}

impl PostStatus {
    /// The name stored and shown: `draft`, `scheduled`, `published`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PostStatus::Draft => "draft",
            PostStatus::Scheduled => "scheduled",
            PostStatus::Published => "published",
        }
    }

    /// Parses [`PostStatus::as_str`]'s output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "draft" => Some(PostStatus::Draft),
            "scheduled" => Some(PostStatus::Scheduled),
            "published" => Some(PostStatus::Published),
            _ => None,
        }
    }
}

/// Who is asking, as far as posts care. The server derives it from the signed-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The profile id.
    pub id: i64,
    /// Editors and admins may change anyone's posts; authors only their own.
    pub may_edit_any: bool,
}

impl Actor {
    /// Whether they may see and change a post written by `author_id` (drafts included).
    pub fn may_edit(&self, author_id: i64) -> bool {
        self.may_edit_any || self.id == author_id
    }
}

/// What an author writes: the editable fields of a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostDraft {
    /// Title (required).
    pub title: String,
    /// Short description for lists and meta tags (optional).
    pub description: String,
    /// The body in Markdown.
    pub body_markdown: String,
    /// Tags as typed; normalised on save.
    pub tags: Vec<String>,
    /// Cover image (http or https URL).
    pub cover_image_url: Option<String>,
    /// A chosen slug; when absent, unpublished posts follow their title and published posts
    /// keep theirs.
    pub slug: Option<String>,
}

/// An entry of a post's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocItem {
    /// Heading level, 1–6.
    pub level: u8,
    /// The heading's anchor id.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A post in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Id, opaque outside the posts module.
    pub id: i64,
    /// The author's profile id.
    pub author_id: i64,
    /// URL segment under `/posts/`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Markdown source.
    pub body_markdown: String,
    /// Sanitized HTML rendered from the Markdown.
    pub body_html: String,
    /// Sanitized HTML of the excerpt.
    pub excerpt_html: String,
    /// Table of contents.
    pub toc: Vec<TocItem>,
    /// Words in the body.
    pub word_count: u32,
    /// Estimated minutes to read.
    pub reading_minutes: u32,
    /// Normalised tags, sorted.
    pub tags: Vec<String>,
    /// Cover image URL.
    pub cover_image_url: Option<String>,
    /// Life-cycle state.
    pub status: PostStatus,
    /// When it went (or goes, if scheduled) live.
    pub published_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Readers who marked it favorite.
    pub favorites_count: u64,
}

/// A post as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    /// Id.
    pub id: i64,
    /// URL segment under `/posts/`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description (may be empty).
    pub description: String,
    /// Sanitized HTML of the excerpt.
    pub excerpt_html: String,
    /// The author's profile id.
    pub author_id: i64,
    /// Life-cycle state.
    pub status: PostStatus,
    /// When it went live (scheduled: when it will).
    pub published_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Estimated minutes to read.
    pub reading_minutes: u32,
    /// Normalised tags, sorted.
    pub tags: Vec<String>,
    /// Readers who marked it favorite.
    pub favorites_count: u64,
}

/// A published post as the archive lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// When it went live.
    pub published_at: DateTime<Utc>,
    /// Its last change.
    pub updated_at: DateTime<Utc>,
}

/// A year of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveYear {
    /// The calendar year (UTC).
    pub year: i32,
    /// Posts published in it.
    pub posts: u64,
}

/// A link to a neighbouring post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostLink {
    /// The post.
    pub id: i64,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
}

/// A post as its page shows it to readers: a [`Post`] without its Markdown source, its
/// excerpt, its creation time and its favorite count. The source is the larger half of a
/// stored post, and the page never shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadablePost {
    /// Id, opaque outside the posts module.
    pub id: i64,
    /// The author's profile id.
    pub author_id: i64,
    /// URL segment under `/posts/`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Sanitized HTML rendered from the Markdown.
    pub body_html: String,
    /// Table of contents.
    pub toc: Vec<TocItem>,
    /// Words in the body.
    pub word_count: u32,
    /// Estimated minutes to read.
    pub reading_minutes: u32,
    /// Normalised tags, sorted.
    pub tags: Vec<String>,
    /// Cover image URL.
    pub cover_image_url: Option<String>,
    /// Life-cycle state.
    pub status: PostStatus,
    /// When it went (or goes, if scheduled) live.
    pub published_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The published post just before this one, read in the same statement as the post
    /// (what [`crate::PostsPort::neighbours`] answers); none unless this one is published.
    pub older: Option<PostLink>,
    /// The published post just after this one; none unless this one is published.
    pub newer: Option<PostLink>,
}

/// A post as its author wrote it: a [`Post`] without what was rendered from its Markdown
/// (HTML, excerpt, table of contents, word count, reading time). The rendered HTML is the
/// larger half of a stored post, and what shows a post's source (the JSON API) never sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSource {
    /// Id, opaque outside the posts module.
    pub id: i64,
    /// The author's profile id.
    pub author_id: i64,
    /// URL segment under `/posts/`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Markdown source.
    pub body_markdown: String,
    /// Normalised tags, sorted.
    pub tags: Vec<String>,
    /// Cover image URL.
    pub cover_image_url: Option<String>,
    /// Life-cycle state.
    pub status: PostStatus,
    /// When it went (or goes, if scheduled) live.
    pub published_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Readers who marked it favorite.
    pub favorites_count: u64,
}

impl From<Post> for PostSource {
    fn from(post: Post) -> Self {
        Self {
            id: post.id,
            author_id: post.author_id,
            slug: post.slug,
            title: post.title,
            description: post.description,
            body_markdown: post.body_markdown,
            tags: post.tags,
            cover_image_url: post.cover_image_url,
            status: post.status,
            published_at: post.published_at,
            created_at: post.created_at,
            updated_at: post.updated_at,
            favorites_count: post.favorites_count,
        }
    }
}

/// The answer to "which post lives at this slug?", with the post as a [`Post`], for its
/// page a [`ReadablePost`], or for its source a [`PostSource`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlugLookup<P = Post> {
    /// The post lives here.
    Found(Box<P>),
    /// It lived here once; it is now at `slug` (answer 301).
    Moved {
        /// The current slug.
        slug: String,
    },
}

/// One saved version of a post's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// Id.
    pub id: i64,
    /// The post.
    pub post_id: i64,
    /// Who saved it.
    pub editor_id: i64,
    /// Title then.
    pub title: String,
    /// Description then.
    pub description: String,
    /// Markdown then.
    pub body_markdown: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

/// A tag with the number of published posts carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    /// The normalised tag.
    pub tag: String,
    /// Published posts with it.
    pub count: u64,
}

/// Who wrote a post and where it stands, for other modules' permission checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorship {
    /// The post.
    pub post_id: i64,
    /// Its author.
    pub author_id: i64,
    /// Its state.
    pub status: PostStatus,
    /// Its slug.
    pub slug: String,
}

/// Which published posts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostFilter {
    /// Only posts with this tag (normalised by the module).
    pub tag: Option<String>,
    /// Only posts by this author.
    pub author_id: Option<i64>,
    /// Only posts by one of these authors (an empty list matches nothing): a reader's
    /// personal feed of the authors they follow.
    pub author_ids: Option<Vec<i64>>,
    /// Only posts this reader marked favorite.
    pub favorited_by: Option<i64>,
}

/// Which page of a list to fetch (pages count from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page, 1 to 100.
    pub per_page: u32,
}

impl PageRequest {
    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// One page of posts, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPage {
    /// The posts on this page.
    pub posts: Vec<PostSummary>,
    /// What was asked for.
    pub request: PageRequest,
    /// Matching posts in all.
    pub total: u64,
}

impl PostPage {
    /// Whether a later page exists.
    pub fn has_next(&self) -> bool {
        self.request.offset() + (self.posts.len() as u64) < self.total
    }
}

/// A run of published posts at an arbitrary offset, newest first (for clients that page by
/// `offset` and `limit`, like the JSON API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSlice {
    /// The posts in the run (at most the limit asked).
    pub posts: Vec<PostSummary>,
    /// Matching posts in all.
    pub total: u64,
}

/// The one spelling of a tag: trimmed, lower-case, inner whitespace collapsed to single
/// spaces. `None` when nothing is left. Posts store tags this way and filters compare so.
pub fn normalise_tag(tag: &str) -> Option<String> {
    let words: Vec<String> = tag.split_whitespace().map(str::to_lowercase).collect();
    let tag = words.join(" ");
    (!tag.is_empty()).then_some(tag)
}
