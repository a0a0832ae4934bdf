//! Configuration: each option as a flag, an environment variable and a key in an optional
//! `quire.toml`, resolved in that order of precedence, then defaults (see DESIGN.md, "Fixed
//! interfaces"). Clap merges flag over environment; [`Config::resolve`] adds the file and the
//! defaults, and validates the result.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Args;
use kernel::{DatabaseUrl, db::DatabaseUrlError};
use serde::Deserialize;

/// The default address to listen on.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The default data directory (database, search index, uploads).
pub const DEFAULT_DATA_DIR: &str = "./data";
/// The configuration file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "quire.toml";
/// The site title until one is configured.
pub const DEFAULT_SITE_TITLE: &str = "Quire";
/// Default memory for the page cache, in MiB.
pub const DEFAULT_PAGE_CACHE_MB: usize = 16;

/// Options from the command line and the environment (flag wins over environment).
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "QUIRE_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// Database URL: `sqlite://<path>`, a file path, or `postgres://…` [default: sqlite://<data-dir>/quire.db]
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Directory for the database, search index and uploads [default: ./data]
    #[arg(long, env = "QUIRE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Public URL of the site, for absolute links in feeds and meta tags [default: http://<bind>]
    #[arg(long, env = "QUIRE_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// URL of a quire-search service; unset runs search in-process
    #[arg(long, env = "SEARCH_URL", value_name = "URL")]
    pub search_url: Option<String>,
    /// The site's title [default: Quire]
    #[arg(long, env = "QUIRE_SITE_TITLE", value_name = "TITLE")]
    pub site_title: Option<String>,
    /// Memory for rendered pages served to anonymous readers, in MiB; 0 turns the cache off [default: 16]
    #[arg(long, env = "QUIRE_PAGE_CACHE_MB", value_name = "MIB")]
    pub page_cache_mb: Option<usize>,
    /// HTTP worker threads [default: one per CPU core; two with a PostgreSQL server on this machine]
    #[arg(long, env = "QUIRE_WORKERS", value_name = "N")]
    pub workers: Option<usize>,
    /// Origins whose browser scripts may call the JSON API (CORS): comma-separated, e.g. `https://app.example,http://localhost:3000`, or `*` for any [default: *]
    #[arg(long, env = "QUIRE_CORS_ORIGINS", value_name = "ORIGINS")]
    pub cors_origins: Option<String>,
    /// Configuration file [default: ./quire.toml when it exists]
    #[arg(long, env = "QUIRE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The keys `quire.toml` may hold; all optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Same as `--bind`.
    pub bind: Option<String>,
    /// Same as `--database-url`.
    pub database_url: Option<String>,
    /// Same as `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// Same as `--base-url`.
    pub base_url: Option<String>,
    /// Same as `--search-url`.
    pub search_url: Option<String>,
    /// Same as `--site-title`.
    pub site_title: Option<String>,
    /// Same as `--page-cache-mb`.
    pub page_cache_mb: Option<usize>,
    /// Same as `--workers`.
    pub workers: Option<usize>,
    /// Same as `--cors-origins`.
    pub cors_origins: Option<String>,
}

/// Configuration that cannot be used, with what to change.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file named by `--config` could not be read.
    #[error("cannot read the configuration file {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("invalid configuration file {path}: {message}")]
    ParseFile {
        /// The file.
        path: PathBuf,
        /// The parser's explanation.
        message: String,
    },
    /// `bind` is not an address with a port.
    #[error("invalid bind address `{0}`: expected IP:PORT, e.g. 127.0.0.1:8080")]
    Bind(String),
    /// `database_url` is unusable.
    #[error("invalid database URL: {0}")]
    Database(#[from] DatabaseUrlError),
    /// `base_url` or `search_url` is not an http(s) URL.
    #[error("invalid {name} `{value}`: expected an http:// or https:// URL")]
    Url {
        /// Which option.
        name: &'static str,
        /// What was given.
        value: String,
    },
    /// The site title is empty.
    #[error("the site title must not be empty")]
    EmptyTitle,
    /// `workers` is zero.
    #[error("workers must be at least 1 (leave it unset for the default: one per CPU core)")]
    NoWorkers,
    /// An entry of `cors_origins` is not `*` or an origin.
    #[error(
        "invalid CORS origin `{0}`: expected `*` or origins like https://app.example or http://localhost:3000, separated by commas"
    )]
    CorsOrigin(String),
}

/// Which web origins may call the JSON API from a browser (CORS). Tokens travel in the
/// `Authorization` header, never in cookies, so allowing any origin exposes nothing a
/// script could not already do with a token it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin (`*`), the default for a public API.
    Any,
    /// Only these origins (`scheme://host[:port]`, lower-cased).
    List(Vec<String>),
}

