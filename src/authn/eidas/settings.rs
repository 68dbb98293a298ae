//! `[eidas]` and `[eidas.mock]` in the settings file: Poort as a SAML service provider of an
//! eIDAS node, and the mock node that plays that node in demo mode.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::config::SpType;
use super::loa::Loa;
use super::mock::{DemoIdentity, default_identities};
use crate::kernel::ConfigError;

/// `[eidas]`. Off unless configured; the demo configuration turns it on with its mock.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EidasSettings {
    pub is_enabled: bool,
    /// Our SAML entity id. Empty: `{public_url}/login/eidas/metadata` (eIDAS recommends
    /// the URL of the metadata).
    pub entity_id: String,
    /// Our assertion consumer service. Empty: `{public_url}/login/eidas/acs`.
    pub acs_url: String,
    /// PEM files of the RSA key signing our requests and metadata, and its certificate.
    /// Required outside demo mode; in demo mode they are generated at first start (and
    /// kept in memory when no path is given).
    pub signing_key_path: Option<PathBuf>,
    pub signing_certificate_path: Option<PathBuf>,
    pub sp_type: SpType,
    /// The lowest eIDAS level ever requested; a transaction may require more.
    pub requested_loa: Loa,
    /// Tolerance on every time check, in seconds.
    pub clock_skew_secs: u64,
    /// The node by its (signed) metadata …
    pub node_metadata_url: Option<String>,
    pub node_metadata_signing_certificate_path: Option<PathBuf>,
    /// … or inline.
    pub node_entity_id: Option<String>,
    pub node_sso_url: Option<String>,
    pub node_certificate_path: Option<PathBuf>,
    /// More node signing certificates trusted beside `node_certificate_path` (a node's key
    /// rollover publishes the next one before it is used).
    pub node_extra_certificate_paths: Vec<PathBuf>,
    pub mock: EidasMockSettings,
}

/// `[eidas.mock]`: the DEMO mock eIDAS node, served on its own port. Refused outside demo
/// mode. When on, it is the node (the `node_*` keys are ignored).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EidasMockSettings {
    pub is_enabled: bool,
    /// Its listener; port 0 picks a free one (tests).
    pub listen: SocketAddr,
    /// The URL browsers reach it at. Empty: `https://` (or `http://` without TLS) + the
    /// bound address.
    pub public_url: String,
    /// Serve over TLS with a demo certificate (CA created once under `demo_tls_dir`, to
    /// import in a browser). Off only behind a TLS-terminating proxy.
    pub is_tls: bool,
    /// Where the demo CA of the mock's TLS certificate is kept.
    pub demo_tls_dir: PathBuf,
    /// The people one can log in as.
    pub identities: Vec<DemoIdentity>,
    /// Encrypt assertions to our certificate, as real nodes do (off: in the clear).
    pub encrypts_assertions: bool,
}

impl Default for EidasSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            entity_id: String::new(),
            acs_url: String::new(),
            signing_key_path: None,
            signing_certificate_path: None,
            sp_type: SpType::Public,
            requested_loa: Loa::Low,
            clock_skew_secs: 60,
            node_metadata_url: None,
            node_metadata_signing_certificate_path: None,
            node_entity_id: None,
            node_sso_url: None,
            node_certificate_path: None,
            node_extra_certificate_paths: Vec::new(),
            mock: EidasMockSettings::default(),
        }
    }
}

impl Default for EidasMockSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 9444)),
            public_url: String::new(),
            is_tls: true,
            demo_tls_dir: PathBuf::from("data/eidas-mock"),
            identities: default_identities(),
            encrypts_assertions: true,
        }
    }
}

/// A settings key of this section: `key!("mock.listen")` is the full key, with the section prefix.
macro_rules! key {
    ($name:literal) => {
        concat!("eidas.", $name)
    };
}
pub(crate) use key;

fn invalid(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { key, problem: problem.into() }
}

