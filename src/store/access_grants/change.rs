//! The changes to `access_grants`: the insert and end every grant change shares, and the
//! BTB roles (co-heads, access managers) added and removed, each with its audit row in the
//! same transaction.

use sqlx::Row as _;

use super::{GrantRole, GrantStatus, corrupt, is_unique_violation};
use crate::domain::NationalNumber;
use crate::store::access_audit::{AuditEntry, append};
use crate::store::access_rights::{Decision, kinds};
use crate::store::{Store, StoreResult, unix_now};

/// A grant to insert.
pub(in crate::store) struct NewGrant<'a, K> {
    pub(in crate::store) decision: &'a Decision<K>,
    pub(in crate::store) holder: &'a NationalNumber,
    pub(in crate::store) role: GrantRole,
    pub(in crate::store) scope_kind: &'a str,
    pub(in crate::store) scope_id: &'a str,
    pub(in crate::store) email: Option<&'a str>,
    pub(in crate::store) phone: Option<&'a str>,
}

/// Inserts a grant; `Ok(None)` when the unique indexes refuse it (already held).
pub(in crate::store) async fn insert_grant<K>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    g: &NewGrant<'_, K>,
) -> StoreResult<Option<String>> {
    let id = crate::kernel::token::random_token(16);
    let now = unix_now();
    let actor = g.decision.actor();
    let granted_by =
        actor.person.as_ref().map(|p| p.as_str().to_string()).unwrap_or_else(|| actor.capacity.into());
    let result = sqlx::query(
        "INSERT INTO access_grants (id, holder, role, enterprise_number, scope_kind, scope_id, contact_email, \
         contact_phone, granted_by, granted_capacity, valid_from, valid_until, status, status_reason, \
         status_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, 'active', NULL, \
         NULL, $11)",
    )
    .bind(id.clone())
    .bind(g.holder.as_str().to_string())
    .bind(g.role.code())
    .bind(g.decision.enterprise().map(|e| e.as_str().to_string()))
    .bind(g.scope_kind.to_string())
    .bind(g.scope_id.to_string())
    .bind(g.email.map(str::to_string))
    .bind(g.phone.map(str::to_string))
    .bind(granted_by)
    .bind(actor.capacity)
    .bind(now)
    .execute(&mut **tx)
    .await;
    match result {
        Ok(_) => Ok(Some(id)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Ends the live grants matching `role`, `holder` (when given) and the decision's
/// enterprise and scope; returns the holders whose grant ended.
pub(in crate::store) async fn end_grants<K>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    decision: &Decision<K>,
    role: GrantRole,
    scope_id: &str,
    holder: Option<&NationalNumber>,
    status: GrantStatus,
    reason: &str,
) -> StoreResult<Vec<NationalNumber>> {
    let enterprise = decision.enterprise().map(|e| e.as_str().to_string());
    let rows = sqlx::query(
        "UPDATE access_grants SET status = $1, status_reason = $2, status_changed_at = $3 \
         WHERE status = 'active' AND role = $4 AND enterprise_number = $5 AND scope_id = $6 \
         AND ($7 = '' OR holder = $7) RETURNING holder",
    )
    .bind(status.code())
    .bind(reason.to_string())
    .bind(unix_now())
    .bind(role.code())
    .bind(enterprise)
    .bind(scope_id.to_string())
    .bind(holder.map(|h| h.as_str().to_string()).unwrap_or_default())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let h: String = r.try_get("holder")?;
            NationalNumber::parse(&h).map_err(|e| corrupt("holder", e))
        })
        .collect()
}

impl Store {
    /// Adds a co-head access manager; `false` when they already are one.
    pub async fn add_co_head(
        &self,
        decision: &Decision<kinds::ManageHeads>,
        person: &NationalNumber,
        email: Option<&str>,
    ) -> StoreResult<bool> {
        let grant = NewGrant {
            decision,
            holder: person,
            role: GrantRole::CoHeadAccessManager,
            scope_kind: "enterprise",
            scope_id: "",
            email,
            phone: None,
        };
        self.add_grant(decision, &grant, "btb.co_head_added").await
    }

    /// Ends a co-head access manager's grant; `false` when they were none.
    pub async fn remove_co_head(
        &self,
        decision: &Decision<kinds::ManageHeads>,
        person: &NationalNumber,
    ) -> StoreResult<bool> {
        self.remove_grant(decision, GrantRole::CoHeadAccessManager, "", person, "btb.co_head_removed").await
    }

    /// Adds an access manager to the decision's domain; `false` when they already are one.
    pub async fn add_access_manager(
        &self,
        decision: &Decision<kinds::ManageDomain>,
        person: &NationalNumber,
    ) -> StoreResult<bool> {
        let domain = decision.domain().unwrap_or_default().to_string();
        let grant = NewGrant {
            decision,
            holder: person,
            role: GrantRole::AccessManager,
            scope_kind: "domain",
            scope_id: &domain,
            email: None,
            phone: None,
        };
        self.add_grant(decision, &grant, "btb.access_manager_added").await
    }

    /// Ends an access manager's grant on the decision's domain; `false` when there was none.
    pub async fn remove_access_manager(
        &self,
        decision: &Decision<kinds::ManageDomain>,
        person: &NationalNumber,
    ) -> StoreResult<bool> {
        let domain = decision.domain().unwrap_or_default().to_string();
        self.remove_grant(decision, GrantRole::AccessManager, &domain, person, "btb.access_manager_removed")
            .await
    }

    pub(in crate::store) async fn add_grant<K>(
        &self,
        decision: &Decision<K>,
        grant: &NewGrant<'_, K>,
        kind: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        if insert_grant(&mut tx, grant).await?.is_none() {
            tx.rollback().await?;
            return Ok(false);
        }
        let entry = AuditEntry {
            kind,
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(grant.holder),
            detail: serde_json::json!({ "role": grant.role.code() }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        match tx.commit().await {
            Ok(()) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    async fn remove_grant<K>(
        &self,
        decision: &Decision<K>,
        role: GrantRole,
        scope_id: &str,
        person: &NationalNumber,
        kind: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        let ended =
            end_grants(&mut tx, decision, role, scope_id, Some(person), GrantStatus::Revoked, "removed")
                .await?;
        if ended.is_empty() {
            tx.rollback().await?;
            return Ok(false);
        }
        let entry = AuditEntry {
            kind,
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(person),
            detail: serde_json::json!({ "role": role.code() }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(true)
    }
}
