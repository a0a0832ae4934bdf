//! The `quire` command line.

use clap::{Parser, Subcommand};

use crate::config::ConfigArgs;

/// Quire, a self-hosted blogging platform.
#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "Quire, a self-hosted blogging platform.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options for `serve` when no subcommand is given.
    #[command(flatten)]
    pub serve: ConfigArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(ConfigArgs),
    /// Apply pending database migrations, or show them with `--status`, then exit.
    Migrate {
        /// Where the database is.
        #[command(flatten)]
        config: ConfigArgs,
        /// Only list pending migrations; change nothing.
        #[arg(long)]
        status: bool,
    },
    /// Administration tasks.
    Admin {
        /// What to do.
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Search index tasks.
    Search {
        /// What to do.
        #[command(subcommand)]
        task: SearchTask,
    },
    /// Fill the site with an author and generated posts (to try Quire, or to measure it).
    Demo {
        /// Where the database is.
        #[command(flatten)]
        config: ConfigArgs,
        /// How many posts to publish.
        #[arg(long, default_value_t = 20)]
        posts: u64,
        /// About how many words each post has.
        #[arg(long, default_value_t = 800)]
        words: usize,
        /// How many comments to write under the newest post.
        #[arg(long, default_value_t = 0)]
        comments: u64,
        /// The author's username (created as an author if it does not exist).
        #[arg(long, default_value = "demo")]
        username: String,
        /// The author's password when the account is created.
        #[arg(long, env = "QUIRE_DEMO_PASSWORD", default_value = "demo password 123")]
        password: String,
    },
}

/// `quire search …` tasks.
#[derive(Debug, Subcommand)]
pub enum SearchTask {
    /// Rebuild the search index from the database (aside, then swapped in: search keeps
    /// working meanwhile), with a progress bar.
    Reindex {
        /// Where the database and the index are.
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// `quire admin …` tasks.
#[derive(Debug, Subcommand)]
pub enum AdminTask {
    /// Create an account with a chosen role (e.g. the first admin of a closed site).
    /// The password is read from standard input (one line), never from the command line.
    CreateUser {
        /// Where the database is.
        #[command(flatten)]
        config: ConfigArgs,
        /// Username.
        #[arg(long)]
        username: String,
        /// Email address.
        #[arg(long)]
        email: String,
        /// Role: admin, editor, author or reader.
        #[arg(long, default_value = "author")]
        role: String,
    },
}

impl Cli {
    /// The command to run, with `serve` as the default.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_is_the_default() {
        let cli = Cli::try_parse_from(["quire", "--bind", "0.0.0.0:9000"]).unwrap();
        match cli.into_command() {
            Command::Serve(args) => assert_eq!(args.bind.as_deref(), Some("0.0.0.0:9000")),
            other => panic!("expected serve, got {other:?}"),
        }
    }

    #[test]
    fn migrate_takes_database_options() {
        let cli = Cli::try_parse_from([
            "quire",
            "migrate",
            "--status",
            "--database-url",
            "postgres://localhost/quire",
        ])
        .unwrap();
        match cli.into_command() {
            Command::Migrate { config, status } => {
                assert!(status);
                assert_eq!(
                    config.database_url.as_deref(),
                    Some("postgres://localhost/quire")
                );
            }
            other => panic!("expected migrate, got {other:?}"),
        }
    }

    #[test]
    fn help_lists_every_fixed_option() {
        let help = <Cli as clap::CommandFactory>::command()
            .render_long_help()
            .to_string();
        for option in [
            "--bind",
            "QUIRE_BIND",
            "--database-url",
            "DATABASE_URL",
            "--data-dir",
            "QUIRE_DATA_DIR",
            "--base-url",
            "QUIRE_BASE_URL",
            "--search-url",
            "SEARCH_URL",
            "--site-title",
            "--config",
        ] {
            assert!(help.contains(option), "help lacks {option}:\n{help}");
        }
    }

    #[test]
    fn unknown_flags_are_refused() {
        assert!(Cli::try_parse_from(["quire", "--nope"]).is_err());
    }
}
