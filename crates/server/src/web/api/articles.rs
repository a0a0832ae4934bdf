//! `/api/articles`: the lists, the feed, and one article read, written, changed, deleted.
//! Articles are the posts the site shows; an article created here is published at once.

use actix_web::{HttpResponse, web};
use posts_api::{PostDraft, PostFilter, PostSource, SlugLookup};
use serde::Deserialize;
use utoipa::IntoParams;

use super::assemble;
use super::auth::{ApiUser, MaybeApiUser};
use super::dto::{
    ErrorBody, MultipleArticlesResponse, NewArticleRequest, SingleArticleResponse,
    UpdateArticleRequest,
};
use super::errors::ApiError;
use crate::web::AppState;

/// Articles per request unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;
/// The most articles one request returns (larger limits are clamped to it).
pub(crate) const MAX_LIMIT: u64 = 100;

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Paging {
    /// The number of articles to return: 1 to 100 (larger values are clamped), default 20.
    #[param(minimum = 1)]
    limit: Option<u64>,
    /// The number of articles to skip before collecting the result.
    #[param(minimum = 0)]
    offset: Option<u64>,
}

impl Paging {
    /// `(offset, limit)` with the limit clamped to 1–100.
    fn window(&self) -> (u64, u32) {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        (self.offset.unwrap_or(0), u32::try_from(limit).unwrap_or(20))
    }
}

/// Filters of the global list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Filters {
    /// Only articles with this tag.
    tag: Option<String>,
    /// Only articles by this user (username).
    author: Option<String>,
    /// Only articles this user (username) marked favorite.
    favorited: Option<String>,
}

/// A user's id by username; `None` when there is no such user (the list is then empty).
async fn user_id(state: &AppState, username: &str) -> Result<Option<i64>, ApiError> {
    Ok(state.profiles.by_username(username).await?.map(|p| p.id))
}

/// A page of articles matching `filter`, assembled for the asker.
async fn listed(
    state: &AppState,
    asker: Option<&ApiUser>,
    filter: PostFilter,
    paging: &Paging,
) -> Result<HttpResponse, ApiError> {
    let (offset, limit) = paging.window();
    let slice = state.posts.published_slice(filter, offset, limit).await?;
    let articles = assemble::previews(state, asker, slice.posts).await?;
    Ok(HttpResponse::Ok().json(MultipleArticlesResponse {
        articles,
        articles_count: slice.total,
    }))
}

/// The empty list (a filter named a user who does not exist).
fn nothing() -> HttpResponse {
    HttpResponse::Ok().json(MultipleArticlesResponse {
        articles: Vec::new(),
        articles_count: 0,
    })
}

