//! The OpenAPI 3.1 document of the whole API, generated from the handlers' `#[utoipa::path]`
//! attributes and the wire types' `ToSchema` derives, so it cannot drift from the code.
//! Served at `/api/openapi.json`.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use actix_web::http::header;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use super::{articles, comments, favorites, preview, profiles, search, tags, users};

/// Adds the `Token` security scheme: `Authorization: Token <token>`.
struct TokenScheme;

impl utoipa::Modify for TokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "Token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Token <token>`, the token from `user.token` after registering or logging in \
                 (`Bearer <token>` is accepted too). Tokens are revocable; cookies are never \
                 used by the API.",
            ))),
        );
    }
}

/// The document's source: every operation of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quire API",
        description = "Quire's JSON API: the RealWorld (\"Conduit\") API over the blog's own posts, \
                       profiles and comments. Every error has the shape \
                       `{\"errors\": {\"<field or body>\": [\"…\"]}}`. Timestamps are RFC 3339 \
                       with milliseconds, in UTC.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        users::login,
        users::register,
        users::current,
        users::update,
        profiles::show,
        profiles::follow,
        profiles::unfollow,
        articles::feed,
        articles::list,
        articles::create,
        articles::show,
        articles::update,
        articles::delete,
        comments::list,
        comments::create,
        comments::delete,
        favorites::favorite,
        favorites::unfavorite,
        tags::list,
        preview::preview,
        search::search,
    ),
    modifiers(&TokenScheme),
    tags(
        (name = "User and Authentication", description = "Accounts and API tokens"),
        (name = "Profile", description = "Public profiles and follows"),
        (name = "Articles", description = "The blog's published posts"),
        (name = "Comments", description = "Comments on articles"),
        (name = "Favorites", description = "Readers' favorite articles"),
        (name = "Tags", description = "Tags of published articles"),
    )
)]
pub(crate) struct ApiDoc;

/// The document, generated once.
pub(crate) static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// The document as JSON, serialized once.
static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| {
    DOCUMENT.to_json().unwrap_or_else(|error| {
        tracing::error!(%error, "cannot serialize the OpenAPI document");
        "{}".to_owned()
    })
});

/// `GET /api/openapi.json`
pub(crate) async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(DOCUMENT_JSON.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_lists_every_route() {
        let json: serde_json::Value = serde_json::from_str(&DOCUMENT_JSON).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        let paths = json["paths"].as_object().unwrap();
        for path in [
            "/api/users/login",
            "/api/users",
            "/api/user",
            "/api/profiles/{username}",
            "/api/profiles/{username}/follow",
            "/api/articles",
            "/api/articles/feed",
            "/api/articles/{slug}",
            "/api/articles/{slug}/favorite",
            "/api/articles/{slug}/comments",
            "/api/articles/{slug}/comments/{id}",
            "/api/tags",
            "/api/preview",
        ] {
            assert!(paths.contains_key(path), "{path} missing");
        }
        assert!(json["components"]["securitySchemes"]["Token"].is_object());
        assert!(json["components"]["schemas"]["Article"].is_object());
    }
}