impl CorsOrigins {
    /// Parses a comma-separated list; `*` anywhere means any origin.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let mut origins = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                return Ok(CorsOrigins::Any);
            }
            let origin = entry.trim_end_matches('/').to_ascii_lowercase();
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match host {
                Some(host)
                    if !host.is_empty()
                        && !host.contains(['/', '?', '#', '@'])
                        && !host.contains(char::is_whitespace) =>
                {
                    origins.push(origin)
                }
                _ => return Err(ConfigError::CorsOrigin(entry.to_owned())),
            }
        }
        if origins.is_empty() {
            return Err(ConfigError::CorsOrigin(text.to_owned()));
        }
        Ok(CorsOrigins::List(origins))
    }

    /// The list as configured (`*` for any).
    pub fn describe(&self) -> String {
        match self {
            CorsOrigins::Any => "*".to_owned(),
            CorsOrigins::List(origins) => origins.join(","),
        }
    }
}

/// The effective configuration. Its `Debug` output is [`Config::describe`], without secrets.
#[derive(Clone)]
pub struct Config {
    /// Where to listen.
    pub bind: SocketAddr,
    /// Where the database is.
    pub database_url: DatabaseUrl,
    /// Where files live.
    pub data_dir: PathBuf,
    /// The public URL, if configured; otherwise derived from the bound address at start.
    pub base_url: Option<String>,
    /// A remote search service, if configured.
    pub search_url: Option<String>,
    /// The site's title.
    pub site_title: String,
    /// HTTP worker threads; `None` for the default (see `startup::default_workers`).
    pub workers: Option<usize>,
    /// Bytes of rendered pages kept for anonymous readers (0: no page cache).
    pub page_cache_bytes: usize,
    /// Origins allowed to call the JSON API from a browser.
    pub cors_origins: CorsOrigins,
}

impl Config {
    /// Reads the configuration file (the one named, or `./quire.toml` if present) and merges
    /// it under the command line and environment.
    pub fn load(args: ConfigArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => Some(read_file(path)?),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                Some(read_file(Path::new(DEFAULT_CONFIG_FILE))?)
            }
            None => None,
        };
        Self::resolve(args, file.unwrap_or_default())
    }

    /// Merges `args` (flags and environment) over `file`, over the defaults, and validates.
    pub fn resolve(args: ConfigArgs, file: FileConfig) -> Result<Self, ConfigError> {
        let bind_text = args
            .bind
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_text
            .trim()
            .parse()
            .map_err(|_| ConfigError::Bind(bind_text.clone()))?;
        let data_dir = args
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = match args.database_url.or(file.database_url) {
            Some(url) => DatabaseUrl::parse(&url)?,
            None => DatabaseUrl::default_in(&data_dir),
        };
        let base_url = args
            .base_url
            .or(file.base_url)
            .map(|url| http_url("base URL", url))
            .transpose()?;
        let search_url = args
            .search_url
            .or(file.search_url)
            .filter(|url| !url.trim().is_empty())
            .map(|url| http_url("search URL", url))
            .transpose()?;
        let site_title = args
            .site_title
            .or(file.site_title)
            .unwrap_or_else(|| DEFAULT_SITE_TITLE.to_owned())
            .trim()
            .to_owned();
        if site_title.is_empty() {
            return Err(ConfigError::EmptyTitle);
        }
        let page_cache_mb = args
            .page_cache_mb
            .or(file.page_cache_mb)
            .unwrap_or(DEFAULT_PAGE_CACHE_MB);
        let workers = args.workers.or(file.workers);
        if workers == Some(0) {
            return Err(ConfigError::NoWorkers);
        }
        let cors_origins = match args.cors_origins.or(file.cors_origins) {
            Some(text) => CorsOrigins::parse(&text)?,
            None => CorsOrigins::Any,
        };
        Ok(Self {
            cors_origins,
            bind,
            database_url,
            data_dir,
            base_url,
            search_url,
            site_title,
            workers,
            page_cache_bytes: page_cache_mb.saturating_mul(1024 * 1024),
        })
    }

    /// One line per option, safe to print: no passwords.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        vec![
            ("bind", self.bind.to_string()),
            ("database_url", self.database_url.redacted()),
            ("data_dir", self.data_dir.display().to_string()),
            (
                "base_url",
                self.base_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{} (derived)", self.bind)),
            ),
            (
                "search_url",
                self.search_url
                    .as_deref()
                    .map_or_else(|| "unset (in-process)".to_owned(), redact_userinfo),
            ),
            ("site_title", self.site_title.clone()),
            ("cors_origins", self.cors_origins.describe()),
            (
                "workers",
                self.workers.map_or_else(
                    || "one per CPU core (two with a PostgreSQL server on this machine)".to_owned(),
                    |n| n.to_string(),
                ),
            ),
            (
                "page_cache",
                match self.page_cache_bytes {
                    0 => "off".to_owned(),
                    bytes => format!("{} MiB", bytes / (1024 * 1024)),
                },
            ),
        ]
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.describe()).finish()
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::ParseFile {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Validates an http(s) URL and drops a trailing slash.
fn http_url(name: &'static str, value: String) -> Result<String, ConfigError> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(ConfigError::Url { name, value }),
    }
}

