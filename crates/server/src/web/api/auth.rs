//! `Authorization: Token <token>`: the API's only credential. The site's session cookie is
//! never read here, so a page on another site cannot make a signed-in browser write through
//! the API (no CSRF surface).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use profiles_api::Viewer;

use super::errors::ApiError;
use crate::web::AppState;

/// A caller who presented a valid API token.
#[derive(Debug, Clone)]
pub(crate) struct ApiUser {
    /// Who they are.
    pub(crate) viewer: Viewer,
    /// The token they presented (echoed in the user object).
    pub(crate) token: String,
}

impl ApiUser {
    /// As a posts actor.
    pub(crate) fn post_actor(&self) -> posts_api::Actor {
        posts_api::Actor {
            id: self.viewer.id,
            may_edit_any: self.viewer.role.may_edit_any(),
        }
    }

    /// As a comments actor.
    pub(crate) fn comment_actor(&self) -> comments_api::Actor {
        comments_api::Actor {
            id: self.viewer.id,
            may_moderate_any: self.viewer.role.may_edit_any(),
        }
    }
}

/// A caller who may or may not have presented a token; a token that is presented must be
/// valid (401 otherwise), so a client learns at once that its token was revoked.
#[derive(Debug, Clone)]
pub(crate) struct MaybeApiUser(pub(crate) Option<ApiUser>);

/// The token in an `Authorization` header: `Token <t>` (the spec's scheme) or `Bearer <t>`.
/// `Ok(None)` when there is no header; `Err` when it is malformed.
fn presented_token(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed =
        || ApiError::Unauthorized("Send the header as `Authorization: Token <your token>`.".into());
    let value = value.to_str().map_err(|_| malformed())?.trim();
    let (scheme, token) = value.split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    let known = scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer");
    if !known || token.is_empty() {
        return Err(malformed());
    }
    Ok(Some(token.to_owned()))
}

/// Checks the presented token, if any, with the profiles module.
async fn authenticate(
    state: Option<web::Data<AppState>>,
    token: Option<String>,
) -> Result<Option<ApiUser>, ApiError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let state = state.ok_or_else(|| ApiError::Unavailable("no application state".into()))?;
    match state.profiles.authenticate_api_token(&token).await? {
        Some(viewer) => Ok(Some(ApiUser { viewer, token })),
        None => Err(ApiError::Unauthorized(
            "This token is not valid (revoked, or the account is suspended). Sign in again.".into(),
        )),
    }
}

/// The boxed future both extractors return.
type Extracting<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for MaybeApiUser {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = presented_token(request);
        let state = request.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move { Ok(MaybeApiUser(authenticate(state, token?).await?)) })
    }
}

impl FromRequest for ApiUser {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = presented_token(request);
        let state = request.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            authenticate(state, token?).await?.ok_or_else(|| {
                ApiError::Unauthorized(
                    "Sign in first: send `Authorization: Token <your token>`.".into(),
                )
            })
        })
    }
}
