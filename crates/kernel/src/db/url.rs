//! Parsing `DATABASE_URL` into a backend and a connection string.

use std::path::{Path, PathBuf};

/// The two supported database backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL (for scale-out).
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A database location, parsed from a URL.
///
/// `postgres://…` and `postgresql://…` select PostgreSQL; `sqlite://path`, `sqlite:path` or a
/// plain file path select SQLite.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

/// A database URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    /// Nothing was given.
    #[error("the database URL is empty")]
    Empty,
    /// A scheme other than sqlite or postgres.
    #[error(
        "unsupported database URL scheme `{0}`: use `sqlite://<path>`, a plain file path, or `postgres://…`"
    )]
    UnsupportedScheme(String),
    /// An in-memory SQLite database would lose everything at exit and differ per connection.
    #[error("in-memory SQLite is not supported: give a file path")]
    InMemory,
}

impl DatabaseUrl {
    /// Parses a `DATABASE_URL` value.
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        let path = if let Some(rest) = raw.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = raw.strip_prefix("sqlite:") {
            rest
        } else if let Some((scheme, _)) = raw.split_once("://") {
            return Err(DatabaseUrlError::UnsupportedScheme(scheme.to_owned()));
        } else {
            raw
        };
        if path.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        if path == ":memory:" || path.contains("mode=memory") {
            return Err(DatabaseUrlError::InMemory);
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    /// The default location: `quire.db` in the data directory.
    pub fn default_in(data_dir: &Path) -> Self {
        DatabaseUrl::Sqlite(data_dir.join("quire.db"))
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// Whether the database is on this machine: a SQLite file, or a PostgreSQL server
    /// reached through a Unix socket or the loopback interface (no host, a socket directory,
    /// `localhost`, `127.x.x.x` or `::1`). Such a database answers a statement in
    /// microseconds; across a network a round trip takes far longer.
    pub fn is_on_this_machine(&self) -> bool {
        match self {
            DatabaseUrl::Sqlite(_) => true,
            DatabaseUrl::Postgres(url) => {
                postgres_hosts(url).iter().all(|host| is_local_host(host))
            }
        }
    }

    /// The URL with any password replaced by `***`, safe to print and log.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => redact_password(url),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The hosts libpq connects to for a PostgreSQL URL: a `hostaddr=` or `host=` parameter wins
/// over the URL's authority, and a URL naming none falls back on `PGHOSTADDR` / `PGHOST`
/// (as in libpq); each may list several, comma-separated. Empty for the default socket.
fn postgres_hosts(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let parameter = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
    };
    let authority = before_query.split('/').next().unwrap_or_default();
    let in_authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, hosts)| hosts);
    let list = parameter("hostaddr")
        .or_else(|| parameter("host"))
        .or_else(|| (!in_authority.is_empty()).then(|| in_authority.to_owned()))
        .or_else(|| std::env::var("PGHOSTADDR").ok())
        .or_else(|| std::env::var("PGHOST").ok())
        .unwrap_or_default();
    // A socket directory may be written percent-encoded.
    let list = list.replace("%2F", "/").replace("%2f", "/");
    list.split(',')
        .map(strip_port)
        .filter(|host| !host.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `host` without a trailing `:port` (and without the brackets of `[::1]:5432`).
fn strip_port(host: &str) -> &str {
    if let Some(bracketed) = host.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or_default();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// Whether a libpq host is a socket directory or a loopback name or address.
fn is_local_host(host: &str) -> bool {
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.starts_with("127.")
}

/// Hides the password of `scheme://user:password@host/…`, and any `password=` parameter.
fn redact_password(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, tail) = match rest.find(['/', '?']) {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
                    None => url.to_owned(),
                },
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    };
    if let Some(start) = out.find("password=") {
        let value_start = start + "password=".len();
        let value_end = out[value_start..]
            .find('&')
            .map_or(out.len(), |i| value_start + i);
        out.replace_range(value_start..value_end, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_backend_from_url() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@localhost/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@localhost/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/quire.db").unwrap(),
            DatabaseUrl::Sqlite("data/quire.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/quire.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/quire.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("./data/quire.db").unwrap(),
            DatabaseUrl::Sqlite("./data/quire.db".into())
        );
    }

    #[test]
    fn rejects_what_it_cannot_serve() {
        assert_eq!(DatabaseUrl::parse("  "), Err(DatabaseUrlError::Empty));
        assert_eq!(
            DatabaseUrl::parse("mysql://x/y"),
            Err(DatabaseUrlError::UnsupportedScheme("mysql".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:"),
            Err(DatabaseUrlError::InMemory)
        );
    }

    #[test]
    fn knows_a_database_on_this_machine() {
        let local = |raw: &str| DatabaseUrl::parse(raw).unwrap().is_on_this_machine();
        for here in [
            "quire.db",
            "postgres:///quire",
            "postgres://postgres@/quire?host=/var/run/postgresql",
            "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/quire",
            "postgres://postgres@localhost/quire",
            "postgresql://u:p@127.0.0.1:5432/quire",
            "postgres://u@[::1]:5432/quire",
            "postgres://u@localhost,127.0.0.2/quire",
        ] {
            assert!(local(here), "{here} is on this machine");
        }
        for away in [
            "postgres://u:p@db.example.com/quire",
            "postgres://u@10.0.0.5:5432/quire",
            "postgres://u@localhost/quire?host=db.internal",
            "postgres://u@localhost,db.internal/quire",
            "postgres://u@localhost/quire?sslmode=disable&hostaddr=10.0.0.5",
        ] {
            assert!(!local(away), "{away} is across a network");
        }
    }

    #[test]
    fn redacts_passwords() {
        let url =
            DatabaseUrl::parse("postgres://quire:s3cret@db:5432/quire?sslmode=require").unwrap();
        assert_eq!(
            url.redacted(),
            "postgres://quire:***@db:5432/quire?sslmode=require"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = DatabaseUrl::parse("postgres://db/quire?user=q&password=hunter2&x=1").unwrap();
        assert_eq!(
            url.redacted(),
            "postgres://db/quire?user=q&password=***&x=1"
        );
        let url = DatabaseUrl::parse("postgres://quire@db/quire").unwrap();
        assert_eq!(url.redacted(), "postgres://quire@db/quire");
    }
}
