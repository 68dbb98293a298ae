//! A person's profiles, built from what the sources say about them ([`SourceRow`]s: legal
//! functions and employments in the register, live grants). Pure: no I/O, so it is
//! measured on its own (`bench/profile.sh`) and tested without a database.
//!
//! - one **enterprise** profile per enterprise where the person holds a legal function, an
//!   employment or a BTB role, with all of those roles;
//! - the **citizen** profile, always, first.
//!
//! Social-security roles ([`add_social_security`]) add their own profiles (docs/DOMAIN.md §8):
//! - the local admin and co-local admins of a quality: an enterprise profile on that quality
//!   (`quality:<number>:<code>`);
//! - a subdivision's (or site's) admin: an enterprise profile on that subdivision
//!   (`subdivision:<id>`);
//! - a site user: a **site** profile (`site:<id>`) with `app:` and `function:` roles.

use std::collections::BTreeMap;

use crate::access::social_security::{SocialSecuritySettings, SsRole, SsRoleKind};
use crate::domain::{Concern, EnterpriseNumber, Language, Place, Profile, Role};
use crate::store::profiles::{SourceKind, SourceRow};

/// The profiles the rows give, citizen first, then enterprises by name.
pub fn build(rows: &[SourceRow], lang: Language) -> Vec<Profile> {
    let mut by_enterprise: BTreeMap<&EnterpriseNumber, (String, Vec<Role>)> = BTreeMap::new();
    for row in rows {
        let entry = by_enterprise.entry(&row.enterprise).or_insert_with(|| (name_of(row, lang), Vec::new()));
        if let Some(role) = role_of(row) {
            entry.1.push(role);
        }
    }
    let mut enterprises: Vec<Profile> = by_enterprise
        .into_iter()
        .filter(|(_, (_, roles))| !roles.is_empty())
        .map(|(number, (name, mut roles))| {
            roles.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            roles.dedup_by(|a, b| a.scope == b.scope && a.name == b.name);
            Profile::enterprise(number.clone(), name, roles)
        })
        .collect();
    enterprises.sort_by(|a, b| {
        let key =
            |p: &Profile| p.enterprise_ref().map(|(n, name)| (name.to_lowercase(), n.as_str().to_string()));
        key(a).cmp(&key(b))
    });
    let mut out = Vec::with_capacity(enterprises.len() + 1);
    out.push(Profile::Citizen);
    out.extend(enterprises);
    out
}

/// Adds the profiles the social-security roles give, after the enterprises; `catalogue`
/// says which domain and applications each quality's admin roles concern.
pub fn add_social_security(
    profiles: &mut Vec<Profile>,
    roles: &[SsRole],
    catalogue: &SocialSecuritySettings,
    lang: Language,
) {
    let mut extra: Vec<Profile> = Vec::new();
    for r in roles {
        let quality = Place { id: r.quality.code.clone(), name: quality_name(r, lang), identifier: None };
        let subdivision = r.subdivision.as_ref().map(|s| Place {
            id: s.id.clone(),
            name: s.name.clone(),
            identifier: Some(s.identifier.clone()).filter(|i| !i.is_empty()),
        });
        let admin_concern = || {
            let q = catalogue.quality(&r.quality.code);
            Concern::Quality {
                domain: q.map(|q| q.domain.clone()).unwrap_or_default(),
                applications: q.map(|q| q.applications.clone()).unwrap_or_default(),
            }
        };
        let (profile, roles) = match r.kind {
            SsRoleKind::LocalAdmin | SsRoleKind::CoLocalAdmin => (
                Profile::Enterprise {
                    number: r.enterprise.clone(),
                    name: r.enterprise_name.clone(),
                    roles: Vec::new(),
                    quality: Some(quality),
                    subdivision: None,
                },
                r.role_codes(),
            ),
            SsRoleKind::SubdivisionAdmin => {
                // A site's admin: the profile is on that site, named as a subdivision.
                let place = match &r.site {
                    Some(site) => {
                        Some(Place { id: site.id.clone(), name: site.name.clone(), identifier: None })
                    }
                    None => subdivision,
                };
                (
                    Profile::Enterprise {
                        number: r.enterprise.clone(),
                        name: r.enterprise_name.clone(),
                        roles: Vec::new(),
                        quality: Some(quality),
                        subdivision: place,
                    },
                    r.role_codes(),
                )
            }
            SsRoleKind::SiteUser => {
                let Some(site) = &r.site else { continue };
                (
                    Profile::Site {
                        number: r.enterprise.clone(),
                        name: r.enterprise_name.clone(),
                        quality,
                        subdivision,
                        site: Place { id: site.id.clone(), name: site.name.clone(), identifier: None },
                        roles: Vec::new(),
                    },
                    Vec::new(),
                )
            }
        };
        let new_roles: Vec<Role> = match r.kind {
            SsRoleKind::SiteUser => r
                .applications
                .iter()
                .map(|a| {
                    Role::new("app", a.clone()).concerning(Concern::Applications { codes: vec![a.clone()] })
                })
                .chain(r.functions.iter().map(|f| {
                    Role::new("function", f.clone())
                        .concerning(Concern::Applications { codes: r.applications.clone() })
                }))
                .collect(),
            _ => roles
                .into_iter()
                .filter_map(|code| {
                    let (scope, name) = code.split_once(':')?;
                    Some(Role::new(scope, name).concerning(admin_concern()))
                })
                .collect(),
        };
        let key = profile.key();
        let target = match extra.iter_mut().find(|p| p.key() == key) {
            Some(p) => p,
            None => {
                extra.push(profile);
                extra.last_mut().expect("just pushed")
            }
        };
        if let Profile::Enterprise { roles, .. } | Profile::Site { roles, .. } = target {
            for role in new_roles {
                if !roles.iter().any(|x| x.scope == role.scope && x.name == role.name) {
                    roles.push(role);
                }
            }
        }
    }
    extra.retain(|p| !p.roles().is_empty());
    extra.sort_by_key(|p| (matches!(p, Profile::Site { .. }), p.key()));
    profiles.extend(extra);
}

