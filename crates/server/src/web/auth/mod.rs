//! Who is asking: the session cookie, the signed-in viewer, and CSRF protection of forms.
//!
//! - [`identify`] (middleware) turns the `quire_session` cookie into a [`Viewer`] once per
//!   request, through the profiles port.
//! - [`SignedIn`] / [`MaybeSignedIn`] hand it to handlers; `SignedIn` sends anonymous readers
//!   to the sign-in page.
//! - [`VerifiedForm`] parses a form and refuses it with 403 unless its `csrf_token` matches:
//!   every state-changing form handler takes one, so none can forget the check.

mod cookies;
mod csrf;
mod identify;

pub(crate) use cookies::{SESSION_COOKIE, removal_cookie, session_cookie};
pub(crate) use csrf::{CsrfToken, FORM_LIMIT, NoFields, VerifiedForm, verify_csrf};
pub(crate) use identify::{MaybeSignedIn, Session, SignedIn, identify, require_admin};
