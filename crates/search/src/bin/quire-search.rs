//! `quire-search`: Quire's search module as a service of its own.
//!
//! ```text
//! quire-search [--bind 127.0.0.1:8090] [--data-dir ./data]
//! ```
//!
//! The index lives in `<data-dir>/search`. The quire server uses it with
//! `--search-url http://<bind>` and delivers post and profile events to `POST /events`.

use std::net::TcpListener;
use std::path::PathBuf;

use clap::Parser;
use search::LocalSearch;

/// Quire's search service.
#[derive(Debug, Parser)]
#[command(name = "quire-search", version, about)]
struct Options {
    /// Address to listen on.
    #[arg(long, env = "QUIRE_SEARCH_BIND", default_value = "127.0.0.1:8090")]
    bind: String,
    /// Directory for the index (kept in its `search` subdirectory).
    #[arg(long, env = "QUIRE_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
}

fn main() -> std::io::Result<()> {
    // Logs go to standard error, coloured only on a terminal (as quire's do).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let options = Options::parse();
    let search = LocalSearch::start(options.data_dir.join("search"));
    let listener = TcpListener::bind(&options.bind)?;
    tracing::info!(address = %listener.local_addr()?, "quire-search listening");
    actix_web::rt::System::new()
        .block_on(async move { search::http_service(search, listener)?.await })
}
