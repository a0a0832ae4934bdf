//! Turning the session cookie into a viewer, once per request.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use profiles_api::Viewer;

use super::cookies::SESSION_COOKIE;
use crate::web::AppState;
use crate::web::view::path_segment;

/// The signed-in viewer and their session token, stored in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) viewer: Viewer,
    pub(crate) token: String,
}

/// Middleware: authenticates the session cookie, if any.
pub(crate) async fn identify(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let token = request.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    if let (Some(token), Some(state)) = (token, request.app_data::<web::Data<AppState>>())
        && !token.is_empty()
    {
        match state.profiles.authenticate(&token).await {
            Ok(Some(viewer)) => {
                request.extensions_mut().insert(Session { viewer, token });
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "cannot check the session"),
        }
    }
    next.call(request).await
}

fn session_of(request: &HttpRequest) -> Option<Session> {
    request.extensions().get::<Session>().cloned()
}

/// The viewer, if signed in.
#[derive(Debug, Clone)]
pub(crate) struct MaybeSignedIn(pub(crate) Option<Session>);

impl FromRequest for MaybeSignedIn {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(MaybeSignedIn(session_of(request))))
    }
}

/// A signed-in viewer; anonymous requests are sent to `/login?next=<this page>`.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn(pub(crate) Session);

/// The refusal for anonymous requests to pages that need an account.
#[derive(Debug, thiserror::Error)]
#[error("sign in to continue")]
pub(crate) struct SignInFirst {
    next: String,
}

impl ResponseError for SignInFirst {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::SEE_OTHER
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/login?next={}", path_segment(&self.next)),
            ))
            .finish()
    }
}

impl FromRequest for SignedIn {
    type Error = SignInFirst;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match session_of(request) {
            Some(session) => Ok(SignedIn(session)),
            None => Err(SignInFirst {
                next: request
                    .uri()
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned(),
            }),
        })
    }
}

/// Refuses everyone but administrators.
pub(crate) fn require_admin(session: &Session) -> Result<(), crate::web::errors::PageError> {
    if session.viewer.role == profiles_api::Role::Admin {
        Ok(())
    } else {
        Err(crate::web::errors::PageError::Forbidden(
            "Only administrators can use the admin area.",
        ))
    }
}
