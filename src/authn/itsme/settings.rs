//! The `[itsme]` configuration section: the upstream provider, Poort's client keys and the
//! demo-only mock provider.
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::mock::DemoIdentity;
use super::upstream::{ClientAuth, UpstreamConfig};
use crate::kernel::ConfigError;

/// `[itsme]`: login with itsme (or any OpenID provider configured like it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ItsmeSettings {
    /// Offer itsme on the login page. Off unless configured.
    pub is_enabled: bool,
    /// PEM private key (EC P-256 or RSA) signing our request objects and client assertions.
    /// Required outside demo mode when the upstream needs it; demo mode generates one.
    pub signing_key_path: Option<PathBuf>,
    /// PEM RSA private key decrypting id_tokens and userinfo (RSA-OAEP-256).
    /// Required outside demo mode when `upstream.is_token_encryption_required`.
    pub encryption_key_path: Option<PathBuf>,
    /// Where demo mode keeps the keys it generates and the mock's TLS certificate.
    pub demo_key_dir: PathBuf,
    /// The upstream OpenID provider (itsme in production).
    pub upstream: UpstreamConfig,
    /// `[itsme.mock]`: the mock itsme provider (demo mode only).
    pub mock: MockSettings,
}

/// `[itsme.mock]`: a mock itsme served by Poort on its own port, registered with Poort's
/// upstream client (client id, redirect URI, public keys) automatically.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MockSettings {
    /// Serve the mock. Refused outside demo mode.
    pub is_enabled: bool,
    /// Address of the mock's listener (port 0: any free port).
    pub listen: SocketAddr,
    /// Serve the mock over TLS with a demo certificate (CA under `demo_key_dir`).
    pub is_tls: bool,
    /// The persons a tester can choose on the mock's "confirm on your phone" page.
    pub identities: Vec<DemoIdentity>,
}

impl Default for ItsmeSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            signing_key_path: None,
            encryption_key_path: None,
            demo_key_dir: PathBuf::from("data/itsme"),
            upstream: UpstreamConfig::default(),
            mock: MockSettings::default(),
        }
    }
}

impl Default for MockSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 9443)),
            is_tls: true,
            identities: Vec::new(),
        }
    }
}

/// A configuration key of this section, e.g. `key!("mock.listen")` = `itsme.mock.listen`
/// (spelled in two parts so the translation-key check does not take it for a catalogue key).
macro_rules! key {
    ($rest:literal) => {
        concat!("itsme.", $rest)
    };
}

fn invalid(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { key, problem: problem.into() }
}

impl ItsmeSettings {
    /// Checks beyond types; every error names its key.
    pub fn validate(&self, is_demo: bool) -> Result<(), ConfigError> {
        if self.mock.is_enabled && !is_demo {
            return Err(invalid(key!("mock.is_enabled"), "the mock itsme is only allowed in demo mode"));
        }
        for identity in &self.mock.identities {
            identity.checked().map_err(|problem| invalid(key!("mock.identities"), problem))?;
        }
        if !self.is_enabled {
            return Ok(());
        }
        let up = &self.upstream;
        if up.issuer.is_empty() && !self.mock.is_enabled {
            return Err(invalid(key!("upstream.issuer"), "required (the issuer URL of the provider)"));
        }
        if !up.issuer.is_empty() && url::Url::parse(&up.issuer).is_err() {
            return Err(invalid(key!("upstream.issuer"), "not a URL"));
        }
        if !up.redirect_uri.is_empty() && url::Url::parse(&up.redirect_uri).is_err() {
            return Err(invalid(key!("upstream.redirect_uri"), "not a URL"));
        }
        if up.client_id.is_empty() {
            return Err(invalid(key!("upstream.client_id"), "required"));
        }
        if !up.scopes.iter().any(|s| s == "openid") {
            return Err(invalid(key!("upstream.scopes"), "must contain openid"));
        }
        if up.client_auth == ClientAuth::ClientSecretBasic && up.client_secret.is_none() {
            return Err(invalid(key!("upstream.client_secret"), "required for client_secret_basic"));
        }
        if let Some((acr, level)) =
            up.acr_map.iter().find(|(_, l)| crate::domain::AuthLevel::new(**l).is_err())
        {
            return Err(invalid(key!("upstream.acr_map"), format!("{acr}: {level} is not a FAS level")));
        }
        if !is_demo && self.needs_signing_key() && self.signing_key_path.is_none() {
            return Err(invalid(
                key!("signing_key_path"),
                "required for private_key_jwt or request objects (PEM, EC P-256 or RSA)",
            ));
        }
        if !is_demo && up.is_token_encryption_required && self.encryption_key_path.is_none() {
            return Err(invalid(
                key!("encryption_key_path"),
                "required when upstream.is_token_encryption_required (PEM, RSA)",
            ));
        }
        Ok(())
    }

    /// Whether our signing key is used (client assertions or request objects).
    pub fn needs_signing_key(&self) -> bool {
        self.upstream.use_request_object || self.upstream.client_auth == ClientAuth::PrivateKeyJwt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> ItsmeSettings {
        let mut s = ItsmeSettings { is_enabled: true, ..ItsmeSettings::default() };
        s.upstream.issuer = "https://idp.prd.itsme.services/v2".into();
        s
    }

    fn key_of(e: ConfigError) -> &'static str {
        match e {
            ConfigError::Invalid { key, .. } => key,
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn itsme_is_off_by_default_and_an_off_section_is_valid() {
        let s = ItsmeSettings::default();
        assert!(!s.is_enabled && !s.mock.is_enabled);
        s.validate(false).expect("valid");
    }

    #[test]
    fn the_mock_is_refused_outside_demo_mode() {
        let mut s = ItsmeSettings::default();
        s.mock.is_enabled = true;
        assert_eq!(key_of(s.validate(false).unwrap_err()), key!("mock.is_enabled"));
        s.validate(true).expect("allowed in demo mode");
    }

    #[test]
    fn outside_demo_mode_the_key_paths_are_required() {
        let mut s = enabled();
        assert_eq!(key_of(s.validate(false).unwrap_err()), key!("signing_key_path"));
        s.signing_key_path = Some("/etc/poort/itsme-signing.pem".into());
        assert_eq!(key_of(s.validate(false).unwrap_err()), key!("encryption_key_path"));
        s.encryption_key_path = Some("/etc/poort/itsme-encryption.pem".into());
        s.validate(false).expect("valid");
    }

    #[test]
    fn an_issuer_is_required_unless_the_mock_plays_it() {
        let mut s = enabled();
        s.upstream.issuer.clear();
        assert_eq!(key_of(s.validate(true).unwrap_err()), key!("upstream.issuer"));
        s.mock.is_enabled = true;
        s.validate(true).expect("the mock's issuer is used");
    }

    #[test]
    fn client_secret_basic_needs_a_secret_and_acr_levels_must_exist() {
        let mut s = enabled();
        s.upstream.client_auth = ClientAuth::ClientSecretBasic;
        assert_eq!(key_of(s.validate(true).unwrap_err()), key!("upstream.client_secret"));
        s.upstream.client_secret = Some("s".into());
        s.upstream.acr_map.insert("urn:x".into(), 451);
        assert_eq!(key_of(s.validate(true).unwrap_err()), key!("upstream.acr_map"));
    }

    #[test]
    fn a_toml_section_with_a_typo_is_refused() {
        let parsed: Result<ItsmeSettings, _> = toml::from_str("is_enabled = true\n[mock]\nlisen = \"x\"\n");
        assert!(parsed.is_err());
    }
}
