//! A person's social-security roles, for the profile chooser and tokens: [`roles_of`]
//! reads every live role with its enterprise, quality, subdivision and site in one round
//! trip, computes the effective applications, and [`SsRole::role_codes`] gives the codes a
//! token carries.

use serde::Serialize;

use super::rules::effective;
use crate::domain::{EnterpriseNumber, NationalNumber};
use crate::store::access_grants::GrantRole;
use crate::store::social_security::SsRoleRow;
use crate::store::{Store, StoreError};

/// The kind of a social-security role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SsRoleKind {
    /// Local admin of a quality (Lokale beheerder).
    LocalAdmin,
    /// Co-local admin of a quality.
    CoLocalAdmin,
    /// Admin of a subdivision (or of a site: then `site` is set).
    SubdivisionAdmin,
    /// A user at a site with applications and functions.
    SiteUser,
}

/// A quality as a role names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsQualityRef {
    pub code: String,
    /// The Dutch name (the seeds' screens), as when activated.
    pub name: String,
    /// nl, fr, de, en.
    pub names: [String; 4],
}

/// A subdivision as a role names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsSubdivisionRef {
    pub id: String,
    /// The subdivision type's code (`mammography_unit`).
    #[serde(rename = "type")]
    pub type_code: String,
    /// Its identifier (an HCO number), '' when its type has none.
    pub identifier: String,
    pub name: String,
}

/// A site as a role names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsSiteRef {
    pub id: String,
    pub name: String,
}

/// One live social-security role of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsRole {
    pub enterprise: EnterpriseNumber,
    pub enterprise_name: String,
    pub quality: SsQualityRef,
    pub subdivision: Option<SsSubdivisionRef>,
    pub site: Option<SsSiteRef>,
    pub kind: SsRoleKind,
    /// Ticked for the person and enabled at every place above (sorted).
    pub applications: Vec<String>,
    /// Site users' functions (sorted).
    pub functions: Vec<String>,
}

impl SsRole {
    /// The codes a token carries: `ss:local_admin:<quality code>`,
    /// `ss:co_local_admin:<quality code>`, `ss:subdivision_admin:<id of the administered
    /// subdivision, or site>`, and for a site user `app:<code>` per effective application and
    /// `function:<code>` per function.
    pub fn role_codes(&self) -> Vec<String> {
        match self.kind {
            SsRoleKind::LocalAdmin => vec![format!("ss:local_admin:{}", self.quality.code)],
            SsRoleKind::CoLocalAdmin => vec![format!("ss:co_local_admin:{}", self.quality.code)],
            SsRoleKind::SubdivisionAdmin => {
                let place = self
                    .site
                    .as_ref()
                    .map(|s| s.id.as_str())
                    .or(self.subdivision.as_ref().map(|s| s.id.as_str()))
                    .unwrap_or_default();
                vec![format!("ss:subdivision_admin:{place}")]
            }
            SsRoleKind::SiteUser => self
                .applications
                .iter()
                .map(|a| format!("app:{a}"))
                .chain(self.functions.iter().map(|f| format!("function:{f}")))
                .collect(),
        }
    }
}

fn role(row: SsRoleRow) -> Option<SsRole> {
    let kind = match row.role {
        GrantRole::LocalAdmin => SsRoleKind::LocalAdmin,
        GrantRole::CoLocalAdmin => SsRoleKind::CoLocalAdmin,
        GrantRole::SubdivisionAdmin => SsRoleKind::SubdivisionAdmin,
        GrantRole::SiteUser => SsRoleKind::SiteUser,
        _ => return None,
    };
    let mut levels: Vec<&[String]> = vec![&row.quality_applications];
    if let Some(s) = &row.subdivision {
        levels.push(&s.applications);
    }
    if let Some(s) = &row.site {
        levels.push(&s.applications);
    }
    let applications = effective(&levels, &row.applications);
    let mut functions = if kind == SsRoleKind::SiteUser { row.functions.clone() } else { Vec::new() };
    functions.sort();
    Some(SsRole {
        enterprise: row.enterprise,
        enterprise_name: row.enterprise_name,
        quality: SsQualityRef {
            code: row.quality_code,
            name: row.quality_names[0].clone(),
            names: row.quality_names,
        },
        subdivision: row.subdivision.map(|s| SsSubdivisionRef {
            id: s.id,
            type_code: s.type_code,
            identifier: s.identifier,
            name: s.name,
        }),
        site: row.site.map(|s| SsSiteRef { id: s.id, name: s.name }),
        kind,
        applications,
        functions,
    })
}

/// Every live social-security role of `person`, in one database round trip.
pub async fn roles_of(store: &Store, person: &NationalNumber) -> Result<Vec<SsRole>, StoreError> {
    Ok(store.find_ss_roles_of(person).await?.into_iter().filter_map(role).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_user(apps: &[&str], functions: &[&str]) -> SsRole {
        SsRole {
            enterprise: EnterpriseNumber::parse("0410561210").expect("number"),
            enterprise_name: "KLINIEK".into(),
            quality: SsQualityRef {
                code: "mammography_unit".into(),
                name: "Mammografische eenheid kankerbevolkingsonderzoek".into(),
                names: Default::default(),
            },
            subdivision: Some(SsSubdivisionRef {
                id: "sd1".into(),
                type_code: "mammography_unit".into(),
                identifier: "12817".into(),
                name: "ME".into(),
            }),
            site: Some(SsSiteRef { id: "st1".into(), name: "Campus A".into() }),
            kind: SsRoleKind::SiteUser,
            applications: apps.iter().map(|s| s.to_string()).collect(),
            functions: functions.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn role_codes_name_the_quality_the_place_or_the_applications_and_functions() {
        let user = site_user(&["ehealthbox", "heracles"], &["radiologist"]);
        assert_eq!(user.role_codes(), ["app:ehealthbox", "app:heracles", "function:radiologist"]);
        let mut admin = user.clone();
        admin.kind = SsRoleKind::LocalAdmin;
        assert_eq!(admin.role_codes(), ["ss:local_admin:mammography_unit"]);
        admin.kind = SsRoleKind::CoLocalAdmin;
        assert_eq!(admin.role_codes(), ["ss:co_local_admin:mammography_unit"]);
        admin.kind = SsRoleKind::SubdivisionAdmin;
        admin.site = None;
        assert_eq!(admin.role_codes(), ["ss:subdivision_admin:sd1"]);
    }
}
