//! Writing: `/write` (new post), `/posts/{slug}/edit`, deletion with confirmation, revisions.
//!
//! One form serves every action; the button pressed (`action`) says what to do: `preview`
//! renders the Markdown with the same pipeline and shows the form again (works without
//! JavaScript; `assets/editor.js` adds a live preview), `save` keeps a draft, `publish`,
//! `schedule` (at `publish_at`, UTC) and `unpublish` change its state. Errors show the form
//! again with everything typed kept.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use posts_api::{Actor, Post, PostDraft, PostsError, SlugLookup};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Session;
use super::auth::SignedIn;
use super::chrome::Chrome;
use super::errors::PageError;
use super::view::path_segment;

/// The actor a signed-in viewer is for the posts module.
pub(crate) fn actor_of(session: &Session) -> Actor {
    Actor {
        id: session.viewer.id,
        may_edit_any: session.viewer.role.may_edit_any(),
    }
}

/// Refuses viewers whose role cannot write.
fn writer(session: &Session) -> Result<Actor, PageError> {
    if session.viewer.role.may_write() {
        Ok(actor_of(session))
    } else {
        Err(PageError::Forbidden(
            "Your account cannot write posts. Ask an administrator for the author role.",
        ))
    }
}

/// The editor form's fields, as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(crate) struct EditorForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// Comma-separated.
    #[serde(default)]
    tags: String,
    #[serde(default)]
    cover_image_url: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    body: String,
    /// `YYYY-MM-DDTHH:MM` in UTC, from `<input type="datetime-local">`.
    #[serde(default)]
    publish_at: String,
    #[serde(default)]
    action: String,
}

impl EditorForm {
    fn from_post(post: &Post) -> Self {
        Self {
            title: post.title.clone(),
            description: post.description.clone(),
            tags: post.tags.join(", "),
            cover_image_url: post.cover_image_url.clone().unwrap_or_default(),
            slug: post.slug.clone(),
            body: post.body_markdown.clone(),
            publish_at: post
                .published_at
                .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            action: String::new(),
        }
    }

    fn draft(&self) -> PostDraft {
        PostDraft {
            title: self.title.clone(),
            description: self.description.clone(),
            body_markdown: self.body.clone(),
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            cover_image_url: Some(self.cover_image_url.clone()).filter(|u| !u.trim().is_empty()),
            slug: Some(self.slug.clone()).filter(|s| !s.trim().is_empty()),
        }
    }

    fn publish_at(&self) -> Result<DateTime<Utc>, PostsError> {
        NaiveDateTime::parse_from_str(self.publish_at.trim(), "%Y-%m-%dT%H:%M")
            .map(|t| t.and_utc())
            .map_err(|_| {
                PostsError::invalid(
                    "publish_at",
                    "Give the date and time to publish at, e.g. 2026-12-01T09:00 (UTC).",
                )
            })
    }
}

/// What the editor template receives.
#[derive(Serialize)]
struct EditorView<'a> {
    form: &'a EditorForm,
    /// `None` for a new post.
    post: Option<PostInfo>,
    preview_html: Option<String>,
    error_field: String,
    error: String,
    notice: String,
}

#[derive(Serialize)]
struct PostInfo {
    slug: String,
    path: String,
    status: &'static str,
}

impl PostInfo {
    fn of(post: &Post) -> Self {
        Self {
            path: path_segment(&post.slug),
            slug: post.slug.clone(),
            status: post.status.as_str(),
        }
    }
}

fn editor_page(
    state: &AppState,
    chrome: &Chrome,
    status: StatusCode,
    view: &EditorView<'_>,
) -> Result<HttpResponse, PageError> {
    let html = state.pages.render(chrome, "editor.html", |context| {
        context.insert("editor", view)
    })?;
    Ok(chrome.page(status, html))
}

