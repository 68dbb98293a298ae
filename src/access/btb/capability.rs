//! The one place where BTB's decisions are taken: gather the facts (the register, the
//! actor's live grants, the enterprise's registration), apply [`rules::decide`], and return
//! the capability the next step requires — a store `Decision` for a change, a
//! [`ViewRight`] or [`AuditRight`] for a read. Forgetting the check does not compile.

use std::collections::BTreeSet;

use super::rules::{self, Action, Capacity, EnterpriseState, Facts, Representation};
use super::{Btb, BtbError, Refusal, today};
use crate::access::grants::{self, Standing};
use crate::domain::{AuthLevel, EnterpriseNumber, Language, NationalNumber};
use crate::registry::model::{Enterprise, EnterpriseStatus};
use crate::store::access_rights::{Actor, Decision, kinds};
use crate::store::btb::BtbEnterprise;

/// Who asks: the person, how strongly they logged in, from which session or client.
#[derive(Debug, Clone)]
pub struct Who {
    pub person: NationalNumber,
    pub level: AuthLevel,
    /// `session:<sid>` or `client:<client id>`.
    pub session_ref: String,
    pub language: Language,
}

impl Who {
    fn actor(&self, capacity: Capacity) -> Actor {
        Actor {
            person: Some(self.person.clone()),
            capacity: capacity.code(),
            session_ref: Some(self.session_ref.clone()),
        }
    }
}

/// What may be seen of an enterprise's BTB page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Head or co-head: everything.
    All,
    /// An access manager: their own domains, no heads.
    Domains(BTreeSet<String>),
}

/// The right to read an enterprise's BTB page.
#[derive(Debug, Clone)]
pub struct ViewRight {
    enterprise: EnterpriseNumber,
    capacity: Capacity,
    visibility: Visibility,
}

impl ViewRight {
    pub fn enterprise(&self) -> &EnterpriseNumber {
        &self.enterprise
    }

    pub fn capacity(&self) -> Capacity {
        self.capacity
    }

    pub fn visibility(&self) -> &Visibility {
        &self.visibility
    }

    /// The right of a web-service client (`btb:read`): everything, read only.
    pub(super) fn for_service(enterprise: EnterpriseNumber) -> Self {
        Self { enterprise, capacity: Capacity::BackOffice, visibility: Visibility::All }
    }
}

/// The right to read an enterprise's audit trail (its head and co-heads).
#[derive(Debug, Clone)]
pub struct AuditRight {
    enterprise: EnterpriseNumber,
}

impl AuditRight {
    pub fn enterprise(&self) -> &EnterpriseNumber {
        &self.enterprise
    }
}

/// The facts about an enterprise the procedure pages also show.
#[derive(Debug, Clone)]
pub struct EnterpriseFacts {
    pub enterprise: Option<Enterprise>,
    pub registration: Option<BtbEnterprise>,
    pub standing: Standing,
    pub representation: Representation,
}

impl Btb {
    /// The register, the registration and the actor's grants, as facts.
    pub async fn facts(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
    ) -> Result<(Facts, EnterpriseFacts), BtbError> {
        let registered = self.store().find_btb_enterprise(enterprise).await?;
        let record = self.registry().find_enterprise(enterprise).await?;
        let grants = self.store().find_live_access_grants_of_person(&who.person).await?;
        let functions: Vec<_> = self
            .registry()
            .representations_of(&who.person)
            .await?
            .into_iter()
            .filter(|r| &r.enterprise == enterprise)
            .collect();
        let representation = if functions.iter().any(|r| r.is_valid_on(today())) {
            Representation::Current
        } else if functions.is_empty() {
            Representation::None
        } else {
            Representation::Ended
        };
        let standing = grants::standing(&grants, enterprise);
        let facts = Facts {
            level: who.level,
            representation,
            standing: standing.clone(),
            is_back_office: grants::is_back_office(&grants),
            enterprise: EnterpriseState {
                exists: record.is_some(),
                is_active: record.as_ref().is_some_and(|e| e.status == EnterpriseStatus::Active),
                is_registered: registered.is_some(),
            },
        };
        let about =
            EnterpriseFacts { enterprise: record, registration: registered, standing, representation };
        Ok((facts, about))
    }

    async fn decide(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
        action: Action<'_>,
    ) -> Result<(Capacity, EnterpriseFacts), BtbError> {
        let (facts, about) = self.facts(who, enterprise).await?;
        if let Action::ManageDomain(code) = action
            && self.settings().domain(code).is_none()
        {
            return Err(Refusal::UnknownDomain.into());
        }
        let required = match action {
            Action::DecideRequests => self.settings().back_office_level,
            _ => self.settings().required_level,
        };
        let capacity = rules::decide(&facts, action, required).inspect_err(|r| {
            tracing::info!(enterprise.number = %enterprise.as_str(), person = %who.person.masked(), refusal = r.code(), "BTB action refused");
        })?;
        Ok((capacity, about))
    }

