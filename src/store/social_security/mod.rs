//! SQL of social-security access management: activated qualities, subdivisions and sites
//! (`ss_qualities`, `ss_subdivisions`, `ss_sites`) and what a social-security grant carries
//! (`ss_grant_details`, one row per `access_grants` row of the roles local admin, co-local
//! admin, subdivision admin and site user). Every change requires the access layer's
//! [`Decision`] for its place and appends its audit row in the same transaction.
//!
//! The row types and their readers are here; the queries by subject beside them:
//! `places.rs` (qualities, subdivisions, sites), `grants.rs` (grants and a person's roles),
//! `users.rs` (the users list and its plan).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::access_audit::{AuditEntry, append};
use super::access_grants::{GrantRole, GrantStatus, NewGrant, corrupt, insert_grant, is_unique_violation};
use super::access_rights::{Decision, kinds};
use super::{Store, StoreResult, unix_now};
use crate::domain::{EnterpriseNumber, NationalNumber};

mod grants;
mod places;
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
