//! SQL of remembered consent (`oidc_consents`) and back-channel logout deliveries
//! (`oidc_logout_deliveries`).

use sqlx::Row as _;

use super::{Store, StoreResult};

/// A back-channel logout notification still to be delivered (or recorded as done).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutDelivery {
    pub id: String,
    pub client_id: String,
    pub sid: String,
    pub identity_id: String,
    pub attempts: i64,
}

impl Store {
    /// The scopes a person agreed to share with a client, and when, if ever.
    pub async fn find_oidc_consent(
        &self,
        identity_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<(Vec<String>, i64)>> {
        let row = sqlx::query(
            "SELECT scope, granted_at FROM oidc_consents WHERE identity_id = $1 AND client_id = $2",
        )
        .bind(identity_id.to_string())
        .bind(client_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let scope: String = r.try_get("scope")?;
        let scopes = scope.split(' ').filter(|x| !x.is_empty()).map(str::to_string).collect();
        Ok(Some((scopes, r.try_get("granted_at")?)))
    }

    /// Every client a person consented to, with the scopes and when.
    pub async fn find_oidc_consents_of_identity(
        &self,
        identity_id: &str,
    ) -> StoreResult<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT client_id, scope, granted_at FROM oidc_consents WHERE identity_id = $1 ORDER BY client_id",
        )
        .bind(identity_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("client_id")?, r.try_get("scope")?, r.try_get("granted_at")?)))
            .collect()
    }

    pub async fn upsert_oidc_consent(
        &self,
        identity_id: &str,
        client_id: &str,
        scopes: &[String],
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO oidc_consents (identity_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (identity_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at",
        )
        .bind(identity_id.to_string())
        .bind(client_id.to_string())
        .bind(scopes.join(" "))
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn delete_oidc_consent(&self, identity_id: &str, client_id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM oidc_consents WHERE identity_id = $1 AND client_id = $2")
            .bind(identity_id.to_string())
            .bind(client_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Queues a back-channel logout notification.
    pub async fn create_oidc_logout_delivery(&self, d: &LogoutDelivery, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO oidc_logout_deliveries (id, client_id, sid, identity_id, status, attempts, created_at, \
             next_attempt_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
        )
        .bind(d.id.clone())
        .bind(d.client_id.clone())
        .bind(d.sid.clone())
        .bind(d.identity_id.clone())
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Deliveries whose next attempt is due.
    pub async fn find_due_oidc_logout_deliveries(&self, now: i64) -> StoreResult<Vec<LogoutDelivery>> {
        let rows = sqlx::query(
            "SELECT id, client_id, sid, identity_id, attempts FROM oidc_logout_deliveries \
             WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 100",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LogoutDelivery {
                    id: r.try_get("id")?,
                    client_id: r.try_get("client_id")?,
                    sid: r.try_get("sid")?,
                    identity_id: r.try_get("identity_id")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// Claims a due delivery for one attempt (pushes its next attempt to `lease_until`), so
    /// that of several nodes only one sends it. `false`: another node has it.
    pub async fn update_oidc_logout_delivery_claimed(
        &self,
        id: &str,
        now: i64,
        lease_until: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE oidc_logout_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
        )
        .bind(lease_until)
        .bind(id.to_string())
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the outcome of one attempt: `delivered`, or `pending` with the next attempt
    /// time, or `failed` after the last attempt.
    pub async fn update_oidc_logout_delivery(
        &self,
        id: &str,
        status: &str,
        error: Option<&str>,
        next_attempt_at: i64,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE oidc_logout_deliveries SET status = $1, attempts = attempts + 1, last_error = $2, \
             next_attempt_at = $3, delivered_at = CASE WHEN $1 = 'delivered' THEN $4 ELSE NULL END WHERE id = $5",
        )
        .bind(status.to_string())
        .bind(error.map(str::to_string))
        .bind(next_attempt_at)
        .bind(now)
        .bind(id.to_string())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Status and attempts of the deliveries of a session (for tests and operators).
    pub async fn find_oidc_logout_deliveries_of_session(
        &self,
        sid: &str,
    ) -> StoreResult<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT client_id, status, attempts FROM oidc_logout_deliveries WHERE sid = $1 ORDER BY client_id",
        )
        .bind(sid.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("client_id")?, r.try_get("status")?, r.try_get("attempts")?)))
            .collect()
    }
}
