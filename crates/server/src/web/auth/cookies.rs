//! The cookies Quire sets.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use chrono::{DateTime, Utc};

/// The session cookie's name. Its value is a random token; only its hash is stored.
pub(crate) const SESSION_COOKIE: &str = "quire_session";
/// The anonymous CSRF cookie (forms shown before sign-in: sign-up and sign-in).
pub(crate) const CSRF_COOKIE: &str = "quire_csrf";

/// `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` when the site is served over https.
fn base(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// The session cookie, expiring with the session.
pub(crate) fn session_cookie(
    token: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    secure: bool,
) -> Cookie<'static> {
    let mut cookie = base(SESSION_COOKIE, token, secure);
    let seconds = (expires_at - now).num_seconds().max(0);
    cookie.set_max_age(CookieDuration::seconds(seconds));
    cookie
}

/// The anonymous CSRF cookie, for this browser session only.
pub(crate) fn csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    base(CSRF_COOKIE, token, secure)
}

/// A cookie that makes the browser forget `name`.
pub(crate) fn removal_cookie(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = base(name, String::new(), secure);
    cookie.make_removal();
    cookie
}
