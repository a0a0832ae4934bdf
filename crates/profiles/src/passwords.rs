//! Password hashing with argon2id.
//!
//! # Parameters: m = 19 MiB, t = 2, p = 1
//!
//! OWASP's Password Storage Cheat Sheet recommends argon2id with at least 19 MiB of memory,
//! 2 iterations and 1 degree of parallelism; this module uses exactly that, for a small
//! (2-core) server:
//!
//! - **Memory, 19 MiB** makes each guess cost an attacker's GPU or ASIC real memory
//!   bandwidth. Hashing runs while holding a pooled connection, so at most 8–10 run at once
//!   (the pool size): under 200 MiB even in a burst.
//! - **Iterations, 2** keeps one verification at about 16–20 ms on one core of the 2-core
//!   development machine (`cargo bench -p profiles --bench sign_in`): invisible to a person
//!   signing in, yet at most ~100 guesses a second for the whole server, and the rate
//!   limits stop a guessing run long before that matters.
//! - **Parallelism, 1**: more lanes only help with threads (argon2's `parallel` feature),
//!   and then one sign-in would occupy both cores; one lane per hash lets two sign-ins
//!   proceed side by side and leaves the server responsive.
//!
//! The parameters live in each stored hash (a PHC string), so raising them later keeps old
//! hashes verifiable, and a successful sign-in re-hashes a password stored with older ones.
//!
//! Hashing is slow on purpose: callers run it on the blocking pool (inside
//! `DbPool::run`), never on an async worker. Verification compares in constant time
//! (argon2's `verify_password` does); an unknown login is verified against a dummy hash
//! so the answer takes as long as for a real account.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use profiles_api::ProfilesError;

/// Memory cost in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations over the memory.
pub const ITERATIONS: u32 = 2;
/// Lanes (degree of parallelism).
pub const LANES: u32 = 1;

const PARAMS: Params = match Params::new(MEMORY_KIB, ITERATIONS, LANES, None) {
    Ok(params) => params,
    Err(_) => panic!("argon2 parameters out of range"),
};

/// A well-formed hash with the current parameters whose salt and output are arbitrary bytes,
/// so no known password matches it. Verified when the login names no account, so that answer
/// costs the same time as a wrong password.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$\
    dW5rbm93bi1hY2NvdW50LXNhbHQ$0bUGp7b2PX6l2P5KsBz4CEgCtxOdfXSRKiyEVnTp9Xo";

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
}

/// Hashes `password` with a fresh random salt into a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`). Slow on purpose: call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, ProfilesError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            ProfilesError::Storage("the password could not be hashed".into())
        })
}

/// Whether `password` matches `stored` (a PHC string), compared in constant time. A stored
/// value that is not a valid hash matches nothing. Slow on purpose: call it off the async
/// threads.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            // Spend the same time as a real verification, then refuse.
            verify_dummy(password);
            false
        }
    }
}

/// Verifies `password` against [`DUMMY_HASH`], to spend the time a real check takes.
pub(crate) fn verify_dummy(password: &str) {
    if let Ok(parsed) = PasswordHash::new(DUMMY_HASH) {
        let _ = hasher().verify_password(password.as_bytes(), &parsed);
    }
}

/// Whether `stored` was made with other parameters than today's (re-hash after a successful
/// sign-in).
pub(crate) fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let current = Params::try_from(&parsed).ok();
    parsed.algorithm.as_str() != "argon2id"
        || parsed.version != Some(Version::V0x13.into())
        || current.is_none_or(|p| {
            p.m_cost() != MEMORY_KIB || p.t_cost() != ITERATIONS || p.p_cost() != LANES
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_the_parameters() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert!(!needs_rehash(&hash));
        let other = hash_password("correct horse battery").unwrap();
        assert_ne!(hash, other, "a fresh salt each time");
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        assert!(
            !needs_rehash(DUMMY_HASH),
            "update DUMMY_HASH with the parameters"
        );
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything at all", DUMMY_HASH));
    }

    #[test]
    fn old_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery")
        .unwrap()
        .to_string();
        assert!(verify_password("correct horse battery", &weak));
        assert!(needs_rehash(&weak));
    }
}
