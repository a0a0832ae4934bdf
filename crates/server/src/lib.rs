//! Quire's composition root: the one place the modules meet.
//!
//! [`startup::Application`] builds the whole app (database, migrations, modules, outbox relay,
//! web server) on a listener, so `main` and the tests start exactly the same thing.
//! [`config`] resolves flags, environment and `quire.toml`; [`cli`] is the `quire` command line.

pub mod admin_cli;
pub mod cli;
pub mod config;
pub mod demo;
pub mod demo_content;
pub mod modules;
pub mod scheduler;
pub mod search;
pub mod site;
pub mod startup;
pub mod telemetry;
mod web;

pub use config::Config;
pub use startup::Application;
#[cfg(feature = "bench")]
pub use web::bench;
