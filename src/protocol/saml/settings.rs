//! `[saml]`: the SAML 2.0 identity provider (off unless enabled).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::kernel::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SamlSettings {
    pub is_enabled: bool,
    /// Our entity ID. Empty: `{public_url}/saml/metadata`.
    pub entity_id: String,
    /// The signing key and certificate (PEM). In demo mode generated at first start when
    /// the files do not exist (or kept in memory when no path is set).
    pub signing_key_path: Option<PathBuf>,
    pub signing_certificate_path: Option<PathBuf>,
    /// Key rollover: the next certificate, published in the metadata beside the current one
    /// until the service providers have it; then it becomes `signing_certificate_path`.
    pub next_signing_certificate_path: Option<PathBuf>,
    /// An ECDSA P-256 key and certificate (PEM), used for the service providers whose
    /// metadata lists `ecdsa-sha256` among its `alg:SigningMethod`s. In demo mode generated
    /// at first start like the RSA key; otherwise optional (without it, RSA for everyone).
    pub ec_signing_key_path: Option<PathBuf>,
    pub ec_signing_certificate_path: Option<PathBuf>,
    /// How long an assertion may be used (`NotOnOrAfter`), in seconds.
    pub assertion_lifetime_secs: u64,
    /// How old an `AuthnRequest` may be (its `IssueInstant`), in seconds.
    pub request_max_age_secs: u64,
    /// Allowed clock difference with service providers, in seconds.
    pub clock_skew_secs: u64,
    /// `shibmd:Scope` published in the metadata (the domain of scoped attributes), if any.
    pub scope: Option<String>,
    /// Largest metadata document `poort saml sp add --metadata URL` reads, in bytes.
    pub metadata_max_bytes: usize,
    /// In demo mode: register the DEMO service provider at `/demo-sp`.
    pub is_demo_sp_enabled: bool,
}

impl Default for SamlSettings {
    fn default() -> Self {
        Self {
            is_enabled: false,
            entity_id: String::new(),
            signing_key_path: None,
            signing_certificate_path: None,
            next_signing_certificate_path: None,
            ec_signing_key_path: None,
            ec_signing_certificate_path: None,
            assertion_lifetime_secs: 300,
            request_max_age_secs: 600,
            clock_skew_secs: 60,
            scope: None,
            metadata_max_bytes: 1024 * 1024,
            is_demo_sp_enabled: true,
        }
    }
}

impl SamlSettings {
    pub fn validate(&self, is_demo: bool) -> Result<(), ConfigError> {
        if !self.is_enabled {
            return Ok(());
        }
        let invalid =
            |key: &'static str, problem: &str| Err(ConfigError::Invalid { key, problem: problem.into() });
        if !(30..=3600).contains(&self.assertion_lifetime_secs) {
            return invalid(concat!("saml", ".assertion_lifetime_secs"), "must be between 30 and 3600");
        }
        if !(60..=3600).contains(&self.request_max_age_secs) {
            return invalid(concat!("saml", ".request_max_age_secs"), "must be between 60 and 3600");
        }
        if self.clock_skew_secs > 600 {
            return invalid(concat!("saml", ".clock_skew_secs"), "must be at most 600");
        }
        if !is_demo && (self.signing_key_path.is_none() || self.signing_certificate_path.is_none()) {
            return invalid(
                concat!("saml", ".signing_key_path"),
                "the signing key and certificate files are required outside demo mode",
            );
        }
        if self.ec_signing_key_path.is_some() != self.ec_signing_certificate_path.is_some() {
            return invalid(
                concat!("saml", ".ec_signing_key_path"),
                "the ECDSA key and its certificate go together",
            );
        }
        if !self.entity_id.is_empty() && !self.entity_id.contains(':') {
            return invalid(concat!("saml", ".entity_id"), "must be a URI");
        }
        Ok(())
    }
}
