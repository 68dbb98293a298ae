//! Random handles (session cookies, codes, tickets, ids) and what the database keeps of
//! them: base64url(SHA-256(handle)), so a leaked table yields no usable handle while
//! lookups stay exact-match and indexable.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `n` random bytes, base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh handle: 256 random bits, base64url (43 characters).
pub fn new_handle() -> String {
    random_token(32)
}

/// The database key of a handle: base64url(SHA-256(handle)).
pub fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_eq!(new_handle().len(), 43);
        assert_ne!(a, random_token(32));
        assert_ne!(hash_token(&a), a);
        assert!(constant_time_eq(&hash_token(&a), &hash_token(&a)));
        assert!(!constant_time_eq(&hash_token(&a), &hash_token("other")));
    }
}
