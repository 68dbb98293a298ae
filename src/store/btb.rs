//! SQL of what BTB keeps of a registered enterprise (`btb_enterprises`, `btb_domain_emails`)
//! and of the designation of its head access manager. Every change requires the access
//! layer's decision and appends its audit row in the same transaction.

use sqlx::Row as _;

use super::access_audit::{AuditEntry, append};
use super::access_grants::{
    GrantRole, GrantStatus, NewGrant, corrupt, end_grants, insert_grant, is_unique_violation,
};
use super::access_rights::{Decision, kinds};
use super::{Store, StoreError, StoreResult, unix_now};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// A registered enterprise as BTB keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtbEnterprise {
    pub number: EnterpriseNumber,
    pub email: String,
    pub is_ebox_enabled: bool,
    pub procedure: String,
    pub registered_at: i64,
}

/// What a designation writes.
#[derive(Debug, Clone)]
pub struct HeadDesignation<'a> {
    pub head: &'a NationalNumber,
    pub head_email: &'a str,
    pub head_phone: &'a str,
    pub enterprise_email: &'a str,
    /// `standard` or `exception`.
    pub procedure: &'a str,
    /// The grant id of the head the designation replaces, as the requester saw it (`None`:
    /// there was none). Anything else now means another designation came first.
    pub replaces: Option<&'a str>,
    pub detail: serde_json::Value,
}

/// How a designation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Designated {
    /// The head's new grant id, and the holder it replaced.
    Done { grant_id: String, replaced: Option<NationalNumber> },
    /// Another designation changed the head meanwhile: nothing was written.
    Conflict,
}

