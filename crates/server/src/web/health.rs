//! `GET /healthz` (the process is up) and `GET /readyz` (it can serve: database reachable,
//! every migration applied).

use actix_web::{HttpResponse, web};
use kernel::DbError;
use serde::Serialize;

use super::AppState;
use crate::modules::MIGRATION_ORDER;

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

/// `GET /healthz`: answers as long as the process serves HTTP.
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Health { status: "ok" })
}

#[derive(Serialize)]
struct Readiness {
    status: &'static str,
    database: &'static str,
    backend: String,
    pending_migrations: Vec<String>,
}

/// `GET /readyz`: 200 when the database answers and no migration is pending, else 503.
pub(crate) async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.pool.backend().to_string();
    let checked = state
        .pool
        .run(|conn| -> Result<Vec<String>, DbError> {
            kernel::db::ping(conn)?;
            kernel::migrations::pending_all(conn, &MIGRATION_ORDER)
        })
        .await;
    let readiness = match checked {
        Ok(pending) if pending.is_empty() => Readiness {
            status: "ready",
            database: "ok",
            backend,
            pending_migrations: pending,
        },
        Ok(pending) => Readiness {
            status: "unavailable",
            database: "ok",
            backend,
            pending_migrations: pending,
        },
        Err(error) => {
            tracing::warn!(%error, "readiness check: database unreachable");
            Readiness {
                status: "unavailable",
                database: "unreachable",
                backend,
                pending_migrations: Vec::new(),
            }
        }
    };
    let mut response = if readiness.status == "ready" {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response
        .insert_header(("Cache-Control", "no-store"))
        .json(readiness)
}
