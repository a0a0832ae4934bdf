//! `/api/users`, `/api/users/login`, `/api/user`: registration, login and the current user.

use actix_web::{HttpRequest, HttpResponse, web};
use profiles_api::{NewAccount, ProfileChanges, Viewer};

use super::auth::ApiUser;
use super::dto::{ErrorBody, LoginRequest, NewUserRequest, UpdateUserRequest, User, UserResponse};
use super::errors::ApiError;
use crate::web::AppState;

/// The user object for `viewer`, carrying `token`.
async fn user_of(state: &AppState, viewer: &Viewer, token: String) -> Result<User, ApiError> {
    let email = state.profiles.email(viewer).await?;
    let profile = state
        .profiles
        .by_id(viewer.id)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("This account no longer exists.".into()))?;
    Ok(User {
        email,
        token,
        username: profile.username,
        bio: profile.bio_markdown,
        image: profile.avatar_url.unwrap_or_default(),
    })
}

/// The caller's address, for the sign-in rate limit.
fn client_of(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
}

/// Existing user login
///
/// Signs in with email (or username) and password and returns a fresh API token.
#[utoipa::path(
    post, path = "/api/users/login", operation_id = "Login", tag = "User and Authentication",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; `user.token` is a new API token", body = UserResponse),
        (status = 401, description = "Email and password do not match an active account", body = ErrorBody),
        (status = 422, description = "The request is malformed", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see `Retry-After`", body = ErrorBody),
    )
)]
pub(crate) async fn login(
    request: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let credentials = body.into_inner().user;
    let session = state
        .profiles
        .sign_in(
            &credentials.email,
            &credentials.password,
            &client_of(&request),
        )
        .await?;
    let issued = state.profiles.issue_api_token(&session.viewer).await;
    // The API needs no cookie session: end the one sign-in opened, whatever happened.
    if let Err(error) = state.profiles.sign_out(&session.token).await {
        tracing::warn!(%error, "cannot end the API sign-in's session");
    }
    let issued = issued?;
    let user = user_of(&state, &issued.viewer, issued.token).await?;
    Ok(HttpResponse::Ok().json(UserResponse { user }))
}

/// Register a new user
///
/// Opens an account (if the site's sign-up is open) and returns it with an API token.
#[utoipa::path(
    post, path = "/api/users", operation_id = "CreateUser", tag = "User and Authentication",
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Account opened", body = UserResponse),
        (status = 403, description = "Sign-up is closed on this site", body = ErrorBody),
        (status = 422, description = "Invalid or taken username or email, weak password", body = ErrorBody),
    )
)]
pub(crate) async fn register(
    state: web::Data<AppState>,
    body: web::Json<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().user;
    let policy = state.site.current().signup_policy();
    let profile = state
        .profiles
        .register(
            NewAccount {
                username: new.username,
                email: new.email,
                password: new.password,
            },
            policy,
        )
        .await?;
    let viewer = Viewer {
        id: profile.id,
        username: profile.username.clone(),
        role: profile.role,
    };
    let issued = state.profiles.issue_api_token(&viewer).await?;
    let user = user_of(&state, &issued.viewer, issued.token).await?;
    Ok(HttpResponse::Created().json(UserResponse { user }))
}

/// Get current user
///
/// The user the token belongs to.
#[utoipa::path(
    get, path = "/api/user", operation_id = "GetCurrentUser", tag = "User and Authentication",
    responses(
        (status = 200, description = "The current user", body = UserResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn current(
    state: web::Data<AppState>,
    caller: ApiUser,
) -> Result<HttpResponse, ApiError> {
    let user = user_of(&state, &caller.viewer, caller.token).await?;
    Ok(HttpResponse::Ok().json(UserResponse { user }))
}

/// Update current user
///
/// Changes bio and image. Email, username and password are accepted only unchanged: a new
/// email or password needs the current password (the site's settings page), usernames never
/// change.
#[utoipa::path(
    put, path = "/api/user", operation_id = "UpdateCurrentUser", tag = "User and Authentication",
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The user as it now stands", body = UserResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "A field is invalid or cannot be changed here", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn update(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().user;
    let current = user_of(&state, &caller.viewer, caller.token.clone()).await?;
    if let Some(email) = &changes.email
        && !email.trim().eq_ignore_ascii_case(&current.email)
    {
        return Err(ApiError::invalid(
            "email",
            "Changing the email needs your password: use the settings page.",
        ));
    }
    if let Some(username) = &changes.username
        && !username.trim().eq_ignore_ascii_case(&current.username)
    {
        return Err(ApiError::invalid(
            "username",
            "Usernames cannot be changed.",
        ));
    }
    if changes.password.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(ApiError::invalid(
            "password",
            "Changing the password needs the current one: use the settings page.",
        ));
    }
    if changes.bio.is_some() || changes.image.is_some() {
        let profile = state
            .profiles
            .by_id(caller.viewer.id)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("This account no longer exists.".into()))?;
        state
            .profiles
            .update_profile(
                &caller.viewer,
                ProfileChanges {
                    display_name: profile.display_name,
                    bio_markdown: changes.bio.unwrap_or(profile.bio_markdown),
                    avatar_url: changes.image.or(profile.avatar_url),
                    website_url: profile.website_url,
                },
            )
            .await?;
    }
    let user = user_of(&state, &caller.viewer, caller.token).await?;
    Ok(HttpResponse::Ok().json(UserResponse { user }))
}
