//! SQL of the OpenID Provider's signing keys (`oidc_signing_keys`).

use sqlx::Row as _;

use super::{Store, StoreError, StoreResult};
use crate::kernel::jose::Alg;

/// A stored key row; `private_key` is sealed (protocol/oidc/keystore.rs). Never log it.
#[derive(Clone)]
pub struct StoredSigningKey {
    pub kid: String,
    pub alg: Alg,
    pub status: String,
    pub private_key: String,
    pub created_at: i64,
    pub verify_until: Option<i64>,
}

impl std::fmt::Debug for StoredSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredSigningKey({}, {:?}, {})", self.kid, self.alg, self.status)
    }
}

impl Store {
    pub async fn find_oidc_signing_keys(&self) -> StoreResult<Vec<StoredSigningKey>> {
        let rows = sqlx::query(
            "SELECT kid, alg, status, private_key, created_at, verify_until FROM oidc_signing_keys",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let alg: String = r.try_get("alg")?;
                Ok(StoredSigningKey {
                    kid: r.try_get("kid")?,
                    alg: Alg::parse(&alg).ok_or_else(|| StoreError::Corrupt(format!("key alg {alg}")))?,
                    status: r.try_get("status")?,
                    private_key: r.try_get("private_key")?,
                    created_at: r.try_get("created_at")?,
                    verify_until: r.try_get("verify_until")?,
                })
            })
            .collect()
    }

    /// Inserts `new` as the active key of its algorithm and retires every other active key
    /// of that algorithm until `verify_until`, in one transaction.
    pub async fn rotate_oidc_signing_key(
        &self,
        new: &StoredSigningKey,
        verify_until: i64,
    ) -> StoreResult<()> {
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "UPDATE oidc_signing_keys SET status = 'retired', retired_at = $1, verify_until = $2 \
             WHERE alg = $3 AND status = 'active'",
        )
        .bind(new.created_at)
        .bind(verify_until)
        .bind(new.alg.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO oidc_signing_keys (kid, alg, status, private_key, created_at) \
             VALUES ($1, $2, 'active', $3, $4)",
        )
        .bind(new.kid.clone())
        .bind(new.alg.as_str())
        .bind(new.private_key.clone())
        .bind(new.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets retired keys whose overlap has ended.
    pub async fn delete_expired_oidc_signing_keys(&self, now: i64) -> StoreResult<u64> {
        let done =
            sqlx::query("DELETE FROM oidc_signing_keys WHERE status = 'retired' AND verify_until <= $1")
                .bind(now)
                .execute(self.writer())
                .await?;
        Ok(done.rows_affected())
    }
}
