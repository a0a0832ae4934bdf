//! Session and API tokens: 32 bytes from the operating system's CSPRNG, hex-encoded (64
//! characters, safe in cookies, headers and URLs). Only the SHA-256 of a token is stored, so
//! a copy of the database does not let anyone sign in.

use kernel::hex::lower_hex;
use sha2::{Digest, Sha256};

use crate::error::{StoreError, StoreResult};

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;
/// Length of a token's text.
const TOKEN_CHARS: usize = TOKEN_BYTES * 2;

/// A new token: its plain text (for the person, once) and its hash (for the database).
pub(crate) struct NewToken {
    pub(crate) plain: String,
    pub(crate) hash: String,
}

/// A fresh random token.
pub(crate) fn generate() -> StoreResult<NewToken> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::internal("random token", e))?;
    let plain = lower_hex(&bytes);
    let hash = hash(&plain);
    Ok(NewToken { plain, hash })
}

/// The stored form of a token: SHA-256 of its text, hex-encoded.
pub(crate) fn hash(token: &str) -> String {
    lower_hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `token` could be one of ours (64 lower-case hex digits); anything else is refused
/// without asking the database.
pub(crate) fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_stored_hashed() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a.plain, b.plain);
        assert!(well_formed(&a.plain), "{}", a.plain);
        assert_eq!(a.hash, hash(&a.plain));
        assert_ne!(a.hash, a.plain);
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for bad in ["", "xyz", &a.plain.to_uppercase(), &format!("{}0", a.plain)] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
