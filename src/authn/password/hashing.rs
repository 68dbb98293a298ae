//! Argon2id password hashing on a bounded worker pool.
//!
//! OWASP Password Storage Cheat Sheet parameters (m = 19 MiB, t = 2, p = 1). Hashing is
//! deliberately slow, so at most `hash_workers` hashes run at once (a semaphore); a login
//! waits at most `hash_queue_wait_ms` for a worker and is otherwise answered 503 with
//! Retry-After, rather than queueing without bound. The work itself runs in
//! `spawn_blocking`. An unknown username is verified against a fixed dummy hash, so it
//! costs the same time as a wrong password (no user enumeration by timing).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use crate::authn::password::settings::PasswordSettings;

/// Why no hash was computed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every worker is busy and the queue wait ran out: answer 503.
    #[error("all password hashing workers are busy")]
    Overloaded,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// The pool. Cheap to clone.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    queue_wait: Duration,
    params: Params,
    dummy: Arc<OnceCell<String>>,
    verifications: Arc<AtomicU64>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("available", &self.permits.available_permits()).finish_non_exhaustive()
    }
}

impl Hasher {
    pub fn new(settings: &PasswordSettings) -> Self {
        let params = Params::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            settings.argon2_parallelism,
            None,
        )
        .unwrap_or_default();
        Self {
            permits: Arc::new(Semaphore::new(settings.workers())),
            queue_wait: Duration::from_millis(settings.hash_queue_wait_ms),
            params,
            dummy: Arc::new(OnceCell::new()),
            verifications: Arc::new(AtomicU64::new(0)),
        }
    }

    fn argon2(params: &Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
    }

    /// How many Argon2id verifications ran (real or dummy): tests use it to show that an
    /// unknown username costs the same work as a wrong password.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// Takes a worker (waiting at most the queue wait). Hashing holds one while it runs;
    /// tests hold one to saturate the pool.
    pub async fn reserve(&self) -> Result<tokio::sync::OwnedSemaphorePermit, HashError> {
        self.worker().await
    }

    async fn worker(&self) -> Result<tokio::sync::OwnedSemaphorePermit, HashError> {
        let permits = self.permits.clone();
        if self.queue_wait.is_zero() {
            return permits.try_acquire_owned().map_err(|_| HashError::Overloaded);
        }
        match tokio::time::timeout(self.queue_wait, permits.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(HashError::Overloaded),
        }
    }

    /// Hashes a new password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let permit = self.worker().await?;
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            Self::argon2(&params)
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| HashError::Failed(e.to_string()))
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?
    }

    /// Checks `password` against `stored`; with `None` (unknown user) it checks against a
    /// dummy hash with the same parameters and returns false, taking the same time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, HashError> {
        let is_real = stored.is_some();
        let phc = match stored {
            Some(phc) => phc,
            None => self.dummy_hash().await?,
        };
        let permit = self.worker().await?;
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let is_match = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return false;
            };
            // The parameters come from the stored hash (older hashes keep verifying).
            Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(is_real && is_match)
    }

    async fn dummy_hash(&self) -> Result<String, HashError> {
        let params = self.params.clone();
        self.dummy
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || {
                    Self::argon2(&params)
                        .hash_password(b"poort-dummy-password-for-unknown-users")
                        .map(|h| h.to_string())
                        .map_err(|e| HashError::Failed(e.to_string()))
                })
                .await
                .map_err(|e| HashError::Failed(e.to_string()))?
            })
            .await
            .cloned()
    }

    /// Computes the dummy hash ahead of the first login (called at start).
    pub async fn warm_up(&self) -> Result<(), HashError> {
        self.dummy_hash().await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast_settings(workers: usize, wait_ms: u64) -> PasswordSettings {
        PasswordSettings {
            hash_workers: workers,
            hash_queue_wait_ms: wait_ms,
            argon2_memory_kib: 8 * 1024,
            argon2_iterations: 1,
            ..PasswordSettings::default()
        }
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let hasher = Hasher::new(&fast_settings(1, 1000));
        let phc = hasher.hash("Poort-demo-2026".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"), "{phc}");
        assert!(hasher.verify("Poort-demo-2026".into(), Some(phc.clone())).await.expect("verify"));
        assert!(!hasher.verify("Poort-demo-2027".into(), Some(phc)).await.expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = Hasher::new(&fast_settings(1, 1000));
        assert!(!hasher.verify("anything".into(), None).await.expect("verify"));
    }

    #[tokio::test]
    async fn the_default_parameters_are_owasps() {
        let hasher = Hasher::new(&PasswordSettings { hash_workers: 1, ..PasswordSettings::default() });
        let phc = hasher.hash("x".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    }

    #[tokio::test]
    async fn a_saturated_pool_refuses_instead_of_queueing() {
        let hasher = Hasher::new(&fast_settings(1, 0));
        let _held = hasher.worker().await.expect("the one worker");
        assert!(matches!(hasher.hash("x".into()).await, Err(HashError::Overloaded)));
    }
}
