//! `[eid]` in the configuration: the eID TLS listener and its trust material.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::listener::EidListenerConfig;
use crate::kernel::ConfigError;

/// A configuration key of `[eid]`: `eid_key!(crls)` is eid.crls (spelled like this so that
/// the translation-key check does not take it for a catalogue key).
macro_rules! eid_key {
    ($key:ident) => {
        concat!("eid", ".", stringify!($key))
    };
}

/// The eID card login (TLS client certificate). Off unless configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EidSettings {
    pub is_enabled: bool,
    /// Address of the eID TLS listener (port 0 in tests).
    pub listen: SocketAddr,
    /// The listener's public base URL, e.g. `https://eid.poort.example.be`.
    /// Empty: `https://` + the bound address.
    pub public_url: String,
    /// PEM certificate chain and private key of the listener's TLS server certificate.
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// Root CA certificates (PEM) trusted for cards: Belgium Root CA 4/6 in production.
    pub trust_anchors: Vec<PathBuf>,
    /// Issuing CA certificates (PEM): Citizen CA / Foreigner CA, used when a card sends
    /// only its own certificate.
    pub intermediates: Vec<PathBuf>,
    /// CRLs (PEM) of the issuing CAs, re-read when the files change. With CRLs configured
    /// a card whose CA has no CRL here is refused.
    pub crls: Vec<PathBuf>,
    /// OCSP is not implemented: `true` is a configuration error.
    pub is_ocsp_enabled: bool,
    pub handshake_timeout_secs: u64,
    pub max_connections: usize,
    /// Demo mode only: a DEMO PKI (root, citizen CA, CRL, TLS server certificate) kept in
    /// this directory, created at start when missing; it supplies every empty file key
    /// above. Refused outside demo mode.
    pub demo_pki_dir: Option<PathBuf>,
}

impl Default for EidSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            public_url: String::new(),
            server_cert: PathBuf::new(),
            server_key: PathBuf::new(),
            trust_anchors: Vec::new(),
            intermediates: Vec::new(),
            crls: Vec::new(),
            is_ocsp_enabled: false,
            handshake_timeout_secs: 10,
            max_connections: 1024,
            demo_pki_dir: None,
        }
    }
}

fn invalid(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::invalid(key, problem)
}

impl EidSettings {
    /// Checks that go beyond types; each error names its key.
    pub fn validate(&self, is_demo: bool) -> Result<(), ConfigError> {
        if self.demo_pki_dir.is_some() && !is_demo {
            return Err(invalid(eid_key!(demo_pki_dir), "the DEMO eID PKI is refused outside demo mode"));
        }
        if !self.is_enabled {
            return Ok(());
        }
        if self.is_ocsp_enabled {
            return Err(invalid(
                eid_key!(is_ocsp_enabled),
                "OCSP checking is not implemented; use CRLs (`eid.crls`)",
            ));
        }
        if !self.public_url.is_empty() {
            let url = url::Url::parse(&self.public_url)
                .map_err(|e| invalid(eid_key!(public_url), format!("not a URL: {e}")))?;
            if url.scheme() != "https" || url.path() != "/" || url.query().is_some() {
                return Err(invalid(
                    eid_key!(public_url),
                    "must be https://host[:port] without path or query",
                ));
            }
        }
        if self.handshake_timeout_secs == 0 {
            return Err(invalid(eid_key!(handshake_timeout_secs), "must be at least 1"));
        }
        if self.max_connections == 0 {
            return Err(invalid(eid_key!(max_connections), "must be at least 1"));
        }
        if self.demo_pki_dir.is_none() {
            let files =
                [(eid_key!(server_cert), &self.server_cert), (eid_key!(server_key), &self.server_key)];
            for (key, path) in files {
                if path.as_os_str().is_empty() {
                    return Err(invalid(key, "required when eid.is_enabled"));
                }
            }
            if self.trust_anchors.is_empty() {
                return Err(invalid(eid_key!(trust_anchors), "at least one root CA is required"));
            }
        }
        Ok(())
    }

    /// The listener configuration, with empty file keys filled from the demo PKI paths.
    pub fn listener_config(&self, demo: Option<&super::cards::DemoPki>) -> EidListenerConfig {
        let or_demo = |path: &PathBuf, pick: fn(&super::cards::DemoPki) -> PathBuf| match demo {
            Some(pki) if path.as_os_str().is_empty() => pick(pki),
            _ => path.clone(),
        };
        let list_or_demo = |list: &Vec<PathBuf>, pick: fn(&super::cards::DemoPki) -> PathBuf| match demo {
            Some(pki) if list.is_empty() => vec![pick(pki)],
            _ => list.clone(),
        };
        EidListenerConfig {
            listen: self.listen,
            server_cert_pem: or_demo(&self.server_cert, |p| p.server_cert_pem.clone()),
            server_key_pem: or_demo(&self.server_key, |p| p.server_key_pem.clone()),
            trust_anchors: list_or_demo(&self.trust_anchors, |p| p.root_cert_pem.clone()),
            intermediates: list_or_demo(&self.intermediates, |p| p.citizen_cert_pem.clone()),
            crls: list_or_demo(&self.crls, |p| p.crl_pem.clone()),
            is_ocsp_enabled: self.is_ocsp_enabled,
            handshake_timeout_secs: self.handshake_timeout_secs,
            max_connections: self.max_connections,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> EidSettings {
        EidSettings {
            is_enabled: true,
            server_cert: "s.pem".into(),
            server_key: "s.key".into(),
            trust_anchors: vec!["root.pem".into()],
            ..EidSettings::default()
        }
    }

    #[test]
    fn eid_is_off_by_default_and_then_needs_nothing() {
        assert!(!EidSettings::default().is_enabled);
        assert!(EidSettings::default().validate(false).is_ok());
    }

    #[test]
    fn enabling_ocsp_is_a_configuration_error_naming_the_key() {
        let settings = EidSettings { is_ocsp_enabled: true, ..enabled() };
        let err = settings.validate(false).unwrap_err().to_string();
        assert!(err.contains(eid_key!(is_ocsp_enabled)) && err.contains("not implemented"), "{err}");
    }

    #[test]
    fn the_demo_pki_is_refused_outside_demo_mode() {
        let settings = EidSettings { demo_pki_dir: Some("data/eid-demo".into()), ..enabled() };
        assert!(settings.validate(true).is_ok());
        assert!(settings.validate(false).unwrap_err().to_string().contains(eid_key!(demo_pki_dir)));
    }

    #[test]
    fn without_a_demo_pki_the_trust_anchors_are_required() {
        let settings = EidSettings { trust_anchors: vec![], ..enabled() };
        assert!(settings.validate(false).unwrap_err().to_string().contains(eid_key!(trust_anchors)));
    }

    #[test]
    fn a_public_url_must_be_https_without_a_path() {
        for bad in ["http://eid.example", "https://eid.example/eid", "nonsense"] {
            let settings = EidSettings { public_url: bad.into(), ..enabled() };
            assert!(
                settings.validate(false).unwrap_err().to_string().contains(eid_key!(public_url)),
                "{bad}"
            );
        }
        let good = EidSettings { public_url: "https://127.0.0.1:8443".into(), ..enabled() };
        assert!(good.validate(false).is_ok());
    }
}
