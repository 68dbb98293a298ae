//! The one place where social-security decisions are taken: gather the facts (the
//! enterprise's registration, the actor's live grants), apply [`rules::decide`], and return
//! the capability the next step requires — a store `Decision` for a change, a
//! [`ViewRight`] for a read. Forgetting the check does not compile.

use super::rules::{self, Action, Capacity, Facts, Place, Refusal};
use super::settings::QualitySetting;
use super::{SocialSecurity, SsError};
use crate::access::btb::Who;
use crate::access::grants::{self, GrantRole, GrantStatus};
use crate::domain::EnterpriseNumber;
use crate::store::access_rights::{Actor, Decision, kinds};
use crate::store::social_security::{PlaceRow, QualityRow};

/// The right to read a quality's tree and user list.
#[derive(Debug, Clone)]
pub struct ViewRight {
    quality: QualityRow,
    capacity: Capacity,
    /// A subdivision admin sees only the subdivision or site they administer.
    within: Option<String>,
}

impl ViewRight {
    pub fn quality(&self) -> &QualityRow {
        &self.quality
    }

    pub fn capacity(&self) -> Capacity {
        self.capacity
    }

    /// The one subdivision or site the reader may see, when not the whole quality.
    pub fn within(&self) -> Option<&str> {
        self.within.as_deref()
    }

    /// Whether the reader may see `grant`.
    pub fn covers(&self, grant: &crate::store::social_security::SsGrantRow) -> bool {
        self.within
            .as_deref()
            .is_none_or(|w| grant.subdivision_id.as_deref() == Some(w) || grant.site_id.as_deref() == Some(w))
    }
}

fn actor(who: &Who, capacity: Capacity) -> Actor {
    Actor {
        person: Some(who.person.clone()),
        capacity: capacity.code(),
        session_ref: Some(who.session_ref.clone()),
    }
}

/// The place of `quality` (and `subdivision`, `site`) for the rules.
fn place<'a>(
    quality: &'a QualityRow,
    subdivision: Option<&'a PlaceRow>,
    site: Option<&'a PlaceRow>,
) -> Place<'a> {
    Place {
        domain: &quality.domain,
        quality: Some(&quality.id),
        subdivision: subdivision.map(|s| s.id.as_str()).or(site.and_then(|s| s.subdivision_id.as_deref())),
        site: site.map(|s| s.id.as_str()),
    }
}

impl SocialSecurity {
    /// The actor's facts on `enterprise`.
    pub async fn facts(&self, who: &Who, enterprise: &EnterpriseNumber) -> Result<Facts, SsError> {
        let is_registered = self.store().find_btb_enterprise(enterprise).await?.is_some();
        let live = self.store().find_live_access_grants_of_person(&who.person).await?;
        let mut facts = Facts::new(who.level, is_registered);
        facts.standing = grants::standing(&live, enterprise);
        for g in live
            .iter()
            .filter(|g| g.status == GrantStatus::Active && g.enterprise.as_ref() == Some(enterprise))
        {
            let set = match g.role {
                GrantRole::LocalAdmin => &mut facts.local_admin_of,
                GrantRole::CoLocalAdmin => &mut facts.co_local_admin_of,
                GrantRole::SubdivisionAdmin => &mut facts.subdivision_admin_of,
                _ => continue,
            };
            set.insert(g.scope_id.clone());
        }
        Ok(facts)
    }

    async fn decide(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
        action: Action,
        place: Place<'_>,
    ) -> Result<Capacity, SsError> {
        let facts = self.facts(who, enterprise).await?;
        let required = self.btb().settings().required_level;
        rules::decide(&facts, action, place, required)
            .inspect_err(|r| {
                tracing::info!(enterprise.number = %enterprise.as_str(), person = %who.person.masked(), refusal = r.code(), "social-security action refused");
            })
            .map_err(SsError::from)
    }

