//! `/healthz` and `/readyz` against the real server.

use kernel::Backend;
use serde_json::Value;

use crate::helpers::spawn_app;
use crate::on_both_backends;

async fn healthz_answers_ok(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, headers, body) = app.get("/healthz").await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].starts_with("application/json"));
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
    app.stop().await;
}

async fn readyz_reports_database_and_migrations(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, _, body) = app.get("/readyz").await;
    assert_eq!(status, 200, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ready");
    assert_eq!(json["database"], "ok");
    assert_eq!(json["backend"], backend.to_string());
    assert_eq!(json["pending_migrations"], serde_json::json!([]));

    // Revert one module behind the server's back: no longer ready, and it says why.
    let pool = app.db.pool();
    comments::MIGRATIONS
        .revert_all(&mut pool.get().unwrap())
        .unwrap();
    let (status, _, body) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "unavailable");
    assert_eq!(
        json["pending_migrations"],
        serde_json::json!([
            "2026-11-25-000400_create_comments",
            "2026-11-25-000410_comment_moderation"
        ])
    );
    // The liveness probe is unaffected.
    assert_eq!(app.get("/healthz").await.0, 200);
    app.stop().await;
}

on_both_backends!(healthz_answers_ok, readyz_reports_database_and_migrations);

/// PostgreSQL going away makes `/readyz` answer 503 while `/healthz` and the process stay up.
#[actix_web::test]
async fn readyz_fails_when_postgres_is_gone() {
    let app = spawn_app(Backend::Postgres).await;
    assert_eq!(app.get("/readyz").await.0, 200);
    // Dropping the database (with FORCE) ends every pooled connection.
    let name = match app.db.url() {
        kernel::DatabaseUrl::Postgres(url) => url.rsplit('/').next().unwrap().to_owned(),
        kernel::DatabaseUrl::Sqlite(_) => unreachable!(),
    };
    {
        use diesel::{Connection, RunQueryDsl};
        let admin_url = std::env::var("QUIRE_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| kernel::testing::DEFAULT_POSTGRES_ADMIN_URL.to_owned());
        let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut admin)
            .unwrap();
    }
    let (status, _, body) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["database"], "unreachable");
    assert_eq!(app.get("/healthz").await.0, 200);
    // The home page degrades to a 503 page, not a crash.
    let (status, headers, body) = app.get("/").await;
    assert_eq!(status, 503);
    assert!(headers.contains_key("retry-after"));
    assert!(body.contains("Temporarily unavailable"), "{body}");
    app.stop().await;
}
