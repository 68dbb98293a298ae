//! Housekeeping: the purges of rows whose life is over, and the retention of the audit
//! trail. Each feature's background job calls the purge of its own tables; the settings
//! are `[housekeeping]`.

use serde::{Deserialize, Serialize};

use super::{Store, StoreResult};
use crate::kernel::ConfigError;

/// `[housekeeping]`: how often the purges run and how long ended things are kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HousekeepingSettings {
    /// Seconds between two purges.
    pub interval_secs: u64,
    /// Days an ended browser session or a finished back-channel delivery is kept (for the
    /// session pages and support), after which it is removed.
    pub ended_retention_days: i64,
    /// Days audit events are kept; 0 keeps them forever.
    pub audit_retention_days: i64,
}

impl Default for HousekeepingSettings {
    fn default() -> Self {
        Self { interval_secs: 3600, ended_retention_days: 30, audit_retention_days: 0 }
    }
}

impl HousekeepingSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(10..=86_400).contains(&self.interval_secs) {
            return Err(ConfigError::invalid("housekeeping.interval_secs", "must be between 10 and 86400"));
        }
        if self.ended_retention_days < 1 {
            return Err(ConfigError::invalid("housekeeping.ended_retention_days", "must be at least 1"));
        }
        if self.audit_retention_days < 0 {
            return Err(ConfigError::invalid(
                "housekeeping.audit_retention_days",
                "must be 0 (keep) or more",
            ));
        }
        Ok(())
    }
}

/// What one purge removed, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Purged(pub Vec<(&'static str, u64)>);

impl Purged {
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

impl Store {
    async fn delete_where(&self, sql: &'static str, bound: i64) -> StoreResult<u64> {
        Ok(sqlx::query(sql).bind(bound).execute(self.writer()).await?.rows_affected())
    }

    /// Login state: expired login transactions, one-time tickets, e-mail codes, passkey
    /// registrations in progress; browser sessions past their lifetime, and ended ones
    /// older than `ended_before`.
    pub async fn purge_login_state(&self, now: i64, ended_before: i64) -> StoreResult<Purged> {
        let mut out = Vec::new();
        for (table, sql) in [
            ("login_transactions", "DELETE FROM login_transactions WHERE expires_at < $1"),
            ("one_time_tickets", "DELETE FROM one_time_tickets WHERE expires_at < $1"),
            ("password_email_codes", "DELETE FROM password_email_codes WHERE expires_at < $1"),
            ("passkey_registrations", "DELETE FROM passkey_registrations WHERE expires_at < $1"),
            ("browser_sessions", "DELETE FROM browser_sessions WHERE expires_at < $1"),
        ] {
            out.push((table, self.delete_where(sql, now).await?));
        }
        let ended = self
            .delete_where(
                "DELETE FROM browser_sessions WHERE ended_at IS NOT NULL AND ended_at < $1",
                ended_before,
            )
            .await?;
        if let Some(entry) = out.iter_mut().find(|(t, _)| *t == "browser_sessions") {
            entry.1 += ended;
        }
        Ok(Purged(out))
    }

    /// The protocols' rows past their lifetime (OpenID Provider: tokens, grants, pushed requests,
    /// single-use identifiers, retired keys whose overlap ended, and back-channel logout
    /// deliveries that finished before `ended_before`; SAML: answered request IDs, the service
    /// providers of purged sessions; eIDAS: accepted assertion IDs).
    pub async fn purge_oidc_state(&self, now: i64, ended_before: i64) -> StoreResult<Purged> {
        let mut out = Vec::new();
        for (table, sql) in [
            ("oidc_tokens", "DELETE FROM oidc_tokens WHERE expires_at < $1"),
            ("oidc_par_requests", "DELETE FROM oidc_par_requests WHERE expires_at < $1"),
            ("oidc_used_jtis", "DELETE FROM oidc_used_jtis WHERE expires_at < $1"),
            ("oidc_grants", "DELETE FROM oidc_grants WHERE expires_at < $1"),
            (
                "oidc_signing_keys",
                "DELETE FROM oidc_signing_keys WHERE status = 'retired' AND verify_until <= $1",
            ),
            ("eidas_seen_assertions", "DELETE FROM eidas_seen_assertions WHERE expires_at < $1"),
            ("saml_seen_requests", "DELETE FROM saml_seen_requests WHERE expires_at < $1"),
            ("saml_logouts", "DELETE FROM saml_logouts WHERE expires_at < $1"),
        ] {
            out.push((table, self.delete_where(sql, now).await?));
        }
        let deliveries = self
            .delete_where(
                "DELETE FROM oidc_logout_deliveries WHERE status <> 'pending' AND created_at < $1",
                ended_before,
            )
            .await?;
        out.push(("oidc_logout_deliveries", deliveries));
        // A session's SAML service providers outlive it only until its row is purged.
        let participants = sqlx::query(
            "DELETE FROM saml_session_participants WHERE session_id NOT IN (SELECT sid FROM browser_sessions)",
        )
        .execute(self.writer())
        .await?
        .rows_affected();
        out.push(("saml_session_participants", participants));
        Ok(Purged(out))
    }

    /// Audit events older than `before` (the configured retention).
    pub async fn purge_audit_events(&self, before: i64) -> StoreResult<u64> {
        self.delete_where("DELETE FROM audit_events WHERE at < $1", before).await
    }
}
