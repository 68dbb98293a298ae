//! How a profile reads on the chooser and on the person's pages: "IATREION BV – head access
//! manager", "KLINIEK … – Gezondheidszorg – access manager", "KLINIEK … – Mammography unit –
//! site Campus Noord – radiologist".

use crate::access::btb::settings::DomainSetting;
use crate::domain::{Profile, Role};
use crate::web::i18n::Tr;

/// The chooser's groups, in the order shown ("In which capacity do you want to log in?").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Citizen,
    Enterprise,
    Site,
}

impl Group {
    pub fn of(p: &Profile) -> Self {
        match p {
            Profile::Citizen => Group::Citizen,
            Profile::Enterprise { .. } => Group::Enterprise,
            Profile::Site { .. } => Group::Site,
        }
    }

    pub fn title_key(self) -> &'static str {
        match self {
            Group::Citizen => "profile.group.citizen",
            Group::Enterprise => "profile.group.enterprise",
            Group::Site => "profile.group.site",
        }
    }
}

/// "Enterprise – capacity – capacity" in `tr`'s language.
pub fn label(p: &Profile, tr: Tr, domains: &[DomainSetting]) -> String {
    let Some((number, name)) = p.enterprise_ref() else { return tr.t("profile.citizen").to_string() };
    let mut parts = vec![format!("{name} ({})", number.formatted())];
    if let Some(q) = p.quality() {
        parts.push(q.name.clone());
    }
    if let Some(s) = p.subdivision() {
        parts.push(match &s.identifier {
            Some(id) => format!("{} {id}", s.name),
            None => s.name.clone(),
        });
    }
    if let Some(site) = p.site() {
        parts.push(format!("{} {}", tr.t("profile.site"), site.name));
    }
    let capacities: Vec<String> = p.roles().iter().filter_map(|r| capacity(r, tr, domains)).collect();
    if !capacities.is_empty() {
        parts.push(capacities.join(", "));
    }
    parts.join(" – ")
}

/// One role as a person reads it (`None` for roles the label leaves out: applications).
fn capacity(r: &Role, tr: Tr, domains: &[DomainSetting]) -> Option<String> {
    Some(match (r.scope.as_str(), r.name.as_str()) {
        ("btb", "head_access_manager") => tr.t("profile.role.head_access_manager").to_string(),
        ("btb", "co_head_access_manager") => tr.t("profile.role.co_head_access_manager").to_string(),
        ("btb", name) => {
            let code = name.strip_prefix("access_manager:")?;
            let domain = domains.iter().find(|d| d.code == code).map_or(code, |d| d.name(tr.lang));
            format!("{domain} – {}", tr.t("profile.role.access_manager"))
        }
        ("legal", _) => tr.t("profile.role.legal").to_string(),
        ("employment", _) => tr.t("profile.role.employee").to_string(),
        ("ss", name) if name.starts_with("local_admin:") => tr.t("profile.role.local_admin").to_string(),
        ("ss", name) if name.starts_with("co_local_admin:") => {
            tr.t("profile.role.co_local_admin").to_string()
        }
        ("ss", name) if name.starts_with("subdivision_admin:") => {
            tr.t("profile.role.subdivision_admin").to_string()
        }
        ("function", name) => name.replace('_', " "),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::btb::settings::default_domains;
    use crate::domain::{Concern, EnterpriseNumber, Language};

    #[test]
    fn labels_name_the_enterprise_and_the_capacities() {
        let n = EnterpriseNumber::parse("0474603083").expect("valid");
        let p = Profile::enterprise(
            n,
            "IATREION BV",
            vec![
                Role::new("btb", "head_access_manager"),
                Role::new("btb", "access_manager:health_care")
                    .concerning(Concern::Domain { code: "health_care".into() }),
            ],
        );
        let nl = label(&p, Tr::new(Language::Nl), &default_domains());
        assert_eq!(
            nl,
            "IATREION BV (0474.603.083) – hoofdtoegangsbeheerder, Gezondheidszorg – toegangsbeheerder"
        );
        assert_eq!(label(&Profile::Citizen, Tr::new(Language::En), &[]), "As a private person");
    }
}
