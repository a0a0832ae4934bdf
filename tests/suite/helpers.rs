//! Starting the real application for a test.

use std::collections::BTreeMap;
use std::path::PathBuf;

use std::sync::Arc;

use actix_web::dev::ServerHandle;
use chrono::{DateTime, Utc};
use comments::{CommentsConfig, SqlComments};
use kernel::Backend;
use kernel::clock::ManualClock;
use kernel::outbox::OutboxSignal;
use kernel::testing::TestDatabase;
use posts::SqlPosts;
use posts_api::Actor;
use profiles::SqlProfiles;
use profiles_api::{NewAccount, ProfilesPort, Role};
use server::{Application, Config};

/// A running Quire with its own database and data directory.
pub struct TestApp {
    pub address: String,
    pub db: TestDatabase,
    /// The app's clock: tests move it instead of waiting.
    pub clock: ManualClock,
    pub client: awc::Client,
    handle: ServerHandle,
    /// The app's outbox signal: changes made through [`TestApp::posts`] and
    /// [`TestApp::profiles`] wake its relay as the app's own changes do.
    outbox: OutboxSignal,
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GETs `path`; returns status, headers (lower-case names) and the body as text.
    pub async fn get(&self, path: &str) -> (u16, BTreeMap<String, String>, String) {
        let mut response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        let body = response
            .body()
            .limit(10 * 1024 * 1024)
            .await
            .expect("body read");
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        (
            response.status().as_u16(),
            headers,
            String::from_utf8(body.to_vec()).expect("UTF-8 body"),
        )
    }

    /// The posts module's port on the app's database and clock, for setting up a scene
    /// (until accounts and the editor exist, this is how tests write posts).
    pub fn posts(&self) -> SqlPosts {
        SqlPosts::new(
            self.db.pool(),
            Arc::new(self.clock.clone()),
            self.outbox.clone(),
        )
    }

    /// The comments module's port on the app's database and clock (to look behind the
    /// pages, e.g. at counts of a deleted post).
    pub fn comments(&self) -> SqlComments {
        SqlComments::new(
            self.db.pool(),
            Arc::new(self.clock.clone()),
            self.outbox.clone(),
            Arc::new(self.posts()),
        )
    }

    /// The profiles module's port on the app's database and clock.
    pub fn profiles(&self) -> SqlProfiles {
        SqlProfiles::new(
            self.db.pool(),
            Arc::new(self.clock.clone()),
            self.outbox.clone(),
        )
    }

    /// Creates an account with `role` through the profiles port; returns it as a posts actor.
    pub async fn author(&self, username: &str, role: Role) -> Actor {
        let profile = self
            .profiles()
            .create_account(
                NewAccount {
                    username: username.into(),
                    email: format!("{username}@example.org"),
                    password: "correct horse battery".into(),
                },
                role,
            )
            .await
            .expect("account created");
        Actor {
            id: profile.id,
            may_edit_any: role.may_edit_any(),
        }
    }

    /// The id of the account `username`.
    pub async fn profiles_by_username(&self, username: &str) -> i64 {
        self.profiles()
            .by_username(username)
            .await
            .expect("profiles answer")
            .expect("account exists")
            .id
    }

    /// The app's outbox signal, to raise after writing events outside the modules' ports.
    pub fn outbox_signal(&self) -> OutboxSignal {
        self.outbox.clone()
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// Where every test app's clock starts.
pub fn test_epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-01T09:00:00Z")
        .expect("valid date")
        .with_timezone(&Utc)
}

/// Builds the application exactly as `quire serve` does, on port 0 with a fresh database.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, CommentsConfig::default()).await
}

/// [`spawn_app`] with other limits for the comments module (small rate limits, say).
pub async fn spawn_app_with(backend: Backend, comments: CommentsConfig) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    spawn_app_in(backend, comments, data_dir).await
}

/// [`spawn_app_with`] in a data directory the test prepared (e.g. with a broken index).
pub async fn spawn_app_in(
    backend: Backend,
    comments: CommentsConfig,
    data_dir: tempfile::TempDir,
) -> TestApp {
    let db = TestDatabase::create(backend);
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database_url: db.url().clone(),
        data_dir: PathBuf::from(data_dir.path()),
        base_url: None,
        search_url: None,
        site_title: "Test Notes".into(),
        workers: Some(1),
        page_cache_bytes: 4 * 1024 * 1024,
        cors_origins: server::config::CorsOrigins::Any,
    };
    let clock = ManualClock::new(test_epoch());
    let app = Application::build_with(config, Arc::new(clock.clone()), comments)
        .await
        .expect("application builds");
    let address = format!("http://{}", app.local_addr());
    let handle = app.handle();
    let outbox = app.outbox_signal();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        clock,
        client: awc::Client::builder()
            // Drop idle connections before the server's 5 s keep-alive closes them.
            .connector(awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(2)))
            .disable_redirects()
            .timeout(std::time::Duration::from_secs(30))
            .finish(),
        handle,
        outbox,
        _data_dir: data_dir,
    }
}

/// Generates one `#[actix_web::test]` per backend for each named `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[actix_web::test]
            async fn $name() { super::$name(kernel::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[actix_web::test]
            async fn $name() { super::$name(kernel::Backend::Postgres).await })*
        }
    };
}
