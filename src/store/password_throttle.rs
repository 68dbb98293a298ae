//! SQL of the brute-force counters (`password_throttle`): one row per throttle key.

use sqlx::Row as _;

use super::{Store, StoreResult};

/// Failure counter of one throttle key.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRecord {
    pub failures: i64,
    pub last_failure_at: i64,
    pub blocked_until: i64,
}

impl Store {
    pub async fn find_throttle(&self, key: &str) -> StoreResult<Option<ThrottleRecord>> {
        let row = sqlx::query(
            "SELECT failures, last_failure_at, blocked_until FROM password_throttle WHERE key = $1",
        )
        .bind(key.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(ThrottleRecord {
                failures: r.try_get("failures")?,
                last_failure_at: r.try_get("last_failure_at")?,
                blocked_until: r.try_get("blocked_until")?,
            })
        })
        .transpose()
    }

    /// Counts one more failure (a series older than `forget_before` starts again at 1)
    /// and returns the new count. One atomic statement, so nodes do not lose counts.
    pub async fn add_throttle_failure(&self, key: &str, now: i64, forget_before: i64) -> StoreResult<i64> {
        sqlx::query(
            "INSERT INTO password_throttle (key, failures, last_failure_at, blocked_until, notified_at) \
             VALUES ($1, 1, $2, 0, NULL) ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN password_throttle.last_failure_at < $3 THEN 1 ELSE password_throttle.failures + 1 END, \
             notified_at = CASE WHEN password_throttle.last_failure_at < $3 THEN NULL ELSE password_throttle.notified_at END, \
             last_failure_at = $2",
        )
        .bind(key.to_string())
        .bind(now)
        .bind(forget_before)
        .execute(self.writer())
        .await?;
        Ok(self.find_throttle(key).await?.map(|t| t.failures).unwrap_or(1))
    }

    pub async fn update_throttle_block(&self, key: &str, blocked_until: i64) -> StoreResult<()> {
        sqlx::query("UPDATE password_throttle SET blocked_until = $2 WHERE key = $1 AND blocked_until < $2")
            .bind(key.to_string())
            .bind(blocked_until)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Marks the lockout notice of the current series as sent; true only the first time.
    pub async fn mark_throttle_notified(&self, key: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE password_throttle SET notified_at = $2 WHERE key = $1 AND notified_at IS NULL",
        )
        .bind(key.to_string())
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn delete_throttle(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM password_throttle WHERE key = $1")
            .bind(key.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
