//! SQL of social-security access management: activated qualities, subdivisions and sites
//! (`ss_qualities`, `ss_subdivisions`, `ss_sites`) and what a social-security grant carries
//! (`ss_grant_details`, one row per `access_grants` row of the roles local admin, co-local
//! admin, subdivision admin and site user). Every change requires the access layer's
//! [`Decision`] for its place and appends its audit row in the same transaction.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::access_audit::{AuditEntry, append};
use super::access_grants::{GrantRole, GrantStatus, NewGrant, corrupt, insert_grant, is_unique_violation};
use super::access_rights::{Decision, kinds};
use super::{Store, StoreResult, unix_now};
use crate::domain::{EnterpriseNumber, NationalNumber};

mod users;

pub use users::{PlanMode, UserFilter};

/// A list of codes as stored: sorted, unique, space-separated.
pub fn join_codes(codes: &[String]) -> String {
    let mut v: Vec<&str> = codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    v.sort_unstable();
    v.dedup();
    v.join(" ")
}

/// The codes of a stored list.
pub fn split_codes(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}

/// An activated quality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityRow {
    pub id: String,
    pub enterprise: EnterpriseNumber,
    pub code: String,
    /// The RSZ number of Employer RSZ; '' when the enterprise number identifies it.
    pub identifier: String,
    pub enterprise_name: String,
    /// Names when activated: nl, fr, de, en.
    pub names: [String; 4],
    pub domain: String,
    pub email: String,
    pub applications: Vec<String>,
    pub created_at: i64,
}

/// A subdivision or a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRow {
    pub id: String,
    pub quality_id: String,
    /// The subdivision a site is under (`None` for a subdivision).
    pub subdivision_id: Option<String>,
    pub type_code: String,
    pub identifier: String,
    pub name: String,
    pub email: String,
    pub applications: Vec<String>,
    pub created_at: i64,
}

/// A social-security grant with its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsGrantRow {
    pub grant_id: String,
    pub holder: NationalNumber,
    pub role: GrantRole,
    pub status: GrantStatus,
    pub quality_id: String,
    pub subdivision_id: Option<String>,
    pub site_id: Option<String>,
    pub applications: Vec<String>,
    pub functions: Vec<String>,
    pub last_name: String,
    pub first_name: String,
    /// The person's password account's username, when they have one.
    pub username: Option<String>,
    pub title: Option<String>,
    pub language: Option<String>,
    pub email: Option<String>,
    pub local_email: Option<String>,
    pub created_at: i64,
}

/// A quality to activate.
#[derive(Debug, Clone)]
pub struct NewQuality<'a> {
    pub code: &'a str,
    pub identifier: &'a str,
    pub enterprise_name: &'a str,
    pub names: [&'a str; 4],
    pub email: &'a str,
    pub applications: &'a [String],
}

/// A subdivision or site to add.
#[derive(Debug, Clone)]
pub struct NewPlace<'a> {
    pub type_code: &'a str,
    pub identifier: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub applications: &'a [String],
}

/// A social-security grant to add.
#[derive(Debug, Clone)]
pub struct NewSsGrant<'a> {
    pub holder: &'a NationalNumber,
    pub role: GrantRole,
    pub applications: &'a [String],
    pub functions: &'a [String],
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub title: Option<&'a str>,
    pub language: Option<&'a str>,
    pub email: Option<&'a str>,
    pub local_email: Option<&'a str>,
}

impl<'a> NewSsGrant<'a> {
    /// The same grant with the register's (last name, first names).
    pub fn with_names(mut self, names: &'a (String, String)) -> Self {
        self.last_name = &names.0;
        self.first_name = &names.1;
        self
    }
}

/// Where a grant sits: its quality, and subdivision and site when below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsPath {
    pub quality_id: String,
    pub subdivision_id: Option<String>,
    pub site_id: Option<String>,
}

impl SsPath {
    /// `quality`, `subdivision` or `site`: the kind of the deepest place.
    pub fn scope_kind(&self) -> &'static str {
        if self.site_id.is_some() {
            "site"
        } else if self.subdivision_id.is_some() {
            "subdivision"
        } else {
            "quality"
        }
    }
}

/// One row of the profile chooser's query: a live social-security role with its places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsRoleRow {
    pub grant_id: String,
    pub role: GrantRole,
    pub enterprise: EnterpriseNumber,
    /// The register's name, else the one kept when the quality was activated.
    pub enterprise_name: String,
    pub quality_code: String,
    pub quality_names: [String; 4],
    pub quality_applications: Vec<String>,
    pub subdivision: Option<PlaceRow>,
    pub site: Option<PlaceRow>,
    pub applications: Vec<String>,
    pub functions: Vec<String>,
}

