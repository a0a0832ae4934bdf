//! Compressed forms of cached pages: made once per page, on the first request that asks for
//! them, and kept beside the plain bytes.

use std::io::Write;

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;

/// A content coding the cache can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// The plain bytes.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br`.
    Brotli,
}

impl Encoding {
    /// The best coding `Accept-Encoding` allows: brotli, then gzip, then none. Codings with
    /// `q=0` count as refused.
    pub(crate) fn negotiate(headers: &HeaderMap) -> Self {
        let mut gzip = false;
        let mut brotli = false;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(text) = value.to_str() else { continue };
            for item in text.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                if name.eq_ignore_ascii_case("br") {
                    brotli = true;
                } else if name.eq_ignore_ascii_case("gzip") || name == "*" {
                    gzip = true;
                }
            }
        }
        if brotli {
            Self::Brotli
        } else if gzip {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    pub(crate) fn token(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Brotli => Some("br"),
        }
    }
}

/// `body` compressed with gzip (level 6: most of the gain for little time).
pub(crate) fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// `body` compressed with brotli (quality 6, a 1 MiB window: pages are small).
pub(crate) fn brotli(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(body.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 6, 20);
        writer.write_all(body).ok()?;
        writer.flush().ok()?;
    }
    Some(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::http::header::HeaderValue;

    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn negotiation_prefers_brotli_and_honours_refusals() {
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(
            Encoding::negotiate(&accepting("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::negotiate(&accepting("gzip")), Encoding::Gzip);
        assert_eq!(
            Encoding::negotiate(&accepting("br;q=0, gzip;q=0.5")),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::negotiate(&accepting("identity")),
            Encoding::Identity
        );
    }

    #[test]
    fn both_codings_round_trip() {
        let page = "<p>Hello, reader.</p>".repeat(200);
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gzip(page.as_bytes()).unwrap()[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, page);
        let mut plain = String::new();
        brotli::Decompressor::new(&brotli(page.as_bytes()).unwrap()[..], 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, page);
        assert!(brotli(page.as_bytes()).unwrap().len() < page.len() / 10);
    }
}
