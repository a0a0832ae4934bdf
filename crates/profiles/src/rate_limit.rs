//! Limits on failed sign-ins, kept in memory.
//!
//! Each key (a client address, a login name, or an account) keeps the times of its most recent failed
//! sign-ins inside its window — a sliding window log. When a key already holds
//! `max_failures` failures inside the window, further attempts are refused *before* the
//! password is checked, until the oldest of them leaves the window; the refusal says how long
//! that is. Refused attempts are not recorded, so waiting out the window always works.
//! A successful sign-in clears its login's failures (not its client's: signing in to one's
//! own account must not buy more guesses at others).
//!
//! The counts live in this process only: with several `quire` instances behind a load
//! balancer each one counts on its own (so the effective limit is multiplied by the number
//! of instances), and a restart forgets them. That is the accepted trade for needing no
//! shared store; the argon2 cost bounds guessing speed anyway.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

/// At most `max_failures` failed sign-ins within any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Failures allowed inside the window (at least 1 is used).
    pub max_failures: u32,
    /// How far back failures count.
    pub window: TimeDelta,
}

/// The limits on failed sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    /// Per client address: by default 20 failures per 10 minutes (room for a household or an
    /// office behind one address, not for a guessing run).
    pub per_client: RateLimit,
    /// Per login as typed (a username or an email, any case), whether or not it names an
    /// account, and per signed-in account confirming its password: by default 5 failures per
    /// 15 minutes. A username and its account's email are counted apart: counting them
    /// together would let the refusal confirm which email belongs to which username (so one
    /// account can see twice the limit, still far below what guessing needs).
    pub per_account: RateLimit,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            per_client: RateLimit {
                max_failures: 20,
                window: TimeDelta::minutes(10),
            },
            per_account: RateLimit {
                max_failures: 5,
                window: TimeDelta::minutes(15),
            },
        }
    }
}

/// What a failure count is kept for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// A client address, as the server gave it.
    Client(String),
    /// A signed-in account confirming its password (changing it, or the email).
    Account(i64),
    /// A login as typed at sign-in, normalised; the same whether or not it names an account,
    /// so the limits reveal nothing about which accounts exist.
    Login(String),
}

/// Longest client or login text kept as a key; longer ones are cut (bounding memory).
const MAX_KEY_CHARS: usize = 320;
/// Keys tracked before the first sweep of expired ones.
const FIRST_SWEEP: usize = 10_000;

impl Key {
    pub(crate) fn client(client: &str) -> Self {
        Key::Client(client.trim().chars().take(MAX_KEY_CHARS).collect())
    }

    pub(crate) fn login(login: &str) -> Self {
        Key::Login(
            login
                .trim()
                .to_lowercase()
                .chars()
                .take(MAX_KEY_CHARS)
                .collect(),
        )
    }
}

#[derive(Debug)]
struct Failures {
    log: HashMap<Key, VecDeque<DateTime<Utc>>>,
    next_sweep: usize,
}

/// The failure log of one process. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limits: SignInLimits,
    failures: Mutex<Failures>,
}

impl RateLimiter {
    pub(crate) fn new(limits: SignInLimits) -> Self {
        Self {
            limits,
            failures: Mutex::new(Failures {
                log: HashMap::new(),
                next_sweep: FIRST_SWEEP,
            }),
        }
    }

    fn limit_for(&self, key: &Key) -> RateLimit {
        match key {
            Key::Client(_) => self.limits.per_client,
            Key::Account(_) | Key::Login(_) => self.limits.per_account,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        // The data stays consistent even if a holder panicked: every update is one step.
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `Err(seconds)` to wait if `key` has used up its failures, else `Ok`.
    pub(crate) fn check(&self, key: &Key, now: DateTime<Utc>) -> Result<(), u64> {
        let limit = self.limit_for(key);
        let mut failures = self.lock();
        let Some(log) = failures.log.get_mut(key) else {
            return Ok(());
        };
        forget_before(log, now - limit.window);
        let max = limit.max_failures.max(1) as usize;
        match log.front() {
            Some(oldest) if log.len() >= max => {
                let wait = (*oldest + limit.window - now).num_milliseconds();
                // Round up, so retrying after the answer is never too early.
                Err(u64::try_from(wait.max(1)).unwrap_or(1).div_ceil(1000))
            }
            _ => Ok(()),
        }
    }

    /// Records a failed attempt against `key`.
    pub(crate) fn fail(&self, key: Key, now: DateTime<Utc>) {
        let limit = self.limit_for(&key);
        let max = limit.max_failures.max(1) as usize;
        let mut failures = self.lock();
        let log = failures.log.entry(key).or_default();
        forget_before(log, now - limit.window);
        log.push_back(now);
        while log.len() > max {
            log.pop_front();
        }
        if failures.log.len() >= failures.next_sweep {
            self.sweep(&mut failures, now);
        }
    }

    /// Forgets `key`'s failures (after a successful sign-in).
    pub(crate) fn clear(&self, key: &Key) {
        self.lock().log.remove(key);
    }

    /// Drops keys whose failures all left their window, so the log cannot grow without bound.
    fn sweep(&self, failures: &mut Failures, now: DateTime<Utc>) {
        failures.log.retain(|key, log| {
            forget_before(log, now - self.limit_for(key).window);
            !log.is_empty()
        });
        failures.next_sweep = (failures.log.len() * 2).max(FIRST_SWEEP);
    }
}

fn forget_before(log: &mut VecDeque<DateTime<Utc>>, cutoff: DateTime<Utc>) {
    while log.front().is_some_and(|at| *at <= cutoff) {
        log.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn refuses_after_the_limit_until_the_oldest_failure_leaves_the_window() {
        let limiter = RateLimiter::new(SignInLimits::default());
        let key = Key::Account(7);
        for i in 0..5 {
            let now = t0() + TimeDelta::minutes(i);
            assert_eq!(limiter.check(&key, now), Ok(()));
            limiter.fail(key.clone(), now);
        }
        let now = t0() + TimeDelta::minutes(5);
        assert_eq!(limiter.check(&key, now), Err(10 * 60));
        // Just before the first failure is 15 minutes old: still refused, for one second.
        let almost = t0() + TimeDelta::minutes(15) - TimeDelta::milliseconds(500);
        assert_eq!(limiter.check(&key, almost), Err(1));
        assert_eq!(limiter.check(&key, t0() + TimeDelta::minutes(15)), Ok(()));
        // Other keys are untouched; clearing forgets.
        assert_eq!(limiter.check(&Key::Account(8), now), Ok(()));
        limiter.clear(&key);
        assert_eq!(limiter.check(&key, now), Ok(()));
    }

    #[test]
    fn keys_are_bounded_and_swept() {
        let limiter = RateLimiter::new(SignInLimits::default());
        assert_eq!(
            Key::login("  Alice@Example.ORG "),
            Key::login("alice@example.org")
        );
        let Key::Client(long) = Key::client(&"x".repeat(10_000)) else {
            unreachable!()
        };
        assert_eq!(long.len(), MAX_KEY_CHARS);
        for i in 0..FIRST_SWEEP - 1 {
            limiter.fail(Key::Client(i.to_string()), t0());
        }
        // All of those expired; the insert that reaches the threshold sweeps them.
        limiter.fail(Key::Account(1), t0() + TimeDelta::hours(1));
        assert!(limiter.lock().log.len() < 10);
    }
}
