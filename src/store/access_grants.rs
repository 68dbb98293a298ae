//! SQL of `access_grants` (every role a person holds on a place) and of what BTB keeps of a
//! registered enterprise (`btb_enterprises`, `btb_domain_emails`). Every change requires the
//! access layer's [`Decision`] of its kind and appends its audit row in the same transaction.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::access_audit::{AuditEntry, append};
use super::access_rights::{Decision, kinds};
use super::{Store, StoreError, StoreResult, unix_now};
use crate::domain::{EnterpriseNumber, NationalNumber};

/// A role a grant gives. Stable codes: the next issues (profiles, tokens) build on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantRole {
    /// Head access manager (Hoofdtoegangsbeheerder, HTB): one per enterprise.
    HeadAccessManager,
    /// Co-head access manager (Co-hoofdtoegangsbeheerder).
    CoHeadAccessManager,
    /// Access manager (Toegangsbeheerder, TB) of one domain.
    AccessManager,
    /// Contact-centre staff deciding exception-procedure requests (service-wide).
    BackOffice,
    /// Local admin of a quality (Lokale beheerder; today: access manager of the quality).
    LocalAdmin,
    /// Co-local admin of a quality (Co-lokale beheerder).
    CoLocalAdmin,
    /// Admin of a subdivision, or of a site (Subafdelingsbeheerder).
    SubdivisionAdmin,
    /// A user at a site, with secured applications and functions (Gebruiker).
    SiteUser,
}

impl GrantRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::HeadAccessManager => "head_access_manager",
            Self::CoHeadAccessManager => "co_head_access_manager",
            Self::AccessManager => "access_manager",
            Self::BackOffice => "back_office",
            Self::LocalAdmin => "local_admin",
            Self::CoLocalAdmin => "co_local_admin",
            Self::SubdivisionAdmin => "subdivision_admin",
            Self::SiteUser => "site_user",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::HeadAccessManager,
            Self::CoHeadAccessManager,
            Self::AccessManager,
            Self::BackOffice,
            Self::LocalAdmin,
            Self::CoLocalAdmin,
            Self::SubdivisionAdmin,
            Self::SiteUser,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// Whether a grant counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantStatus {
    Active,
    /// Its basis in the authentic sources ended (lifecycle); kept for the record.
    Suspended,
    /// Removed by someone, or replaced.
    Revoked,
}

impl GrantStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    fn parse(code: &str) -> StoreResult<Self> {
        match code {
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            "revoked" => Ok(Self::Revoked),
            other => Err(StoreError::Corrupt(format!("grant status {other:?}"))),
        }
    }
}

/// One grant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub id: String,
    pub holder: NationalNumber,
    pub role: GrantRole,
    pub enterprise: Option<EnterpriseNumber>,
    /// `enterprise`, `domain`, `service`, `quality`, `subdivision`, `site`.
    pub scope_kind: String,
    /// The domain code for a domain grant, the place id for a quality, subdivision or site
    /// grant ('' otherwise).
    pub scope_id: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub granted_by: String,
    pub granted_capacity: String,
    pub valid_from: i64,
    pub valid_until: Option<i64>,
    pub status: GrantStatus,
    pub status_reason: Option<String>,
    pub created_at: i64,
}

macro_rules! grant_select {
    () => {
        "SELECT id, holder, role, enterprise_number, scope_kind, scope_id, contact_email, contact_phone, \
         granted_by, granted_capacity, valid_from, valid_until, status, status_reason, created_at FROM access_grants"
    };
}

pub(super) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn grant_from(r: &AnyRow) -> StoreResult<GrantRow> {
    let holder: String = r.try_get("holder")?;
    let role: String = r.try_get("role")?;
    let enterprise: Option<String> = r.try_get("enterprise_number")?;
    Ok(GrantRow {
        id: r.try_get("id")?,
        holder: NationalNumber::parse(&holder).map_err(|e| corrupt("holder", e))?,
        role: GrantRole::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        enterprise: enterprise
            .map(|e| EnterpriseNumber::parse(&e).map_err(|err| corrupt("enterprise_number", err)))
            .transpose()?,
        scope_kind: r.try_get("scope_kind")?,
        scope_id: r.try_get("scope_id")?,
        contact_email: r.try_get("contact_email")?,
        contact_phone: r.try_get("contact_phone")?,
        granted_by: r.try_get("granted_by")?,
        granted_capacity: r.try_get("granted_capacity")?,
        valid_from: r.try_get("valid_from")?,
        valid_until: r.try_get("valid_until")?,
        status: GrantStatus::parse(&r.try_get::<String, _>("status")?)?,
        status_reason: r.try_get("status_reason")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

/// A grant to insert.
pub(super) struct NewGrant<'a, K> {
    pub(super) decision: &'a Decision<K>,
    pub(super) holder: &'a NationalNumber,
    pub(super) role: GrantRole,
    pub(super) scope_kind: &'a str,
    pub(super) scope_id: &'a str,
    pub(super) email: Option<&'a str>,
    pub(super) phone: Option<&'a str>,
}

/// Inserts a grant; `Ok(None)` when the unique indexes refuse it (already held).
pub(super) async fn insert_grant<K>(
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
pub(super) async fn end_grants<K>(
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
    /// Every live grant of a person, in one round trip (the profile chooser's query).
    pub async fn find_live_access_grants_of_person(
        &self,
        holder: &NationalNumber,
    ) -> StoreResult<Vec<GrantRow>> {
        let rows = sqlx::query(concat!(
            grant_select!(),
            " WHERE holder = $1 AND status = 'active' ORDER BY created_at, id"
        ))
        .bind(holder.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from).collect()
    }

    /// Every live grant on an enterprise.
    pub async fn find_live_access_grants_of_enterprise(
        &self,
        enterprise: &EnterpriseNumber,
    ) -> StoreResult<Vec<GrantRow>> {
        let rows = sqlx::query(concat!(
            grant_select!(),
            " WHERE enterprise_number = $1 AND status = 'active' ORDER BY created_at, id"
        ))
        .bind(enterprise.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from).collect()
    }

    /// Every live grant on any enterprise (the lifecycle review).
    pub async fn find_live_enterprise_access_grants(&self) -> StoreResult<Vec<GrantRow>> {
        let rows = sqlx::query(concat!(
            grant_select!(),
            " WHERE enterprise_number IS NOT NULL AND status = 'active' ORDER BY enterprise_number, created_at"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from).collect()
    }

    /// The live holders of a service-wide role.
    pub async fn find_live_service_grants(&self, role: GrantRole) -> StoreResult<Vec<GrantRow>> {
        let rows = sqlx::query(concat!(
            grant_select!(),
            " WHERE enterprise_number IS NULL AND role = $1 AND status = 'active' ORDER BY created_at"
        ))
        .bind(role.code())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from).collect()
    }

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

    pub(super) async fn add_grant<K>(
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
