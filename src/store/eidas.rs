//! SQL of the eIDAS login: assertion IDs already accepted (`eidas_seen_assertions`), and
//! the one read of a login transaction the eIDAS ACS needs without the browser binding.

use sqlx::Row as _;

use super::{Store, StoreError, StoreResult};

impl Store {
    /// The `method_state` (JSON) and expiry of a login transaction, read by id alone: the
    /// eIDAS assertion consumer service is a cross-site POST that carries no SameSite=Lax
    /// cookie. The caller must verify the RelayState against the stored request.
    pub async fn find_eidas_method_state(
        &self,
        tx_id: &str,
    ) -> StoreResult<Option<(Option<serde_json::Value>, i64)>> {
        let row = sqlx::query("SELECT method_state, expires_at FROM login_transactions WHERE id = $1")
            .bind(tx_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let text: Option<String> = row.try_get("method_state")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        let value = text
            .map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("method_state: {e}"))))
            .transpose()?;
        Ok(Some((value, expires_at)))
    }

    /// Records the first use of an assertion ID; `false` when it was already recorded (a
    /// replay). Expired rows are purged on the way. The insert is atomic on both databases
    /// (primary key + `ON CONFLICT DO NOTHING`), so two nodes cannot both accept it.
    pub async fn create_seen_eidas_assertion(
        &self,
        assertion_id: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        sqlx::query("DELETE FROM eidas_seen_assertions WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        let done = sqlx::query(
            "INSERT INTO eidas_seen_assertions (assertion_id, seen_at, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (assertion_id) DO NOTHING",
        )
        .bind(assertion_id)
        .bind(now)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
