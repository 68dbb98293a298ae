//! Levels of assurance: how sure we are of who logged in.
//!
//! Poort speaks the FAS vocabulary (`urn:be:fedict:iam:fas:LevelNNN`, ordered by number)
//! and understands the eIDAS one (`http://eidas.europa.eu/LoA/low|substantial|high`):
//!
//! | method | FAS level | eIDAS |
//! | --- | --- | --- |
//! | username + password alone (only where configured) | Level200 | low |
//! | password + code by e-mail or from a token card | Level300 | substantial |
//! | password + code from a mobile app (TOTP) | Level400 | substantial |
//! | passkey (WebAuthn, user verification; amr `swk` `mfa`) | Level400 | substantial |
//! | itsme | Level450 | high |
//! | eID card with PIN | Level500 | high |
//!
//! An eIDAS login asserted at low/substantial/high counts as Level200/400/450.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A FAS level of assurance. Higher is stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct AuthLevel(u16);

/// Why a value is not a level of assurance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthLevelError {
    #[error("{0} is not a FAS level (100, 200, 300, 400, 450 or 500)")]
    UnknownNumber(u16),
    #[error("unknown acr value {0:?}")]
    UnknownAcr(String),
}

const FAS_PREFIX: &str = "urn:be:fedict:iam:fas:Level";
const EIDAS_PREFIX: &str = "http://eidas.europa.eu/LoA/";

impl AuthLevel {
    pub const LOW: AuthLevel = AuthLevel(200);
    pub const PASSWORD_WITH_CODE: AuthLevel = AuthLevel(300);
    pub const PASSWORD_WITH_APP: AuthLevel = AuthLevel(400);
    /// A passkey (WebAuthn) with user verification: a possession factor plus PIN or
    /// biometrics on the device (amr `swk`, `mfa`).
    pub const PASSKEY: AuthLevel = AuthLevel(400);
    pub const ITSME: AuthLevel = AuthLevel(450);
    pub const EID: AuthLevel = AuthLevel(500);
    /// Threshold for eIDAS `substantial` requests.
    pub const EIDAS_SUBSTANTIAL: AuthLevel = AuthLevel(300);
    /// Threshold for eIDAS `high` requests.
    pub const EIDAS_HIGH: AuthLevel = AuthLevel(450);

    pub fn new(level: u16) -> Result<Self, AuthLevelError> {
        match level {
            100 | 200 | 300 | 400 | 450 | 500 => Ok(Self(level)),
            other => Err(AuthLevelError::UnknownNumber(other)),
        }
    }

    pub fn number(self) -> u16 {
        self.0
    }

    /// The FAS acr value, e.g. `urn:be:fedict:iam:fas:Level500`.
    pub fn fas_urn(self) -> String {
        format!("{FAS_PREFIX}{}", self.0)
    }

    /// The eIDAS level this level reaches.
    pub fn eidas_name(self) -> &'static str {
        if self >= Self::EIDAS_HIGH {
            "high"
        } else if self >= Self::EIDAS_SUBSTANTIAL {
            "substantial"
        } else {
            "low"
        }
    }

    /// The level an upstream eIDAS assertion at `low|substantial|high` counts as.
    pub fn from_eidas_assertion(name: &str) -> Option<Self> {
        match name.strip_prefix(EIDAS_PREFIX).unwrap_or(name) {
            "low" => Some(Self::LOW),
            "substantial" => Some(Self::PASSWORD_WITH_APP),
            "high" => Some(Self::ITSME),
            _ => None,
        }
    }

    /// The minimum level an `acr_values` entry asks for, in either vocabulary.
    pub fn required_by_acr(acr: &str) -> Result<Self, AuthLevelError> {
        if let Some(n) = acr.strip_prefix(FAS_PREFIX) {
            let n: u16 = n.parse().map_err(|_| AuthLevelError::UnknownAcr(acr.to_string()))?;
            return Self::new(n).map_err(|_| AuthLevelError::UnknownAcr(acr.to_string()));
        }
        match acr.strip_prefix(EIDAS_PREFIX) {
            Some("low") => Ok(Self::LOW),
            Some("substantial") => Ok(Self::EIDAS_SUBSTANTIAL),
            Some("high") => Ok(Self::EIDAS_HIGH),
            _ => Err(AuthLevelError::UnknownAcr(acr.to_string())),
        }
    }

    pub fn satisfies(self, required: AuthLevel) -> bool {
        self >= required
    }
}

impl TryFrom<u16> for AuthLevel {
    type Error = AuthLevelError;
    fn try_from(v: u16) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<AuthLevel> for u16 {
    fn from(l: AuthLevel) -> u16 {
        l.0
    }
}

impl fmt::Display for AuthLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Level{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_vocabularies_are_understood_in_acr_values() {
        assert_eq!(AuthLevel::required_by_acr("urn:be:fedict:iam:fas:Level500"), Ok(AuthLevel::EID));
        assert_eq!(
            AuthLevel::required_by_acr("urn:be:fedict:iam:fas:Level300"),
            Ok(AuthLevel::PASSWORD_WITH_CODE)
        );
        assert_eq!(AuthLevel::required_by_acr("http://eidas.europa.eu/LoA/high"), Ok(AuthLevel::EIDAS_HIGH));
        assert_eq!(
            AuthLevel::required_by_acr("http://eidas.europa.eu/LoA/substantial"),
            Ok(AuthLevel::EIDAS_SUBSTANTIAL)
        );
        assert!(AuthLevel::required_by_acr("urn:be:fedict:iam:fas:Level999").is_err());
        assert!(AuthLevel::required_by_acr("gold").is_err());
    }

    #[test]
    fn itsme_and_eid_meet_eidas_high_but_a_password_with_app_does_not() {
        let high = AuthLevel::required_by_acr("http://eidas.europa.eu/LoA/high").expect("known");
        assert!(AuthLevel::ITSME.satisfies(high));
        assert!(AuthLevel::EID.satisfies(high));
        assert!(!AuthLevel::PASSWORD_WITH_APP.satisfies(high));
        assert!(AuthLevel::PASSWORD_WITH_CODE.satisfies(AuthLevel::EIDAS_SUBSTANTIAL));
        assert!(!AuthLevel::LOW.satisfies(AuthLevel::EIDAS_SUBSTANTIAL));
    }

    #[test]
    fn levels_print_as_fas_urns_and_eidas_names() {
        assert_eq!(AuthLevel::EID.fas_urn(), "urn:be:fedict:iam:fas:Level500");
        assert_eq!(AuthLevel::ITSME.eidas_name(), "high");
        assert_eq!(AuthLevel::PASSWORD_WITH_CODE.eidas_name(), "substantial");
        assert_eq!(AuthLevel::LOW.eidas_name(), "low");
        assert_eq!(
            AuthLevel::from_eidas_assertion("http://eidas.europa.eu/LoA/substantial"),
            Some(AuthLevel::PASSWORD_WITH_APP)
        );
    }
}