const QUALITY_COLUMNS: &str = "id, enterprise_number, quality_code, identifier, enterprise_name, name_nl, name_fr, \
     name_de, name_en, domain_code, email, applications, created_at";

fn quality_from(r: &AnyRow) -> StoreResult<QualityRow> {
    let enterprise: String = r.try_get("enterprise_number")?;
    Ok(QualityRow {
        id: r.try_get("id")?,
        enterprise: EnterpriseNumber::parse(&enterprise).map_err(|e| corrupt("enterprise_number", e))?,
        code: r.try_get("quality_code")?,
        identifier: r.try_get("identifier")?,
        enterprise_name: r.try_get("enterprise_name")?,
        names: [r.try_get("name_nl")?, r.try_get("name_fr")?, r.try_get("name_de")?, r.try_get("name_en")?],
        domain: r.try_get("domain_code")?,
        email: r.try_get("email")?,
        applications: split_codes(&r.try_get::<String, _>("applications")?),
        created_at: r.try_get("created_at")?,
    })
}

fn subdivision_from(r: &AnyRow) -> StoreResult<PlaceRow> {
    Ok(PlaceRow {
        id: r.try_get("id")?,
        quality_id: r.try_get("quality_id")?,
        subdivision_id: None,
        type_code: r.try_get("type_code")?,
        identifier: r.try_get("identifier")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        applications: split_codes(&r.try_get::<String, _>("applications")?),
        created_at: r.try_get("created_at")?,
    })
}

fn site_from(r: &AnyRow) -> StoreResult<PlaceRow> {
    let mut p = subdivision_from(r)?;
    p.subdivision_id = Some(r.try_get("subdivision_id")?);
    Ok(p)
}

const GRANT_COLUMNS: &str = "g.id AS grant_id, g.holder, g.role, g.status, g.created_at, d.quality_id, \
     d.subdivision_id, d.site_id, d.applications, d.functions, d.last_name, d.first_name, pa.username, d.title, \
     d.language, d.email, d.local_email";

const GRANT_FROM: &str = "FROM ss_grant_details d JOIN access_grants g ON g.id = d.grant_id \
     LEFT JOIN password_accounts pa ON pa.national_number = g.holder";

