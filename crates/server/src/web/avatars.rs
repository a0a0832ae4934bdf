//! Uploaded avatars: `POST /settings/avatar` (multipart) stores the image under
//! `<data-dir>/uploads/avatars/`, and `GET /uploads/avatars/{file}` serves it.
//!
//! The type is decided by the file's first bytes (PNG, JPEG, GIF or WebP), never by the name
//! or the browser's claim; at most 2 MB. Names are `<account id>-<content hash>.<ext>`, so a
//! new picture gets a new address and each can be cached for a year.

use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use profiles_api::ProfileChanges;

use super::AppState;
use super::assets::fnv1a64;
use super::auth::{SignedIn, verify_csrf};
use super::errors::{ErrorMessage, PageError};

/// Largest avatar accepted.
pub(crate) const MAX_AVATAR_BYTES: usize = 2 * 1024 * 1024;

/// The folder of uploaded avatars inside the data directory.
pub(crate) fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("uploads").join("avatars")
}

/// The image type of `bytes`, by their signature: `(extension, content type)`.
fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("gif", "image/gif"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("webp", "image/webp"))
    } else {
        None
    }
}

fn content_type_of(file: &str) -> Option<&'static str> {
    match file.rsplit_once('.')?.1 {
        "png" => Some("image/png"),
        "jpg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// A refusal shown on the error page, with its reason.
fn refuse(status: actix_web::http::StatusCode, message: &'static str) -> HttpResponse {
    let mut response = HttpResponse::build(status).finish();
    response.extensions_mut().insert(ErrorMessage(message));
    response
}

/// Reads one multipart field, at most `limit` bytes (`None` when it is larger).
async fn read_field(
    field: &mut actix_multipart::Field,
    limit: usize,
) -> Result<Option<Vec<u8>>, PageError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk =
            chunk.map_err(|_| PageError::BadRequest("The upload was interrupted or damaged."))?;
        if bytes.len() + chunk.len() > limit {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// `POST /settings/avatar`.
pub(crate) async fn upload(
    state: web::Data<AppState>,
    request: HttpRequest,
    SignedIn(session): SignedIn,
    mut payload: Multipart,
) -> Result<HttpResponse, PageError> {
    use actix_web::http::StatusCode;
    let mut token = String::new();
    let mut image: Option<Vec<u8>> = None;
    while let Some(field) = payload.next().await {
        let mut field =
            field.map_err(|_| PageError::BadRequest("The upload was interrupted or damaged."))?;
        match field.name() {
            Some("csrf_token") => {
                let bytes = read_field(&mut field, 256).await?.unwrap_or_default();
                token = String::from_utf8(bytes).unwrap_or_default();
            }
            Some("avatar") => match read_field(&mut field, MAX_AVATAR_BYTES).await? {
                Some(bytes) => image = Some(bytes),
                None => {
                    return Ok(refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "The picture is larger than 2 MB. Choose a smaller one.",
                    ));
                }
            },
            _ => {
                read_field(&mut field, MAX_AVATAR_BYTES).await?;
            }
        }
    }
    if verify_csrf(&request, &token).is_err() {
        return Ok(refuse(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back, reload the page and send it again.",
        ));
    }
    let Some(image) = image.filter(|bytes| !bytes.is_empty()) else {
        return Ok(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a picture to upload.",
        ));
    };
    let Some((extension, _)) = sniff(&image) else {
        return Ok(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Pictures must be PNG, JPEG, GIF or WebP images.",
        ));
    };
    let name = format!("{}-{:016x}.{extension}", session.viewer.id, fnv1a64(&image));
    let url = format!("/uploads/avatars/{name}");
    let folder = folder(&state.data_dir);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&folder)?;
        // Write aside, then rename: a reader never sees half a picture.
        let partial = folder.join(format!(".{name}.partial"));
        std::fs::write(&partial, &image)?;
        std::fs::rename(&partial, folder.join(&name))
    })
    .await
    .map_err(|e| PageError::Unavailable(e.to_string()))?
    .map_err(|e| PageError::Unavailable(format!("cannot store the picture: {e}")))?;

    let profile = state
        .profiles
        .by_id(session.viewer.id)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?
        .ok_or(PageError::NotFound)?;
    let changes = ProfileChanges {
        display_name: profile.display_name,
        bio_markdown: profile.bio_markdown,
        avatar_url: Some(url),
        website_url: profile.website_url,
    };
    state
        .profiles
        .update_profile(&session.viewer, changes)
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/settings?saved=profile"))
        .finish())
}

/// `GET /uploads/avatars/{file}`: an uploaded picture, cached for a year (its name changes
/// with its content).
pub(crate) async fn serve(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let name = file.into_inner();
    let safe = !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    let content_type = content_type_of(&name)
        .filter(|_| safe)
        .ok_or(PageError::NotFound)?;
    let path = folder(&state.data_dir).join(&name);
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| PageError::Unavailable(e.to_string()))?
        .map_err(|_| PageError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_recognised_by_their_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest").map(|t| t.0), Some("png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|t| t.0), Some("jpg"));
        assert_eq!(sniff(b"GIF89a...").map(|t| t.0), Some("gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|t| t.0), Some("webp"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(content_type_of("1-ab.png"), Some("image/png"));
        assert_eq!(content_type_of("1-ab.svg"), None);
    }
}
