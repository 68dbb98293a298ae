//! Signing keys in the database: encrypted at rest, loaded into a [`KeySet`], rotated by age
//! or on demand, multi-node safe.
//!
//! * The private key is sealed with AES-256-GCM (aws-lc-rs) under a key derived from the
//!   configured secret ("oidc-keys"); the `kid` is the additional data, so a sealed key
//!   cannot be moved to another row.
//! * Rotation inserts a new active key and retires the previous active key(s) of that
//!   algorithm in one transaction, with `verify_until = now + overlap`. Two nodes rotating
//!   at once is harmless: the loser's fresh key is simply retired at once and keeps
//!   verifying whatever it signed.
//! * Every node reloads the key set periodically (see `provider::background`), so a
//!   `poort keys rotate` run elsewhere is picked up within a minute.

use crate::kernel::seal::Sealer;
use crate::protocol::oidc::keys::{Alg, KeyError, KeySet, RetiredKey, SigningKey, generate};
use crate::store::oidc_keys::StoredSigningKey;
use crate::store::{Store, StoreError};

/// Why keys could not be loaded or rotated.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("key {kid}: {source}")]
    Key { kid: String, source: KeyError },
    #[error("key {0} cannot be decrypted (was security.secret_key changed?)")]
    Decrypt(String),
    #[error("key generation failed")]
    Generation,
}

/// Seals and opens private keys (the kernel's sealer, the `kid` as additional data).
#[derive(Debug, Clone)]
pub struct KeyCipher(Sealer);

impl KeyCipher {
    pub fn new(key: [u8; 32]) -> Self {
        Self(Sealer::new(key))
    }

    /// base64(nonce ‖ ciphertext ‖ tag), the `kid` as additional data.
    pub fn seal(&self, kid: &str, plaintext: &[u8]) -> Result<String, KeyStoreError> {
        self.0.seal(kid, plaintext).map_err(|_| KeyStoreError::Generation)
    }

    pub fn open(&self, kid: &str, sealed: &str) -> Result<Vec<u8>, KeyStoreError> {
        self.0.open(kid, sealed).map_err(|_| KeyStoreError::Decrypt(kid.to_string()))
    }
}

/// Builds the key set from the stored rows: per algorithm the newest active key signs;
/// other rows verify until their `verify_until`.
pub async fn load(
    store: &Store,
    cipher: &KeyCipher,
    now: i64,
    overlap: i64,
) -> Result<KeySet, KeyStoreError> {
    let mut rows = store.find_oidc_signing_keys().await?;
    rows.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    let mut set = KeySet::default();
    for row in rows {
        let der = cipher.open(&row.kid, &row.private_key)?;
        let key = SigningKey::from_pkcs8(row.alg, der, row.created_at)
            .map_err(|source| KeyStoreError::Key { kid: row.kid.clone(), source })?;
        if key.kid != row.kid {
            return Err(KeyStoreError::Key { kid: row.kid, source: KeyError::BadKey });
        }
        let is_signer = row.status == "active" && set.active(row.alg).is_err();
        if is_signer {
            set.active.push(key);
        } else {
            let verify_until = row.verify_until.unwrap_or(now + overlap);
            if verify_until > now {
                set.retired.push(RetiredKey { key, verify_until });
            }
        }
    }
    Ok(set)
}

/// Makes a fresh key the active key of `alg` and retires the previous one(s).
pub async fn rotate(
    store: &Store,
    cipher: &KeyCipher,
    alg: Alg,
    now: i64,
    overlap: i64,
) -> Result<String, KeyStoreError> {
    // RSA key generation takes tens of milliseconds of CPU: off the async runtime.
    let key = tokio::task::spawn_blocking(move || generate(alg, now))
        .await
        .map_err(|_| KeyStoreError::Generation)?
        .map_err(|_| KeyStoreError::Generation)?;
    let row = StoredSigningKey {
        kid: key.kid.clone(),
        alg,
        status: "active".into(),
        private_key: cipher.seal(&key.kid, key.private_der())?,
        created_at: now,
        verify_until: None,
    };
    store.rotate_oidc_signing_key(&row, now + overlap).await?;
    tracing::info!(key.kid = %key.kid, key.alg = alg.as_str(), "signing key rotated");
    Ok(key.kid.clone())
}

/// At start and hourly: every configured algorithm has an active key younger than
/// `rotation_days` (0: keys never age out); retired keys past their overlap are deleted.
pub async fn ensure_fresh(
    store: &Store,
    cipher: &KeyCipher,
    algs: &[Alg],
    rotation_days: u64,
    now: i64,
    overlap: i64,
) -> Result<usize, KeyStoreError> {
    let rows = store.find_oidc_signing_keys().await?;
    let max_age = i64::try_from(rotation_days).unwrap_or(i64::MAX / 86_400).saturating_mul(86_400);
    let mut rotated = 0;
    for alg in algs {
        let newest_active =
            rows.iter().filter(|r| r.alg == *alg && r.status == "active").map(|r| r.created_at).max();
        let is_due = match newest_active {
            None => true,
            Some(created) => rotation_days > 0 && now - created >= max_age,
        };
        if is_due {
            rotate(store, cipher, *alg, now, overlap).await?;
            rotated += 1;
        }
    }
    store.delete_expired_oidc_signing_keys(now).await?;
    Ok(rotated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_under_its_own_kid_and_key() {
        let cipher = KeyCipher::new([1; 32]);
        let sealed = cipher.seal("kid-1", b"private").expect("seal");
        assert!(!sealed.contains("private"));
        assert_eq!(cipher.open("kid-1", &sealed).expect("open"), b"private");
        assert!(cipher.open("kid-2", &sealed).is_err());
        assert!(KeyCipher::new([2; 32]).open("kid-1", &sealed).is_err());
        assert!(cipher.open("kid-1", "AAAA").is_err());
    }
}