fn ss_grant_from(r: &AnyRow) -> StoreResult<SsGrantRow> {
    let holder: String = r.try_get("holder")?;
    let role: String = r.try_get("role")?;
    let status: String = r.try_get("status")?;
    Ok(SsGrantRow {
        grant_id: r.try_get("grant_id")?,
        holder: NationalNumber::parse(&holder).map_err(|e| corrupt("holder", e))?,
        role: GrantRole::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        status: match status.as_str() {
            "active" => GrantStatus::Active,
            "suspended" => GrantStatus::Suspended,
            "revoked" => GrantStatus::Revoked,
            other => return Err(corrupt("status", other)),
        },
        quality_id: r.try_get("quality_id")?,
        subdivision_id: r.try_get("subdivision_id")?,
        site_id: r.try_get("site_id")?,
        applications: split_codes(&r.try_get::<String, _>("applications")?),
        functions: split_codes(&r.try_get::<String, _>("functions")?),
        last_name: r.try_get("last_name")?,
        first_name: r.try_get("first_name")?,
        username: r.try_get("username")?,
        title: r.try_get("title")?,
        language: r.try_get("language")?,
        email: r.try_get("email")?,
        local_email: r.try_get("local_email")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Inserts a grant and its details; `Ok(None)` when the person holds the role there already.
async fn insert_ss_grant<K>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    decision: &Decision<K>,
    path: &SsPath,
    g: &NewSsGrant<'_>,
) -> StoreResult<Option<String>> {
    let scope_id = path.site_id.as_deref().or(path.subdivision_id.as_deref()).unwrap_or(&path.quality_id);
    let grant = NewGrant {
        decision,
        holder: g.holder,
        role: g.role,
        scope_kind: path.scope_kind(),
        scope_id,
        email: g.email,
        phone: None,
    };
    let Some(id) = insert_grant(tx, &grant).await? else { return Ok(None) };
    sqlx::query(
        "INSERT INTO ss_grant_details (grant_id, quality_id, subdivision_id, site_id, applications, functions, \
         last_name, first_name, title, language, email, local_email) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.clone())
    .bind(path.quality_id.clone())
    .bind(path.subdivision_id.clone())
    .bind(path.site_id.clone())
    .bind(join_codes(g.applications))
    .bind(join_codes(g.functions))
    .bind(g.last_name.to_string())
    .bind(g.first_name.to_string())
    .bind(g.title.map(str::to_string))
    .bind(g.language.map(str::to_string))
    .bind(g.email.map(str::to_string))
    .bind(g.local_email.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(Some(id))
}

fn grant_detail(path: &SsPath, g: &NewSsGrant<'_>) -> serde_json::Value {
    serde_json::json!({
        "role": g.role.code(),
        "quality": path.quality_id,
        "subdivision": path.subdivision_id,
        "site": path.site_id,
        "applications": join_codes(g.applications),
        "functions": join_codes(g.functions),
    })
}

/// What adding a place did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The new place's id.
    Done(String),
    /// A place with the same identifier exists (or the quality is active already).
    Exists,
}

impl Store {
    /// Activates a quality for the decision's enterprise and appoints its local admin.
    pub async fn create_ss_quality(
        &self,
        decision: &Decision<kinds::SsActivate>,
        q: &NewQuality<'_>,
        admin: &NewSsGrant<'_>,
    ) -> StoreResult<Added> {
        let enterprise = decision.enterprise().map(|e| e.as_str().to_string()).unwrap_or_default();
        let id = crate::kernel::token::random_token(12);
        let now = unix_now();
        let mut tx = self.writer().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO ss_qualities (id, enterprise_number, quality_code, identifier, enterprise_name, name_nl, \
             name_fr, name_de, name_en, domain_code, email, applications, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id.clone())
        .bind(enterprise)
        .bind(q.code.to_string())
        .bind(q.identifier.to_string())
        .bind(q.enterprise_name.to_string())
        .bind(q.names[0].to_string())
        .bind(q.names[1].to_string())
        .bind(q.names[2].to_string())
        .bind(q.names[3].to_string())
        .bind(decision.domain().unwrap_or_default().to_string())
        .bind(q.email.to_string())
        .bind(join_codes(q.applications))
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(Added::Exists),
            Err(e) => return Err(e.into()),
        }
        let path = SsPath { quality_id: id.clone(), subdivision_id: None, site_id: None };
        insert_ss_grant(&mut tx, decision, &path, admin).await?;
        let entry = AuditEntry {
            kind: "ss.quality_activated",
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(admin.holder),
            detail: serde_json::json!({
                "quality_code": q.code, "quality": id, "email": q.email,
                "applications": join_codes(q.applications), "local_admin": grant_detail(&path, admin),
            }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        match tx.commit().await {
            Ok(()) => Ok(Added::Done(id)),
            Err(e) if is_unique_violation(&e) => Ok(Added::Exists),
            Err(e) => Err(e.into()),
        }
    }

    /// Adds a subdivision under the decision's place (a quality), with its admin.
    pub async fn create_ss_subdivision(
        &self,
        decision: &Decision<kinds::SsManage>,
        place: &NewPlace<'_>,
        admin: Option<&NewSsGrant<'_>>,
    ) -> StoreResult<Added> {
        let quality_id = decision.place().unwrap_or_default().to_string();
        let id = crate::kernel::token::random_token(12);
        let mut tx = self.writer().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO ss_subdivisions (id, quality_id, type_code, identifier, name, email, applications, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.clone())
        .bind(quality_id.clone())
        .bind(place.type_code.to_string())
        .bind(place.identifier.to_string())
        .bind(place.name.to_string())
        .bind(place.email.to_string())
        .bind(join_codes(place.applications))
        .bind(unix_now())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(Added::Exists),
            Err(e) => return Err(e.into()),
        }
        let path = SsPath { quality_id, subdivision_id: Some(id.clone()), site_id: None };
        self.finish_place(tx, decision, "ss.subdivision_added", &path, place, admin).await?;
        Ok(Added::Done(id))
    }

    /// Adds a site under the decision's place (a subdivision of `quality_id`), with its admin.
    pub async fn create_ss_site(
        &self,
        decision: &Decision<kinds::SsManage>,
        quality_id: &str,
        place: &NewPlace<'_>,
        admin: Option<&NewSsGrant<'_>>,
    ) -> StoreResult<Added> {
        let subdivision_id = decision.place().unwrap_or_default().to_string();
        let id = crate::kernel::token::random_token(12);
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "INSERT INTO ss_sites (id, subdivision_id, quality_id, type_code, identifier, name, email, \
             applications, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.clone())
        .bind(subdivision_id.clone())
        .bind(quality_id.to_string())
        .bind(place.type_code.to_string())
        .bind(place.identifier.to_string())
        .bind(place.name.to_string())
        .bind(place.email.to_string())
        .bind(join_codes(place.applications))
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
        let path = SsPath {
            quality_id: quality_id.to_string(),
            subdivision_id: Some(subdivision_id),
            site_id: Some(id.clone()),
        };
        self.finish_place(tx, decision, "ss.site_added", &path, place, admin).await?;
        Ok(Added::Done(id))
    }

    async fn finish_place(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        decision: &Decision<kinds::SsManage>,
        kind: &str,
        path: &SsPath,
        place: &NewPlace<'_>,
        admin: Option<&NewSsGrant<'_>>,
    ) -> StoreResult<()> {
        if let Some(a) = admin {
            insert_ss_grant(&mut tx, decision, path, a).await?;
        }
        let entry = AuditEntry {
            kind,
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: admin.map(|a| a.holder),
            detail: serde_json::json!({
                "quality": path.quality_id, "subdivision": path.subdivision_id, "site": path.site_id,
                "type": place.type_code, "identifier": place.identifier, "name": place.name,
                "applications": join_codes(place.applications),
                "admin": admin.map(|a| grant_detail(path, a)),
            }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Grants a role at the decision's place (`path` ends at it); `None` when the person
    /// holds that role there already.
    pub async fn create_ss_grant(
        &self,
        decision: &Decision<kinds::SsManage>,
        path: &SsPath,
        g: &NewSsGrant<'_>,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.writer().begin().await?;
        let Some(id) = insert_ss_grant(&mut tx, decision, path, g).await? else {
            tx.rollback().await?;
            return Ok(None);
        };
        let entry = AuditEntry {
            kind: "ss.role_granted",
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(g.holder),
            detail: grant_detail(path, g),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        match tx.commit().await {
            Ok(()) => Ok(Some(id)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Ends a live grant at the decision's place; `false` when there was none.
    pub async fn end_ss_grant(
        &self,
        decision: &Decision<kinds::SsManage>,
        grant: &SsGrantRow,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        let ended = sqlx::query(
            "UPDATE access_grants SET status = 'revoked', status_reason = 'removed', status_changed_at = $1 \
             WHERE id = $2 AND status = 'active' AND enterprise_number = $3 AND scope_id = $4",
        )
        .bind(unix_now())
        .bind(grant.grant_id.clone())
        .bind(decision.enterprise().map(|e| e.as_str().to_string()))
        .bind(decision.place().unwrap_or_default().to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if ended == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let entry = AuditEntry {
            kind: "ss.role_removed",
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(&grant.holder),
            detail: serde_json::json!({
                "role": grant.role.code(), "quality": grant.quality_id,
                "subdivision": grant.subdivision_id, "site": grant.site_id,
            }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The activated qualities of an enterprise, in activation order.
    pub async fn find_ss_qualities(&self, enterprise: &EnterpriseNumber) -> StoreResult<Vec<QualityRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUALITY_COLUMNS} FROM ss_qualities WHERE enterprise_number = $1 ORDER BY created_at, id"
        )))
        .bind(enterprise.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(quality_from).collect()
    }

    /// One activated quality of an enterprise.
    pub async fn find_ss_quality(
        &self,
        enterprise: &EnterpriseNumber,
        code: &str,
    ) -> StoreResult<Option<QualityRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUALITY_COLUMNS} FROM ss_qualities WHERE enterprise_number = $1 AND quality_code = $2"
        )))
        .bind(enterprise.as_str().to_string())
        .bind(code.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(quality_from).transpose()
    }

    /// The subdivisions of a quality, by name.
    pub async fn find_ss_subdivisions(&self, quality_id: &str) -> StoreResult<Vec<PlaceRow>> {
        let rows = sqlx::query(
            "SELECT id, quality_id, type_code, identifier, name, email, applications, created_at \
             FROM ss_subdivisions WHERE quality_id = $1 ORDER BY name, id",
        )
        .bind(quality_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(subdivision_from).collect()
    }

    /// The sites of a quality, by name.
    pub async fn find_ss_sites(&self, quality_id: &str) -> StoreResult<Vec<PlaceRow>> {
        let rows = sqlx::query(
            "SELECT id, subdivision_id, quality_id, type_code, identifier, name, email, applications, created_at \
             FROM ss_sites WHERE quality_id = $1 ORDER BY name, id",
        )
        .bind(quality_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(site_from).collect()
    }

    /// The live (active) grants of a quality, by name.
    pub async fn find_ss_grants_of_quality(&self, quality_id: &str) -> StoreResult<Vec<SsGrantRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} {GRANT_FROM} WHERE d.quality_id = $1 AND g.status = 'active' \
             ORDER BY d.last_name, d.first_name, g.id"
        )))
        .bind(quality_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(ss_grant_from).collect()
    }

    /// One grant of a quality.
    pub async fn find_ss_grant(&self, quality_id: &str, grant_id: &str) -> StoreResult<Option<SsGrantRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} {GRANT_FROM} WHERE d.quality_id = $1 AND g.id = $2"
        )))
        .bind(quality_id.to_string())
        .bind(grant_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(ss_grant_from).transpose()
    }

    /// Every live social-security role of a person with its quality, subdivision and site,
    /// in one round trip (the profile chooser's query).
    pub async fn find_ss_roles_of(&self, holder: &NationalNumber) -> StoreResult<Vec<SsRoleRow>> {
        let rows = sqlx::query(
            "SELECT g.id AS grant_id, g.role, g.enterprise_number, \
             COALESCE(NULLIF(re.name_nl, ''), NULLIF(re.name_fr, ''), NULLIF(re.name_de, ''), NULLIF(re.name_en, ''), \
             q.enterprise_name) AS enterprise_name, \
             q.id AS q_id, q.quality_code, q.name_nl, q.name_fr, q.name_de, q.name_en, q.applications AS q_apps, \
             sd.id AS sd_id, sd.type_code AS sd_type, sd.identifier AS sd_identifier, sd.name AS sd_name, \
             sd.email AS sd_email, sd.applications AS sd_apps, sd.created_at AS sd_created, \
             st.id AS st_id, st.type_code AS st_type, st.identifier AS st_identifier, st.name AS st_name, \
             st.email AS st_email, st.applications AS st_apps, st.created_at AS st_created, \
             d.applications, d.functions \
             FROM access_grants g \
             JOIN ss_grant_details d ON d.grant_id = g.id \
             JOIN ss_qualities q ON q.id = d.quality_id \
             LEFT JOIN ss_subdivisions sd ON sd.id = d.subdivision_id \
             LEFT JOIN ss_sites st ON st.id = d.site_id \
             LEFT JOIN registry_enterprises re ON re.enterprise_number = g.enterprise_number \
             WHERE g.holder = $1 AND g.status = 'active' \
             ORDER BY g.enterprise_number, q.quality_code, sd.name, st.name, g.role, g.id",
        )
        .bind(holder.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(role_from).collect()
    }
}

fn role_from(r: &AnyRow) -> StoreResult<SsRoleRow> {
    let role: String = r.try_get("role")?;
    let enterprise: String = r.try_get("enterprise_number")?;
    let quality_id: String = r.try_get("q_id")?;
    let sd_id: Option<String> = r.try_get("sd_id")?;
    let st_id: Option<String> = r.try_get("st_id")?;
    let place = |id: String, prefix: &str, subdivision_id: Option<String>| -> StoreResult<PlaceRow> {
        Ok(PlaceRow {
            id,
            quality_id: quality_id.clone(),
            subdivision_id,
            type_code: r.try_get(format!("{prefix}_type").as_str())?,
            identifier: r.try_get(format!("{prefix}_identifier").as_str())?,
            name: r.try_get(format!("{prefix}_name").as_str())?,
            email: r.try_get(format!("{prefix}_email").as_str())?,
            applications: split_codes(&r.try_get::<String, _>(format!("{prefix}_apps").as_str())?),
            created_at: r.try_get(format!("{prefix}_created").as_str())?,
        })
    };
    let subdivision = sd_id.clone().map(|id| place(id, "sd", None)).transpose()?;
    let site = st_id.map(|id| place(id, "st", sd_id.clone())).transpose()?;
    Ok(SsRoleRow {
        grant_id: r.try_get("grant_id")?,
        role: GrantRole::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        enterprise: EnterpriseNumber::parse(&enterprise).map_err(|e| corrupt("enterprise_number", e))?,
        enterprise_name: r.try_get("enterprise_name")?,
        quality_code: r.try_get("quality_code")?,
        quality_names: [
            r.try_get("name_nl")?,
            r.try_get("name_fr")?,
            r.try_get("name_de")?,
            r.try_get("name_en")?,
        ],
        quality_applications: split_codes(&r.try_get::<String, _>("q_apps")?),
        subdivision,
        site,
        applications: split_codes(&r.try_get::<String, _>("applications")?),
        functions: split_codes(&r.try_get::<String, _>("functions")?),
    })
}
