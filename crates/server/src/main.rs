//! The `quire` binary: parses the command line and runs the chosen command.

use std::process::ExitCode;

use clap::Parser;
use server::cli::{AdminTask, Cli, Command, SearchTask};
use server::config::{Config, ConfigArgs};
use server::{Application, startup, telemetry};

fn main() -> ExitCode {
    tune_malloc();
    telemetry::init();
    match Cli::parse().into_command() {
        Command::Serve(args) => serve(args),
        Command::Migrate { config, status } => migrate(config, status),
        Command::Admin {
            task:
                AdminTask::CreateUser {
                    config,
                    username,
                    email,
                    role,
                },
        } => create_user(config, username, email, &role),
        Command::Search {
            task: SearchTask::Reindex { config },
        } => reindex(config),
        Command::Demo {
            config,
            posts,
            words,
            comments,
            username,
            password,
        } => demo(
            config,
            server::demo::DemoRequest {
                username,
                password,
                posts,
                words,
                comments,
            },
        ),
    }
}

/// How many malloc arenas glibc may keep: one per core here. By default it grows up to eight
/// per core as threads contend, and after a burst of work on many threads (indexing a large
/// import through the blocking pool) the freed memory stays scattered over them: measured
/// with 2,000 posts, 196 MB resident after the search backlog against 18 MB with two arenas,
/// at the same throughput.
const MALLOC_ARENAS: i32 = 2;

/// Blocks at least this large are mapped on their own and given back to the system when
/// freed. glibc's default threshold rises to the largest block freed so far, so the search
/// writer's 1 MiB buffers (up to its 16 MiB budget while indexing a backlog) would end up
/// kept in the heap for good after the first burst. Measured with 10,000 posts indexed by
/// the serving process, then loaded: 42 MiB resident at 512 KiB, 51 to 87 MiB with glibc's
/// default. At 512 KiB, though, each response of the 540 KB Atom feed (actix-web copies a
/// body into a buffer of its size) was mapped and unmapped; 1 MiB leaves those in the heap
/// and still maps the search writer's buffers.
const MALLOC_MMAP_THRESHOLD: i32 = 1024 * 1024;

/// Applies [`MALLOC_ARENAS`] and [`MALLOC_MMAP_THRESHOLD`] (glibc only; other C libraries
/// keep their defaults).
#[allow(unsafe_code)]
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets allocator parameters. It runs first thing in `main`,
    // before any other thread exists or any allocation depends on the settings.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD);
    }
}

fn create_user(args: ConfigArgs, username: String, email: String, role: &str) -> ExitCode {
    let Some(role) = profiles_api::Role::parse(role) else {
        tracing::error!("unknown role `{role}`: use admin, editor, author or reader");
        return ExitCode::from(2);
    };
    let (config, runtime) = match prepare(args) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let mut password = String::new();
    if let Err(error) = std::io::stdin().read_line(&mut password) {
        tracing::error!("cannot read the password from standard input: {error}");
        return ExitCode::from(2);
    }
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let account = profiles_api::NewAccount {
        username,
        email,
        password,
    };
    match runtime.block_on(server::admin_cli::create_user(&config, account, role)) {
        Ok(name) => {
            tracing::info!("created {name} as {}", role.as_str());
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::from(2)
        }
    }
}

/// The configuration and the runtime a one-shot command needs; logs why when either fails.
fn prepare(args: ConfigArgs) -> Result<(Config, tokio::runtime::Runtime), ExitCode> {
    let config = load(args)?;
    Ok((config, runtime()?))
}

/// The async runtime the one-shot commands run on; logs why when it cannot start.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            tracing::error!("cannot start the runtime: {error}");
            ExitCode::FAILURE
        })
}

fn reindex(args: ConfigArgs) -> ExitCode {
    let (config, runtime) = match prepare(args) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    match runtime.block_on(server::search::reindex(&config)) {
        Ok(indexed) => {
            tracing::info!("search index rebuilt: {indexed} posts");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("cannot rebuild the search index: {error}");
            ExitCode::FAILURE
        }
    }
}

fn demo(args: ConfigArgs, request: server::demo::DemoRequest) -> ExitCode {
    let (config, runtime) = match prepare(args) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    match runtime.block_on(server::demo::run(&config, &request)) {
        Ok(slugs) => {
            tracing::info!(
                "published {} posts by {} in {}; the first is /posts/{}",
                slugs.len(),
                request.username,
                config.database_url,
                slugs.first().map_or("", String::as_str)
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn load(args: ConfigArgs) -> Result<Config, ExitCode> {
    Config::load(args).map_err(|error| {
        tracing::error!("{error}");
        ExitCode::from(2)
    })
}

fn serve(args: ConfigArgs) -> ExitCode {
    let config = match load(args) {
        Ok(config) => config,
        Err(code) => return code,
    };
    for (name, value) in config.describe() {
        tracing::info!("config {name} = {value}");
    }
    let outcome = actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(
            "listening on http://{} (public URL {})",
            app.local_addr(),
            app.base_url()
        );
        app.run_until_stopped().await.map_err(|e| e.to_string())
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn migrate(args: ConfigArgs, status_only: bool) -> ExitCode {
    let (config, runtime) = match prepare(args) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let outcome = runtime.block_on(async {
        if status_only {
            let url = config.database_url.clone();
            tokio::task::spawn_blocking(move || -> Result<Vec<String>, kernel::DbError> {
                let pool = kernel::DbPool::connect(&url)?;
                kernel::migrations::pending_all(
                    &mut *pool.get()?,
                    &server::modules::MIGRATION_ORDER,
                )
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
        } else {
            startup::open_database(&config.database_url)
                .await
                .map(|(_, applied)| applied)
                .map_err(|e| e.to_string())
        }
    });
    match outcome {
        Ok(migrations) => {
            let verb = if status_only { "pending" } else { "applied" };
            if migrations.is_empty() {
                tracing::info!("no migration {verb}: {} is up to date", config.database_url);
            }
            for migration in migrations {
                tracing::info!("{verb}: {migration}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}
