//! Commands: every change to posts, each run inside one write transaction by the caller,
//! with its outbox event appended in that same transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use posts_api::{Actor, PostEvent, PostStatus, PostsError, Revision};

use crate::counts;
use crate::error::StoreResult;
use crate::events;
use crate::read::{self, editable_row, row_for_change};
use crate::render::{self, Derived};
use crate::rows::{self, PostRow};
use crate::schema::{post_favorites, post_revisions, post_tags, posts};
use crate::slugs;
use crate::validate::CleanDraft;

/// What a post's tag rows carry as `published_at`: the post's publication time while it is
/// published, `None` in any other state. The tag lists (`post_tags_published`) rely on this.
fn listed_at(status: PostStatus, published_at: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    published_at.filter(|_| status == PostStatus::Published)
}

/// Replaces a post's tags, each row carrying `listed_at` (see [`listed_at`]).
fn set_tags(
    conn: &mut DbConnection,
    post_id: i64,
    tags: &[String],
    listed_at: Option<NaiveDateTime>,
) -> StoreResult<()> {
    diesel::delete(post_tags::table.filter(post_tags::post_id.eq(post_id))).execute(conn)?;
    add_tags(conn, post_id, tags, listed_at)
}

/// Tags a post that has none yet (a new one). Each tag row carries `listed_at` (see
/// [`listed_at`]), which orders the tag's list; [`set_status`] keeps it in step.
fn add_tags(
    conn: &mut DbConnection,
    post_id: i64,
    tags: &[String],
    listed_at: Option<NaiveDateTime>,
) -> StoreResult<()> {
    for tag in tags {
        diesel::insert_into(post_tags::table)
            .values((
                post_tags::post_id.eq(post_id),
                post_tags::tag.eq(tag),
                post_tags::published_at.eq(listed_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn keep_revision(
    conn: &mut DbConnection,
    post_id: i64,
    editor_id: i64,
    draft: &CleanDraft,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post_id),
            post_revisions::editor_id.eq(editor_id),
            post_revisions::title.eq(&draft.title),
            post_revisions::description.eq(&draft.description),
            post_revisions::body_markdown.eq(&draft.body_markdown),
            post_revisions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Creates a draft; returns its id.
pub(crate) fn create(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    draft: &CleanDraft,
) -> StoreResult<i64> {
    let derived = render::derive(&draft.body_markdown);
    insert_post(conn, now, actor, draft, &derived, None)
}

/// Creates a post and publishes it, in the caller's one transaction, rendering its Markdown
/// once; returns its id.
pub(crate) fn create_published(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    draft: &CleanDraft,
) -> StoreResult<i64> {
    if draft.body_markdown.trim().is_empty() {
        return Err(PostsError::invalid("body", "Write something before publishing.").into());
    }
    let derived = render::derive(&draft.body_markdown);
    let id = insert_post(conn, now, actor, draft, &derived, Some(now))?;
    announce_live(conn, id, &derived, now)?;
    Ok(id)
}

/// Inserts a new post with its tags and first revision, as a draft or, given
/// `published_at`, published then; returns its id. Publishing is left to the caller.
fn insert_post(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    draft: &CleanDraft,
    derived: &Derived,
    published_at: Option<DateTime<Utc>>,
) -> StoreResult<i64> {
    let slug = slugs::unique(conn, draft.slug.as_deref().unwrap_or(&draft.title), None)?;
    let at = now.naive_utc();
    let status = match published_at {
        Some(_) => PostStatus::Published,
        None => PostStatus::Draft,
    };
    let id: i64 = diesel::insert_into(posts::table)
        .values((
            posts::author_id.eq(actor.id),
            posts::slug.eq(&slug),
            posts::title.eq(&draft.title),
            posts::description.eq(&draft.description),
            posts::body_markdown.eq(&draft.body_markdown),
            posts::body_html.eq(&derived.body_html),
            posts::excerpt_html.eq(&derived.excerpt_html),
            posts::toc_json.eq(derived.toc_json()),
            posts::word_count.eq(derived.word_count),
            posts::reading_minutes.eq(derived.reading_minutes),
            posts::cover_image_url.eq(&draft.cover_image_url),
            posts::status.eq(status.as_str()),
            posts::published_at.eq(published_at.map(|when| when.naive_utc())),
            posts::created_at.eq(at),
            posts::updated_at.eq(at),
        ))
        .returning(posts::id)
        .get_result(conn)?;
    add_tags(
        conn,
        id,
        &draft.tags,
        listed_at(status, published_at.map(|when| when.naive_utc())),
    )?;
    keep_revision(conn, id, actor.id, draft, at)?;
    Ok(id)
}

/// Replaces the editable fields of a post.
pub(crate) fn update(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    id: i64,
    draft: &CleanDraft,
) -> StoreResult<()> {
    let row = row_for_change(conn, actor, id)?;
    let published = row.status() == PostStatus::Published;
    let slug = match &draft.slug {
        Some(chosen) if *chosen != row.slug => slugs::unique(conn, chosen, Some(id))?,
        Some(_) => row.slug.clone(),
        // A post nobody has seen yet follows its title; a published one keeps its address.
        None if row.status() == PostStatus::Draft && row.title != draft.title => {
            slugs::unique(conn, &draft.title, Some(id))?
        }
        None => row.slug.clone(),
    };
    if published && slug != row.slug {
        slugs::remember_move(conn, id, &row.slug, &slug)?;
    }
    let text_changed = row.title != draft.title
        || row.description != draft.description
        || row.body_markdown != draft.body_markdown;
    let derived = render::derive(&draft.body_markdown);
    let at = now.naive_utc();
    let tags_before = rows::tags_of(conn, &[id])?.remove(&id).unwrap_or_default();
    diesel::update(posts::table.find(id))
        .set((
            posts::slug.eq(&slug),
            posts::title.eq(&draft.title),
            posts::description.eq(&draft.description),
            posts::body_markdown.eq(&draft.body_markdown),
            posts::body_html.eq(&derived.body_html),
            posts::excerpt_html.eq(&derived.excerpt_html),
            posts::toc_json.eq(derived.toc_json()),
            posts::word_count.eq(derived.word_count),
            posts::reading_minutes.eq(derived.reading_minutes),
            posts::cover_image_url.eq(&draft.cover_image_url),
            posts::updated_at.eq(at),
        ))
        .execute(conn)?;
    set_tags(
        conn,
        id,
        &draft.tags,
        listed_at(row.status(), row.published_at),
    )?;
    if published {
        counts::retagged(conn, &draft.tags, &tags_before)?;
    }
    if text_changed {
        keep_revision(conn, id, actor.id, draft, at)?;
    }
    if published {
        let row = read::row_by_id(conn, id)?.ok_or(PostsError::NotFound)?;
        let mut document = events::document(conn, &row, &derived)?;
        document.former_tags = tags_before
            .into_iter()
            .filter(|tag| !document.tags.contains(tag))
            .collect();
        events::record(conn, &PostEvent::PostUpdated(document), now)?;
    }
    Ok(())
}

fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: PostStatus,
    published_at: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(posts::table.find(id))
        .set((
            posts::status.eq(status.as_str()),
            posts::published_at.eq(published_at),
            posts::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    diesel::update(post_tags::table.filter(post_tags::post_id.eq(id)))
        .set(post_tags::published_at.eq(listed_at(status, published_at)))
        .execute(conn)?;
    Ok(())
}

fn go_live(
    conn: &mut DbConnection,
    row: &PostRow,
    at: NaiveDateTime,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    set_status(conn, row.id, PostStatus::Published, Some(at), now)?;
    announce_live(conn, row.id, &render::derive(&row.body_markdown), now)
}

/// Counts the post `id` that just went live and records its `PostPublished` event.
fn announce_live(
    conn: &mut DbConnection,
    id: i64,
    derived: &Derived,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = read::row_by_id(conn, id)?.ok_or(PostsError::NotFound)?;
    let document = events::document(conn, &row, derived)?;
    counts::went_live(conn, &document.tags)?;
    events::record(conn, &PostEvent::PostPublished(document), now)
}

/// Publishes now. Publishing a published post changes nothing.
pub(crate) fn publish(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    id: i64,
) -> StoreResult<()> {
    let row = row_for_change(conn, actor, id)?;
    if row.status() == PostStatus::Published {
        return Ok(());
    }
    if row.body_markdown.trim().is_empty() {
        return Err(PostsError::invalid("body", "Write something before publishing.").into());
    }
    go_live(conn, &row, now.naive_utc(), now)
}

/// Schedules publication at `at`.
pub(crate) fn schedule(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    id: i64,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let row = row_for_change(conn, actor, id)?;
    if row.status() == PostStatus::Published {
        return Err(PostsError::Conflict(
            "This post is already published; unpublish it before scheduling it.".into(),
        )
        .into());
    }
    if at <= now {
        return Err(PostsError::invalid("publish_at", "Choose a time in the future.").into());
    }
    if row.body_markdown.trim().is_empty() {
        return Err(PostsError::invalid("body", "Write something before scheduling.").into());
    }
    set_status(conn, id, PostStatus::Scheduled, Some(at.naive_utc()), now)
}

/// Returns a post to draft.
pub(crate) fn unpublish(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    id: i64,
) -> StoreResult<()> {
    let row = row_for_change(conn, actor, id)?;
    match row.status() {
        PostStatus::Draft => Ok(()),
        PostStatus::Scheduled => set_status(conn, id, PostStatus::Draft, None, now),
        PostStatus::Published => {
            set_status(conn, id, PostStatus::Draft, None, now)?;
            let tags = rows::tags_of(conn, &[id])?.remove(&id).unwrap_or_default();
            counts::came_down(conn, &tags)?;
            let event = PostEvent::PostUnpublished {
                post_id: id,
                slug: row.slug,
                author_id: row.author_id,
                tags,
            };
            events::record(conn, &event, now)
        }
    }
}

/// Deletes a post and everything that hangs off it.
pub(crate) fn delete(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    id: i64,
) -> StoreResult<()> {
    let row = row_for_change(conn, actor, id)?;
    let tags = rows::tags_of(conn, &[id])?.remove(&id).unwrap_or_default();
    // Children first, so the deletion does not depend on foreign-key cascades being on.
    diesel::delete(post_tags::table.filter(post_tags::post_id.eq(id))).execute(conn)?;
    diesel::delete(post_revisions::table.filter(post_revisions::post_id.eq(id))).execute(conn)?;
    diesel::delete(post_favorites::table.filter(post_favorites::post_id.eq(id))).execute(conn)?;
    diesel::delete(
        crate::schema::post_slug_redirects::table
            .filter(crate::schema::post_slug_redirects::post_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(posts::table.find(id)).execute(conn)?;
    if row.status() == PostStatus::Published {
        counts::came_down(conn, &tags)?;
    }
    let event = PostEvent::PostDeleted {
        post_id: id,
        slug: row.slug,
        author_id: row.author_id,
        tags,
    };
    events::record(conn, &event, now)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = post_revisions)]
struct RevisionRow {
    id: i64,
    post_id: i64,
    editor_id: i64,
    title: String,
    description: String,
    body_markdown: String,
    created_at: NaiveDateTime,
}

impl From<RevisionRow> for Revision {
    fn from(row: RevisionRow) -> Self {
        Revision {
            id: row.id,
            post_id: row.post_id,
            editor_id: row.editor_id,
            title: row.title,
            description: row.description,
            body_markdown: row.body_markdown,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// A post's revisions, newest first.
pub(crate) fn revisions(
    conn: &mut DbConnection,
    actor: Actor,
    id: i64,
) -> StoreResult<Vec<Revision>> {
    editable_row(conn, actor, id)?;
    let rows: Vec<RevisionRow> = post_revisions::table
        .filter(post_revisions::post_id.eq(id))
        .order(post_revisions::id.desc())
        .select(RevisionRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Revision::from).collect())
}

/// Makes revision `revision_id` the current text of post `id`.
pub(crate) fn restore_revision(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    actor: Actor,
    id: i64,
    revision_id: i64,
) -> StoreResult<()> {
    let row = row_for_change(conn, actor, id)?;
    let revision: RevisionRow = post_revisions::table
        .find(revision_id)
        .filter(post_revisions::post_id.eq(id))
        .select(RevisionRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(PostsError::NotFound)?;
    let tags = crate::rows::tags_of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default();
    let draft = CleanDraft {
        title: revision.title,
        description: revision.description,
        body_markdown: revision.body_markdown,
        tags,
        cover_image_url: row.cover_image_url,
        slug: Some(row.slug),
    };
    update(conn, now, actor, id, &draft)
}

fn favorites_count(conn: &mut DbConnection, id: i64) -> StoreResult<u64> {
    let n: i64 = post_favorites::table
        .filter(post_favorites::post_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn published_or_not_found(conn: &mut DbConnection, id: i64) -> StoreResult<()> {
    match read::row_by_id(conn, id)? {
        Some(row) if row.status() == PostStatus::Published => Ok(()),
        _ => Err(PostsError::NotFound.into()),
    }
}

/// Marks a published post favorite for `user_id`.
pub(crate) fn favorite(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: i64,
    id: i64,
) -> StoreResult<u64> {
    published_or_not_found(conn, id)?;
    let already: i64 = post_favorites::table
        .filter(post_favorites::post_id.eq(id))
        .filter(post_favorites::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if already == 0 {
        diesel::insert_into(post_favorites::table)
            .values((
                post_favorites::post_id.eq(id),
                post_favorites::user_id.eq(user_id),
                post_favorites::created_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    favorites_count(conn, id)
}

/// Removes `user_id`'s mark from a post.
pub(crate) fn unfavorite(conn: &mut DbConnection, user_id: i64, id: i64) -> StoreResult<u64> {
    published_or_not_found(conn, id)?;
    diesel::delete(
        post_favorites::table
            .filter(post_favorites::post_id.eq(id))
            .filter(post_favorites::user_id.eq(user_id)),
    )
    .execute(conn)?;
    favorites_count(conn, id)
}

/// Publishes every scheduled post whose time has come.
pub(crate) fn publish_due(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let due: Vec<PostRow> = posts::table
        .filter(posts::status.eq(PostStatus::Scheduled.as_str()))
        .filter(posts::published_at.le(now.naive_utc()))
        .order((posts::published_at.asc(), posts::id.asc()))
        .select(PostRow::as_select())
        .load(conn)?;
    // Lock each and look again: another instance's scheduler, or its author, may have
    // changed it since the list was read (on PostgreSQL; SQLite writes are serial). All are
    // locked before any count is touched, so this transaction never holds a count's row
    // while waiting for a post that another change (which then wants that count) holds.
    let mut still_due = Vec::with_capacity(due.len());
    for row in due {
        if let Some(row) = read::locked_row(conn, row.id)?
            && row.status() == PostStatus::Scheduled
            && row.published_at.is_some_and(|at| at <= now.naive_utc())
        {
            still_due.push(row);
        }
    }
    let mut published = Vec::with_capacity(still_due.len());
    for row in still_due {
        // It goes live at the time it was scheduled for, not when the scheduler noticed.
        let at = row.published_at.unwrap_or_else(|| now.naive_utc());
        go_live(conn, &row, at, now)?;
        published.push(row.id);
    }
    Ok(published)
}
