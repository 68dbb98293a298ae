//! Whether to ask the person which profile they act in, and what to offer
//! (docs/RELYING_PARTIES.md, "Roles and profiles"). Pure.
//!
//! - A relying party bound to domains or secured applications: the profiles that give it
//!   something (at least one role concerning it). None: the citizen profile; exactly one:
//!   taken without asking; more: the chooser, with the citizen profile last.
//! - A general-purpose relying party (bound to nothing): the citizen profile, unless it asks
//!   for the chooser; the chooser then offers every profile.
//! - `prompt=select_account` (`always_ask`) always shows the chooser.
//! - A pinned enterprise narrows the offer to that enterprise's profiles; if the person holds
//!   none there, the request is refused (a pin never grants a profile).
//!
//! The last profile the person chose for this relying party is pre-selected.

use serde::{Deserialize, Serialize};

use crate::domain::{Audience, EnterpriseNumber, Profile};

/// What the protocol asks.
#[derive(Debug, Clone)]
pub struct ChoiceRequest<'a> {
    /// The client id (or SAML entity id).
    pub relying_party: &'a str,
    /// Its display name, for the chooser.
    pub relying_party_name: &'a str,
    pub audience: &'a Audience,
    /// `prompt=select_account` (or the SAML equivalent): always show the chooser.
    pub always_ask: bool,
    /// The enterprise the relying party asked the person to act for.
    pub pinned: Option<&'a EnterpriseNumber>,
}

/// The profiles offered to a person, kept with the login transaction until they answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub relying_party: String,
    pub relying_party_name: String,
    pub options: Vec<Profile>,
    /// The key of the profile chosen last time for this relying party, if offered.
    pub preselected: Option<String>,
}

impl Offer {
    /// The offered profile with this key.
    pub fn pick(&self, key: &str) -> Option<&Profile> {
        self.options.iter().find(|p| p.key() == key)
    }
}

/// Why no profile can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The relying party pinned an enterprise where the person holds no profile for it.
    NotHeld,
}

impl Refusal {
    pub fn description(self) -> &'static str {
        match self {
            Refusal::NotHeld => "the person holds no profile for the enterprise asked for",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Take(Profile),
    Ask(Offer),
    Refuse(Refusal),
}

/// The decision for `profiles` (the person's, citizen first), given the last choice.
pub fn decide(profiles: Vec<Profile>, req: &ChoiceRequest<'_>, remembered: Option<&str>) -> Decision {
    let general = req.audience.is_general();
    let giving: Vec<Profile> = profiles
        .into_iter()
        .filter(|p| !matches!(p, Profile::Citizen))
        .filter(|p| general || p.concerns(req.audience))
        .collect();
    let ask = |options: Vec<Profile>| {
        let preselected = remembered.filter(|k| options.iter().any(|p| p.key() == *k)).map(str::to_string);
        Decision::Ask(Offer {
            relying_party: req.relying_party.to_string(),
            relying_party_name: req.relying_party_name.to_string(),
            options,
            preselected,
        })
    };
    if let Some(pin) = req.pinned {
        let pinned: Vec<Profile> =
            giving.into_iter().filter(|p| p.enterprise_ref().is_some_and(|(n, _)| n == pin)).collect();
        return match pinned.len() {
            0 => Decision::Refuse(Refusal::NotHeld),
            1 if !req.always_ask => Decision::Take(pinned.into_iter().next().unwrap_or(Profile::Citizen)),
            _ => ask(pinned),
        };
    }
    let with_citizen = |mut list: Vec<Profile>| {
        list.push(Profile::Citizen);
        list
    };
    if req.always_ask {
        return ask(with_citizen(giving));
    }
    if general {
        return Decision::Take(Profile::Citizen);
    }
    match giving.len() {
        0 => Decision::Take(Profile::Citizen),
        1 => Decision::Take(giving.into_iter().next().unwrap_or(Profile::Citizen)),
        _ => ask(with_citizen(giving)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Concern, Role};

    fn ent(number: &str, roles: Vec<Role>) -> Profile {
        Profile::enterprise(EnterpriseNumber::parse(number).expect("valid"), number, roles)
    }

    fn am(domain: &str) -> Role {
        Role::new("btb", format!("access_manager:{domain}"))
            .concerning(Concern::Domain { code: domain.into() })
    }

    fn req<'a>(
        audience: &'a Audience,
        always_ask: bool,
        pinned: Option<&'a EnterpriseNumber>,
    ) -> ChoiceRequest<'a> {
        ChoiceRequest { relying_party: "rp", relying_party_name: "RP", audience, always_ask, pinned }
    }

