//! The profile a person acts in after logging in (docs/DOMAIN.md §8): as a private citizen,
//! on behalf of an enterprise with the roles they hold there (legal representative, head
//! access manager, access manager of a domain, local admin of a quality, admin of a
//! subdivision), or as a user at a site of an enterprise with the secured applications and
//! functions they hold there. Chosen once per login transaction, kept with the grant,
//! projected into tokens by each protocol.
//!
//! Every role says whom it concerns ([`Concern`]): a relying party serving some domains and
//! secured applications ([`Audience`]) receives only the roles that concern it.

use serde::{Deserialize, Serialize};

use super::EnterpriseNumber;

/// In which capacity the person acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Profile {
    /// In their own name (no enterprise in the tokens).
    Citizen,
    /// On behalf of an enterprise, with the roles the person holds there. `quality` (and
    /// `subdivision`) are set for the profile of a local admin (subdivision admin) of one
    /// quality (subdivision) of the enterprise.
    Enterprise {
        number: EnterpriseNumber,
        name: String,
        roles: Vec<Role>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quality: Option<Place>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subdivision: Option<Place>,
    },
    /// As a user at one site of an enterprise: its secured applications and functions.
    Site {
        number: EnterpriseNumber,
        name: String,
        quality: Place,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subdivision: Option<Place>,
        site: Place,
        roles: Vec<Role>,
    },
}

/// A place in an enterprise's access-management tree: a quality (`id` its stable code), a
/// subdivision or a site (`id` Poort's identifier), with its display name and, where the
/// type has one, its official identifier (HCO number, RSZ number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

impl Profile {
    /// The enterprise profile of `number` with `roles`, no place.
    pub fn enterprise(number: EnterpriseNumber, name: impl Into<String>, roles: Vec<Role>) -> Self {
        Profile::Enterprise { number, name: name.into(), roles, quality: None, subdivision: None }
    }

    /// `citizen`, `enterprise` or `site` (the `kind` of the `chosen_profile` claim).
    pub fn kind(&self) -> &'static str {
        match self {
            Profile::Citizen => "citizen",
            Profile::Enterprise { .. } => "enterprise",
            Profile::Site { .. } => "site",
        }
    }

    /// A stable key naming this profile among a person's profiles (the chooser's form
    /// value, the remembered choice): `citizen`, the enterprise number, `quality:<number>:<code>`,
    /// `subdivision:<id>` or `site:<id>`.
    pub fn key(&self) -> String {
        match self {
            Profile::Citizen => "citizen".into(),
            Profile::Enterprise { number, quality: None, .. } => number.as_str().to_string(),
            Profile::Enterprise { subdivision: Some(s), .. } => format!("subdivision:{}", s.id),
            Profile::Enterprise { number, quality: Some(q), subdivision: None, .. } => {
                format!("quality:{}:{}", number.as_str(), q.id)
            }
            Profile::Site { site, .. } => format!("site:{}", site.id),
        }
    }

    /// The enterprise acted for, if any.
    pub fn enterprise_ref(&self) -> Option<(&EnterpriseNumber, &str)> {
        match self {
            Profile::Citizen => None,
            Profile::Enterprise { number, name, .. } | Profile::Site { number, name, .. } => {
                Some((number, name))
            }
        }
    }

    pub fn quality(&self) -> Option<&Place> {
        match self {
            Profile::Citizen => None,
            Profile::Enterprise { quality, .. } => quality.as_ref(),
            Profile::Site { quality, .. } => Some(quality),
        }
    }

    pub fn subdivision(&self) -> Option<&Place> {
        match self {
            Profile::Citizen => None,
            Profile::Enterprise { subdivision, .. } | Profile::Site { subdivision, .. } => {
                subdivision.as_ref()
            }
        }
    }

    pub fn site(&self) -> Option<&Place> {
        match self {
            Profile::Site { site, .. } => Some(site),
            _ => None,
        }
    }

    /// The roles of this profile (none as a citizen).
    pub fn roles(&self) -> &[Role] {
        match self {
            Profile::Citizen => &[],
            Profile::Enterprise { roles, .. } | Profile::Site { roles, .. } => roles,
        }
    }

    fn roles_mut(&mut self) -> Option<&mut Vec<Role>> {
        match self {
            Profile::Citizen => None,
            Profile::Enterprise { roles, .. } | Profile::Site { roles, .. } => Some(roles),
        }
    }

    /// Whether any role of this profile concerns `audience` (the profile gives that relying
    /// party something).
    pub fn concerns(&self, audience: &Audience) -> bool {
        self.roles().iter().any(|r| r.concern.concerns(audience))
    }

    /// This profile as `audience` may see it: only the roles that concern it.
    pub fn released_to(&self, audience: &Audience) -> Profile {
        let mut p = self.clone();
        if let Some(roles) = p.roles_mut() {
            roles.retain(|r| r.concern.concerns(audience));
        }
        p
    }
}