    /// May `who` register `enterprise` and designate its head (the standard procedure)?
    pub async fn may_designate(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
    ) -> Result<(Decision<kinds::Designate>, EnterpriseFacts), BtbError> {
        let (capacity, about) = self.decide(who, enterprise, Action::Designate).await?;
        Ok((Decision::granted_by_access_rules(who.actor(capacity), Some(enterprise.clone()), None), about))
    }

    /// May `who` add or remove co-heads of `enterprise`?
    pub async fn may_manage_heads(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
    ) -> Result<Decision<kinds::ManageHeads>, BtbError> {
        let (capacity, _) = self.decide(who, enterprise, Action::ManageHeads).await?;
        Ok(Decision::granted_by_access_rules(who.actor(capacity), Some(enterprise.clone()), None))
    }

    /// May `who` manage the access managers and e-mail of domain `code` of `enterprise`?
    pub async fn may_manage_domain(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
        code: &str,
    ) -> Result<Decision<kinds::ManageDomain>, BtbError> {
        let (capacity, _) = self.decide(who, enterprise, Action::ManageDomain(code)).await?;
        Ok(Decision::granted_by_access_rules(
            who.actor(capacity),
            Some(enterprise.clone()),
            Some(code.to_string()),
        ))
    }

    /// May `who` see the BTB page of `enterprise`, and how much of it?
    pub async fn may_view(&self, who: &Who, enterprise: &EnterpriseNumber) -> Result<ViewRight, BtbError> {
        let (capacity, about) = self.decide(who, enterprise, Action::View).await?;
        let visibility = if about.standing.is_head_level() {
            Visibility::All
        } else {
            Visibility::Domains(about.standing.domains.clone())
        };
        Ok(ViewRight { enterprise: enterprise.clone(), capacity, visibility })
    }

    /// May `who` read the audit trail of `enterprise`?
    pub async fn may_read_audit(
        &self,
        who: &Who,
        enterprise: &EnterpriseNumber,
    ) -> Result<AuditRight, BtbError> {
        self.decide(who, enterprise, Action::ReadAudit).await?;
        Ok(AuditRight { enterprise: enterprise.clone() })
    }

    /// May `who` work the back-office queue?
    pub async fn may_decide_requests(&self, who: &Who) -> Result<Decision<kinds::DecideRequests>, BtbError> {
        let grants = self.store().find_live_access_grants_of_person(&who.person).await?;
        let facts = Facts {
            level: who.level,
            representation: Representation::None,
            standing: Standing::default(),
            is_back_office: grants::is_back_office(&grants),
            enterprise: EnterpriseState { exists: false, is_active: false, is_registered: false },
        };
        let capacity = rules::decide(&facts, Action::DecideRequests, self.settings().back_office_level)?;
        Ok(Decision::granted_by_access_rules(who.actor(capacity), None, None))
    }
}

/// The back office's approval designates the head of the request's enterprise.
pub fn designation_by_back_office(
    approval: &Decision<kinds::DecideRequests>,
    enterprise: &EnterpriseNumber,
) -> Decision<kinds::Designate> {
    Decision::granted_by_access_rules(approval.actor().clone(), Some(enterprise.clone()), None)
}

/// The register's lifecycle: suspensions whose basis ended (no person acts).
pub fn lifecycle_decision() -> Decision<kinds::Lifecycle> {
    Decision::granted_by_access_rules(
        Actor { person: None, capacity: "register", session_ref: Some("registry-import".into()) },
        None,
        None,
    )
}

/// The operator's command line (`poort backoffice grant|revoke`).
pub fn operator_decision() -> Decision<kinds::Operate> {
    Decision::granted_by_access_rules(
        Actor { person: None, capacity: "operator", session_ref: Some("cli".into()) },
        None,
        None,
    )
}

/// The demo data's decisions (demo mode only): the clinic's designation and its health-care
/// domain, as the demo operator.
pub fn demo_decisions(
    enterprise: &EnterpriseNumber,
    domain: &str,
) -> (Decision<kinds::Designate>, Decision<kinds::ManageDomain>) {
    let actor = Actor { person: None, capacity: "operator", session_ref: Some("demo-seed".into()) };
    (
        Decision::granted_by_access_rules(actor.clone(), Some(enterprise.clone()), None),
        Decision::granted_by_access_rules(actor, Some(enterprise.clone()), Some(domain.to_string())),
    )
}

#[cfg(test)]
mod tests {
    /// Decisions are made here only: `granted_by_access_rules` appears nowhere else in src/
    /// but its definition.
    #[test]
    fn decisions_are_created_only_by_the_capability_module() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path.strip_prefix(&root).expect("prefix").to_string_lossy().replace('\\', "/");
                if rel == "access/btb/capability.rs"
                    || rel == "access/social_security/capability.rs"
                    || rel == "store/access_rights.rs"
                {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if text.contains(concat!("granted_by_access", "_rules")) {
                    offenders.push(rel);
                }
            }
        }
        assert!(offenders.is_empty(), "decisions made outside access/btb/capability.rs: {offenders:?}");
    }
}
