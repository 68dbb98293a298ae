//! The profile a person acts in after logging in (docs/DOMAIN.md §8): as a private citizen, or
//! on behalf of an enterprise with the roles they hold there. Chosen once per login
//! transaction, kept with the grant, projected into tokens by each protocol.

use serde::{Deserialize, Serialize};

use super::EnterpriseNumber;

/// In which capacity the person acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Profile {
    /// In their own name (no enterprise in the tokens).
    Citizen,
    /// On behalf of an enterprise, with the roles the person holds there.
    Enterprise { number: EnterpriseNumber, name: String, roles: Vec<Role> },
}

impl Profile {
    /// The enterprise acted for, if any.
    pub fn enterprise(&self) -> Option<(&EnterpriseNumber, &str)> {
        match self {
            Profile::Citizen => None,
            Profile::Enterprise { number, name, .. } => Some((number, name)),
        }
    }

    /// The roles of this profile (none as a citizen).
    pub fn roles(&self) -> &[Role] {
        match self {
            Profile::Citizen => &[],
            Profile::Enterprise { roles, .. } => roles,
        }
    }
}

/// One role in a profile: a scope (`legal`, `employment`, …) and a name within it. Its
/// token form is `scope:name` (`legal:manager`, `employment:employee`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub scope: String,
    pub name: String,
}

impl Role {
    pub fn new(scope: impl Into<String>, name: impl Into<String>) -> Self {
        Self { scope: scope.into(), name: name.into() }
    }

    /// The role as the `roles` claim writes it.
    pub fn claim(&self) -> String {
        format!("{}:{}", self.scope, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_reads_back_what_it_wrote_and_refuses_a_bad_number() {
        let p = Profile::Enterprise {
            number: EnterpriseNumber::parse("0474.603.083").expect("valid"),
            name: "IATREION BV".into(),
            roles: vec![Role::new("legal", "manager")],
        };
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(serde_json::from_str::<Profile>(&json).expect("back"), p);
        assert_eq!(serde_json::to_string(&Profile::Citizen).expect("json"), r#"{"kind":"citizen"}"#);
        let bad = json.replace("0474603083", "0474603084");
        assert!(serde_json::from_str::<Profile>(&bad).is_err(), "a wrong check digit is an error");
        assert!(serde_json::from_str::<Profile>(r#"{"kind":"boss"}"#).is_err());
        assert_eq!(p.roles()[0].claim(), "legal:manager");
    }
}