impl EidasSettings {
    /// Checks beyond types; every error names its key.
    pub fn validate(&self, is_demo: bool) -> Result<(), ConfigError> {
        if self.clock_skew_secs > 600 {
            return Err(invalid(key!("clock_skew_secs"), "at most 600"));
        }
        for (key, value) in [(key!("entity_id"), &self.entity_id), (key!("acs_url"), &self.acs_url)] {
            if !value.is_empty() && url::Url::parse(value).is_err() {
                return Err(invalid(key, "must be an absolute URL"));
            }
        }
        if self.mock.is_enabled {
            if !is_demo {
                return Err(invalid(
                    key!("mock.is_enabled"),
                    "the mock eIDAS node is refused outside demo mode",
                ));
            }
            if self.mock.identities.is_empty() {
                return Err(invalid(key!("mock.identities"), "at least one demo identity"));
            }
            for who in &self.mock.identities {
                let prefix = format!("{}/BE/", who.country);
                if who.country.len() != 2 || !who.person_identifier.starts_with(&prefix) {
                    return Err(invalid(
                        key!("mock.identities"),
                        format!("{} must start with {prefix}", who.person_identifier),
                    ));
                }
            }
        }
        if !self.is_enabled {
            return Ok(());
        }
        if !is_demo && (self.signing_key_path.is_none() || self.signing_certificate_path.is_none()) {
            return Err(invalid(
                key!("signing_key_path"),
                "eidas.signing_key_path and eidas.signing_certificate_path are required outside demo mode",
            ));
        }
        if self.signing_key_path.is_some() != self.signing_certificate_path.is_some() {
            return Err(invalid(
                key!("signing_certificate_path"),
                "give both eidas.signing_key_path and eidas.signing_certificate_path, or neither",
            ));
        }
        if self.mock.is_enabled {
            return Ok(());
        }
        let by_metadata = self.node_metadata_url.is_some();
        let inline = self.node_entity_id.is_some() || self.node_sso_url.is_some();
        match (by_metadata, inline) {
            (true, true) => Err(invalid(
                key!("node_metadata_url"),
                "give the node by metadata or inline (node_entity_id, node_sso_url), not both",
            )),
            (true, false) if self.node_metadata_signing_certificate_path.is_none() => Err(invalid(
                key!("node_metadata_signing_certificate_path"),
                "required with eidas.node_metadata_url (node metadata must be signed)",
            )),
            (false, true)
                if self.node_entity_id.is_none()
                    || self.node_sso_url.is_none()
                    || self.node_certificate_path.is_none() =>
            {
                Err(invalid(
                    key!("node_sso_url"),
                    "eidas.node_entity_id, eidas.node_sso_url and eidas.node_certificate_path go together",
                ))
            }
            (false, false) => Err(invalid(
                key!("node_metadata_url"),
                "the eIDAS node is not configured: give eidas.node_metadata_url or eidas.node_sso_url (or enable eidas.mock in demo mode)",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mock_node_is_refused_outside_demo_mode() {
        let mut s = EidasSettings { is_enabled: true, ..EidasSettings::default() };
        s.mock.is_enabled = true;
        let err = s.validate(false).expect_err("refused");
        assert!(err.to_string().contains(key!("mock.is_enabled")), "{err}");
        assert!(s.validate(true).is_ok());
    }

    #[test]
    fn an_enabled_method_without_a_node_names_the_missing_key() {
        let s = EidasSettings { is_enabled: true, ..EidasSettings::default() };
        let err = s.validate(true).expect_err("refused");
        assert!(err.to_string().contains(key!("node_metadata_url")), "{err}");
    }

    #[test]
    fn outside_demo_mode_the_signing_key_must_be_given() {
        let s = EidasSettings {
            is_enabled: true,
            node_entity_id: Some("https://node.example/metadata".into()),
            node_sso_url: Some("https://node.example/sso".into()),
            node_certificate_path: Some("node.pem".into()),
            ..EidasSettings::default()
        };
        let err = s.validate(false).expect_err("refused");
        assert!(err.to_string().contains(key!("signing_key_path")), "{err}");
    }

    #[test]
    fn metadata_without_its_signing_certificate_is_refused() {
        let s = EidasSettings {
            is_enabled: true,
            node_metadata_url: Some("https://node.example/metadata".into()),
            ..EidasSettings::default()
        };
        let err = s.validate(true).expect_err("refused");
        assert!(err.to_string().contains("node_metadata_signing_certificate_path"), "{err}");
    }
}