impl Store {
    pub async fn find_btb_enterprise(&self, number: &EnterpriseNumber) -> StoreResult<Option<BtbEnterprise>> {
        let row = sqlx::query(
            "SELECT enterprise_number, email, is_ebox_enabled, procedure, registered_at FROM btb_enterprises \
             WHERE enterprise_number = $1",
        )
        .bind(number.as_str().to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(BtbEnterprise {
                number: number.clone(),
                email: r.try_get("email")?,
                is_ebox_enabled: r.try_get::<i64, _>("is_ebox_enabled")? != 0,
                procedure: r.try_get("procedure")?,
                registered_at: r.try_get("registered_at")?,
            })
        })
        .transpose()
    }

    /// The domain e-mails of an enterprise: (domain code, e-mail).
    pub async fn find_btb_domain_emails(
        &self,
        number: &EnterpriseNumber,
    ) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT domain_code, email FROM btb_domain_emails WHERE enterprise_number = $1 ORDER BY domain_code",
        )
        .bind(number.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((r.try_get("domain_code")?, r.try_get("email")?))).collect()
    }

    /// Registers the enterprise (or updates its e-mail), replaces its head access manager and
    /// appends the audit row, in one transaction. Access managers, co-heads and domain
    /// e-mails stay as they are. The new head's co-head grant, if any, ends (they are head now).
    pub async fn designate_head(
        &self,
        decision: &Decision<kinds::Designate>,
        d: &HeadDesignation<'_>,
    ) -> StoreResult<Designated> {
        let enterprise = decision.enterprise().ok_or_else(|| corrupt("designation", "no enterprise"))?;
        let number = enterprise.as_str().to_string();
        let now = unix_now();
        let mut tx = self.writer().begin().await?;
        let current = sqlx::query(
            "SELECT id, holder FROM access_grants WHERE enterprise_number = $1 AND role = 'head_access_manager' \
             AND status = 'active'",
        )
        .bind(number.clone())
        .fetch_optional(&mut *tx)
        .await?;
        let current: Option<(String, String)> =
            current.map(|r| Ok::<_, StoreError>((r.try_get("id")?, r.try_get("holder")?))).transpose()?;
        if current.as_ref().map(|(id, _)| id.as_str()) != d.replaces {
            tx.rollback().await?;
            return Ok(Designated::Conflict);
        }
        sqlx::query(
            "INSERT INTO btb_enterprises (enterprise_number, email, is_ebox_enabled, procedure, registered_at, \
             updated_at) VALUES ($1, $2, 1, $3, $4, $4) ON CONFLICT (enterprise_number) DO UPDATE SET \
             email = excluded.email, is_ebox_enabled = 1, updated_at = excluded.updated_at",
        )
        .bind(number.clone())
        .bind(d.enterprise_email.to_string())
        .bind(d.procedure.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let replaced = end_grants(
            &mut tx,
            decision,
            GrantRole::HeadAccessManager,
            "",
            None,
            GrantStatus::Revoked,
            "replaced",
        )
        .await?
        .into_iter()
        .next();
        end_grants(
            &mut tx,
            decision,
            GrantRole::CoHeadAccessManager,
            "",
            Some(d.head),
            GrantStatus::Revoked,
            "became head",
        )
        .await?;
        let grant = NewGrant {
            decision,
            holder: d.head,
            role: GrantRole::HeadAccessManager,
            scope_kind: "enterprise",
            scope_id: "",
            email: Some(d.head_email),
            phone: Some(d.head_phone),
        };
        let Some(grant_id) = insert_grant(&mut tx, &grant).await? else {
            tx.rollback().await?;
            return Ok(Designated::Conflict);
        };
        let mut detail = d.detail.clone();
        if let Some(obj) = detail.as_object_mut() {
            obj.insert("procedure".into(), d.procedure.into());
            obj.insert("is_new_registration".into(), current.is_none().into());
            if let Some(r) = &replaced {
                obj.insert("replaced".into(), r.as_str().into());
            }
        }
        let entry = AuditEntry {
            kind: "btb.head_designated",
            enterprise: Some(enterprise),
            domain: None,
            subject: Some(d.head),
            detail,
        };
        append(&mut tx, decision.actor(), &entry).await?;
        match tx.commit().await {
            Ok(()) => Ok(Designated::Done { grant_id, replaced }),
            Err(e) if is_unique_violation(&e) => Ok(Designated::Conflict),
            Err(e) => Err(e.into()),
        }
    }

    /// Sets (adds or changes) the decision's domain e-mail.
    pub async fn set_btb_domain_email(
        &self,
        decision: &Decision<kinds::ManageDomain>,
        email: &str,
    ) -> StoreResult<()> {
        let enterprise = decision.enterprise().ok_or_else(|| corrupt("domain e-mail", "no enterprise"))?;
        let domain = decision.domain().unwrap_or_default();
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "INSERT INTO btb_domain_emails (enterprise_number, domain_code, email, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (enterprise_number, domain_code) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at",
        )
        .bind(enterprise.as_str().to_string())
        .bind(domain.to_string())
        .bind(email.to_string())
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            kind: "btb.domain_email_set",
            enterprise: Some(enterprise),
            domain: Some(domain),
            subject: None,
            detail: serde_json::json!({ "email": email }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the decision's domain e-mail; `false` when there was none.
    pub async fn delete_btb_domain_email(
        &self,
        decision: &Decision<kinds::ManageDomain>,
    ) -> StoreResult<bool> {
        let enterprise = decision.enterprise().ok_or_else(|| corrupt("domain e-mail", "no enterprise"))?;
        let domain = decision.domain().unwrap_or_default();
        let mut tx = self.writer().begin().await?;
        let done =
            sqlx::query("DELETE FROM btb_domain_emails WHERE enterprise_number = $1 AND domain_code = $2")
                .bind(enterprise.as_str().to_string())
                .bind(domain.to_string())
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let entry = AuditEntry {
            kind: "btb.domain_email_removed",
            enterprise: Some(enterprise),
            domain: Some(domain),
            subject: None,
            detail: serde_json::json!({}),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(true)
    }
}
