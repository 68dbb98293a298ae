//! SQL of the access layer's audit trail (`access_audit`, `access_audit_head`): append-only
//! and hash-chained. Every change of a grant appends its row in the same transaction as the
//! change; the chain is checked by `access::audit::verify`.

use sha2::{Digest as _, Sha256};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::access_rights::Actor;
use super::{StoreResult, unix_now};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// What one audit row says happened (the actor comes with the decision).
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// `btb.head_designated`, `btb.co_head_added`, `btb.access_manager_removed`, …
    pub kind: &'a str,
    pub enterprise: Option<&'a EnterpriseNumber>,
    pub domain: Option<&'a str>,
    /// The person the change is about.
    pub subject: Option<&'a NationalNumber>,
    /// More facts (never secrets).
    pub detail: serde_json::Value,
}

/// One stored audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub actor: Option<String>,
    pub capacity: String,
    pub session_ref: Option<String>,
    pub enterprise_number: Option<String>,
    pub domain_code: Option<String>,
    pub subject: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The hash this row should carry: SHA-256 (hex) of its content and the previous hash.
    pub fn expected_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.kind,
            self.actor,
            self.capacity,
            self.session_ref,
            self.enterprise_number,
            self.domain_code,
            self.subject,
            self.detail,
            self.prev_hash,
        ]);
        hex(&Sha256::digest(canonical.to_string().as_bytes()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const AUDIT_COLUMNS: &str = "seq, at, kind, actor, capacity, session_ref, enterprise_number, domain_code, \
     subject, detail, prev_hash, hash";

/// Appends one row inside the caller's transaction. The head row is updated first, which
/// makes concurrent appenders wait for each other until commit: seq stays gap-free and in
/// commit order.
pub(super) async fn append(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &Actor,
    entry: &AuditEntry<'_>,
) -> StoreResult<i64> {
    let head = sqlx::query("UPDATE access_audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let mut row = AuditRow {
        seq,
        at: unix_now(),
        kind: entry.kind.to_string(),
        actor: actor.person.as_ref().map(|p| p.as_str().to_string()),
        capacity: actor.capacity.to_string(),
        session_ref: actor.session_ref.clone(),
        enterprise_number: entry.enterprise.map(|e| e.as_str().to_string()),
        domain_code: entry.domain.map(str::to_string),
        subject: entry.subject.map(|s| s.as_str().to_string()),
        detail: entry.detail.to_string(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row.expected_hash();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO access_audit ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    )))
    .bind(row.seq)
    .bind(row.at)
    .bind(row.kind.clone())
    .bind(row.actor.clone())
    .bind(row.capacity.clone())
    .bind(row.session_ref.clone())
    .bind(row.enterprise_number.clone())
    .bind(row.domain_code.clone())
    .bind(row.subject.clone())
    .bind(row.detail.clone())
    .bind(row.prev_hash.clone())
    .bind(row.hash.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE access_audit_head SET hash = $1 WHERE id = 1")
        .bind(row.hash)
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

fn row_from(r: &AnyRow) -> StoreResult<AuditRow> {
    Ok(AuditRow {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        kind: r.try_get("kind")?,
        actor: r.try_get("actor")?,
        capacity: r.try_get("capacity")?,
        session_ref: r.try_get("session_ref")?,
        enterprise_number: r.try_get("enterprise_number")?,
        domain_code: r.try_get("domain_code")?,
        subject: r.try_get("subject")?,
        detail: r.try_get("detail")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

impl super::Store {
    /// Rows after `seq`, oldest first, at most `limit` (the changes feed, the verifier).
    pub async fn find_access_audit_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<AuditRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM access_audit WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_from).collect()
    }

    /// The latest rows of one enterprise, newest first.
    pub async fn find_access_audit_of_enterprise(
        &self,
        enterprise: &EnterpriseNumber,
        limit: i64,
    ) -> StoreResult<Vec<AuditRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM access_audit WHERE enterprise_number = $1 ORDER BY seq DESC LIMIT $2"
        )))
        .bind(enterprise.as_str().to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_from).collect()
    }

    /// The chain's head: the last seq and its hash.
    pub async fn find_access_audit_head(&self) -> StoreResult<(i64, String)> {
        let row = sqlx::query("SELECT seq, hash FROM access_audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get("seq")?, row.try_get("hash")?))
    }
}
