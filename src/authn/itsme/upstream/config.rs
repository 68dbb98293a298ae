//! Configuration of one upstream OpenID provider (itsme by default).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::UpstreamError;
use crate::authn::itsme::jose::{DecryptionKey, SigningKey};

/// itsme's claim carrying the Belgian national register number.
pub const ITSME_NATIONAL_NUMBER: &str = "http://itsme.services/v2/claim/BENationalNumber";
/// itsme acr: confirmation in the app with the itsme code or biometrics.
pub const ITSME_ACR_BASIC: &str = "http://itsme.services/V2/claim/acr_basic";
/// itsme acr: confirmation in the app with the itsme code only (no biometrics).
pub const ITSME_ACR_ADVANCED: &str = "http://itsme.services/V2/claim/acr_advanced";

/// How Poort authenticates at the token endpoint (OpenID Connect Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// Signed JWT assertion with our signing key (itsme requires this).
    #[default]
    PrivateKeyJwt,
    /// HTTP Basic with `client_secret` (generic providers, e.g. panva oidc-provider).
    ClientSecretBasic,
}

/// Upstream provider configuration (TOML section `[itsme.upstream]`, unknown keys refused).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UpstreamConfig {
    /// Exact issuer identifier; discovery must return the same string (Discovery §4.3).
    /// Empty with the mock on: the mock's own issuer.
    pub issuer: String,
    pub client_id: String,
    /// Our callback, registered at the provider; compared exactly by it.
    /// Empty: `<server.public_url>/login/itsme/callback`.
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    /// Claims requested through the `claims` parameter (OpenID Connect Core §5.5), for the
    /// userinfo response. itsme delivers the national number only when asked this way.
    pub requested_claims: Vec<String>,
    /// Our private key (PEM, EC P-256 → ES256 or RSA → RS256) for private_key_jwt and request
    /// objects. Not a configuration key: read from `itsme.signing_key_path` at start.
    #[serde(skip)]
    pub signing_key_pem: Option<String>,
    /// Our RSA private key (PEM) to decrypt JWE id_tokens and userinfo. When set, plain
    /// (unencrypted) tokens are refused; when absent, only signed tokens are accepted.
    /// Not a configuration key: read from `itsme.encryption_key_path` at start.
    #[serde(skip)]
    pub encryption_key_pem: Option<String>,
    /// itsme signs then encrypts id_tokens and userinfo; a generic provider may not.
    /// When true an encryption key is required (generated in demo mode).
    pub is_token_encryption_required: bool,
    pub client_auth: ClientAuth,
    pub client_secret: Option<String>,
    /// Send the authorization parameters as a signed `request` JWT (OpenID Connect Core §6.1).
    pub use_request_object: bool,
    /// acr values we ask for, most preferred first (`acr_values`, Core §3.1.2.1).
    pub acr_values: Vec<String>,
    /// Our field → upstream claim name.
    pub claim_map: ClaimMap,
    /// Upstream acr → FAS level. An acr not listed here is refused.
    pub acr_map: BTreeMap<String, u16>,
    /// HTTP timeout per upstream call.
    pub timeout_secs: u64,
    /// A pending login older than this is refused at the callback.
    pub login_timeout_secs: u64,
    /// Allowed clock difference for `exp`/`iat`.
    pub clock_skew_secs: i64,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        Self::new("", "poort", "")
    }
}

/// Never prints the client secret or keys.
impl std::fmt::Debug for UpstreamConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("client_auth", &self.client_auth)
            .field("has_client_secret", &self.client_secret.is_some())
            .field("has_signing_key", &self.signing_key_pem.is_some())
            .field("has_encryption_key", &self.encryption_key_pem.is_some())
            .field("use_request_object", &self.use_request_object)
            .field("acr_map", &self.acr_map)
            .finish_non_exhaustive()
    }
}

/// Where each of our identity fields comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimMap {
    pub national_number: String,
    pub given_names: String,
    pub surname: String,
    pub birth_date: String,
    pub email: String,
}

impl Default for ClaimMap {
    fn default() -> Self {
        Self {
            national_number: ITSME_NATIONAL_NUMBER.into(),
            given_names: "given_name".into(),
            surname: "family_name".into(),
            birth_date: "birthdate".into(),
            email: "email".into(),
        }
    }
}

