//! A **mock eIDAS node** for demo mode and tests: "DEMO — mock eIDAS node, not a real one".
//! It speaks the real protocol over real HTTP: it verifies the SP's signed `AuthnRequest`, lets
//! the tester choose a country, a demo identity and a LoA (or cancel), and answers with a
//! signed `Response` containing a signed `Assertion` (eIDAS SAML Message Format v1.2 §2.5).
//! The main crate serves [`router`] on its own port in demo mode only.

mod assertion;
mod incoming;
mod pages;
mod routes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::error::EidasConfigError;
use crate::kernel::saml::signing::{SigningKey, cert_der_from_pem};

pub use assertion::ResponseSpec;
pub use incoming::MockRequest;
pub use routes::router;

/// One selectable demo person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoIdentity {
    /// ISO 3166-1 alpha-2 of the identifying member state.
    pub country: String,
    /// `XX/BE/id`.
    pub person_identifier: String,
    pub family_name: String,
    pub given_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
}

/// `[demo.eidas_node]` settings.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockNodeConfig {
    /// The node's entity id (also the `Issuer` of its answers).
    pub entity_id: String,
    /// The public URL of its `/sso` endpoint (the `Destination` requests must carry).
    pub sso_url: String,
    /// PEM key/certificate; generated at start (RSA-2048, self-signed) when absent.
    #[serde(default)]
    pub signing_key_pem: Option<String>,
    #[serde(default)]
    pub signing_certificate_pem: Option<String>,
    /// The one registered service provider.
    pub sp_entity_id: String,
    pub sp_acs_url: String,
    pub sp_certificate_pem: String,
    /// Default: [`default_identities`].
    #[serde(default = "default_identities")]
    pub identities: Vec<DemoIdentity>,
    /// Encrypt assertions to the SP's certificate, as real nodes do.
    #[serde(default)]
    pub encrypts_assertions: bool,
}

/// The demo citizens: a Belgian (Jan Peeters, known to the National Register), the Dutch
/// director Willem de Vries (known to the BIS register by name and birth date, so eIDAS
/// logins are matched to his BIS number) and two foreigners unknown to the register.
pub fn default_identities() -> Vec<DemoIdentity> {
    let person = |country: &str, pid: &str, family: &str, given: &str, dob: &str| DemoIdentity {
        country: country.into(),
        person_identifier: pid.into(),
        family_name: family.into(),
        given_name: given.into(),
        date_of_birth: dob.into(),
    };
    vec![
        person("BE", "BE/BE/78031412349", "Peeters", "Jan", "1978-03-14"),
        person("NL", "NL/BE/123456782", "de Vries", "Willem", "1970-09-05"),
        person("FR", "FR/BE/1880275123456", "Rousseau", "Élodie", "1988-02-19"),
        person("DE", "DE/BE/T22000129", "Fischer", "Lena", "1992-06-01"),
    ]
}

/// A running mock node: its key, settings and open sessions.
#[derive(Clone)]
pub struct MockNode {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: MockNodeConfig,
    key: SigningKey,
    key_pem: (String, String),
    sp_cert_der: Vec<u8>,
    sessions: Mutex<HashMap<String, routes::Session>>,
}

impl MockNode {
    pub fn new(cfg: MockNodeConfig) -> Result<Self, EidasConfigError> {
        let (key_pem, cert_pem) = match (&cfg.signing_key_pem, &cfg.signing_certificate_pem) {
            (Some(k), Some(c)) => (k.clone(), c.clone()),
            _ => generate_key(&cfg.entity_id)?,
        };
        let key = SigningKey::from_pem(&key_pem, &cert_pem)?;
        let sp_cert_der = cert_der_from_pem(&cfg.sp_certificate_pem, "SP certificate")?;
        Ok(MockNode {
            inner: Arc::new(Inner {
                cfg,
                key,
                key_pem: (key_pem, cert_pem),
                sp_cert_der,
                sessions: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The node's signing certificate (PEM), for the SP's `node_certificate_pem`.
    pub fn certificate_pem(&self) -> &str {
        &self.inner.key_pem.1
    }

    pub fn config(&self) -> &MockNodeConfig {
        &self.inner.cfg
    }
}

/// A fresh RSA-2048 key and a self-signed certificate for it (the demo PKI's).
pub fn generate_key(common_name: &str) -> Result<(String, String), EidasConfigError> {
    crate::kernel::devpki::self_signed_rsa(common_name)
        .map_err(|e| EidasConfigError::Invalid { what: "generated key", reason: e.to_string() })
}
