//! What each event evicts from the [`PageCache`]: the outbox consumer that keeps it fresh.
//!
//! | event | evicts |
//! |---|---|
//! | post published | the post, all-post lists, its author's and tags' lists, its neighbours' pages |
//! | post updated | the post, all-post lists, its author's lists, its tags' lists (old and new) |
//! | post unpublished / deleted | the post, all-post lists, its author's and tags' lists |
//! | comment added / edited / moderated / deleted | the post (page, counts in lists) |
//! | profile updated / followed / unfollowed / deleted | every page showing the profile |
//! | site settings changed | everything (and this instance reloads the settings) |

use std::sync::Arc;

use comments_api::CommentEvent;
use kernel::DbPool;
use kernel::outbox::{Event, EventHandler, HandlerError, HandlerFuture};
use posts_api::{PostEvent, PostsPort};
use profiles_api::ProfileEvent;

use super::{Dep, PageCache};
use crate::site::{Site, SiteSettings};

/// The consumer name (a live subscriber: its progress is not stored).
pub(crate) const CONSUMER: &str = "page-cache";

/// Evicts cached pages as events arrive, and follows site settings changed elsewhere.
pub(crate) struct Invalidator {
    cache: Arc<PageCache>,
    posts: Arc<dyn PostsPort>,
    pool: DbPool,
    site: Site,
    defaults: SiteSettings,
}

impl Invalidator {
    /// An invalidator for `cache`; `posts` finds a new post's neighbours, and `site` is
    /// reloaded from `pool` (over `defaults`) when the settings change.
    pub(crate) fn new(
        cache: Arc<PageCache>,
        posts: Arc<dyn PostsPort>,
        pool: DbPool,
        site: Site,
        defaults: SiteSettings,
    ) -> Self {
        Self {
            cache,
            posts,
            pool,
            site,
            defaults,
        }
    }

    async fn apply(&self, event: &Event) -> Result<(), HandlerError> {
        let undecodable = |e: serde_json::Error| {
            // A payload this version cannot read must not stall the cache: drop everything.
            tracing::warn!(event_id = event.id, error = %e, "unreadable event; clearing the page cache");
        };
        match event.event_type.as_str() {
            kernel::settings::SETTINGS_CHANGED => {
                self.reload_settings().await?;
                self.cache.clear();
            }
            "PostPublished" | "PostUpdated" | "PostUnpublished" | "PostDeleted" => {
                match event.decode::<PostEvent>() {
                    Ok(post_event) => {
                        let deps = self.post_deps(&post_event).await;
                        self.cache.invalidate(&deps);
                    }
                    Err(e) => {
                        undecodable(e);
                        self.cache.clear();
                    }
                }
            }
            "ProfileUpdated" | "FollowersChanged" | "ProfileDeleted" => {
                match event.decode::<ProfileEvent>() {
                    Ok(profile_event) => {
                        self.cache
                            .invalidate(&[Dep::Profile(profile_event.profile_id())]);
                    }
                    Err(e) => {
                        undecodable(e);
                        self.cache.clear();
                    }
                }
            }
            "CommentAdded"
            | "CommentEdited"
            | "CommentModerated"
            | "CommentDeleted"
            | "PostCommentsRemoved" => match event.decode::<CommentEvent>() {
                Ok(comment_event) => {
                    self.cache.invalidate(&[Dep::Post(comment_event.post_id())]);
                }
                Err(e) => {
                    undecodable(e);
                    self.cache.clear();
                }
            },
            _ => {}
        }
        Ok(())
    }

    /// The pages a post change makes stale.
    async fn post_deps(&self, event: &PostEvent) -> Vec<Dep> {
        let mut deps = vec![Dep::Post(event.post_id()), Dep::Listing];
        match event {
            PostEvent::PostPublished(doc) => {
                deps.push(Dep::AuthorPosts(doc.author_id));
                deps.extend(doc.tags.iter().cloned().map(Dep::Tag));
                // The posts published just before and after it now link to it. If they
                // cannot be found out, every page goes: a failing handler would hold the
                // whole cache back.
                match self.posts.neighbours(doc.post_id).await {
                    Ok((older, newer)) => deps.extend(
                        older
                            .into_iter()
                            .chain(newer)
                            .map(|link| Dep::Neighbours(link.id)),
                    ),
                    Err(error) => {
                        tracing::warn!(%error, "cannot find a new post's neighbours; clearing the page cache");
                        self.cache.clear();
                    }
                }
            }
            PostEvent::PostUpdated(doc) => {
                deps.push(Dep::AuthorPosts(doc.author_id));
                deps.extend(doc.tags.iter().cloned().map(Dep::Tag));
                deps.extend(doc.former_tags.iter().cloned().map(Dep::Tag));
            }
            PostEvent::PostUnpublished {
                author_id, tags, ..
            }
            | PostEvent::PostDeleted {
                author_id, tags, ..
            } => {
                deps.push(Dep::AuthorPosts(*author_id));
                deps.extend(tags.iter().cloned().map(Dep::Tag));
            }
        }
        deps
    }

    async fn reload_settings(&self) -> Result<(), HandlerError> {
        let stored = self
            .pool
            .run(kernel::settings::load)
            .await
            .map_err(|e| HandlerError(e.to_string()))?;
        self.site
            .replace(SiteSettings::from_stored(self.defaults.clone(), &stored));
        Ok(())
    }
}

impl EventHandler for Invalidator {
    fn consumer(&self) -> &str {
        CONSUMER
    }

    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(self.apply(event))
    }
}
