//! Limits on new comments, kept in memory: a sliding window log per account and per client
//! address.
//!
//! Each key keeps the times of its most recent comments inside its window. A comment is
//! accepted only if every key it is counted against has room; then it is recorded against
//! all of them at once (check and record under one lock, so concurrent submissions cannot
//! both take the last place). A refusal says how long until the oldest counted comment leaves
//! the window; refusals are not recorded, so waiting always works.
//!
//! The counts live in this process only: with several `quire` instances each counts on its
//! own and a restart forgets them — the same accepted trade as the sign-in limits.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use crate::config::RateLimit;

/// What a comment is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// A signed-in account.
    Account(i64),
    /// A client address, as the server gave it.
    Client(String),
}

/// Longest client address kept as a key; longer ones are cut (bounding memory).
const MAX_KEY_CHARS: usize = 100;
/// Keys tracked before the first sweep of expired ones.
const FIRST_SWEEP: usize = 10_000;

impl Key {
    pub(crate) fn client(address: &str) -> Self {
        Key::Client(address.trim().chars().take(MAX_KEY_CHARS).collect())
    }
}

#[derive(Debug)]
struct Log {
    times: HashMap<Key, VecDeque<DateTime<Utc>>>,
    next_sweep: usize,
}

/// The comment log of one process.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_account: RateLimit,
    per_client: RateLimit,
    log: Mutex<Log>,
}

impl RateLimiter {
    pub(crate) fn new(per_account: RateLimit, per_client: RateLimit) -> Self {
        Self {
            per_account,
            per_client,
            log: Mutex::new(Log {
                times: HashMap::new(),
                next_sweep: FIRST_SWEEP,
            }),
        }
    }

    fn limit_for(&self, key: &Key) -> RateLimit {
        match key {
            Key::Account(_) => self.per_account,
            Key::Client(_) => self.per_client,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        // Every update is one step, so the data stays consistent even after a panic.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The seconds to wait before `keys` all have room (the longest among the full keys),
    /// or `None` if they have room now.
    fn wait(&self, log: &mut Log, keys: &[Key], now: DateTime<Utc>) -> Option<u64> {
        let mut wait: Option<u64> = None;
        for key in keys {
            let limit = self.limit_for(key);
            let Some(times) = log.times.get_mut(key) else {
                continue;
            };
            forget_before(times, now - limit.window);
            let max = limit.max.max(1) as usize;
            if let Some(oldest) = times.front()
                && times.len() >= max
            {
                let millis = (*oldest + limit.window - now).num_milliseconds().max(1);
                // Round up, so retrying after the answer is never too early.
                let secs = u64::try_from(millis).unwrap_or(1).div_ceil(1000);
                wait = Some(wait.map_or(secs, |w| w.max(secs)));
            }
        }
        wait
    }

    /// `Err(seconds)` to wait if a comment counted against `keys` would be refused now;
    /// records nothing (a cheap early answer before any database work).
    pub(crate) fn check(&self, keys: &[Key], now: DateTime<Utc>) -> Result<(), u64> {
        let mut log = self.lock();
        self.wait(&mut log, keys, now).map_or(Ok(()), Err)
    }

    /// Records one comment against every key in `keys` if all have room; otherwise records
    /// nothing and returns the seconds to wait.
    pub(crate) fn acquire(&self, keys: &[Key], now: DateTime<Utc>) -> Result<(), u64> {
        let mut log = self.lock();
        if let Some(secs) = self.wait(&mut log, keys, now) {
            return Err(secs);
        }
        for key in keys {
            let max = self.limit_for(key).max.max(1) as usize;
            let times = log.times.entry(key.clone()).or_default();
            times.push_back(now);
            while times.len() > max {
                times.pop_front();
            }
        }
        if log.times.len() >= log.next_sweep {
            self.sweep(&mut log, now);
        }
        Ok(())
    }

    /// Drops keys whose comments all left their window, so the log cannot grow without bound.
    fn sweep(&self, log: &mut Log, now: DateTime<Utc>) {
        log.times.retain(|key, times| {
            forget_before(times, now - self.limit_for(key).window);
            !times.is_empty()
        });
        log.next_sweep = (log.times.len() * 2).max(FIRST_SWEEP);
    }
}

fn forget_before(times: &mut VecDeque<DateTime<Utc>>, cutoff: DateTime<Utc>) {
    while times.front().is_some_and(|at| *at <= cutoff) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn limiter() -> RateLimiter {
        RateLimiter::new(
            RateLimit {
                max: 3,
                window: TimeDelta::minutes(10),
            },
            RateLimit {
                max: 5,
                window: TimeDelta::minutes(10),
            },
        )
    }

    #[test]
    fn refuses_after_the_limit_until_the_oldest_leaves_the_window() {
        let limiter = limiter();
        let keys = [Key::Account(1)];
        for i in 0..3 {
            assert_eq!(limiter.acquire(&keys, t0() + TimeDelta::minutes(i)), Ok(()));
        }
        assert_eq!(
            limiter.check(&keys, t0() + TimeDelta::minutes(3)),
            Err(7 * 60)
        );
        assert_eq!(
            limiter.acquire(&keys, t0() + TimeDelta::minutes(3)),
            Err(7 * 60)
        );
        let almost = t0() + TimeDelta::minutes(10) - TimeDelta::milliseconds(300);
        assert_eq!(limiter.acquire(&keys, almost), Err(1));
        assert_eq!(
            limiter.acquire(&keys, t0() + TimeDelta::minutes(10)),
            Ok(())
        );
        assert_eq!(limiter.acquire(&[Key::Account(2)], t0()), Ok(()));
    }

    #[test]
    fn a_refusal_by_one_key_records_nothing_against_the_others() {
        let limiter = limiter();
        let client = Key::client(" 192.0.2.1 ");
        assert_eq!(client, Key::Client("192.0.2.1".into()));
        for account in 0..5 {
            assert_eq!(
                limiter.acquire(&[Key::Account(account), client.clone()], t0()),
                Ok(())
            );
        }
        // The address is full: account 9 is refused and its own log stays empty.
        assert_eq!(
            limiter.acquire(&[Key::Account(9), client.clone()], t0()),
            Err(600)
        );
        for _ in 0..3 {
            assert_eq!(limiter.acquire(&[Key::Account(9)], t0()), Ok(()));
        }
    }

    #[test]
    fn keys_are_bounded_and_swept() {
        let limiter = limiter();
        let Key::Client(long) = Key::client(&"x".repeat(1_000)) else {
            unreachable!()
        };
        assert_eq!(long.len(), MAX_KEY_CHARS);
        for i in 0..FIRST_SWEEP - 1 {
            limiter
                .acquire(&[Key::Account(i64::try_from(i).unwrap())], t0())
                .unwrap();
        }
        limiter
            .acquire(&[Key::Account(-1)], t0() + TimeDelta::hours(1))
            .unwrap();
        assert!(limiter.lock().times.len() < 10);
    }
}
