//! [`AppState`]: every feature's handle, for the composition root, the command line and
//! the integration tests. No feature takes it: each router gets its own narrow state.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::access::btb::Btb;
use crate::authn::Authn;
use crate::authn::eid::EidEndpoint;
use crate::authn::eidas::EidasRuntime;
use crate::authn::itsme::ItsmeService;
use crate::authn::password::PasswordService;
use crate::config::Settings;
use crate::profile::ProfileService;
use crate::protocol::oidc::Provider;
use crate::registry::Registry;
use crate::store::Store;

/// Everything the application built. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

/// The pieces [`AppState`] holds.
pub(super) struct Parts {
    pub settings: Settings,
    pub store: Store,
    pub registry: Arc<dyn Registry>,
    pub provider: Arc<Provider>,
    pub authn: Authn,
    pub password: PasswordService,
    pub btb: Btb,
    pub profiles: ProfileService,
    pub social_security: crate::access::social_security::SocialSecurity,
    pub metrics: PrometheusHandle,
    pub eid: Option<EidEndpoint>,
    pub itsme: Option<Arc<ItsmeService>>,
    pub eidas: Option<Arc<EidasRuntime>>,
    /// The SAML identity provider, when `[saml]` is enabled.
    pub saml: Option<Arc<crate::protocol::saml::Idp>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("public_url", &self.public_url()).finish_non_exhaustive()
    }
}

impl AppState {
    pub(super) fn new(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn registry(&self) -> &dyn Registry {
        self.0.registry.as_ref()
    }

    pub(super) fn registry_arc(&self) -> Arc<dyn Registry> {
        self.0.registry.clone()
    }

    /// The public base URL (the OIDC issuer), without trailing slash.
    pub fn public_url(&self) -> &str {
        self.0.authn.public_url()
    }

    /// The login layer.
    pub fn authn(&self) -> &Authn {
        &self.0.authn
    }

    /// The OpenID Provider: issuer, signing keys, peppers.
    pub fn oidc(&self) -> &Provider {
        &self.0.provider
    }

    /// The OpenID Provider, shared.
    pub fn oidc_arc(&self) -> Arc<Provider> {
        self.0.provider.clone()
    }

    /// The username/password method (hashing pool, mailer, codes).
    pub fn password(&self) -> &PasswordService {
        &self.0.password
    }

    /// Social-security access management.
    pub fn social_security(&self) -> &crate::access::social_security::SocialSecurity {
        &self.0.social_security
    }

    /// The management of access managers (BTB).
    pub fn btb(&self) -> &Btb {
        &self.0.btb
    }

    /// The profile module: a person's profiles, the chooser, freshness.
    pub fn profiles(&self) -> &ProfileService {
        &self.0.profiles
    }

    pub(super) fn metrics(&self) -> &PrometheusHandle {
        &self.0.metrics
    }

    /// The eID TLS listener, when `[eid]` is enabled (its bound address and public URL).
    pub fn eid(&self) -> Option<&EidEndpoint> {
        self.0.eid.as_ref()
    }

    /// The itsme login method, when enabled.
    pub fn itsme(&self) -> Option<&ItsmeService> {
        self.0.itsme.as_deref()
    }

    /// The eIDAS service provider, when the method is enabled.
    pub fn eidas(&self) -> Option<&EidasRuntime> {
        self.0.eidas.as_deref()
    }

    /// The SAML identity provider, when it is enabled.
    pub fn saml(&self) -> Option<&crate::protocol::saml::Idp> {
        self.0.saml.as_deref()
    }

    pub(super) fn saml_arc(&self) -> Option<Arc<crate::protocol::saml::Idp>> {
        self.0.saml.clone()
    }
}