fn quality_name(r: &SsRole, lang: Language) -> String {
    let i = match lang {
        Language::Nl => 0,
        Language::Fr => 1,
        Language::De => 2,
        Language::En => 3,
    };
    Some(r.quality.names[i].clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| r.quality.name.clone())
}

/// The role a row gives (`None` for grants that are not enterprise roles).
fn role_of(row: &SourceRow) -> Option<Role> {
    Some(match row.kind {
        SourceKind::Legal => Role::new("legal", row.role.clone()),
        SourceKind::Employment => Role::new("employment", "employee"),
        SourceKind::Grant => match row.role.as_str() {
            "head_access_manager" | "co_head_access_manager" => Role::new("btb", row.role.clone()),
            "access_manager" => Role::new("btb", format!("access_manager:{}", row.scope_id))
                .concerning(Concern::Domain { code: row.scope_id.clone() }),
            _ => return None,
        },
    })
}

/// Roles in the order a person reads them: BTB first, then the register's.
fn rank(role: &Role) -> u8 {
    match (role.scope.as_str(), role.name.as_str()) {
        ("btb", "head_access_manager") => 0,
        ("btb", "co_head_access_manager") => 1,
        ("btb", _) => 2,
        ("legal", _) => 3,
        _ => 4,
    }
}

/// The enterprise's name in `lang` (else in another language; else its number).
fn name_of(row: &SourceRow, lang: Language) -> String {
    let order: [usize; 4] = match lang {
        Language::Nl => [0, 1, 3, 2],
        Language::Fr => [1, 0, 3, 2],
        Language::De => [2, 1, 0, 3],
        Language::En => [3, 0, 1, 2],
    };
    order
        .iter()
        .find_map(|&i| row.names[i].as_deref().filter(|n| !n.trim().is_empty()))
        .map(str::to_string)
        .unwrap_or_else(|| row.enterprise.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: SourceKind, number: &str, name: &str, role: &str, scope: &str) -> SourceRow {
        SourceRow {
            kind,
            enterprise: EnterpriseNumber::parse(number).expect("valid"),
            names: [Some(name.into()), None, None, None],
            role: role.into(),
            scope_id: scope.into(),
        }
    }

    #[test]
    fn one_enterprise_profile_per_enterprise_with_every_role_held_there() {
        let rows = [
            row(SourceKind::Legal, "0474603083", "IATREION BV", "zaakvoerder", ""),
            row(SourceKind::Grant, "0474603083", "IATREION BV", "head_access_manager", ""),
            row(SourceKind::Grant, "0474603083", "IATREION BV", "access_manager", "finance"),
            row(SourceKind::Employment, "0203430576", "ALPHA NV", "employee", ""),
            row(SourceKind::Grant, "0203430576", "ALPHA NV", "back_office", ""),
        ];
        let profiles = build(&rows, Language::Nl);
        let keys: Vec<String> = profiles.iter().map(Profile::key).collect();
        assert_eq!(keys, ["citizen", "0203430576", "0474603083"], "citizen first, then by name");
        let claims: Vec<String> = profiles[2].roles().iter().map(Role::claim).collect();
        assert_eq!(claims, ["btb:head_access_manager", "btb:access_manager:finance", "legal:zaakvoerder"]);
        assert_eq!(profiles[2].roles()[1].concern, Concern::Domain { code: "finance".into() });
        assert_eq!(profiles[1].roles().len(), 1, "the back-office grant is no enterprise role");
    }

    #[test]
    fn no_sources_leave_the_citizen_and_a_nameless_enterprise_shows_its_number() {
        assert_eq!(build(&[], Language::En), vec![Profile::Citizen]);
        let mut r = row(SourceKind::Employment, "0474603083", "", "employee", "");
        r.names = [None, None, None, None];
        let p = build(&[r], Language::Fr);
        assert_eq!(p[1].enterprise_ref().map(|(_, n)| n.to_string()), Some("0474.603.083".into()));
    }
}
