//! "Your entities" (seed 001 step 5, seed 000 §IV b): every enterprise a person holds a
//! role in, with those roles as links; a legal representative of an enterprise not yet
//! registered gets a link to register it (the seed-002 planned evolution: show a
//! logged-in representative the enterprises the KBO knows them for).

use std::collections::BTreeMap;

use super::{Btb, BtbError, today};
use crate::access::grants;
use crate::domain::{EnterpriseNumber, Language, NationalNumber};

/// One role, as a label key, an optional domain name and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLink {
    pub label_key: &'static str,
    pub domain: Option<String>,
    pub href: Option<String>,
}

/// One enterprise of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub number: EnterpriseNumber,
    pub name: String,
    pub roles: Vec<RoleLink>,
    /// A representative of an enterprise that is not registered: "Register this enterprise".
    pub register_href: Option<String>,
}

impl Btb {
    /// The enterprises `person` holds a role in, by number.
    pub async fn entities(&self, person: &NationalNumber, lang: Language) -> Result<Vec<Entity>, BtbError> {
        let live = self.store().find_live_access_grants_of_person(person).await?;
        let mut roles: BTreeMap<EnterpriseNumber, Vec<RoleLink>> = BTreeMap::new();
        for enterprise in grants::enterprises(&live) {
            let standing = grants::standing(&live, &enterprise);
            if !standing.has_any() {
                // Social-security roles only: they have pages of their own.
                continue;
            }
            let page = format!("/btb/enterprises/{}", enterprise.as_str());
            let list = roles.entry(enterprise.clone()).or_default();
            if standing.is_head {
                list.push(RoleLink {
                    label_key: "btb.role.head_access_manager",
                    domain: None,
                    href: Some(page.clone()),
                });
            }
            if standing.is_co_head {
                list.push(RoleLink {
                    label_key: "btb.role.co_head_access_manager",
                    domain: None,
                    href: Some(page.clone()),
                });
            }
            for code in &standing.domains {
                let name = self
                    .settings()
                    .domain(code)
                    .map(|d| d.name(lang).to_string())
                    .unwrap_or_else(|| code.clone());
                list.push(RoleLink {
                    label_key: "btb.role.access_manager",
                    domain: Some(name),
                    href: Some(format!("{page}#domain-{code}")),
                });
            }
        }
        let mut unregistered = Vec::new();
        for r in
            self.registry().representations_of(person).await?.into_iter().filter(|r| r.is_valid_on(today()))
        {
            let is_registered = self.store().find_btb_enterprise(&r.enterprise).await?.is_some();
            if !is_registered {
                unregistered.push(r.enterprise.clone());
            }
            let list = roles.entry(r.enterprise.clone()).or_default();
            if !list.iter().any(|l| l.label_key == "btb.role.legal_representative") {
                let href =
                    (!is_registered).then(|| format!("/btb/designate?enterprise={}", r.enterprise.as_str()));
                list.insert(0, RoleLink { label_key: "btb.role.legal_representative", domain: None, href });
            }
        }
        for e in self.registry().employments_of(person).await?.into_iter().filter(|e| e.is_valid_on(today()))
        {
            let list = roles.entry(e.enterprise.clone()).or_default();
            if !list.iter().any(|l| l.label_key == "btb.role.employee") {
                list.push(RoleLink { label_key: "btb.role.employee", domain: None, href: None });
            }
        }
        let mut out = Vec::new();
        for (number, roles) in roles {
            let name = self.enterprise_name(&number, lang).await;
            let register_href = unregistered
                .contains(&number)
                .then(|| format!("/btb/designate?enterprise={}", number.as_str()));
            out.push(Entity { number, name, roles, register_href });
        }
        Ok(out)
    }
}
