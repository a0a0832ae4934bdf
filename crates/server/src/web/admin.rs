//! The admin area (`/admin`, admins only): accounts — list, search, change role, suspend,
//! delete. Every route checks the admin role here, and the profiles module checks it again.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use profiles_api::{ProfilesError, Role};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{NoFields, SignedIn, VerifiedForm, require_admin};
use super::chrome::Chrome;
use super::errors::{PageError, page_number};
use super::view::path_segment;

/// Accounts per admin page.
const PER_PAGE: u32 = 50;

fn refused(error: ProfilesError) -> PageError {
    match error {
        ProfilesError::NotFound => PageError::NotFound,
        ProfilesError::Forbidden => PageError::Forbidden(
            "That would leave the site without an administrator, or is not allowed.",
        ),
        ProfilesError::Invalid { .. } => PageError::Forbidden("That change is not allowed."),
        other => PageError::Unavailable(other.to_string()),
    }
}

/// `GET /admin`.
pub(crate) async fn overview(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    let (_, accounts) = state
        .profiles
        .list_accounts(&session.viewer, "", 1, 1)
        .await
        .map_err(refused)?;
    let html = state
        .pages
        .render(&chrome, "admin/overview.html", |context| {
            context.insert("accounts", &accounts)
        })?;
    Ok(chrome.html(html))
}

#[derive(Debug, Deserialize)]
pub(crate) struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
}

#[derive(Serialize)]
struct AccountRow {
    id: i64,
    username: String,
    email: String,
    role: &'static str,
    suspended: bool,
    joined: String,
    is_self: bool,
}

/// `GET /admin/users?q=…&page=…`.
pub(crate) async fn users(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    let number = match query.page.as_deref() {
        Some(text) => page_number(text)?,
        None => 1,
    };
    let search = query.q.trim().to_owned();
    let (accounts, total) = state
        .profiles
        .list_accounts(&session.viewer, &search, number, PER_PAGE)
        .await
        .map_err(refused)?;
    let rows: Vec<AccountRow> = accounts
        .into_iter()
        .map(|a| AccountRow {
            is_self: a.id == session.viewer.id,
            id: a.id,
            username: a.username,
            email: a.email,
            role: a.role.as_str(),
            suspended: a.suspended,
            joined: a.created_at.format("%-d %b %Y").to_string(),
        })
        .collect();
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let query_part = path_segment(&search);
    let previous = (number > 1).then(|| format!("/admin/users?q={query_part}&page={}", number - 1));
    let next = (u64::from(number) < pages)
        .then(|| format!("/admin/users?q={query_part}&page={}", number + 1));
    let html = state.pages.render(&chrome, "admin/users.html", |context| {
        context.insert("rows", &rows);
        context.insert("total", &total);
        context.insert("search", &search);
        context.insert("roles", &["admin", "editor", "author", "reader"]);
        context.insert("previous_url", &previous);
        context.insert("next_url", &next);
    })?;
    Ok(chrome.html(html))
}

fn back_to_users() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/users"))
        .finish()
}

fn account_id(text: &str) -> Result<i64, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

/// The role form.
#[derive(Debug, Deserialize)]
pub(crate) struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /admin/users/{id}/role`.
pub(crate) async fn set_role(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(form): VerifiedForm<RoleForm>,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    let role = Role::parse(&form.role).ok_or(PageError::Forbidden(
        "Choose admin, editor, author or reader.",
    ))?;
    state
        .profiles
        .set_role(&session.viewer, account_id(&id)?, role)
        .await
        .map_err(refused)?;
    Ok(back_to_users())
}

async fn set_suspended(
    state: &AppState,
    session: &super::auth::Session,
    id: &str,
    suspended: bool,
) -> Result<HttpResponse, PageError> {
    require_admin(session)?;
    state
        .profiles
        .set_suspended(&session.viewer, account_id(id)?, suspended)
        .await
        .map_err(refused)?;
    Ok(back_to_users())
}

/// `POST /admin/users/{id}/suspend`: the account cannot sign in; its sessions end.
pub(crate) async fn suspend(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    set_suspended(&state, &session, &id, true).await
}

/// `POST /admin/users/{id}/unsuspend`.
pub(crate) async fn unsuspend(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    set_suspended(&state, &session, &id, false).await
}

/// `GET /admin/users/{id}/delete`: says what deleting does, and asks.
pub(crate) async fn delete_page(
    state: web::Data<AppState>,
    chrome: Chrome,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    let id = account_id(&id)?;
    let profile = state
        .profiles
        .by_id(id)
        .await
        .map_err(refused)?
        .ok_or(PageError::NotFound)?;
    let html = state
        .pages
        .render(&chrome, "admin/delete_user.html", |context| {
            context.insert("id", &id);
            context.insert("username", &profile.username);
        })?;
    Ok(chrome.html(html))
}

/// `POST /admin/users/{id}/delete`.
pub(crate) async fn delete(
    state: web::Data<AppState>,
    SignedIn(session): SignedIn,
    id: web::Path<String>,
    VerifiedForm(NoFields {}): VerifiedForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    require_admin(&session)?;
    state
        .profiles
        .delete_account(&session.viewer, account_id(&id)?)
        .await
        .map_err(refused)?;
    Ok(back_to_users())
}
