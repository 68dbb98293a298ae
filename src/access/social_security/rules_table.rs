//! Every role × every social-security action × every place (of the own enterprise and of
//! another): exactly the allowed cells succeed, and the capacity is the broadest role held
//! (the rules without I/O; tests/integration/ss_roles.rs walks cells of it over the API).

use std::collections::BTreeSet;

use super::rules::{Action, Capacity, Facts, Place, Refusal, decide};
use crate::access::grants::Standing;
use crate::domain::AuthLevel;

const DOMAIN: &str = "health_care";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Head,
    CoHead,
    ManagerOfDomain,
    ManagerOfOtherDomain,
    LocalAdmin,
    CoLocalAdmin,
    LocalAdminOfOtherQuality,
    SubdivisionAdminOfS1,
    SubdivisionAdminOfS2,
    SiteAdminOfA1,
    SiteUser,
    Stranger,
}

const ROLES: [Role; 12] = [
    Role::Head,
    Role::CoHead,
    Role::ManagerOfDomain,
    Role::ManagerOfOtherDomain,
    Role::LocalAdmin,
    Role::CoLocalAdmin,
    Role::LocalAdminOfOtherQuality,
    Role::SubdivisionAdminOfS1,
    Role::SubdivisionAdminOfS2,
    Role::SiteAdminOfA1,
    Role::SiteUser,
    Role::Stranger,
];

/// The places: the domain (to activate a quality in), qualities Q and Q2, subdivisions S1
/// and S2 of Q, site A1 of S1 and B1 of S2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Domain,
    Q,
    Q2,
    S1,
    S2,
    A1,
    B1,
}

fn place(p: P) -> Place<'static> {
    let (quality, subdivision, site) = match p {
        P::Domain => (None, None, None),
        P::Q => (Some("q"), None, None),
        P::Q2 => (Some("q2"), None, None),
        P::S1 => (Some("q"), Some("s1"), None),
        P::S2 => (Some("q"), Some("s2"), None),
        P::A1 => (Some("q"), Some("s1"), Some("a1")),
        P::B1 => (Some("q"), Some("s2"), Some("b1")),
    };
    Place { domain: DOMAIN, quality, subdivision, site }
}

/// Each action with the places of the level it applies to.
const CELLS: [(Action, &[P]); 6] = [
    (Action::ActivateQuality, &[P::Domain]),
    (Action::AppointLocalAdmin, &[P::Q, P::Q2]),
    (Action::ManageQuality, &[P::Q, P::Q2]),
    (Action::ManageSubdivision, &[P::S1, P::S2]),
    (Action::ManageSite, &[P::A1, P::B1]),
    (Action::View, &[P::Q, P::Q2, P::S1, P::S2, P::A1, P::B1]),
];

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn facts(role: Role, own: bool) -> Facts {
    let mut f = Facts::new(AuthLevel::ITSME, true);
    if !own {
        return f;
    }
    let mut standing = Standing::default();
    match role {
        Role::Head => standing.is_head = true,
        Role::CoHead => standing.is_co_head = true,
        Role::ManagerOfDomain => standing.domains = set(&[DOMAIN]),
        Role::ManagerOfOtherDomain => standing.domains = set(&["finance"]),
        Role::LocalAdmin => f.local_admin_of = set(&["q"]),
        Role::CoLocalAdmin => f.co_local_admin_of = set(&["q"]),
        Role::LocalAdminOfOtherQuality => f.local_admin_of = set(&["q2"]),
        Role::SubdivisionAdminOfS1 => f.subdivision_admin_of = set(&["s1"]),
        Role::SubdivisionAdminOfS2 => f.subdivision_admin_of = set(&["s2"]),
        Role::SiteAdminOfA1 => f.subdivision_admin_of = set(&["a1"]),
        // A site user holds no managing role: their grant is not a fact of the rules.
        Role::SiteUser | Role::Stranger => {}
    }
    f.standing = standing;
    f
}

