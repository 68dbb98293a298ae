//! Every role × every BTB action × own / other enterprise: exactly the allowed cells
//! succeed (the rules without I/O; tests/integration/btb_roles.rs walks the same table over
//! the API).

use std::collections::BTreeSet;

use super::rules::{Action, Capacity, EnterpriseState, Facts, Refusal, Representation, decide};
use crate::access::grants::Standing;
use crate::domain::AuthLevel;

const A: &str = "finance";
const B: &str = "health_care";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    LegalRepresentative,
    Head,
    CoHead,
    ManagerOfA,
    ManagerOfB,
    Employee,
    Stranger,
    BackOffice,
    SuspendedHead,
}

const ROLES: [Role; 9] = [
    Role::LegalRepresentative,
    Role::Head,
    Role::CoHead,
    Role::ManagerOfA,
    Role::ManagerOfB,
    Role::Employee,
    Role::Stranger,
    Role::BackOffice,
    Role::SuspendedHead,
];

const ACTIONS: [Action<'static>; 7] = [
    Action::Designate,
    Action::View,
    Action::ManageHeads,
    Action::ManageDomain(A),
    Action::ManageDomain(B),
    Action::ReadAudit,
    Action::DecideRequests,
];

/// The facts of `role` on its own enterprise (`own`) or on another registered one.
fn facts(role: Role, own: bool) -> Facts {
    let mut standing = Standing::default();
    let mut representation = Representation::None;
    if own {
        match role {
            Role::LegalRepresentative => representation = Representation::Current,
            Role::Head => standing.is_head = true,
            Role::CoHead => standing.is_co_head = true,
            Role::ManagerOfA => standing.domains = BTreeSet::from([A.to_string()]),
            Role::ManagerOfB => standing.domains = BTreeSet::from([B.to_string()]),
            // A suspended grant is not live: the head whose function ended holds nothing.
            Role::SuspendedHead => representation = Representation::Ended,
            Role::Employee | Role::Stranger | Role::BackOffice => {}
        }
    }
    Facts {
        level: AuthLevel::ITSME,
        representation,
        standing,
        is_back_office: role == Role::BackOffice,
        enterprise: EnterpriseState { exists: true, is_active: true, is_registered: true },
    }
}

/// The allowed cells, and the capacity each acts in.
fn expected(role: Role, action: Action<'_>, own: bool) -> Option<Capacity> {
    use Action::*;
    match (role, action) {
        (Role::BackOffice, DecideRequests) => Some(Capacity::BackOffice),
        _ if !own => None,
        (Role::LegalRepresentative, Designate) => Some(Capacity::LegalRepresentative),
        (Role::Head, View | ManageHeads | ManageDomain(_) | ReadAudit) => Some(Capacity::HeadAccessManager),
        (Role::CoHead, View | ManageHeads | ManageDomain(_) | ReadAudit) => {
            Some(Capacity::CoHeadAccessManager)
        }
        (Role::ManagerOfA, View) | (Role::ManagerOfA, ManageDomain(A)) => Some(Capacity::AccessManager),
        (Role::ManagerOfB, View) | (Role::ManagerOfB, ManageDomain(B)) => Some(Capacity::AccessManager),
        _ => None,
    }
}

#[test]
fn exactly_the_allowed_cells_of_every_role_action_and_enterprise_succeed() {
    let mut cells = 0;
    for role in ROLES {
        for action in ACTIONS {
            for own in [true, false] {
                let got = decide(&facts(role, own), action, AuthLevel::PASSWORD_WITH_APP);
                let want = expected(role, action, own);
                match want {
                    Some(capacity) => assert_eq!(got, Ok(capacity), "{role:?} {action:?} own={own}"),
                    None => {
                        assert!(got.is_err(), "{role:?} {action:?} own={own} should be refused, got {got:?}")
                    }
                }
                cells += 1;
            }
        }
    }
    assert_eq!(cells, 9 * 7 * 2);
}

#[test]
fn each_refusal_says_why() {
    let lr = facts(Role::LegalRepresentative, true);
    assert_eq!(
        decide(&facts(Role::SuspendedHead, true), Action::Designate, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::FunctionEnded)
    );
    assert_eq!(
        decide(&facts(Role::Stranger, true), Action::Designate, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::NotLegalRepresentative)
    );
    assert_eq!(
        decide(&facts(Role::Employee, true), Action::View, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::NotManager)
    );
    assert_eq!(
        decide(&facts(Role::Head, true), Action::DecideRequests, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::NotBackOffice)
    );
    let mut weak = lr.clone();
    weak.level = AuthLevel::PASSWORD_WITH_CODE;
    assert_eq!(decide(&weak, Action::Designate, AuthLevel::PASSWORD_WITH_APP), Err(Refusal::LevelTooLow));
    let mut unknown = lr.clone();
    unknown.enterprise.exists = false;
    assert_eq!(
        decide(&unknown, Action::Designate, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::EnterpriseUnknown)
    );
    let mut stopped = lr.clone();
    stopped.enterprise.is_active = false;
    assert_eq!(
        decide(&stopped, Action::Designate, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::EnterpriseStopped)
    );
    let mut unregistered = facts(Role::Head, true);
    unregistered.enterprise.is_registered = false;
    assert_eq!(
        decide(&unregistered, Action::View, AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::NotRegistered)
    );
}

#[test]
fn every_refusal_message_exists_in_every_language() {
    for lang in crate::web::i18n::LANGUAGES {
        let keys = crate::web::i18n::keys(lang);
        for r in Refusal::ALL {
            assert!(keys.iter().any(|k| k == r.message_key()), "{} misses {}", lang.code(), r.message_key());
        }
    }
}
