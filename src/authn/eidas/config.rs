//! Configuration of Poort as an eIDAS service provider, and the prepared form used at runtime.

use serde::{Deserialize, Serialize};

use super::error::EidasConfigError;
use super::loa::Loa;
use crate::kernel::saml::signing::{SigningKey, cert_der_from_pem};

/// `eidas:SPType` (eIDAS SAML Message Format v1.2 §2.4.2): the sector of the relying party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpType {
    #[default]
    Public,
    Private,
}

impl SpType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpType::Public => "public",
            SpType::Private => "private",
        }
    }
}

fn default_loa() -> Loa {
    Loa::Substantial
}

fn default_skew() -> u64 {
    60
}

/// `[authn.eidas]` in the TOML settings. The node is given either by `node_metadata_url`
/// (+ `node_metadata_signing_certificate_pem`, metadata must be signed) or inline by
/// `node_entity_id` + `node_sso_url` + `node_certificate_pem`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EidasSpConfig {
    /// Our entity id; eIDAS recommends the URL of our metadata.
    pub entity_id: String,
    /// Our assertion consumer service (HTTP-POST).
    pub acs_url: String,
    /// PEM private key (RSA) signing our requests and metadata.
    pub signing_key_pem: String,
    /// PEM certificate of that key, published in our metadata.
    pub signing_certificate_pem: String,
    /// Default `public`.
    #[serde(default)]
    pub sp_type: SpType,
    /// Default `substantial`.
    #[serde(default = "default_loa")]
    pub requested_loa: Loa,
    /// Tolerance on every time check, default 60 s.
    #[serde(default = "default_skew")]
    pub clock_skew_secs: u64,
    #[serde(default)]
    pub node_metadata_url: Option<String>,
    #[serde(default)]
    pub node_metadata_signing_certificate_pem: Option<String>,
    #[serde(default)]
    pub node_entity_id: Option<String>,
    #[serde(default)]
    pub node_sso_url: Option<String>,
    #[serde(default)]
    pub node_certificate_pem: Option<String>,
}

impl std::fmt::Debug for EidasSpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EidasSpConfig")
            .field("entity_id", &self.entity_id)
            .field("acs_url", &self.acs_url)
            .field("signing_key_pem", &"<redacted>")
            .field("sp_type", &self.sp_type)
            .field("requested_loa", &self.requested_loa)
            .field("clock_skew_secs", &self.clock_skew_secs)
            .field("node_metadata_url", &self.node_metadata_url)
            .field("node_entity_id", &self.node_entity_id)
            .field("node_sso_url", &self.node_sso_url)
            .finish_non_exhaustive()
    }
}

/// What we trust about the eIDAS node.
#[derive(Debug, Clone)]
pub struct NodeTrust {
    pub entity_id: String,
    pub sso_url: String,
    /// DER of every signing certificate of the node (two during a key rollover): a
    /// signature verifying with any of them is the node's.
    pub certificates_der: Vec<Vec<u8>>,
}

/// The configuration, checked and with keys loaded: what the functions of this module take.
#[derive(Debug, Clone)]
pub struct ServiceProvider {
    pub entity_id: String,
    pub acs_url: String,
    pub sp_type: SpType,
    pub requested_loa: Loa,
    pub clock_skew: time::Duration,
    pub node: NodeTrust,
    pub(crate) key: SigningKey,
}

impl ServiceProvider {
    /// Loads a configuration whose node is given inline.
    pub fn new(cfg: &EidasSpConfig) -> Result<Self, EidasConfigError> {
        match (&cfg.node_entity_id, &cfg.node_sso_url, &cfg.node_certificate_pem) {
            (Some(entity_id), Some(sso_url), Some(pem)) => {
                let node = NodeTrust {
                    entity_id: entity_id.clone(),
                    sso_url: sso_url.clone(),
                    certificates_der: vec![cert_der_from_pem(pem, "node certificate")?],
                };
                Self::with_node(cfg, node)
            }
            _ => Err(EidasConfigError::NodeNotConfigured),
        }
    }

    /// Loads a configuration with a node found otherwise (e.g. [`super::metadata`]).
    pub fn with_node(cfg: &EidasSpConfig, node: NodeTrust) -> Result<Self, EidasConfigError> {
        for (what, value) in [("entity_id", &cfg.entity_id), ("acs_url", &cfg.acs_url)] {
            if value.trim().is_empty() {
                return Err(EidasConfigError::Invalid { what, reason: "empty".into() });
            }
        }
        url::Url::parse(&cfg.acs_url)
            .map_err(|e| EidasConfigError::Invalid { what: "acs_url", reason: e.to_string() })?;
        let key = SigningKey::from_pem(&cfg.signing_key_pem, &cfg.signing_certificate_pem)?;
        let skew = i64::try_from(cfg.clock_skew_secs.min(600)).unwrap_or(600);
        Ok(ServiceProvider {
            entity_id: cfg.entity_id.clone(),
            acs_url: cfg.acs_url.clone(),
            sp_type: cfg.sp_type,
            requested_loa: cfg.requested_loa,
            clock_skew: time::Duration::seconds(skew),
            node,
            key,
        })
    }
}
