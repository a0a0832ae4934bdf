//! `quire demo`: fills a site with an author and generated posts, to try Quire or to
//! measure it. Everything goes through the modules' ports, exactly as the web pages do.

use std::sync::Arc;

use comments::{CommentsConfig, RateLimit, SqlComments};
use comments_api::{CommentsPort, ModerationMode, NewComment};
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
    /// Comments to write under the newest post (from a few demo readers; every third one
    /// answers the comment before it).
    pub comments: u64,
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
    let posts = SqlPosts::new(pool.clone(), clock.clone(), outbox.clone());

    let author = demo_account(&profiles, &request.username, request, Role::Author).await?;
    let actor = Actor {
        id: author.id,
        may_edit_any: false,
    };
    let mut slugs = Vec::new();
    let mut newest = None;
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
        newest = Some(post.id);
    }
    if let (Some(post_id), true) = (newest, request.comments > 0) {
        // The demo writes faster than any person: lift the rate limits for it.
        let unlimited = RateLimit {
            max: u32::MAX,
            window: chrono::TimeDelta::seconds(1),
        };
        let config = CommentsConfig {
            per_account: unlimited,
            per_client: unlimited,
            ..CommentsConfig::default()
        };
        let posts: Arc<dyn PostsPort> = Arc::new(posts);
        let comments = SqlComments::new(pool, clock, outbox, posts).with_config(config);
        let mut readers = Vec::new();
        for n in 1..=5 {
            readers
                .push(demo_account(&profiles, &format!("reader{n}"), request, Role::Reader).await?);
        }
        let mut previous = None;
        for n in 1..=request.comments {
            let reader = &readers[(n as usize) % readers.len()];
            let comment = comments
                .create(NewComment {
                    post_id,
                    author: comments_api::Actor {
                        id: reader.id,
                        may_moderate_any: false,
                    },
                    parent_id: if n % 3 == 0 { previous } else { None },
                    body: demo_content::comment(n),
                    idempotency_key: None,
                    client_ip: None,
                    account_is_new: false,
                    mode: ModerationMode::Open,
                })
                .await
                .map_err(|e| fail(&e))?;
            previous = Some(comment.id);
        }
    }
    Ok(slugs)
}

/// The account `username`, created with `role` if it does not exist.
async fn demo_account(
    profiles: &SqlProfiles,
    username: &str,
    request: &DemoRequest,
    role: Role,
) -> Result<profiles_api::Profile, DemoError> {
    let fail = |e: &dyn std::fmt::Display| DemoError(e.to_string());
    match profiles.by_username(username).await.map_err(|e| fail(&e))? {
        Some(profile) => Ok(profile),
        None => profiles
            .create_account(
                NewAccount {
                    username: username.to_owned(),
                    email: format!("{username}@demo.invalid"),
                    password: request.password.clone(),
                },
                role,
            )
            .await
            .map_err(|e| fail(&e)),
    }
}