    /// May `who` activate `quality` for `enterprise`?
    pub async fn may_activate(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
        quality: &QualitySetting,
    ) -> Result<Decision<kinds::SsActivate>, SsError> {
        let place = Place { domain: &quality.domain, quality: None, subdivision: None, site: None };
        let capacity = self.decide(who, enterprise, Action::ActivateQuality, place).await?;
        Ok(Decision::granted_by_access_rules_on_place(
            actor(who, capacity),
            enterprise.clone(),
            quality.domain.clone(),
            quality.code.clone(),
        ))
    }

    /// May `who` take `action` at the place (`quality`, or its `subdivision`, or a `site`)?
    /// The decision's place is the deepest one given.
    pub async fn may_manage(
        &self,
        who: &Who,
        quality: &QualityRow,
        subdivision: Option<&PlaceRow>,
        site: Option<&PlaceRow>,
        action: Action,
    ) -> Result<Decision<kinds::SsManage>, SsError> {
        let p = place(quality, subdivision, site);
        let capacity = self.decide(who, &quality.enterprise, action, p).await?;
        let id = site.or(subdivision).map(|p| p.id.clone()).unwrap_or_else(|| quality.id.clone());
        Ok(Decision::granted_by_access_rules_on_place(
            actor(who, capacity),
            quality.enterprise.clone(),
            quality.domain.clone(),
            id,
        ))
    }

    /// May `who` read the tree and user list of `quality`? A subdivision or site admin
    /// reads the part they administer.
    pub async fn may_view(&self, who: &Who, quality: QualityRow) -> Result<ViewRight, SsError> {
        match self.decide(who, &quality.enterprise, Action::View, place(&quality, None, None)).await {
            Ok(capacity) => return Ok(ViewRight { quality, capacity, within: None }),
            Err(SsError::Refused(Refusal::NotManager)) => {}
            Err(e) => return Err(e),
        }
        let facts = self.facts(who, &quality.enterprise).await?;
        let subs = self.store().find_ss_subdivisions(&quality.id).await?;
        let sites = self.store().find_ss_sites(&quality.id).await?;
        let within = subs
            .iter()
            .chain(&sites)
            .find(|p| facts.subdivision_admin_of.contains(&p.id))
            .map(|p| p.id.clone())
            .ok_or(Refusal::NotManager)?;
        if facts.level < self.btb().settings().required_level {
            return Err(Refusal::LevelTooLow.into());
        }
        Ok(ViewRight { quality, capacity: Capacity::SubdivisionAdmin, within: Some(within) })
    }

    /// The qualities of `enterprise` `who` may see.
    pub async fn visible_qualities(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
    ) -> Result<Vec<QualityRow>, SsError> {
        let facts = self.facts(who, enterprise).await?;
        if !facts.is_registered {
            return Err(Refusal::NotRegistered.into());
        }
        let required = self.btb().settings().required_level;
        Ok(self
            .store()
            .find_ss_qualities(enterprise)
            .await?
            .into_iter()
            .filter(|q| rules::decide(&facts, Action::View, place(q, None, None), required).is_ok())
            .collect())
    }
}

/// A demo data decision at `place` (demo mode only), as the demo operator.
pub fn demo_decision(quality: &QualityRow, place: &str) -> Decision<kinds::SsManage> {
    Decision::granted_by_access_rules_on_place(
        Actor { person: None, capacity: "operator", session_ref: Some("demo-seed".into()) },
        quality.enterprise.clone(),
        quality.domain.clone(),
        place.to_string(),
    )
}

/// The demo activation (demo mode only), as the demo operator.
pub fn demo_activation(
    enterprise: &EnterpriseNumber,
    quality: &QualitySetting,
) -> Decision<kinds::SsActivate> {
    Decision::granted_by_access_rules_on_place(
        Actor { person: None, capacity: "operator", session_ref: Some("demo-seed".into()) },
        enterprise.clone(),
        quality.domain.clone(),
        quality.code.clone(),
    )
}
