//! Hearing, through the outbox's live lane, that another process ended sessions or changed
//! what they grant, so this process stops trusting what it remembers of them.

use std::sync::Arc;

use kernel::outbox::{Event, EventHandler, HandlerFuture};
use profiles_api::ProfileEvent;

use crate::session_cache::SessionCache;

/// The live consumer's name.
const CONSUMER: &str = "profiles-sessions";

/// Forgets the remembered sessions of an account when its `AccessChanged` or
/// `ProfileDeleted` event arrives. Subscribe it to the relay's live lane
/// ([`kernel::outbox::Relay::subscribe_live`]); get one from
/// [`SqlProfiles::session_events`](crate::SqlProfiles::session_events).
#[derive(Debug, Clone)]
pub struct SessionEvents {
    cache: Arc<SessionCache>,
}

impl SessionEvents {
    pub(crate) fn new(cache: Arc<SessionCache>) -> Self {
        Self { cache }
    }
}

impl EventHandler for SessionEvents {
    fn consumer(&self) -> &str {
        CONSUMER
    }

    fn accepts(&self, event_type: &str) -> bool {
        matches!(event_type, "AccessChanged" | "ProfileDeleted")
    }

    fn handle<'a>(&'a self, event: &'a Event) -> HandlerFuture<'a> {
        Box::pin(async move {
            match event.decode::<ProfileEvent>() {
                Ok(decoded) => self.cache.forget_account(decoded.profile_id()),
                Err(error) => {
                    // Which account is unknown, so trust none of them again.
                    tracing::error!(event_id = event.id, %error, "undecodable profile event");
                    self.cache.forget_all();
                }
            }
            Ok(())
        })
    }
}
