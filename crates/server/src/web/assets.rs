//! Static assets, embedded in the binary and served under fingerprinted names.
//!
//! `/assets/style.<hash>.css` never changes, so it is cached for a year (`immutable`); a new
//! build with a changed file gets a new name. The plain name stays reachable with a short
//! cache life for anything that linked it directly.

use std::borrow::Cow;

use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;

/// One file served under `/assets/`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: Cow<'static, [u8]>,
}

const CSS: &str = "text/css; charset=utf-8";

/// The files: embedded at build time, or generated once at start-up.
fn files() -> Vec<Asset> {
    vec![
        Asset {
            name: "style.css",
            content_type: CSS,
            bytes: Cow::Borrowed(include_bytes!("../../../../assets/style.css")),
        },
        Asset {
            name: "editor.js",
            content_type: "text/javascript; charset=utf-8",
            bytes: Cow::Borrowed(include_bytes!("../../../../assets/editor.js")),
        },
        // Colours for the classes the Markdown pipeline puts on highlighted code, in a light
        // and a dark variant.
        Asset {
            name: "highlight.css",
            content_type: CSS,
            bytes: Cow::Owned(kernel::markdown::highlight_css().into_bytes()),
        },
    ]
}

/// Cache life of fingerprinted files: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache life of files under their plain name.
const SHORT: &str = "public, max-age=300";

/// The assets with their fingerprints.
pub(crate) struct Assets {
    /// `(fingerprinted name, asset, content hash)`.
    files: Vec<(String, Asset, String)>,
}

impl Assets {
    /// Loads and fingerprints every asset.
    pub(crate) fn new() -> Self {
        let files = files()
            .into_iter()
            .map(|asset| {
                let hash = format!("{:016x}", fnv1a64(&asset.bytes));
                let (stem, ext) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
                (format!("{stem}.{}.{ext}", &hash[..12]), asset, hash)
            })
            .collect();
        Self { files }
    }

    /// The URL path of `name` under its fingerprinted name.
    pub(crate) fn url(&self, name: &str) -> Option<String> {
        self.files
            .iter()
            .find(|(_, asset, _)| asset.name == name)
            .map(|(fingerprinted, _, _)| format!("/assets/{fingerprinted}"))
    }

    fn lookup(&self, requested: &str) -> Option<(&Asset, &str, &'static str)> {
        self.files.iter().find_map(|(fingerprinted, asset, hash)| {
            if requested == fingerprinted {
                Some((asset, hash.as_str(), IMMUTABLE))
            } else if requested == asset.name {
                Some((asset, hash.as_str(), SHORT))
            } else {
                None
            }
        })
    }
}

/// 64-bit FNV-1a: a stable content hash for fingerprints and ETags (not for security).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `GET /assets/{file}`.
pub(crate) async fn serve(
    request: HttpRequest,
    file: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some((asset, hash, cache_control)) = state.assets.lookup(&file) else {
        return HttpResponse::NotFound().finish();
    };
    let etag = EntityTag::new_strong(hash.to_owned());
    let fresh = match header::Header::parse(&request) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(&etag)),
        Err(_) => false,
    };
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(etag))
        .insert_header((header::CACHE_CONTROL, cache_control));
    if fresh {
        return response.finish();
    }
    response
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .body(asset.bytes.clone().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_follows_content() {
        assert_ne!(fnv1a64(b"a { color: red }"), fnv1a64(b"a { color: blue }"));
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        let assets = Assets::new();
        let url = assets.url("style.css").unwrap();
        assert!(
            url.starts_with("/assets/style.") && url.ends_with(".css"),
            "{url}"
        );
        let name = url.trim_start_matches("/assets/");
        assert_eq!(assets.lookup(name).unwrap().2, IMMUTABLE);
        assert_eq!(assets.lookup("style.css").unwrap().2, SHORT);
        assert!(assets.lookup("style.0000.css").is_none());
    }
}