/// One role in a profile: a scope (`legal`, `employment`, `btb`, `ss`, `app`, `function`)
/// and a name within it. Its token form is `scope:name` (`legal:manager`,
/// `btb:access_manager:finance`, `app:heracles`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub scope: String,
    pub name: String,
    /// Which relying parties the role concerns.
    #[serde(default)]
    pub concern: Concern,
}

impl Role {
    /// A role that concerns every relying party serving a domain.
    pub fn new(scope: impl Into<String>, name: impl Into<String>) -> Self {
        Self { scope: scope.into(), name: name.into(), concern: Concern::AnyDomain }
    }

    /// The same role, concerning `concern`.
    pub fn concerning(mut self, concern: Concern) -> Self {
        self.concern = concern;
        self
    }

    /// The role as the `roles` claim writes it.
    pub fn claim(&self) -> String {
        format!("{}:{}", self.scope, self.name)
    }
}

/// Which relying parties a role concerns, given the domains and secured applications they
/// serve ([`Audience`]). A relying party that declares none is a general-purpose one: every
/// role concerns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case", deny_unknown_fields)]
pub enum Concern {
    /// Every relying party that serves at least one domain (a legal function, an
    /// employment, the head access manager: they are about the enterprise as a whole).
    #[default]
    AnyDomain,
    /// Relying parties serving this domain (an access manager of that domain).
    Domain { code: String },
    /// Relying parties serving the quality's domain or one of its secured applications (the
    /// admins of a quality or subdivision).
    Quality { domain: String, applications: Vec<String> },
    /// Relying parties serving one of these secured applications (a site user's
    /// applications and functions).
    Applications { codes: Vec<String> },
}

impl Concern {
    pub fn concerns(&self, audience: &Audience) -> bool {
        if audience.is_general() {
            return true;
        }
        let serves_app = |codes: &[String]| codes.iter().any(|c| audience.applications.contains(c));
        match self {
            Concern::AnyDomain => !audience.domains.is_empty(),
            Concern::Domain { code } => audience.domains.contains(code),
            Concern::Quality { domain, applications } => {
                audience.domains.contains(domain) || serves_app(applications)
            }
            Concern::Applications { codes } => serves_app(codes),
        }
    }
}

/// What a relying party serves: the domains (BTB domain codes) and secured applications
/// (catalogue codes) it was bound to. Empty: a general-purpose relying party.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub domains: Vec<String>,
    pub applications: Vec<String>,
}

