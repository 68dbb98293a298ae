//! Mock itsme configuration (TOML in demo mode).
use josekit::jwk::{Jwk, JwkSet};
use serde::{Deserialize, Serialize};

use crate::domain::NationalNumber;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockConfig {
    /// The mock's own origin, e.g. `https://localhost:8443`.
    pub issuer: String,
    /// PEM private key (EC P-256 or RSA); generated at start when absent.
    #[serde(default)]
    pub signing_key_pem: Option<String>,
    pub clients: Vec<MockClient>,
    pub identities: Vec<DemoIdentity>,
    #[serde(default = "default_code_ttl")]
    pub code_ttl_secs: i64,
    #[serde(default = "default_interaction_ttl")]
    pub interaction_ttl_secs: i64,
    #[serde(default = "default_max_entries")]
    pub max_entries: usize,
}

/// How a registered client authenticates at `/token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MockClientAuth {
    #[default]
    PrivateKeyJwt,
    ClientSecretBasic,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockClient {
    pub client_id: String,
    /// Compared exactly (RFC 6749 §3.1.2.3).
    pub redirect_uris: Vec<String>,
    /// The client's public JWK set: `use=sig` keys verify client assertions and request
    /// objects; an RSA `use=enc` key makes id_token and userinfo encrypted to it.
    #[serde(default)]
    pub jwks: Option<serde_json::Value>,
    #[serde(default)]
    pub token_endpoint_auth_method: MockClientAuth,
    #[serde(default)]
    pub client_secret: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoIdentity {
    pub national_number: String,
    pub given_names: String,
    pub surname: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    #[serde(default)]
    pub email: Option<String>,
}

impl MockConfig {
    /// Lifetimes and limits for demo use; issuer, clients and identities still to be set.
    pub fn defaults_for_demo() -> Self {
        Self {
            issuer: String::new(),
            signing_key_pem: None,
            clients: Vec::new(),
            identities: Vec::new(),
            code_ttl_secs: default_code_ttl(),
            interaction_ttl_secs: default_interaction_ttl(),
            max_entries: default_max_entries(),
        }
    }
}

fn default_code_ttl() -> i64 {
    60
}
fn default_interaction_ttl() -> i64 {
    600
}
fn default_max_entries() -> usize {
    10_000
}

impl MockClient {
    /// Splits the registered JWK set into signature keys and the encryption key.
    pub(super) fn split_keys(&self) -> Result<(JwkSet, Option<Jwk>), String> {
        let mut sig = JwkSet::new();
        let mut enc = None;
        if let Some(value) = &self.jwks {
            let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
            let set =
                JwkSet::from_bytes(bytes).map_err(|_| format!("client {}: bad jwks", self.client_id))?;
            for k in set.keys() {
                match k.key_use() {
                    Some("enc") => enc = Some(k.clone()),
                    _ => sig.push_key(k.clone()),
                }
            }
        }
        let needs_sig = self.token_endpoint_auth_method == MockClientAuth::PrivateKeyJwt;
        if needs_sig && sig.keys().is_empty() {
            return Err(format!("client {}: private_key_jwt needs a signing key", self.client_id));
        }
        if !needs_sig && self.client_secret.is_none() {
            return Err(format!("client {}: client_secret_basic needs a secret", self.client_id));
        }
        Ok((sig, enc))
    }
}

impl DemoIdentity {
    pub(crate) fn checked(&self) -> Result<time::Date, String> {
        NationalNumber::parse(&self.national_number).map_err(|e| format!("demo identity: {e}"))?;
        time::Date::parse(&self.birth_date, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| "demo identity: birth_date is not YYYY-MM-DD".to_owned())
    }

    /// `85.07.30-***.28`: enough for the tester to tell identities apart.
    pub fn masked_number(&self) -> String {
        let n = &self.national_number;
        let d: String = n.chars().filter(char::is_ascii_digit).collect();
        if d.len() == 11 {
            format!("{}.{}.{}-***.{}", &d[..2], &d[2..4], &d[4..6], &d[9..])
        } else {
            "***".into()
        }
    }

    pub fn digits(&self) -> String {
        self.national_number.chars().filter(char::is_ascii_digit).collect()
    }
}
