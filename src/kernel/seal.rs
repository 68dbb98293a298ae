//! The one AEAD sealer for secrets at rest (OpenID Provider signing keys, TOTP secrets):
//! AES-256-GCM (aws-lc-rs) under a purpose key, a random 96-bit nonce per value, and
//! additional data that binds the sealed value to its row (a `kid`, an account id), so a
//! sealed value cannot be moved to another row. Stored as base64(nonce ‖ ciphertext ‖ tag).

use std::sync::Arc;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Why a value could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the system random generator failed")]
    Random,
    #[error("the value cannot be decrypted (wrong key, wrong row, or tampered)")]
    Open,
}

/// Seals and opens values under one purpose key. Cheap to clone.
#[derive(Clone)]
pub struct Sealer(Arc<LessSafeKey>);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    pub fn new(key: [u8; 32]) -> Self {
        let unbound = UnboundKey::new(&AES_256_GCM, &key).expect("32 bytes is an AES-256 key");
        Self(Arc::new(LessSafeKey::new(unbound)))
    }

    /// base64(nonce ‖ ciphertext ‖ tag), with `bound_to` as additional data.
    pub fn seal(&self, bound_to: &str, plaintext: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| SealError::Random)?;
        let mut buffer = plaintext.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(bound_to.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SealError::Random)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buffer);
        Ok(STANDARD.encode(out))
    }

    /// The plaintext of a value sealed with the same key and `bound_to`.
    pub fn open(&self, bound_to: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| SealError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Open)?;
        let mut buffer = rest.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(bound_to.as_bytes()), &mut buffer)
            .map_err(|_| SealError::Open)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_its_row() {
        let sealer = Sealer::new([3; 32]);
        let sealed = sealer.seal("row-1", b"private").expect("seal");
        assert_eq!(sealer.open("row-1", &sealed).expect("open"), b"private");
        assert!(sealer.open("row-2", &sealed).is_err(), "moved to another row");
        assert!(Sealer::new([4; 32]).open("row-1", &sealed).is_err(), "another key");
        assert!(sealer.open("row-1", "not base64!").is_err());
        assert!(sealer.open("row-1", "AAAA").is_err(), "shorter than a nonce");
        assert_ne!(sealer.seal("row-1", b"private").expect("seal"), sealed, "fresh nonce each time");
    }
}
