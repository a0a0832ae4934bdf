//! Quire's end-to-end and architecture tests: one test binary for the whole workspace.
//!
//! - `architecture`: the crate boundaries of DESIGN.md, read from `cargo metadata`.
//! - `validity`: reader pages through the Nu HTML checker, feeds through feedparser.
//! - `migrations`: every module's migrations up, down and up again, on both backends.
//! - `api`: the JSON API (RealWorld endpoints, errors, CORS, OpenAPI, a real browser).
//! - `accounts`, `comments`, `health`, `pages`, `posts`, `reading`, `writing`: the real server on a free port, spoken to over HTTP, on both backends.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

mod accounts;
mod admin;
mod api;
mod architecture;
mod browser;
mod cache;
mod comments;
mod health;
mod helpers;
mod hostile;
mod migrations;
mod pages;
mod posts;
mod reading;
mod search;
mod signed_in_pages;
mod validity;
mod writing;