/// The form again with `error` on its field.
fn with_error(
    state: &AppState,
    chrome: &Chrome,
    form: &EditorForm,
    post: Option<PostInfo>,
    error: PostsError,
) -> Result<HttpResponse, PageError> {
    let (status, field, message) = match error {
        PostsError::Invalid { field, message } => {
            (StatusCode::UNPROCESSABLE_ENTITY, field, message)
        }
        PostsError::Conflict(message) => (StatusCode::CONFLICT, String::new(), message),
        other => return Err(other.into()),
    };
    let view = EditorView {
        form,
        post,
        preview_html: None,
        error_field: field,
        error: message,
        notice: String::new(),
    };
    editor_page(state, chrome, status, &view)
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

fn preview(
    state: &AppState,
    chrome: &Chrome,
    form: &EditorForm,
    post: Option<PostInfo>,
) -> Result<HttpResponse, PageError> {
    let rendered = kernel::markdown::render(&form.body, kernel::markdown::Profile::Post);
    let view = EditorView {
        form,
        post,
        preview_html: Some(rendered.html),
        error_field: String::new(),
        error: String::new(),
        notice: String::new(),
    };
    editor_page(state, chrome, StatusCode::OK, &view)
}

/// `GET /write`.
pub(crate) async fn new_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
) -> Result<HttpResponse, PageError> {
    writer(&session)?;
    let form = EditorForm::default();
    let view = EditorView {
        form: &form,
        post: None,
        preview_html: None,
        error_field: String::new(),
        error: String::new(),
        notice: String::new(),
    };
    editor_page(&state, &chrome, StatusCode::OK, &view)
}

/// Runs the state change the pressed button asks for on a saved post.
async fn apply_action(
    state: &AppState,
    actor: Actor,
    post: Post,
    form: &EditorForm,
) -> Result<Post, PostsError> {
    match form.action.as_str() {
        "publish" => state.posts.publish(actor, post.id).await,
        "schedule" => {
            let at = form.publish_at()?;
            state.posts.schedule(actor, post.id, at).await
        }
        "unpublish" => state.posts.unpublish(actor, post.id).await,
        _ => Ok(post),
    }
}

fn after_save(post: &Post) -> HttpResponse {
    if post.status == posts_api::PostStatus::Published {
        see_other(format!("/posts/{}", path_segment(&post.slug)))
    } else {
        see_other(format!("/posts/{}/edit?saved=1", path_segment(&post.slug)))
    }
}

/// `POST /write`.
pub(crate) async fn create(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    super::auth::VerifiedForm(form): super::auth::VerifiedForm<EditorForm>,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    if form.action == "preview" {
        return preview(&state, &chrome, &form, None);
    }
    // Check the time before creating anything, so a bad date leaves no half-made draft.
    if form.action == "schedule"
        && let Err(error) = form.publish_at()
    {
        return with_error(&state, &chrome, &form, None, error);
    }
    let post = match state.posts.create(actor, form.draft()).await {
        Ok(post) => post,
        Err(error) => return with_error(&state, &chrome, &form, None, error),
    };
    let info = PostInfo::of(&post);
    match apply_action(&state, actor, post, &form).await {
        Ok(post) => Ok(after_save(&post)),
        Err(error) => with_error(&state, &chrome, &form, Some(info), error),
    }
}

