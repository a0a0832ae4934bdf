//! `quire demo`: fills a site with an author and generated posts, to try Quire or to
//! measure it. Everything goes through the modules' ports, exactly as the web pages do.

use std::sync::Arc;

use kernel::SystemClock;
use kernel::outbox::OutboxSignal;
use posts::SqlPosts;
use posts_api::{Actor, PostDraft, PostsPort};
use profiles::SqlProfiles;
use profiles_api::{NewAccount, ProfilesPort, Role};

use crate::config::Config;
use crate::demo_content;
use crate::startup::open_database;

/// What to create.
#[derive(Debug, Clone)]
pub struct DemoRequest {
    /// The author's username (created if missing).
    pub username: String,
    /// The author's password, when the account is created.
    pub password: String,
    /// Posts to create and publish.
    pub posts: u64,
    /// About how many words each post has.
    pub words: usize,
}

/// Why the demo could not be made.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DemoError(String);

/// Creates the author (unless it exists) and publishes `request.posts` generated posts.
/// Returns the slugs created.
pub async fn run(config: &Config, request: &DemoRequest) -> Result<Vec<String>, DemoError> {
    let fail = |e: &dyn std::fmt::Display| DemoError(e.to_string());
    std::fs::create_dir_all(&config.data_dir).map_err(|e| fail(&e))?;
    let (pool, _) = open_database(&config.database_url)
        .await
        .map_err(|e| fail(&e))?;
    let clock = Arc::new(SystemClock);
    // The relay of a running server delivers the events written here.
    let outbox = OutboxSignal::new();
    let profiles = SqlProfiles::new(pool.clone(), clock.clone(), outbox.clone());
    let posts = SqlPosts::new(pool, clock, outbox);

    let author = match profiles
        .by_username(&request.username)
        .await
        .map_err(|e| fail(&e))?
    {
        Some(profile) => profile,
        None => profiles
            .create_account(
                NewAccount {
                    username: request.username.clone(),
                    email: format!("{}@demo.invalid", request.username),
                    password: request.password.clone(),
                },
                Role::Author,
            )
            .await
            .map_err(|e| fail(&e))?,
    };
    let actor = Actor {
        id: author.id,
        may_edit_any: false,
    };
    let mut slugs = Vec::new();
    for n in 1..=request.posts {
        let generated = demo_content::post(n, request.words);
        let draft = PostDraft {
            title: generated.title,
            description: generated.description,
            body_markdown: generated.body,
            tags: generated.tags,
            ..PostDraft::default()
        };
        let post = posts.create(actor, draft).await.map_err(|e| fail(&e))?;
        let post = posts.publish(actor, post.id).await.map_err(|e| fail(&e))?;
        slugs.push(post.slug);
    }
    Ok(slugs)
}
