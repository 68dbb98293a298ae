//! Purpose keys: every key Poort uses (CSRF, cookies, peppers, sealing) is derived from the
//! one configured secret with HMAC-SHA256 as a PRF and one label per purpose, so rotating
//! the secret rotates them all and no two purposes share a key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Secret;

/// The configured secret, able to derive purpose keys. `Debug` is redacted.
#[derive(Clone, Debug)]
pub struct KeyDeriver(Secret<Vec<u8>>);

impl KeyDeriver {
    pub fn new(secret: Vec<u8>) -> Self {
        Self(Secret::new(secret))
    }

    /// A 32-byte key for one purpose.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        derive_key(self.0.expose(), purpose)
    }
}

/// A 32-byte key for `purpose` derived from `secret` (HMAC-SHA256 as a PRF).
pub fn derive_key(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length works for HMAC");
    mac.update(b"poort/key/v1:");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_has_its_own_key() {
        let d = KeyDeriver::new(vec![1; 32]);
        assert_ne!(d.derive("csrf"), d.derive("oidc-keys"));
        assert_eq!(d.derive("csrf"), derive_key(&[1; 32], "csrf"));
        assert_eq!(format!("{d:?}"), "KeyDeriver([redacted])");
    }
}
