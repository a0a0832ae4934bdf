//! `/admin/settings`: the site's title, description, public address, sign-up policy and
//! comment moderation mode. Admins only.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use kernel::Clock;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{SignedIn, VerifiedForm, require_admin};
use super::chrome::Chrome;
use super::errors::PageError;
use crate::site::{MODERATION_MODES, SiteSettings};

/// The form's values as typed (strings, so a refused form shows them again as they were).
#[derive(Debug, Default, Deserialize, Serialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    base_url: String,
    /// Present (any value) when the box is ticked.
    #[serde(default)]
    open_signup: Option<String>,
    #[serde(default)]
    default_role: String,
    #[serde(default)]
    moderation: String,
}

impl SettingsForm {
    fn of(settings: &SiteSettings) -> Self {
        Self {
            title: settings.title.clone(),
            description: settings.description.clone(),
            base_url: settings.base_url.clone(),
            open_signup: settings.open_signup.then(|| "on".to_owned()),
            default_role: settings.default_role.as_str().to_owned(),
            moderation: settings.moderation.clone(),
        }
    }
}

fn page(
    state: &AppState,
    chrome: &Chrome,
    status: StatusCode,
    form: &SettingsForm,
    error: Option<(&str, &str)>,
    saved: bool,
) -> Result<HttpResponse, PageError> {
    let html = state
        .pages
        .render(chrome, "admin/settings.html", |context| {
            context.insert("form", form);
            context.insert("error_field", &error.map_or("", |e| e.0));
            context.insert("error", &error.map_or("", |e| e.1));
            context.insert("saved", &saved);
            context.insert("modes", &MODERATION_MODES);
        })?;
    Ok(chrome.page(status, html))
}

#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /admin/settings`.
pub(crate) async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    let form = SettingsForm::of(&state.site.current());
    page(
        &state,
        &chrome,
        StatusCode::OK,
        &form,
        None,
        query.saved.is_some(),
    )
}

/// `POST /admin/settings`.
pub(crate) async fn save(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    VerifiedForm(form): VerifiedForm<SettingsForm>,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    let settings = match SiteSettings::validated(
        &form.title,
        &form.description,
        &form.base_url,
        form.open_signup.is_some(),
        &form.default_role,
        &form.moderation,
    ) {
        Ok(settings) => settings,
        Err(error) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(
                &state,
                &chrome,
                status,
                &form,
                Some((error.field, &error.message)),
                false,
            );
        }
    };
    let stored = settings.to_stored();
    let now = kernel::SystemClock.now();
    state
        .pool
        .run(move |conn| kernel::settings::save(conn, &stored, now))
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?;
    state.outbox.notify();
    state.site.replace(settings);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/settings?saved=1"))
        .finish())
}