/// The allowed cells, written out (not derived from the rules), and the capacity of each.
fn expected(role: Role, action: Action, p: P, own: bool) -> Option<Capacity> {
    use Action::*;
    if !own {
        return None;
    }
    match role {
        Role::Head => Some(Capacity::HeadAccessManager),
        Role::CoHead => Some(Capacity::CoHeadAccessManager),
        Role::ManagerOfDomain => Some(Capacity::AccessManager),
        Role::LocalAdmin | Role::CoLocalAdmin => {
            let c = if role == Role::LocalAdmin { Capacity::LocalAdmin } else { Capacity::CoLocalAdmin };
            match (action, p) {
                (ManageQuality, P::Q) | (ManageSubdivision, _) | (ManageSite, _) => Some(c),
                (View, P::Q | P::S1 | P::S2 | P::A1 | P::B1) => Some(c),
                _ => None,
            }
        }
        Role::LocalAdminOfOtherQuality => {
            matches!((action, p), (ManageQuality | View, P::Q2)).then_some(Capacity::LocalAdmin)
        }
        Role::SubdivisionAdminOfS1 => {
            matches!((action, p), (ManageSubdivision, P::S1) | (ManageSite, P::A1) | (View, P::S1 | P::A1))
                .then_some(Capacity::SubdivisionAdmin)
        }
        Role::SubdivisionAdminOfS2 => {
            matches!((action, p), (ManageSubdivision, P::S2) | (ManageSite, P::B1) | (View, P::S2 | P::B1))
                .then_some(Capacity::SubdivisionAdmin)
        }
        Role::SiteAdminOfA1 => {
            matches!((action, p), (ManageSite | View, P::A1)).then_some(Capacity::SubdivisionAdmin)
        }
        Role::ManagerOfOtherDomain | Role::SiteUser | Role::Stranger => None,
    }
}

#[test]
fn exactly_the_allowed_cells_of_every_role_action_and_place_succeed() {
    let mut cells = 0;
    let mut allowed = 0;
    for role in ROLES {
        for (action, places) in CELLS {
            for &p in places {
                for own in [true, false] {
                    let got = decide(&facts(role, own), action, place(p), AuthLevel::PASSWORD_WITH_APP);
                    match expected(role, action, p, own) {
                        Some(c) => {
                            assert_eq!(got, Ok(c), "{role:?} {action:?} {p:?} own={own}");
                            allowed += 1;
                        }
                        None => assert_eq!(
                            got,
                            Err(Refusal::NotManager),
                            "{role:?} {action:?} {p:?} own={own} should be refused"
                        ),
                    }
                    cells += 1;
                }
            }
        }
    }
    assert_eq!(cells, 12 * 15 * 2);
    assert_eq!(allowed, 3 * 15 + 2 * 10 + 2 + 4 + 4 + 2);
}

#[test]
fn an_unregistered_enterprise_or_a_weak_login_is_refused_with_its_reason() {
    let mut f = facts(Role::Head, true);
    f.is_registered = false;
    assert_eq!(
        decide(&f, Action::View, place(P::Q), AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::NotRegistered)
    );
    let mut weak = facts(Role::LocalAdmin, true);
    weak.level = AuthLevel::PASSWORD_WITH_CODE;
    assert_eq!(
        decide(&weak, Action::ManageQuality, place(P::Q), AuthLevel::PASSWORD_WITH_APP),
        Err(Refusal::LevelTooLow)
    );
}

#[test]
fn nobody_grants_an_application_not_enabled_on_every_place_above() {
    use super::rules::{check_applications, grantable};
    let s = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let allowed = s(&["ehealthbox", "heracles", "ebmpracticenet"]);
    let (quality, sub) = (s(&["ehealthbox", "heracles", "ebmpracticenet"]), s(&["heracles", "ehealthbox"]));
    let site = s(&["heracles"]);
    let can = grantable(&allowed, &[&quality, &sub, &site]);
    let known = |a: &str| allowed.iter().any(|x| x == a) || a == "dimona";
    assert_eq!(check_applications(&s(&["heracles"]), known, &can), Ok(()));
    assert_eq!(check_applications(&s(&["ehealthbox"]), known, &can), Err(Refusal::ApplicationNotVisible));
    assert_eq!(check_applications(&s(&["dimona"]), known, &can), Err(Refusal::ApplicationNotVisible));
    assert_eq!(check_applications(&s(&["solitaire"]), known, &can), Err(Refusal::UnknownApplication));
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