/// The post at `slug` as `actor` may edit it.
async fn editable(state: &AppState, actor: Actor, slug: &str) -> Result<Post, PageError> {
    match state.posts.post_by_slug(slug, Some(actor)).await? {
        SlugLookup::Found(post) if actor.may_edit(post.author_id) => Ok(*post),
        SlugLookup::Found(_) => Err(PageError::Forbidden("You can only edit your own posts.")),
        SlugLookup::Moved { .. } => Err(PageError::NotFound),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /posts/{slug}/edit`.
pub(crate) async fn edit_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    slug: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    let post = editable(&state, actor, &slug).await?;
    let form = EditorForm::from_post(&post);
    let view = EditorView {
        form: &form,
        post: Some(PostInfo::of(&post)),
        preview_html: None,
        error_field: String::new(),
        error: String::new(),
        notice: if query.saved.is_some() {
            "Saved.".to_owned()
        } else {
            String::new()
        },
    };
    editor_page(&state, &chrome, StatusCode::OK, &view)
}

/// `POST /posts/{slug}/edit`.
pub(crate) async fn update(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    slug: web::Path<String>,
    super::auth::VerifiedForm(form): super::auth::VerifiedForm<EditorForm>,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    let post = editable(&state, actor, &slug).await?;
    let info = PostInfo::of(&post);
    if form.action == "preview" {
        return preview(&state, &chrome, &form, Some(info));
    }
    if form.action == "schedule"
        && let Err(error) = form.publish_at()
    {
        return with_error(&state, &chrome, &form, Some(info), error);
    }
    let saved = match state.posts.update(actor, post.id, form.draft()).await {
        Ok(saved) => saved,
        Err(error) => return with_error(&state, &chrome, &form, Some(info), error),
    };
    match apply_action(&state, actor, saved, &form).await {
        Ok(post) => Ok(after_save(&post)),
        Err(error) => with_error(&state, &chrome, &form, Some(info), error),
    }
}

/// `GET /posts/{slug}/delete`: asks for confirmation.
pub(crate) async fn delete_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    let post = editable(&state, actor, &slug).await?;
    let info = PostInfo::of(&post);
    let html = state.pages.render(&chrome, "delete.html", |context| {
        context.insert("post", &info);
        context.insert("title", &post.title);
    })?;
    Ok(chrome.html(html))
}

/// `POST /posts/{slug}/delete`.
pub(crate) async fn delete(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    slug: web::Path<String>,
    super::auth::VerifiedForm(super::auth::NoFields {}): super::auth::VerifiedForm<
        super::auth::NoFields,
    >,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    let post = editable(&state, actor, &slug).await?;
    state.posts.delete(actor, post.id).await?;
    Ok(see_other("/dashboard?deleted=1".to_owned()))
}

#[derive(Serialize)]
struct RevisionView {
    id: i64,
    title: String,
    saved_at: String,
    saved_on: String,
    words: usize,
}

/// `GET /posts/{slug}/revisions`.
pub(crate) async fn revisions_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    let post = editable(&state, actor, &slug).await?;
    let revisions: Vec<RevisionView> = state
        .posts
        .revisions(actor, post.id)
        .await?
        .into_iter()
        .map(|r| RevisionView {
            id: r.id,
            saved_at: r.created_at.to_rfc3339(),
            saved_on: r.created_at.format("%-d %B %Y, %H:%M UTC").to_string(),
            words: r.body_markdown.split_whitespace().count(),
            title: r.title,
        })
        .collect();
    let info = PostInfo::of(&post);
    let html = state.pages.render(&chrome, "revisions.html", |context| {
        context.insert("post", &info);
        context.insert("title", &post.title);
        context.insert("revisions", &revisions);
    })?;
    Ok(chrome.html(html))
}

/// `POST /posts/{slug}/revisions/{id}/restore`.
pub(crate) async fn restore(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    path: web::Path<(String, String)>,
    super::auth::VerifiedForm(super::auth::NoFields {}): super::auth::VerifiedForm<
        super::auth::NoFields,
    >,
) -> Result<HttpResponse, PageError> {
    let actor = writer(&session)?;
    let (slug, revision) = path.into_inner();
    let revision: i64 = revision.parse().map_err(|_| PageError::NotFound)?;
    let post = editable(&state, actor, &slug).await?;
    let restored = state
        .posts
        .restore_revision(actor, post.id, revision)
        .await?;
    Ok(see_other(format!(
        "/posts/{}/edit?saved=1",
        path_segment(&restored.slug)
    )))
}
