//! The `[oidc]` configuration section: issuer, keys and rotation, lifetimes, the pepper of
//! client secrets, dynamic registration, consent, and the clients declared in the file.

use serde::{Deserialize, Serialize};

use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::keys::Alg;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcSettings {
    /// The issuer. Empty (the default): `server.public_url`. Set it only when a proxy
    /// publishes Poort under another base URL; every endpoint is published under it.
    pub issuer: String,
    /// Algorithms Poort keeps a signing key for (JWKS); ES256 is the default for clients.
    pub signing_algs: Vec<Alg>,
    /// A key older than this is rotated (at start and by the hourly check). 0: never.
    pub key_rotation_days: u64,
    /// How long a retired key is still published and verifies, seconds. Must exceed the
    /// longest token lifetime plus the relying parties' JWKS cache time.
    pub key_overlap_secs: i64,
    /// Seconds an authorization code is valid (RFC 6749 §4.1.2: at most 10 minutes).
    pub code_lifetime_secs: i64,
    /// Base64 of at least 32 bytes: the HMAC pepper of client secrets. Empty: derived from
    /// `security.secret_key` ("oidc-client-secret"). Changing it invalidates every secret.
    pub client_secret_pepper: crate::kernel::Secret<String>,
    /// Bearer token that allows dynamic client registration (RFC 7591 §3). Empty: the
    /// registration endpoint is off.
    pub registration_initial_access_token: String,
    /// PKCE for clients that register themselves (RFC 7591). `true` (the default): every
    /// registered client must use PKCE S256. `false`: a registered confidential client may
    /// leave it out when it sends a `nonce` (RFC 9700 §2.1.1; the OpenID conformance
    /// suite's clients send no PKCE); public clients always need it.
    pub registered_clients_require_pkce: bool,
    /// First-party clients skip the consent page.
    pub is_consent_skipped_for_first_party: bool,
    /// Attempts of a back-channel logout delivery before it is recorded as failed.
    pub backchannel_max_attempts: u32,
    /// Relying parties declared here are synced into the database at start (and removed
    /// from it when removed from the file).
    pub clients: Vec<Client>,
}

impl Default for OidcSettings {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            signing_algs: vec![Alg::ES256, Alg::RS256],
            key_rotation_days: 30,
            key_overlap_secs: 2 * 24 * 3600,
            code_lifetime_secs: 60,
            client_secret_pepper: Default::default(),
            registration_initial_access_token: String::new(),
            registered_clients_require_pkce: true,
            is_consent_skipped_for_first_party: true,
            backchannel_max_attempts: 5,
            clients: Vec::new(),
        }
    }
}

impl OidcSettings {
    /// Checks beyond types; the error names the key.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !self.signing_algs.contains(&Alg::ES256) {
            return Err(("oidc.signing_algs", "must contain ES256 (the default algorithm)".into()));
        }
        if !(1..=600).contains(&self.code_lifetime_secs) {
            return Err(("oidc.code_lifetime_secs", "must be between 1 and 600".into()));
        }
        if self.key_overlap_secs < 3600 {
            return Err(("oidc.key_overlap_secs", "must be at least 3600".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.clients {
            if !seen.insert(c.id.as_str()) {
                return Err(("oidc.clients", format!("client id {} appears twice", c.id)));
            }
            if c.redirect_uris.iter().any(|u| url::Url::parse(u).is_err()) {
                return Err(("oidc.clients", format!("client {}: a redirect URI is not a URL", c.id)));
            }
            let needs_secret = matches!(
                c.auth_method,
                crate::protocol::oidc::client::AuthMethod::ClientSecretBasic
                    | crate::protocol::oidc::client::AuthMethod::ClientSecretPost
            );
            if needs_secret && c.secret.is_none() && c.secret_hash.is_none() {
                return Err(("oidc.clients", format!("client {}: secret is required", c.id)));
            }
        }
        if !self.client_secret_pepper.is_empty() {
            use base64::Engine as _;
            let ok = base64::engine::general_purpose::STANDARD
                .decode(self.client_secret_pepper.expose().trim())
                .is_ok_and(|b| b.len() >= 32);
            if !ok {
                return Err(("oidc.client_secret_pepper", "must be base64 of at least 32 bytes".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_client(text: &str) -> OidcSettings {
        OidcSettings { clients: vec![toml::from_str(text).expect("client")], ..Default::default() }
    }

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(OidcSettings::default().validate(), Ok(()));
    }

    #[test]
    fn a_secret_client_without_a_secret_is_refused_naming_the_key() {
        let s = with_client(
            "id='a'\nname='A'\nkind='confidential'\nauth_method='client_secret_basic'\nredirect_uris=['https://a/cb']\nscopes=[]",
        );
        let (key, problem) = s.validate().expect_err("refused");
        assert_eq!(key, "oidc.clients");
        assert!(problem.contains("secret"), "{problem}");
    }

    #[test]
    fn a_configured_secret_is_never_printed_or_serialised() {
        let s = with_client(
            "id='a'\nname='A'\nkind='confidential'\nsecret='s3cret-value'\nauth_method='client_secret_basic'\nredirect_uris=['https://a/cb']\nscopes=[]",
        );
        assert!(!format!("{s:?}").contains("s3cret-value"));
        assert!(!serde_json::to_string(&s).expect("json").contains("s3cret-value"));
    }

    #[test]
    fn without_es256_or_with_a_short_overlap_the_settings_are_refused() {
        let s = OidcSettings { signing_algs: vec![Alg::RS256], ..Default::default() };
        assert_eq!(s.validate().expect_err("refused").0, "oidc.signing_algs");
        let s = OidcSettings { key_overlap_secs: 10, ..Default::default() };
        assert_eq!(s.validate().expect_err("refused").0, "oidc.key_overlap_secs");
    }
}