fn default_scopes() -> Vec<String> {
    // itsme selects the service by a `service:<CODE>` scope assigned at onboarding.
    ["openid", "profile", "email", "service:POORT_LOGIN"].map(String::from).to_vec()
}
fn default_requested_claims() -> Vec<String> {
    vec![ITSME_NATIONAL_NUMBER.into()]
}
fn default_acr_values() -> Vec<String> {
    vec![ITSME_ACR_ADVANCED.into()]
}
/// Both itsme acr values map to Level450: itsme is notified under eIDAS at assurance level
/// high; the two values differ only in how the user unlocks the confirmation in the app
/// (itsme code only for `acr_advanced`, code or biometrics for `acr_basic`), not in identity
/// proofing or the device binding. We still ask for `acr_advanced` by default.
fn default_acr_map() -> BTreeMap<String, u16> {
    BTreeMap::from([(ITSME_ACR_ADVANCED.into(), 450), (ITSME_ACR_BASIC.into(), 450)])
}
fn default_timeout() -> u64 {
    10
}
fn default_login_timeout() -> u64 {
    600
}
fn default_skew() -> i64 {
    60
}

/// The keys loaded from a configuration.
#[derive(Debug)]
pub struct ClientKeys {
    pub signing: Option<SigningKey>,
    pub decryption: Option<DecryptionKey>,
}

impl UpstreamConfig {
    /// A configuration with itsme defaults for everything but the essentials.
    pub fn new(issuer: &str, client_id: &str, redirect_uri: &str) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            scopes: default_scopes(),
            requested_claims: default_requested_claims(),
            signing_key_pem: None,
            encryption_key_pem: None,
            is_token_encryption_required: true,
            client_auth: ClientAuth::default(),
            client_secret: None,
            use_request_object: true,
            acr_values: default_acr_values(),
            claim_map: ClaimMap::default(),
            acr_map: default_acr_map(),
            timeout_secs: default_timeout(),
            login_timeout_secs: default_login_timeout(),
            clock_skew_secs: default_skew(),
        }
    }

    /// Checks coherence and loads the keys.
    pub fn load_keys(&self) -> Result<ClientKeys, UpstreamError> {
        let cfg = |m: &'static str| UpstreamError::Config(m);
        url::Url::parse(&self.issuer).map_err(|_| cfg("issuer is not a URL"))?;
        url::Url::parse(&self.redirect_uri).map_err(|_| cfg("redirect_uri is not a URL"))?;
        if !self.scopes.iter().any(|s| s == "openid") {
            return Err(cfg("scopes must contain openid"));
        }
        let signing = match &self.signing_key_pem {
            Some(pem) => Some(SigningKey::from_pem(pem).map_err(|e| cfg(e.0))?),
            None => None,
        };
        let needs_signing = self.use_request_object || self.client_auth == ClientAuth::PrivateKeyJwt;
        if needs_signing && signing.is_none() {
            return Err(cfg("signing_key_pem is required for private_key_jwt or request objects"));
        }
        if self.client_auth == ClientAuth::ClientSecretBasic && self.client_secret.is_none() {
            return Err(cfg("client_secret is required for client_secret_basic"));
        }
        let decryption = match &self.encryption_key_pem {
            Some(pem) => Some(DecryptionKey::from_pem(pem).map_err(|e| cfg(e.0))?),
            None => None,
        };
        Ok(ClientKeys { signing, decryption })
    }

    /// FAS level for an upstream acr, `None` when the acr is unknown.
    pub fn level_for_acr(&self, acr: &str) -> Option<u16> {
        self.acr_map.get(acr).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_toml_section_gets_itsme_defaults() {
        let cfg: UpstreamConfig = toml::from_str(
            r#"
            issuer = "https://idp.prd.itsme.services/v2"
            client_id = "poort"
            redirect_uri = "https://poort.example.be/login/itsme/callback"
            "#,
        )
        .expect("parse");
        assert_eq!(cfg.client_auth, ClientAuth::PrivateKeyJwt);
        assert!(cfg.use_request_object);
        assert_eq!(cfg.claim_map.national_number, ITSME_NATIONAL_NUMBER);
        assert_eq!(cfg.level_for_acr(ITSME_ACR_ADVANCED), Some(450));
        assert_eq!(cfg.level_for_acr("urn:something:else"), None);
        assert!(cfg.scopes.iter().any(|s| s.starts_with("service:")));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let parsed: Result<UpstreamConfig, _> = toml::from_str(
            r#"
            issuer = "https://idp.example"
            client_id = "poort"
            redirect_uri = "https://poort.example.be/cb"
            clientsecret = "typo"
            "#,
        );
        assert!(parsed.is_err());
    }

    #[test]
    fn private_key_jwt_without_a_signing_key_is_a_configuration_error() {
        let cfg = UpstreamConfig::new("https://idp.example", "poort", "https://poort.example.be/cb");
        assert_eq!(cfg.load_keys().unwrap_err().code(), "config");
    }
}
