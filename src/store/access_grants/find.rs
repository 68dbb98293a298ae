//! The reads of `access_grants`: the live grants of a person, of an enterprise, of every
//! enterprise, and the holders of a service-wide role.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{GrantRole, GrantRow, GrantStatus, corrupt};
use crate::domain::{EnterpriseNumber, NationalNumber};
use crate::store::{Store, StoreResult};

macro_rules! grant_select {
    () => {
        "SELECT id, holder, role, enterprise_number, scope_kind, scope_id, contact_email, contact_phone, \
         granted_by, granted_capacity, valid_from, valid_until, status, status_reason, created_at FROM access_grants"
    };
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
}