/// List articles
///
/// Most recent articles globally, newest first; filter by tag, author or favorited.
/// Auth is optional (it fills `favorited` and `author.following`).
#[utoipa::path(
    get, path = "/api/articles", operation_id = "GetArticles", tag = "Articles",
    params(Filters, Paging),
    responses(
        (status = 200, description = "A page of articles", body = MultipleArticlesResponse),
        (status = 401, description = "A token was sent but is not valid", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security((), ("Token" = []))
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    filters: web::Query<Filters>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let mut filter = PostFilter {
        tag: filters.tag.clone(),
        ..PostFilter::default()
    };
    if let Some(author) = &filters.author {
        match user_id(&state, author).await? {
            Some(id) => filter.author_id = Some(id),
            None => return Ok(nothing()),
        }
    }
    if let Some(fan) = &filters.favorited {
        match user_id(&state, fan).await? {
            Some(id) => filter.favorited_by = Some(id),
            None => return Ok(nothing()),
        }
    }
    listed(&state, caller.0.as_ref(), filter, &paging).await
}

/// Feed of followed authors
///
/// Most recent articles by the users the caller follows, newest first.
#[utoipa::path(
    get, path = "/api/articles/feed", operation_id = "GetArticlesFeed", tag = "Articles",
    params(Paging),
    responses(
        (status = 200, description = "A page of articles", body = MultipleArticlesResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn feed(
    state: web::Data<AppState>,
    caller: ApiUser,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let followed = state.profiles.followed_ids(caller.viewer.id).await?;
    let filter = PostFilter {
        author_ids: Some(followed),
        ..PostFilter::default()
    };
    listed(&state, Some(&caller), filter, &paging).await
}

/// The post at `slug` as the asker may see it, following one move to a new slug. The API
/// shows a post's Markdown, never its HTML, so the HTML is not read.
pub(crate) async fn find(
    state: &AppState,
    asker: Option<&ApiUser>,
    slug: &str,
) -> Result<PostSource, ApiError> {
    let viewer = asker.map(ApiUser::post_actor);
    match state.posts.source_by_slug(slug, viewer).await? {
        SlugLookup::Found(post) => Ok(*post),
        SlugLookup::Moved { slug } => match state.posts.source_by_slug(&slug, viewer).await? {
            SlugLookup::Found(post) => Ok(*post),
            SlugLookup::Moved { .. } => Err(ApiError::NotFound("No such article.".into())),
        },
    }
}

/// `{"article": …}` for `post`.
async fn single(
    state: &AppState,
    asker: Option<&ApiUser>,
    post: PostSource,
) -> Result<SingleArticleResponse, ApiError> {
    Ok(SingleArticleResponse {
        article: assemble::article(state, asker, post).await?,
    })
}

/// Get an article
///
/// One article with its Markdown body. Auth is optional.
#[utoipa::path(
    get, path = "/api/articles/{slug}", operation_id = "GetArticle", tag = "Articles",
    params(("slug" = String, Path, description = "Slug of the article")),
    responses(
        (status = 200, description = "The article", body = SingleArticleResponse),
        (status = 401, description = "A token was sent but is not valid", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ),
    security((), ("Token" = []))
)]
pub(crate) async fn show(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let post = find(&state, caller.0.as_ref(), &slug).await?;
    Ok(HttpResponse::Ok().json(single(&state, caller.0.as_ref(), post).await?))
}

/// Create an article
///
/// Writes and publishes an article (the caller's role must allow writing).
#[utoipa::path(
    post, path = "/api/articles", operation_id = "CreateArticle", tag = "Articles",
    request_body = NewArticleRequest,
    responses(
        (status = 201, description = "The article, published", body = SingleArticleResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The account may not write articles", body = ErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn create(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<NewArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    if !caller.viewer.role.may_write() {
        return Err(ApiError::Forbidden(
            "Your account cannot write articles. Ask an administrator for the author role.".into(),
        ));
    }
    let new = body.into_inner().article;
    let actor = caller.post_actor();
    let draft = PostDraft {
        title: new.title,
        description: new.description,
        body_markdown: new.body,
        tags: new.tag_list.unwrap_or_default(),
        cover_image_url: None,
        slug: None,
    };
    let published = state.posts.create_published(actor, draft).await?;
    Ok(HttpResponse::Created().json(single(&state, Some(&caller), published.into()).await?))
}

/// Update an article
///
/// Changes the fields given; only its author (or an editor) may. A published article keeps
/// its slug.
#[utoipa::path(
    put, path = "/api/articles/{slug}", operation_id = "UpdateArticle", tag = "Articles",
    params(("slug" = String, Path, description = "Slug of the article to update")),
    request_body = UpdateArticleRequest,
    responses(
        (status = 200, description = "The article as it now stands", body = SingleArticleResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Someone else's article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn update(
    state: web::Data<AppState>,
    caller: ApiUser,
    slug: web::Path<String>,
    body: web::Json<UpdateArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner().article;
    let post = find(&state, Some(&caller), &slug).await?;
    let actor = caller.post_actor();
    if !actor.may_edit(post.author_id) {
        return Err(ApiError::Forbidden(
            "You may not change this article.".into(),
        ));
    }
    let draft = PostDraft {
        title: changes.title.unwrap_or(post.title),
        description: changes.description.unwrap_or(post.description),
        body_markdown: changes.body.unwrap_or(post.body_markdown),
        tags: changes.tag_list.unwrap_or(post.tags),
        cover_image_url: post.cover_image_url,
        slug: None,
    };
    let updated = state.posts.update(actor, post.id, draft).await?;
    Ok(HttpResponse::Ok().json(single(&state, Some(&caller), updated.into()).await?))
}

/// Delete an article
///
/// Deletes the article with its comments and favorites; only its author (or an editor) may.
#[utoipa::path(
    delete, path = "/api/articles/{slug}", operation_id = "DeleteArticle", tag = "Articles",
    params(("slug" = String, Path, description = "Slug of the article to delete")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Someone else's article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ),
    security(("Token" = []))
)]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    caller: ApiUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let post = find(&state, Some(&caller), &slug).await?;
    state.posts.delete(caller.post_actor(), post.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_clamps() {
        let window = |limit, offset| Paging { limit, offset }.window();
        assert_eq!(window(None, None), (0, 20));
        assert_eq!(window(Some(0), Some(5)), (5, 1));
        assert_eq!(window(Some(1000), None), (0, 100));
        assert_eq!(window(Some(7), Some(u64::MAX)), (u64::MAX, 7));
    }
}