/// Hides `user:password@` in a URL.
fn redact_userinfo(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://***@{}", &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_design() {
        let config = Config::resolve(ConfigArgs::default(), FileConfig::default()).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(
            config.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("./data/quire.db"))
        );
        assert_eq!(config.base_url, None);
        assert_eq!(config.search_url, None);
        assert_eq!(config.site_title, "Quire");
    }

    #[test]
    fn database_defaults_into_the_data_dir() {
        let file = FileConfig {
            data_dir: Some("/srv/blog".into()),
            ..FileConfig::default()
        };
        let config = Config::resolve(ConfigArgs::default(), file).unwrap();
        assert_eq!(
            config.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("/srv/blog/quire.db"))
        );
    }

    #[test]
    fn command_line_beats_file_beats_default() {
        let file: FileConfig = toml::from_str(
            r#"
            bind = "127.0.0.1:9000"
            site_title = "From the file"
            base_url = "https://blog.example/"
            workers = 3
            "#,
        )
        .unwrap();
        let args = ConfigArgs {
            bind: Some("0.0.0.0:7000".into()),
            ..ConfigArgs::default()
        };
        let config = Config::resolve(args, file).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:7000");
        assert_eq!(config.site_title, "From the file");
        assert_eq!(config.base_url.as_deref(), Some("https://blog.example"));
        assert_eq!(config.workers, Some(3));
        let default = Config::resolve(ConfigArgs::default(), FileConfig::default()).unwrap();
        assert_eq!(default.workers, None, "one per core unless set");
    }

    #[test]
    fn cors_origins_are_any_by_default_or_a_checked_list() {
        let config = Config::resolve(ConfigArgs::default(), FileConfig::default()).unwrap();
        assert_eq!(config.cors_origins, CorsOrigins::Any);
        let args = ConfigArgs {
            cors_origins: Some(" https://App.example/ , http://localhost:3000".into()),
            ..ConfigArgs::default()
        };
        let config = Config::resolve(args, FileConfig::default()).unwrap();
        assert_eq!(
            config.cors_origins,
            CorsOrigins::List(vec![
                "https://app.example".into(),
                "http://localhost:3000".into()
            ])
        );
        assert_eq!(CorsOrigins::parse("*").unwrap(), CorsOrigins::Any);
        for bad in ["", "app.example", "https://app.example/path", "ftp://x"] {
            assert!(CorsOrigins::parse(bad).is_err(), "{bad}");
        }
        let file: FileConfig = toml::from_str(r#"cors_origins = "https://a.example""#).unwrap();
        assert_eq!(file.cors_origins.as_deref(), Some("https://a.example"));
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let parsed: Result<FileConfig, _> = toml::from_str("bnid = \"127.0.0.1:1\"");
        assert!(parsed.is_err());
    }

    #[test]
    fn bad_values_get_clear_errors() {
        let bad = |args: ConfigArgs| Config::resolve(args, FileConfig::default()).unwrap_err();
        let error = bad(ConfigArgs {
            bind: Some("localhost".into()),
            ..ConfigArgs::default()
        });
        assert!(error.to_string().contains("IP:PORT"), "{error}");
        let error = bad(ConfigArgs {
            database_url: Some("mysql://x".into()),
            ..ConfigArgs::default()
        });
        assert!(error.to_string().contains("unsupported"), "{error}");
        let error = bad(ConfigArgs {
            base_url: Some("blog.example".into()),
            ..ConfigArgs::default()
        });
        assert!(error.to_string().contains("http://"), "{error}");
        let error = bad(ConfigArgs {
            site_title: Some("   ".into()),
            ..ConfigArgs::default()
        });
        assert!(matches!(error, ConfigError::EmptyTitle));
        let error = bad(ConfigArgs {
            workers: Some(0),
            ..ConfigArgs::default()
        });
        assert!(matches!(error, ConfigError::NoWorkers));
    }

    #[test]
    fn description_hides_secrets() {
        let args = ConfigArgs {
            database_url: Some("postgres://quire:hunter2@db/quire".into()),
            search_url: Some("http://svc:token@search:8090".into()),
            ..ConfigArgs::default()
        };
        let config = Config::resolve(args, FileConfig::default()).unwrap();
        let text = format!("{:?} {config:?}", config.describe());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("token"), "{text}");
    }
}
