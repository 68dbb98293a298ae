//! SQL of the eIDAS login: assertion IDs already accepted (`eidas_seen_assertions`).

use super::{Store, StoreResult};

impl Store {
    /// Records the first use of an assertion ID; `false` when it was already recorded (a
    /// replay). Expired rows are removed by `Store::purge_oidc_state`'s housekeeping. The insert is atomic on both databases
    /// (primary key + `ON CONFLICT DO NOTHING`), so two nodes cannot both accept it.
    pub async fn create_seen_eidas_assertion(
        &self,
        assertion_id: &str,
        expires_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO eidas_seen_assertions (assertion_id, seen_at, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (assertion_id) DO NOTHING",
        )
        .bind(assertion_id)
        .bind(now)
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
