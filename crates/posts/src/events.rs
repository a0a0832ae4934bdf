//! Writing the module's events to the outbox, inside the caller's transaction.

use chrono::{DateTime, Utc};
use kernel::DbConnection;
use kernel::outbox::{self, NewEvent};
use posts_api::{PostDocument, PostEvent};

use crate::error::StoreResult;
use crate::render::Derived;
use crate::rows::{self, PostRow};

/// What search needs of a published post.
pub(crate) fn document(
    conn: &mut DbConnection,
    row: &PostRow,
    derived: &Derived,
) -> StoreResult<PostDocument> {
    let tags = rows::tags_of(conn, &[row.id])?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(PostDocument {
        post_id: row.id,
        slug: row.slug.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        body_text: derived.plain_text.clone(),
        tags,
        author_id: row.author_id,
        published_at: row.published_at.unwrap_or(row.updated_at).and_utc(),
        updated_at: row.updated_at.and_utc(),
        former_tags: Vec::new(),
    })
}

/// Appends `event` to the outbox on `conn` (call inside the change's transaction).
pub(crate) fn record(
    conn: &mut DbConnection,
    event: &PostEvent,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    outbox::append(conn, &NewEvent::new(event.event_type(), event, at)?)?;
    Ok(())
}
