//! API tokens for the JSON API: issued to an account, shown once, revoked one by one, or all
//! at once by a password change or a suspension.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kernel::DbConnection;
use profiles_api::{ApiToken, ProfilesError, Viewer};

use crate::accounts;
use crate::error::StoreResult;
use crate::rows::UserRow;
use crate::schema::{api_tokens, users};
use crate::tokens;

/// Issues a token to the account `viewer_id` (call inside a write transaction).
pub(crate) fn issue(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    viewer_id: i64,
) -> StoreResult<ApiToken> {
    let user = accounts::active(conn, viewer_id)?;
    let token = tokens::generate()?;
    let id: i64 = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(&token.hash),
            api_tokens::user_id.eq(user.id),
            api_tokens::created_at.eq(now.naive_utc()),
        ))
        .returning(api_tokens::id)
        .get_result(conn)?;
    Ok(ApiToken {
        token: token.plain,
        id,
        viewer: user.viewer(),
    })
}

/// Who holds API token `token`, unless the account is suspended.
pub(crate) fn authenticate(conn: &mut DbConnection, token: &str) -> StoreResult<Option<Viewer>> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let user: Option<UserRow> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(tokens::hash(token)))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?;
    Ok(user.filter(|u| !u.suspended()).map(|u| u.viewer()))
}

/// Revokes token `token_id` of account `viewer_id`; anyone else's is not found.
pub(crate) fn revoke(conn: &mut DbConnection, viewer_id: i64, token_id: i64) -> StoreResult<()> {
    accounts::active(conn, viewer_id)?;
    let deleted = diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(token_id))
            .filter(api_tokens::user_id.eq(viewer_id)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ProfilesError::NotFound.into());
    }
    Ok(())
}

/// Revokes every token of `user_id`.
pub(crate) fn revoke_all(conn: &mut DbConnection, user_id: i64) -> StoreResult<()> {
    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}
