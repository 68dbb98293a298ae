//! The one shape every role shares: a person (holder) holding a role on a scope (an
//! enterprise, one of its domains, later a quality, subdivision or site; or the whole
//! service), given by someone in some capacity, from a date, active, suspended or revoked.
//! Stored by `store::access_grants`; read here as a person's standing per enterprise.

use std::collections::BTreeSet;

use crate::domain::EnterpriseNumber;
pub use crate::store::access_grants::{GrantRole, GrantRow, GrantStatus};

/// What a person's live grants say about one enterprise.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Standing {
    pub is_head: bool,
    pub is_co_head: bool,
    /// The domains the person is access manager of (by grant, not through being head).
    pub domains: BTreeSet<String>,
}

impl Standing {
    /// Head or co-head: access manager of every domain.
    pub fn is_head_level(&self) -> bool {
        self.is_head || self.is_co_head
    }

    /// Whether the person holds any role there.
    pub fn has_any(&self) -> bool {
        self.is_head_level() || !self.domains.is_empty()
    }
}

/// The standing of the holder of `grants` (live ones) on `enterprise`.
pub fn standing(grants: &[GrantRow], enterprise: &EnterpriseNumber) -> Standing {
    let mut s = Standing::default();
    for g in
        grants.iter().filter(|g| g.status == GrantStatus::Active && g.enterprise.as_ref() == Some(enterprise))
    {
        match g.role {
            GrantRole::HeadAccessManager => s.is_head = true,
            GrantRole::CoHeadAccessManager => s.is_co_head = true,
            GrantRole::AccessManager => {
                s.domains.insert(g.scope_id.clone());
            }
            GrantRole::BackOffice
            | GrantRole::LocalAdmin
            | GrantRole::CoLocalAdmin
            | GrantRole::SubdivisionAdmin
            | GrantRole::SiteUser => {}
        }
    }
    s
}

/// Whether the live grants include the service-wide back-office role.
pub fn is_back_office(grants: &[GrantRow]) -> bool {
    grants
        .iter()
        .any(|g| g.status == GrantStatus::Active && g.role == GrantRole::BackOffice && g.enterprise.is_none())
}

/// The role codes a token or profile carries for one enterprise: `btb:head_access_manager`,
/// `btb:co_head_access_manager`, `btb:access_manager:<domain code>`.
pub fn role_codes(standing: &Standing) -> Vec<String> {
    let mut codes = Vec::new();
    if standing.is_head {
        codes.push("btb:head_access_manager".to_string());
    }
    if standing.is_co_head {
        codes.push("btb:co_head_access_manager".to_string());
    }
    codes.extend(standing.domains.iter().map(|d| format!("btb:access_manager:{d}")));
    codes
}

/// The enterprises the live grants touch, in number order.
pub fn enterprises(grants: &[GrantRow]) -> BTreeSet<EnterpriseNumber> {
    grants.iter().filter(|g| g.status == GrantStatus::Active).filter_map(|g| g.enterprise.clone()).collect()
}
