//! Per-module migrations.
//!
//! Each module owns `migrations/<module>/<backend>/<version>_<name>/{up,down}.sql`, embeds
//! them with `diesel_migrations::embed_migrations!` and publishes one [`ModuleMigrations`].
//! All modules share diesel's bookkeeping table, so versions must be unique across modules
//! (a test in `tests/` checks it); everything here looks only at the module's own versions,
//! so one module's migrations run and revert alone.

use std::collections::HashSet;

use diesel::backend::Backend as DieselBackend;
use diesel::migration::{Migration, MigrationSource, MigrationVersion};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use crate::db::{DbConnection, DbError};

/// The migrations of one module, for both backends.
pub struct ModuleMigrations {
    /// The module's name, as in `migrations/<module>/`.
    pub module: &'static str,
    /// Migrations for SQLite.
    pub sqlite: EmbeddedMigrations,
    /// Migrations for PostgreSQL.
    pub postgres: EmbeddedMigrations,
}

impl std::fmt::Debug for ModuleMigrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleMigrations")
            .field("module", &self.module)
            .finish_non_exhaustive()
    }
}

impl ModuleMigrations {
    /// Applies this module's pending migrations, oldest first. Returns their names.
    pub fn run_pending(&self, conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
        match conn {
            DbConnection::Sqlite(c) => run_pending(c, &self.sqlite),
            DbConnection::Pg(c) => run_pending(c, &self.postgres),
        }
    }

    /// Reverts every applied migration of this module, newest first. Returns their names.
    pub fn revert_all(&self, conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
        match conn {
            DbConnection::Sqlite(c) => revert_all(c, &self.sqlite),
            DbConnection::Pg(c) => revert_all(c, &self.postgres),
        }
    }

    /// Names of this module's migrations not yet applied.
    pub fn pending(&self, conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
        match conn {
            DbConnection::Sqlite(c) => pending(c, &self.sqlite).map(names),
            DbConnection::Pg(c) => pending(c, &self.postgres).map(names),
        }
    }

    /// Versions of this module's migrations for each backend, sorted: `(sqlite, postgres)`.
    pub fn versions(&self) -> Result<(Vec<String>, Vec<String>), DbError> {
        Ok((
            versions::<diesel::sqlite::Sqlite>(&self.sqlite)?,
            versions::<diesel::pg::Pg>(&self.postgres)?,
        ))
    }
}

/// Applies the pending migrations of every module, in the order given.
pub fn run_all(
    conn: &mut DbConnection,
    modules: &[&ModuleMigrations],
) -> Result<Vec<String>, DbError> {
    let mut applied = Vec::new();
    for module in modules {
        applied.extend(module.run_pending(conn)?);
    }
    Ok(applied)
}

/// Reverts every module's migrations, in the reverse of the order given.
pub fn revert_all_modules(
    conn: &mut DbConnection,
    modules: &[&ModuleMigrations],
) -> Result<Vec<String>, DbError> {
    let mut reverted = Vec::new();
    for module in modules.iter().rev() {
        reverted.extend(module.revert_all(conn)?);
    }
    Ok(reverted)
}

/// Names of all pending migrations across `modules`.
pub fn pending_all(
    conn: &mut DbConnection,
    modules: &[&ModuleMigrations],
) -> Result<Vec<String>, DbError> {
    let mut pending = Vec::new();
    for module in modules {
        pending.extend(module.pending(conn)?);
    }
    Ok(pending)
}

type BoxedMigration<DB> = Box<dyn Migration<DB>>;

fn migration_error(e: impl std::fmt::Display) -> DbError {
    DbError::Migration(e.to_string())
}

fn sorted_source<DB: DieselBackend>(
    source: &EmbeddedMigrations,
) -> Result<Vec<BoxedMigration<DB>>, DbError> {
    let mut migrations = MigrationSource::<DB>::migrations(source).map_err(migration_error)?;
    migrations.sort_by(|a, b| a.name().version().cmp(&b.name().version()));
    Ok(migrations)
}

fn versions<DB: DieselBackend>(source: &EmbeddedMigrations) -> Result<Vec<String>, DbError> {
    Ok(sorted_source::<DB>(source)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect())
}

fn applied<DB: DieselBackend>(
    conn: &mut impl MigrationHarness<DB>,
) -> Result<HashSet<MigrationVersion<'static>>, DbError> {
    Ok(conn
        .applied_migrations()
        .map_err(migration_error)?
        .into_iter()
        .collect())
}

fn names<DB: DieselBackend>(migrations: Vec<BoxedMigration<DB>>) -> Vec<String> {
    migrations.iter().map(|m| m.name().to_string()).collect()
}

fn pending<DB: DieselBackend>(
    conn: &mut impl MigrationHarness<DB>,
    source: &EmbeddedMigrations,
) -> Result<Vec<BoxedMigration<DB>>, DbError> {
    let applied = applied(conn)?;
    Ok(sorted_source::<DB>(source)?
        .into_iter()
        .filter(|m| !applied.contains(&m.name().version()))
        .collect())
}

fn run_pending<DB: DieselBackend>(
    conn: &mut impl MigrationHarness<DB>,
    source: &EmbeddedMigrations,
) -> Result<Vec<String>, DbError> {
    let mut done = Vec::new();
    for migration in pending(conn, source)? {
        conn.run_migration(migration.as_ref())
            .map_err(|e| DbError::Migration(format!("{}: {e}", migration.name())))?;
        done.push(migration.name().to_string());
    }
    Ok(done)
}

fn revert_all<DB: DieselBackend>(
    conn: &mut impl MigrationHarness<DB>,
    source: &EmbeddedMigrations,
) -> Result<Vec<String>, DbError> {
    let applied = applied(conn)?;
    let mut done = Vec::new();
    for migration in sorted_source::<DB>(source)?.into_iter().rev() {
        if applied.contains(&migration.name().version()) {
            conn.revert_migration(migration.as_ref())
                .map_err(|e| DbError::Migration(format!("{}: {e}", migration.name())))?;
            done.push(migration.name().to_string());
        }
    }
    Ok(done)
}
