//! The scheduler: publishes scheduled posts when their time comes, without a restart.
//!
//! Scheduling is about wall-clock time, so this worker checks once per interval whether any
//! post is due (one indexed query); the posts module decides what is due by its injected
//! clock, so tests move time instead of waiting. Publishing writes `PostPublished` to the
//! outbox like any other publication.

use std::sync::Arc;
use std::time::Duration;

use posts_api::PostsPort;
use tokio::sync::watch;

/// How often due posts are looked for: the most a scheduled post can be late.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Runs until `shutdown` turns true.
pub async fn run(
    posts: Arc<dyn PostsPort>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
        match posts.publish_due().await {
            Ok(ids) if !ids.is_empty() => tracing::info!(?ids, "published scheduled posts"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "scheduler could not publish due posts"),
        }
    }
    tracing::info!("scheduler stopped");
}