    fn keys(d: &Decision) -> Vec<String> {
        match d {
            Decision::Ask(o) => o.options.iter().map(Profile::key).collect(),
            Decision::Take(p) => vec![format!("take {}", p.key())],
            Decision::Refuse(r) => vec![format!("refuse {r:?}")],
        }
    }

    #[test]
    fn the_chooser_appears_only_when_more_than_one_profile_gives_the_client_something() {
        let finance = Audience { domains: vec!["finance".into()], applications: vec![] };
        let a = ent("0474603083", vec![am("finance")]);
        let b = ent("0203430576", vec![am("health_care")]);
        let c = ent("0123456749", vec![am("finance")]);
        let person = vec![Profile::Citizen, a.clone(), b.clone()];
        assert_eq!(keys(&decide(person.clone(), &req(&finance, false, None), None)), ["take 0474603083"]);
        let two = vec![Profile::Citizen, a, b, c];
        assert_eq!(
            keys(&decide(two.clone(), &req(&finance, false, None), None)),
            ["0474603083", "0123456749", "citizen"]
        );
        let nothing = vec![Profile::Citizen];
        assert_eq!(keys(&decide(nothing.clone(), &req(&finance, false, None), None)), ["take citizen"]);
        assert_eq!(
            keys(&decide(nothing, &req(&finance, true, None), None)),
            ["citizen"],
            "select_account asks"
        );
        let general = Audience::default();
        assert_eq!(keys(&decide(two.clone(), &req(&general, false, None), None)), ["take citizen"]);
        assert_eq!(keys(&decide(two, &req(&general, true, None), None)).len(), 4, "all four offered");
        assert_eq!(keys(&decide(person, &req(&finance, true, None), None)), ["0474603083", "citizen"]);
    }

    #[test]
    fn a_pin_narrows_and_never_grants() {
        let finance = Audience { domains: vec!["finance".into()], applications: vec![] };
        let general = Audience::default();
        let held = EnterpriseNumber::parse("0474603083").expect("valid");
        let other = EnterpriseNumber::parse("0123456749").expect("valid");
        let person = vec![
            Profile::Citizen,
            ent("0474603083", vec![am("finance")]),
            ent("0203430576", vec![am("finance")]),
        ];
        assert_eq!(
            keys(&decide(person.clone(), &req(&finance, false, Some(&held)), None)),
            ["take 0474603083"]
        );
        assert_eq!(
            keys(&decide(person.clone(), &req(&general, false, Some(&held)), None)),
            ["take 0474603083"]
        );
        assert_eq!(keys(&decide(person.clone(), &req(&finance, true, Some(&held)), None)), ["0474603083"]);
        assert_eq!(keys(&decide(person, &req(&finance, false, Some(&other)), None)), ["refuse NotHeld"]);
        let health = Audience { domains: vec!["health_care".into()], applications: vec![] };
        let only_finance = vec![Profile::Citizen, ent("0474603083", vec![am("finance")])];
        assert_eq!(
            keys(&decide(only_finance, &req(&health, false, Some(&held)), None)),
            ["refuse NotHeld"],
            "a profile that gives this client nothing is not offered under a pin either"
        );
    }

    #[test]
    fn the_last_choice_is_preselected_only_when_offered() {
        let general = Audience::default();
        let person = vec![Profile::Citizen, ent("0474603083", vec![Role::new("legal", "zaakvoerder")])];
        let Decision::Ask(offer) = decide(person.clone(), &req(&general, true, None), Some("0474603083"))
        else {
            panic!("asks")
        };
        assert_eq!(offer.preselected.as_deref(), Some("0474603083"));
        assert!(offer.pick("0474603083").is_some() && offer.pick("0203430576").is_none());
        let Decision::Ask(offer) = decide(person, &req(&general, true, None), Some("site:gone")) else {
            panic!("asks")
        };
        assert_eq!(offer.preselected, None);
    }
}
