//! `/settings`: a signed-in person edits their profile, email and password.
//!
//! Three forms on one page, each posting to its own address. A refused form comes back with
//! its error and what was typed (never a password); a saved one redirects with a notice.
//! Changing the password ends every other session and revokes API tokens.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use profiles_api::{ProfileChanges, ProfilesError};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{Session, SignedIn, VerifiedForm};
use super::chrome::Chrome;
use super::errors::PageError;

/// What the template shows in each form, and the error of the one just sent.
#[derive(Debug, Default, Serialize)]
struct SettingsView {
    display_name: String,
    bio_markdown: String,
    avatar_url: String,
    website_url: String,
    /// `profile`, `email` or `password`: which form the error or notice belongs to.
    form: String,
    error_field: String,
    error: String,
    notice: String,
}

fn page(
    state: &AppState,
    chrome: &Chrome,
    status: StatusCode,
    view: &SettingsView,
) -> Result<HttpResponse, PageError> {
    let html = state.pages.render(chrome, "settings.html", |context| {
        context.insert("settings", view)
    })?;
    Ok(chrome.page(status, html))
}

async fn current_values(state: &AppState, session: &Session) -> Result<SettingsView, PageError> {
    let profile = state
        .profiles
        .by_id(session.viewer.id)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?
        .ok_or(PageError::NotFound)?;
    Ok(SettingsView {
        display_name: profile.display_name,
        bio_markdown: profile.bio_markdown,
        avatar_url: profile.avatar_url.unwrap_or_default(),
        website_url: profile.website_url.unwrap_or_default(),
        ..SettingsView::default()
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    saved: String,
}

/// `GET /settings`.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    let mut view = current_values(&state, &session).await?;
    view.notice = match query.saved.as_str() {
        "profile" => "Your profile was saved.",
        "email" => "Your email address was changed.",
        "password" => "Your password was changed. Every other session has been signed out.",
        _ => "",
    }
    .to_owned();
    view.form = query.saved.clone();
    page(&state, &chrome, StatusCode::OK, &view)
}

fn saved(which: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/settings?saved={which}")))
        .finish()
}

/// Shows the page again with `error` on the `form` just sent; `view` holds what to show.
fn refused(
    state: &AppState,
    chrome: &Chrome,
    mut view: SettingsView,
    form: &str,
    error: ProfilesError,
) -> Result<HttpResponse, PageError> {
    let (status, field, message) = match error {
        ProfilesError::Invalid { field, message } => {
            (StatusCode::UNPROCESSABLE_ENTITY, field, message)
        }
        ProfilesError::InvalidCredentials => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "password".to_owned(),
            "That is not your current password.".to_owned(),
        ),
        ProfilesError::NotAvailable(message) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "email".to_owned(),
            message,
        ),
        ProfilesError::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            String::new(),
            format!("Too many attempts. Please wait {retry_after_secs} seconds."),
        ),
        ProfilesError::Storage(reason) => return Err(PageError::Unavailable(reason)),
        _ => return Err(PageError::Forbidden("You cannot change these settings.")),
    };
    view.form = form.to_owned();
    view.error_field = field;
    view.error = message;
    page(state, chrome, status, &view)
}

/// Fields of the profile form.
#[derive(Debug, Deserialize)]
pub(crate) struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    bio_markdown: String,
    #[serde(default)]
    avatar_url: String,
    #[serde(default)]
    website_url: String,
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// `POST /settings/profile`.
pub(crate) async fn save_profile(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    VerifiedForm(form): VerifiedForm<ProfileForm>,
) -> Result<HttpResponse, PageError> {
    let changes = ProfileChanges {
        display_name: form.display_name.clone(),
        bio_markdown: form.bio_markdown.clone(),
        avatar_url: optional(&form.avatar_url),
        website_url: optional(&form.website_url),
    };
    match state
        .profiles
        .update_profile(&session.viewer, changes)
        .await
    {
        Ok(_) => Ok(saved("profile")),
        Err(error) => {
            let view = SettingsView {
                display_name: form.display_name,
                bio_markdown: form.bio_markdown,
                avatar_url: form.avatar_url,
                website_url: form.website_url,
                ..SettingsView::default()
            };
            refused(&state, &chrome, view, "profile", error)
        }
    }
}

/// Fields of the email form.
#[derive(Debug, Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /settings/email`: needs the password.
pub(crate) async fn change_email(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    VerifiedForm(form): VerifiedForm<EmailForm>,
) -> Result<HttpResponse, PageError> {
    match state
        .profiles
        .change_email(&session.viewer, &form.password, &form.email)
        .await
    {
        Ok(()) => Ok(saved("email")),
        Err(error) => {
            let view = current_values(&state, &session).await?;
            refused(&state, &chrome, view, "email", error)
        }
    }
}

/// Fields of the password form.
#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /settings/password`: keeps this session, ends the others.
pub(crate) async fn change_password(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    VerifiedForm(form): VerifiedForm<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    match state
        .profiles
        .change_password(
            &session.viewer,
            &form.current_password,
            &form.new_password,
            &session.token,
        )
        .await
    {
        Ok(()) => Ok(saved("password")),
        Err(error) => {
            let view = current_values(&state, &session).await?;
            let error = match error {
                ProfilesError::Invalid { field, message } if field == "password" => {
                    ProfilesError::Invalid {
                        field: "new_password".to_owned(),
                        message,
                    }
                }
                other => other,
            };
            refused(&state, &chrome, view, "password", error)
        }
    }
}
