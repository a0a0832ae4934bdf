//! `/api/profiles/{username}` and its `/follow`.

use actix_web::{HttpResponse, web};

use super::assemble;
use super::auth::{ApiUser, MaybeApiUser};
use super::dto::{ErrorBody, ProfileResponse};
use super::errors::ApiError;
use crate::web::AppState;

/// Get a profile
///
/// A user's public profile; `following` says whether the caller follows them.
#[utoipa::path(
    get, path = "/api/profiles/{username}", operation_id = "GetProfileByUsername", tag = "Profile",
    params(("username" = String, Path, description = "Username of the profile to get")),
    responses(
        (status = 200, description = "The profile", body = ProfileResponse),
        (status = 401, description = "A token was sent but is not valid", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
    security((), ("Token" = []))
)]
pub(crate) async fn show(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let profile = state
        .profiles
        .by_username(&username)
        .await?
        .ok_or_else(|| ApiError::NotFound("No such profile.".into()))?;
    let following = match &caller.0 {
        Some(caller) => !state
            .profiles
            .is_following(caller.viewer.id, vec![profile.id])
            .await?
            .is_empty(),
        None => false,
    };
    Ok(HttpResponse::Ok().json(ProfileResponse {
        profile: assemble::profile(&profile, following),
    }))
}

/// Follow a user
///
/// Follows the user (idempotent).
#[utoipa::path(
    post, path = "/api/profiles/{username}/follow", operation_id = "FollowUserByUsername", tag = "Profile",
    params(("username" = String, Path, description = "Username of the profile to follow")),
    responses(
        (status = 200, description = "The profile, now followed", body = ProfileResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "You cannot follow yourself", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn follow(
    state: web::Data<AppState>,
    caller: ApiUser,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let profile = state.profiles.follow(&caller.viewer, &username).await?;
    Ok(HttpResponse::Ok().json(ProfileResponse {
        profile: assemble::profile(&profile, true),
    }))
}

/// Unfollow a user
///
/// Stops following the user (idempotent).
#[utoipa::path(
    delete, path = "/api/profiles/{username}/follow", operation_id = "UnfollowUserByUsername", tag = "Profile",
    params(("username" = String, Path, description = "Username of the profile to unfollow")),
    responses(
        (status = 200, description = "The profile, no longer followed", body = ProfileResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "You cannot unfollow yourself", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn unfollow(
    state: web::Data<AppState>,
    caller: ApiUser,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let profile = state.profiles.unfollow(&caller.viewer, &username).await?;
    Ok(HttpResponse::Ok().json(ProfileResponse {
        profile: assemble::profile(&profile, false),
    }))
}
