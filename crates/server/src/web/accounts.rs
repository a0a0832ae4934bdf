//! Sign-up, sign-in and sign-out.
//!
//! Forms shown again after an error keep what the person typed, never the password.
//! Sign-in answers one message for unknown accounts, wrong passwords and suspended accounts,
//! and 429 with `Retry-After` when the profiles module's rate limit is reached.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use profiles_api::{NewAccount, ProfilesError};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{
    MaybeSignedIn, NoFields, SESSION_COOKIE, VerifiedForm, removal_cookie, session_cookie,
};
use super::chrome::Chrome;
use super::errors::PageError;

/// A form's values and its error, as the template shows them.
#[derive(Debug, Default, Serialize)]
struct FormState {
    username: String,
    email: String,
    login: String,
    next: String,
    /// The field at fault, for `aria-invalid` and focus.
    error_field: String,
    error: String,
}

/// Fields of the sign-up form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignupForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Fields of the sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after sign-in (no open redirect).
fn safe_next(next: &str) -> String {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if local && !next.chars().any(char::is_control) {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

fn client_of(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
}

fn form_page(
    state: &AppState,
    chrome: &Chrome,
    template: &'static str,
    status: StatusCode,
    form: &FormState,
) -> Result<HttpResponse, PageError> {
    let html = state
        .pages
        .render(chrome, template, |context| context.insert("form", form))?;
    Ok(chrome.page(status, html))
}

/// `GET /signup`.
pub(crate) async fn signup_page(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::with_form_token(&request);
    form_page(
        &state,
        &chrome,
        "signup.html",
        StatusCode::OK,
        &FormState::default(),
    )
}

/// Turns a refusal into the form's error: `(status, field, message)`.
fn refusal(error: ProfilesError) -> Result<(StatusCode, String, String), PageError> {
    Ok(match error {
        ProfilesError::Invalid { field, message } => {
            (StatusCode::UNPROCESSABLE_ENTITY, field, message)
        }
        ProfilesError::NotAvailable(message) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "username".to_owned(),
            message,
        ),
        ProfilesError::SignupClosed => (
            StatusCode::FORBIDDEN,
            String::new(),
            "Sign-up is closed on this site.".to_owned(),
        ),
        ProfilesError::InvalidCredentials => (
            StatusCode::UNAUTHORIZED,
            "login".to_owned(),
            "That username or email and password do not match an account that can sign in."
                .to_owned(),
        ),
        ProfilesError::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            String::new(),
            format!(
                "Too many attempts. Please wait {} before trying again.",
                wait_text(retry_after_secs)
            ),
        ),
        ProfilesError::Storage(reason) => return Err(PageError::Unavailable(reason)),
        ProfilesError::NotFound | ProfilesError::Forbidden => return Err(PageError::NotFound),
    })
}

fn wait_text(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".to_owned(),
        2..=59 => format!("{seconds} seconds"),
        60..=119 => "a minute".to_owned(),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

/// `POST /signup`.
pub(crate) async fn signup(
    state: web::Data<AppState>,
    request: HttpRequest,
    VerifiedForm(form): VerifiedForm<SignupForm>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::with_form_token(&request);
    let account = NewAccount {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
    };
    // Who may sign up comes from the site settings; the first account on a fresh instance
    // becomes admin regardless.
    let policy = state.site.current().signup_policy();
    let registered = state.profiles.register(account, policy).await;
    let outcome = match registered {
        Ok(_) => {
            state
                .profiles
                .sign_in(&form.username, &form.password, &client_of(&request))
                .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(session) => Ok(signed_in_redirect(&state, session, "/")),
        Err(error) => {
            let (status, field, message) = refusal(error)?;
            let state_of_form = FormState {
                username: form.username,
                email: form.email,
                error_field: field,
                error: message,
                ..FormState::default()
            };
            form_page(&state, &chrome, "signup.html", status, &state_of_form)
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
}

/// `GET /login`.
pub(crate) async fn login_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::with_form_token(&request);
    let form = FormState {
        next: safe_next(&query.next),
        ..FormState::default()
    };
    form_page(&state, &chrome, "login.html", StatusCode::OK, &form)
}

fn signed_in_redirect(
    state: &AppState,
    session: profiles_api::Session,
    next: &str,
) -> HttpResponse {
    let secure = state.pages.secure_cookies();
    let now = state.clock.now();
    HttpResponse::SeeOther()
        .cookie(session_cookie(
            session.token,
            session.expires_at,
            now,
            secure,
        ))
        .insert_header((header::LOCATION, safe_next(next)))
        .finish()
}

/// `POST /login`: a new session (never the old one: no fixation), then back where the
/// person was going.
pub(crate) async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    VerifiedForm(form): VerifiedForm<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let signed_in = state
        .profiles
        .sign_in(form.login.trim(), &form.password, &client_of(&request))
        .await;
    match signed_in {
        Ok(session) => Ok(signed_in_redirect(&state, session, &form.next)),
        Err(error) => {
            let retry_after = match &error {
                ProfilesError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            };
            let (status, field, message) = refusal(error)?;
            let chrome = Chrome::with_form_token(&request);
            let form = FormState {
                login: form.login,
                next: safe_next(&form.next),
                error_field: field,
                error: message,
                ..FormState::default()
            };
            let mut response = form_page(&state, &chrome, "login.html", status, &form)?;
            if let Some(seconds) = retry_after
                && let Ok(value) = header::HeaderValue::from_str(&seconds.max(1).to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

/// `POST /logout`: ends the session on the server and forgets the cookie.
pub(crate) async fn logout(
    state: web::Data<AppState>,
    signed_in: MaybeSignedIn,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    if let Some(session) = signed_in.0 {
        state
            .profiles
            .sign_out(&session.token)
            .await
            .map_err(|e| PageError::Unavailable(e.to_string()))?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(removal_cookie(SESSION_COOKIE, state.pages.secure_cookies()))
        .insert_header((header::LOCATION, "/"))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/posts/x?y=1"), "/posts/x?y=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "",
            "javascript:x",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn waits_are_said_in_words() {
        assert_eq!(wait_text(0), "a second");
        assert_eq!(wait_text(30), "30 seconds");
        assert_eq!(wait_text(90), "a minute");
        assert_eq!(wait_text(600), "10 minutes");
    }
}
