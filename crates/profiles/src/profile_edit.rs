//! A person editing their own profile: display name, bio, avatar, website.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use kernel::markdown;
use profiles_api::{Profile, ProfileEvent};

use crate::error::StoreResult;
use crate::schema::users;
use crate::validate::CleanChanges;
use crate::{accounts, events, rows};

/// The bio as sanitized HTML: the comment profile of the Markdown pipeline (anyone may
/// write a bio, so it gets what anyone's comment gets).
fn render_bio(markdown_text: &str) -> String {
    if markdown_text.is_empty() {
        return String::new();
    }
    markdown::render(markdown_text, markdown::Profile::Comment).html
}

/// Replaces `viewer_id`'s profile fields (call inside a write transaction). Announces
/// `ProfileUpdated` when anything shown changed.
pub(crate) fn update(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    viewer_id: i64,
    changes: &CleanChanges,
) -> StoreResult<Profile> {
    let user = accounts::active(conn, viewer_id)?;
    let display_name = if changes.display_name.is_empty() {
        user.username.clone()
    } else {
        changes.display_name.clone()
    };
    let changed = user.display_name != display_name
        || user.bio_markdown != changes.bio_markdown
        || user.avatar_url != changes.avatar_url
        || user.website_url != changes.website_url;
    if changed {
        diesel::update(users::table.find(user.id))
            .set((
                users::display_name.eq(&display_name),
                users::bio_markdown.eq(&changes.bio_markdown),
                users::bio_html.eq(render_bio(&changes.bio_markdown)),
                users::avatar_url.eq(&changes.avatar_url),
                users::website_url.eq(&changes.website_url),
                users::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        events::record(
            conn,
            &ProfileEvent::ProfileUpdated {
                id: user.id,
                username: user.username.clone(),
                display_name,
            },
            now,
        )?;
    }
    let row = rows::by_id(conn, user.id)?.unwrap_or(user);
    rows::profile(conn, row)
}
