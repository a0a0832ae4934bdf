//! What every page shows around its content that depends on who asks: the signed-in
//! viewer in the header, and the CSRF token for the page's forms.

use std::future::{Ready, ready};

use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::auth::CsrfToken;
use super::auth::Session;

/// The viewer as templates see them.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ViewerView {
    pub(crate) username: String,
    pub(crate) role: &'static str,
    pub(crate) may_write: bool,
    pub(crate) is_admin: bool,
}

/// Per-request page data: `viewer` (absent when anonymous) and `csrf_token`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Chrome {
    pub(crate) viewer: Option<ViewerView>,
    pub(crate) csrf_token: String,
    #[serde(skip)]
    new_cookie: Option<Cookie<'static>>,
}

impl Chrome {
    /// Chrome for an anonymous request with no forms (error pages).
    pub(crate) fn anonymous() -> Self {
        Self {
            viewer: None,
            csrf_token: String::new(),
            new_cookie: None,
        }
    }

    /// Chrome for a page rendered once for any signed-in reader: a viewer with no name and
    /// no rights, and `csrf_slot` where each reader's token will go.
    pub(crate) fn any_signed_in_reader(csrf_slot: String) -> Self {
        Self {
            viewer: Some(ViewerView {
                username: String::new(),
                role: profiles_api::Role::Reader.as_str(),
                may_write: false,
                is_admin: false,
            }),
            csrf_token: csrf_slot,
            new_cookie: None,
        }
    }

    /// The same viewer with `csrf_slot` in place of their token (for parts of a page kept
    /// for them and filled per request).
    pub(crate) fn with_csrf_slot(&self, csrf_slot: String) -> Self {
        Self {
            viewer: self.viewer.clone(),
            csrf_token: csrf_slot,
            new_cookie: None,
        }
    }

    fn of(request: &HttpRequest) -> Self {
        // Signed in, the token comes from the session. Anonymous readers get none here, so
        // reading pages set no cookie; pages with a form call `with_form_token`.
        let token = CsrfToken::existing(request).map_or_else(String::new, |t| t.0);
        let viewer = request.extensions().get::<Session>().map(|s| ViewerView {
            username: s.viewer.username.clone(),
            role: s.viewer.role.as_str(),
            may_write: s.viewer.role.may_write(),
            is_admin: s.viewer.role == profiles_api::Role::Admin,
        });
        Self {
            viewer,
            csrf_token: token,
            new_cookie: None,
        }
    }

    /// Chrome for a page with a form: an anonymous browser without a CSRF cookie gets one.
    pub(crate) fn with_form_token(request: &HttpRequest) -> Self {
        let mut chrome = Self::of(request);
        if chrome.csrf_token.is_empty() {
            let secure = request
                .app_data::<web::Data<AppState>>()
                .is_some_and(|s| s.pages.secure_cookies());
            let (token, cookie) = CsrfToken::issue(secure);
            chrome.csrf_token = token.0;
            chrome.new_cookie = cookie;
        }
        chrome
    }

    /// A response with `status` carrying `html`, plus the CSRF cookie if this page created
    /// one. Pages for a signed-in viewer are private to them.
    pub(crate) fn page(&self, status: actix_web::http::StatusCode, html: String) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        response.insert_header((
            header::CACHE_CONTROL,
            if self.viewer.is_some() {
                "private, no-cache"
            } else {
                "no-cache"
            },
        ));
        if let Some(cookie) = &self.new_cookie {
            response.cookie(cookie.clone());
        }
        response.body(html)
    }

    /// A 200 page.
    pub(crate) fn html(&self, html: String) -> HttpResponse {
        self.page(actix_web::http::StatusCode::OK, html)
    }
}

impl FromRequest for Chrome {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Chrome::of(request)))
    }
}
