//! SQL of the grant changes no person's page makes: the register's lifecycle suspensions
//! and the operator's service-wide roles (the back office). Each requires its decision and
//! appends its audit row in the same transaction.

use super::access_audit::{AuditEntry, append};
use super::access_grants::{GrantRole, GrantRow, NewGrant};
use super::access_rights::{Decision, kinds};
use super::{Store, StoreResult, unix_now};
use crate::domain::NationalNumber;

impl Store {
    /// Suspends live grants whose basis ended, each with its reason, and appends one audit
    /// row per grant. Returns the grants suspended (a grant no longer live is skipped).
    pub async fn suspend_access_grants(
        &self,
        decision: &Decision<kinds::Lifecycle>,
        grants: &[(&GrantRow, &str)],
    ) -> StoreResult<Vec<String>> {
        let mut tx = self.writer().begin().await?;
        let mut done = Vec::new();
        for (grant, reason) in grants {
            let updated = sqlx::query(
                "UPDATE access_grants SET status = 'suspended', status_reason = $1, status_changed_at = $2 \
                 WHERE id = $3 AND status = 'active'",
            )
            .bind(reason.to_string())
            .bind(unix_now())
            .bind(grant.id.clone())
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                continue;
            }
            let entry = AuditEntry {
                kind: "btb.grant_suspended",
                enterprise: grant.enterprise.as_ref(),
                domain: (grant.scope_kind == "domain").then_some(grant.scope_id.as_str()),
                subject: Some(&grant.holder),
                detail: serde_json::json!({ "role": grant.role.code(), "reason": reason }),
            };
            append(&mut tx, decision.actor(), &entry).await?;
            done.push(grant.id.clone());
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Grants a service-wide role (the back office); `false` when already held.
    pub async fn grant_service_role(
        &self,
        decision: &Decision<kinds::Operate>,
        person: &NationalNumber,
        role: GrantRole,
    ) -> StoreResult<bool> {
        let grant = NewGrant {
            decision,
            holder: person,
            role,
            scope_kind: "service",
            scope_id: "",
            email: None,
            phone: None,
        };
        self.add_grant(decision, &grant, "access.service_role_granted").await
    }

    /// Revokes a service-wide role; `false` when it was not held.
    pub async fn revoke_service_role(
        &self,
        decision: &Decision<kinds::Operate>,
        person: &NationalNumber,
        role: GrantRole,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        let done = sqlx::query(
            "UPDATE access_grants SET status = 'revoked', status_reason = 'revoked', status_changed_at = $1 \
             WHERE enterprise_number IS NULL AND role = $2 AND holder = $3 AND status = 'active'",
        )
        .bind(unix_now())
        .bind(role.code())
        .bind(person.as_str().to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let entry = AuditEntry {
            kind: "access.service_role_revoked",
            enterprise: None,
            domain: None,
            subject: Some(person),
            detail: serde_json::json!({ "role": role.code() }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(true)
    }
}
