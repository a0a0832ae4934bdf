//! CSRF protection for every state-changing form.
//!
//! Signed in, a form's token is derived from the session token (SHA-256 of a fixed label
//! and the token): a page from another site can neither read the HttpOnly session cookie
//! nor compute the token, so it cannot post a valid form. Before sign-in (the sign-up and
//! sign-in forms) a random token lives in the `quire_csrf` cookie and must come back in the
//! form (double submit). Either way the comparison takes constant time.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::error::UrlencodedError;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use kernel::hex::lower_hex;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::Session;
use super::cookies::{CSRF_COOKIE, csrf_cookie};
use crate::web::errors::ErrorMessage;

/// The token to embed in this page's forms (as `<input type="hidden" name="csrf_token">`).
#[derive(Debug, Clone)]
pub(crate) struct CsrfToken(pub(crate) String);

fn derived_from_session(session_token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"quire-csrf\0");
    hasher.update(session_token.as_bytes());
    lower_hex(&hasher.finalize())
}

/// What a form from this browser must carry, if anything can be expected yet.
fn expected(request: &HttpRequest) -> Option<String> {
    if let Some(session) = request.extensions().get::<Session>() {
        return Some(derived_from_session(&session.token));
    }
    request
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl CsrfToken {
    /// The token this browser's forms must carry, when it already has one.
    pub(crate) fn existing(request: &HttpRequest) -> Option<Self> {
        expected(request).map(CsrfToken)
    }

    /// A fresh anonymous token and the cookie that carries it.
    pub(crate) fn issue(secure: bool) -> (Self, Option<Cookie<'static>>) {
        let mut bytes = [0u8; 32];
        if getrandom::fill(&mut bytes).is_err() {
            // No randomness: hand out no usable token; the form will be refused, not forged.
            return (CsrfToken(String::new()), None);
        }
        let token = lower_hex(&bytes);
        (CsrfToken(token.clone()), Some(csrf_cookie(token, secure)))
    }
}

/// Checks a CSRF token that arrived some other way than a urlencoded form (a multipart
/// upload).
pub(crate) fn verify_csrf(request: &HttpRequest, token: &str) -> Result<(), FormRejected> {
    match expected(request) {
        Some(expected) if constant_time_eq(token, &expected) => Ok(()),
        _ => Err(FormRejected::Csrf),
    }
}

/// Largest form body accepted: a post of 200 KB of Markdown, percent-encoded, fits.
pub(crate) const FORM_LIMIT: usize = 512 * 1024;

/// The fields of a form that carries only its CSRF token (sign out, delete, follow, …).
#[derive(Debug, Deserialize)]
pub(crate) struct NoFields {}

/// A form whose CSRF token checked out; `T` holds the other fields.
#[derive(Debug)]
pub(crate) struct VerifiedForm<T>(pub(crate) T);

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    fields: T,
}

/// Why a form was refused before its handler ran.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FormRejected {
    /// Missing or wrong CSRF token.
    #[error("the form's security token is missing or wrong")]
    Csrf,
    /// The body is not a form of the expected shape.
    #[error("the form could not be read: {0}")]
    Malformed(String),
    /// The body is larger than forms may be.
    #[error("the form is too large")]
    TooLarge,
}

impl ResponseError for FormRejected {
    fn status_code(&self) -> StatusCode {
        match self {
            FormRejected::Csrf => StatusCode::FORBIDDEN,
            FormRejected::Malformed(_) => StatusCode::BAD_REQUEST,
            FormRejected::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            FormRejected::Csrf => {
                "This form has expired or did not come from this site. Go back, reload the page and send it again."
            }
            FormRejected::Malformed(_) => {
                "The form was incomplete or damaged. Go back, reload the page and send it again."
            }
            FormRejected::TooLarge => {
                "The form is too large to be accepted (at most 512 KB). Shorten the text and send it again."
            }
        };
        let mut response = HttpResponse::build(self.status_code()).finish();
        response.extensions_mut().insert(ErrorMessage(message));
        response
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for VerifiedForm<T> {
    type Error = FormRejected;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let expected = expected(request);
        let form = web::Form::<Envelope<T>>::from_request(request, payload);
        Box::pin(async move {
            let envelope = form
                .await
                .map_err(|error| match error.as_error::<UrlencodedError>() {
                    Some(UrlencodedError::Overflow { .. }) => FormRejected::TooLarge,
                    _ => FormRejected::Malformed(error.to_string()),
                })?
                .into_inner();
            match expected {
                Some(expected) if constant_time_eq(&envelope.csrf_token, &expected) => {
                    Ok(VerifiedForm(envelope.fields))
                }
                _ => Err(FormRejected::Csrf),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_the_session_and_compare_exactly() {
        let a = derived_from_session("session-a");
        assert_eq!(a.len(), 64);
        assert_eq!(a, derived_from_session("session-a"));
        assert_ne!(a, derived_from_session("session-b"));
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &a[..63]));
        assert!(!constant_time_eq(&a, &derived_from_session("session-b")));
    }
}
