//! A large cached body handed to the HTTP writer a slice at a time.
//!
//! actix-http copies every body chunk into its connection's write buffer before writing it
//! to the socket, and keeps that buffer between responses only while it stays under 128 KiB.
//! Given a larger body in one chunk (a feed of long posts is half a megabyte), the buffer
//! grows to the body's size and is freed after every response, so each request allocates,
//! faults in and copies through fresh memory. Handed over in slices, a large body goes
//! through one buffer that is kept and stays warm in the CPU cache. Smaller bodies are best
//! written whole: one chunk, one write. The slices share the cached bytes; nothing is copied
//! to make them.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::web::Bytes;

/// Bodies up to this size go out in one chunk: with the response head, the write buffer
/// they fill stays under the 128 KiB actix-http keeps between responses.
pub(crate) const SLICE_ABOVE: usize = 120 * 1024;

/// The largest slice of a larger body.
const SLICE: usize = 64 * 1024;

/// `bytes` as a response body: in one chunk up to [`SLICE_ABOVE`] bytes, in slices beyond.
pub(crate) fn body(bytes: Bytes) -> BoxBody {
    if bytes.len() > SLICE_ABOVE {
        Sliced::new(bytes).boxed()
    } else {
        bytes.boxed()
    }
}

/// A body of known length, yielded in slices of at most [`SLICE`] bytes.
#[derive(Debug)]
struct Sliced {
    rest: Bytes,
}

impl Sliced {
    /// `bytes`, to be yielded in slices.
    fn new(bytes: Bytes) -> Self {
        Self { rest: bytes }
    }
}

impl MessageBody for Sliced {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.rest.len() as u64)
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let take = self.rest.len().min(SLICE);
        Poll::Ready(Some(Ok(self.rest.split_to(take))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn yields_the_same_bytes_in_slices_no_larger_than_the_limit() {
        let original: Bytes = (0..(2 * SLICE + 100)).map(|i| (i % 251) as u8).collect();
        let mut body = Sliced::new(original.clone());
        assert_eq!(body.size(), BodySize::Sized(original.len() as u64));
        let mut lengths = Vec::new();
        let mut joined = Vec::new();
        while let Some(slice) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await {
            let slice = slice.unwrap();
            lengths.push(slice.len());
            joined.extend_from_slice(&slice);
        }
        assert_eq!(lengths, vec![SLICE, SLICE, 100]);
        assert_eq!(joined, original);
    }

    #[actix_web::test]
    async fn an_empty_body_yields_nothing() {
        let mut body = Sliced::new(Bytes::new());
        assert_eq!(body.size(), BodySize::Sized(0));
        let next = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await;
        assert!(next.is_none());
    }
}