impl Audience {
    /// Bound to nothing: every role concerns it, and it gets the citizen profile unless it
    /// asks for the chooser.
    pub fn is_general(&self) -> bool {
        self.domains.is_empty() && self.applications.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number() -> EnterpriseNumber {
        EnterpriseNumber::parse("0474.603.083").expect("valid")
    }

    #[test]
    fn a_profile_reads_back_what_it_wrote_and_refuses_a_bad_number() {
        let p = Profile::enterprise(number(), "IATREION BV", vec![Role::new("legal", "manager")]);
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(serde_json::from_str::<Profile>(&json).expect("back"), p);
        assert_eq!(serde_json::to_string(&Profile::Citizen).expect("json"), r#"{"kind":"citizen"}"#);
        let bad = json.replace("0474603083", "0474603084");
        assert!(serde_json::from_str::<Profile>(&bad).is_err(), "a wrong check digit is an error");
        assert!(serde_json::from_str::<Profile>(r#"{"kind":"boss"}"#).is_err());
        assert_eq!(p.roles()[0].claim(), "legal:manager");
        // A profile stored before roles said whom they concern still reads.
        let old = r#"{"kind":"enterprise","number":"0474603083","name":"X","roles":[{"scope":"legal","name":"manager"}]}"#;
        assert_eq!(serde_json::from_str::<Profile>(old).expect("old").roles()[0].concern, Concern::AnyDomain);
    }

    #[test]
    fn keys_name_each_kind_of_profile() {
        let q = Place { id: "mammography_unit".into(), name: "Mammography unit".into(), identifier: None };
        let s = Place { id: "s1".into(), name: "Campus Noord".into(), identifier: None };
        let sub = Place { id: "d1".into(), name: "Unit".into(), identifier: Some("71000436".into()) };
        assert_eq!(Profile::Citizen.key(), "citizen");
        assert_eq!(Profile::enterprise(number(), "X", vec![]).key(), "0474603083");
        let local = Profile::Enterprise {
            number: number(),
            name: "X".into(),
            roles: vec![],
            quality: Some(q.clone()),
            subdivision: None,
        };
        assert_eq!(local.key(), "quality:0474603083:mammography_unit");
        let sub_admin = Profile::Enterprise {
            number: number(),
            name: "X".into(),
            roles: vec![],
            quality: Some(q.clone()),
            subdivision: Some(sub),
        };
        assert_eq!(sub_admin.key(), "subdivision:d1");
        let site = Profile::Site {
            number: number(),
            name: "X".into(),
            quality: q,
            subdivision: None,
            site: s,
            roles: vec![],
        };
        assert_eq!((site.key().as_str(), site.kind()), ("site:s1", "site"));
    }

    #[test]
    fn roles_reach_only_the_relying_parties_they_concern() {
        let finance = Audience { domains: vec!["finance".into()], applications: vec![] };
        let heracles = Audience { domains: vec![], applications: vec!["heracles".into()] };
        let general = Audience::default();
        let legal = Role::new("legal", "manager");
        let am =
            Role::new("btb", "access_manager:finance").concerning(Concern::Domain { code: "finance".into() });
        let app =
            Role::new("app", "heracles").concerning(Concern::Applications { codes: vec!["heracles".into()] });
        let admin = Role::new("ss", "local_admin:mammography_unit").concerning(Concern::Quality {
            domain: "health_care".into(),
            applications: vec!["heracles".into()],
        });
        let cases = [
            (&legal, &finance, true),
            (&legal, &heracles, false),
            (&am, &finance, true),
            (&am, &heracles, false),
            (&app, &finance, false),
            (&app, &heracles, true),
            (&admin, &finance, false),
            (&admin, &heracles, true),
        ];
        for (role, audience, expected) in cases {
            assert_eq!(role.concern.concerns(audience), expected, "{} for {audience:?}", role.claim());
        }
        for role in [&legal, &am, &app, &admin] {
            assert!(role.concern.concerns(&general), "a general relying party gets every role");
        }
        let p = Profile::enterprise(number(), "X", vec![legal, am, app]);
        let claims = |p: &Profile| p.roles().iter().map(Role::claim).collect::<Vec<_>>();
        assert_eq!(claims(&p.released_to(&finance)), ["legal:manager", "btb:access_manager:finance"]);
        assert_eq!(claims(&p.released_to(&heracles)), ["app:heracles"]);
        assert!(!Profile::Citizen.concerns(&finance));
    }
}
