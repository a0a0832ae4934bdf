//! Sessions recently found good, kept in memory so that a signed-in request need not read
//! its session from the database.
//!
//! A signed-in page filled from the page cache made one database read: the session check,
//! a quarter of its CPU time. An entry here stands in for that read while two things hold:
//!
//! - the session needs no extension (more than half its life left), so reading it would
//!   change nothing and expiry is judged from the remembered end;
//! - nothing ended the account's sessions or changed what they grant since it was read.
//!   This process forgets an account's entries as soon as it commits such a change; other
//!   processes on the same database when the change's `AccessChanged` event reaches them
//!   (see [`crate::SessionEvents`]). A check that read the database before a forgetting
//!   and finishes after it is not remembered (the generation stamp).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use profiles_api::Viewer;

use crate::sessions;

/// How many sessions are remembered at most; beyond that, one is dropped for each new one.
pub(crate) const CAPACITY: usize = 10_000;

/// Good sessions by token hash (see the module's documentation).
#[derive(Debug)]
pub(crate) struct SessionCache {
    inner: Mutex<Inner>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct Inner {
    /// Raised by every forgetting.
    generation: u64,
    entries: HashMap<String, Remembered>,
}

#[derive(Debug)]
struct Remembered {
    viewer: Viewer,
    expires_at: DateTime<Utc>,
}

impl SessionCache {
    /// An empty cache of at most `capacity` sessions.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            capacity,
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent whatever panicked while holding the lock.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Take before reading a session from the database; hand to [`SessionCache::keep`].
    pub(crate) fn stamp(&self) -> u64 {
        self.inner().generation
    }

    /// The viewer of the session whose token hashes to `hash`, if it is remembered and at
    /// `now` needs neither ending nor extending.
    pub(crate) fn get(&self, hash: &str, now: DateTime<Utc>) -> Option<Viewer> {
        let inner = self.inner();
        let remembered = inner.entries.get(hash)?;
        (!sessions::due_for_extension(remembered.expires_at, now))
            .then(|| remembered.viewer.clone())
    }

    /// Remembers a good session read after `stamp` was taken, unless an account's sessions
    /// were forgotten since.
    pub(crate) fn keep(&self, hash: String, viewer: Viewer, expires_at: DateTime<Utc>, stamp: u64) {
        let mut inner = self.inner();
        if inner.generation != stamp || self.capacity == 0 {
            return;
        }
        if inner.entries.len() >= self.capacity && !inner.entries.contains_key(&hash) {
            let dropped = inner.entries.keys().next().cloned();
            if let Some(dropped) = dropped {
                inner.entries.remove(&dropped);
            }
        }
        inner
            .entries
            .insert(hash, Remembered { viewer, expires_at });
    }

    /// Forgets every session of account `user_id`, and any check still reading one.
    pub(crate) fn forget_account(&self, user_id: i64) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner
            .entries
            .retain(|_, remembered| remembered.viewer.id != user_id);
    }

    /// Forgets every session, and any check still reading one.
    pub(crate) fn forget_all(&self) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use profiles_api::Role;

    use super::*;
    use crate::sessions::LIFETIME;

    fn viewer(id: i64) -> Viewer {
        Viewer {
            id,
            username: format!("user{id}"),
            role: Role::Reader,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn remembers_a_session_until_it_would_need_extending() {
        let cache = SessionCache::new(10);
        let ends = now() + LIFETIME;
        cache.keep("a".into(), viewer(1), ends, cache.stamp());
        assert_eq!(cache.get("a", now()), Some(viewer(1)));
        assert_eq!(cache.get("a", now() + LIFETIME / 2), Some(viewer(1)));
        let past_half = now() + LIFETIME / 2 + TimeDelta::seconds(1);
        assert_eq!(cache.get("a", past_half), None);
        assert_eq!(cache.get("b", now()), None);
    }

    #[test]
    fn forgetting_an_account_drops_its_sessions_only() {
        let cache = SessionCache::new(10);
        let ends = now() + LIFETIME;
        cache.keep("a1".into(), viewer(1), ends, cache.stamp());
        cache.keep("a2".into(), viewer(1), ends, cache.stamp());
        cache.keep("b".into(), viewer(2), ends, cache.stamp());
        cache.forget_account(1);
        assert_eq!(cache.get("a1", now()), None);
        assert_eq!(cache.get("a2", now()), None);
        assert_eq!(cache.get("b", now()), Some(viewer(2)));
    }

    #[test]
    fn a_check_that_overlaps_a_forgetting_is_not_kept() {
        let cache = SessionCache::new(10);
        let stamp = cache.stamp();
        // The session was read, then someone signed out (any account) before it was kept.
        cache.forget_account(7);
        cache.keep("a".into(), viewer(1), now() + LIFETIME, stamp);
        assert_eq!(cache.get("a", now()), None);
    }

    #[test]
    fn holds_no_more_than_its_capacity() {
        let cache = SessionCache::new(2);
        let ends = now() + LIFETIME;
        for hash in ["a", "b", "c"] {
            cache.keep(hash.into(), viewer(1), ends, cache.stamp());
        }
        let kept = ["a", "b", "c"]
            .iter()
            .filter(|hash| cache.get(hash, now()).is_some())
            .count();
        assert_eq!(kept, 2);
        assert_eq!(cache.get("c", now()), Some(viewer(1)));
    }

    #[test]
    fn a_cache_of_no_capacity_keeps_nothing() {
        let cache = SessionCache::new(0);
        cache.keep("a".into(), viewer(1), now() + LIFETIME, cache.stamp());
        assert_eq!(cache.get("a", now()), None);
    }
}
