//! How a person authenticated, as it travels from the login transaction to a grant and
//! into tokens (`auth_time`, `acr`, `amr`, and for a card login the certificate facts).

use serde::{Deserialize, Serialize};

use super::AuthLevel;

/// The authentication behind a session, a transaction or a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthContext {
    /// When the person last actively authenticated (unix seconds; OIDC `auth_time`).
    pub auth_time: i64,
    /// The level of assurance reached (OIDC `acr` as a FAS URN).
    pub level: AuthLevel,
    /// Authentication method references (RFC 8176).
    pub amr: Vec<String>,
    /// The digital key used (`eid`, `itsme`, `eidas`, `password`, `passkey`, `test`).
    pub method: String,
    /// The authentication certificate of an eID card login (`None` for every other key).
    /// Always written (as `null` when absent); grants stored before it existed have no
    /// certificate, which is what they had: no card facts were ever released from them.
    #[serde(default)]
    pub certificate: Option<CertificateFacts>,
}

/// The facts of an eID authentication certificate a relying party may receive with scope
/// `certificateInfo` (`cert_subject`, `cert_issuer`, `cert_serial_number`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFacts {
    /// The subject distinguished name (RFC 4514 string). It carries the national number
    /// (`serialNumber`), so it is never logged.
    pub subject: String,
    /// The issuer distinguished name (RFC 4514 string), e.g. the Citizen CA.
    pub issuer: String,
    /// The certificate serial number, lowercase hexadecimal without separators.
    pub serial_number: String,
}

impl std::fmt::Debug for CertificateFacts {
    // The subject holds the full national number: never in a log line (docs/LOGGING.md).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateFacts")
            .field("issuer", &self.issuer)
            .field("serial_number", &self.serial_number)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> CertificateFacts {
        CertificateFacts {
            subject: "C=BE, CN=Jan Peeters (Authentication), serialNumber=78031412349".into(),
            issuer: "C=BE, CN=Citizen CA".into(),
            serial_number: "10a3".into(),
        }
    }

    #[test]
    fn the_subject_with_its_national_number_never_reaches_debug_output() {
        let text = format!("{:?}", card());
        assert!(!text.contains("78031412349") && text.contains("10a3"), "{text}");
    }

    #[test]
    fn a_context_round_trips_with_and_without_a_certificate() {
        let level = AuthLevel::new(500).expect("level");
        let with = AuthContext {
            auth_time: 1,
            level,
            amr: vec!["sc".into()],
            method: "eid".into(),
            certificate: Some(card()),
        };
        let text = serde_json::to_string(&with).expect("json");
        assert_eq!(serde_json::from_str::<AuthContext>(&text).expect("parse"), with);
        let old = r#"{"auth_time":1,"level":500,"amr":["pwd"],"method":"password"}"#;
        assert_eq!(serde_json::from_str::<AuthContext>(old).expect("parse").certificate, None);
        let corrupt = r#"{"auth_time":1,"level":500,"amr":[],"method":"eid","certificate":{"subject":"x"}}"#;
        assert!(serde_json::from_str::<AuthContext>(corrupt).is_err(), "a partial certificate is corrupt");
    }
}
