//! [`OidcState`]: what the OpenID Provider's endpoints need — the login layer (sessions,
//! transactions, the store, the register) and the running provider (keys, clients,
//! peppers). Derefs to [`Authn`], so `state.store()` reads as before.

use std::sync::Arc;

use super::Provider;
use crate::authn::Authn;
use crate::profile::ProfileService;

/// The OpenID Provider's router state. Cheap to clone.
#[derive(Clone, Debug)]
pub struct OidcState {
    pub authn: Authn,
    pub provider: Arc<Provider>,
    /// Which profile the person acts in (asked, decided, kept fresh).
    pub profiles: ProfileService,
}

impl std::ops::Deref for OidcState {
    type Target = Authn;
    fn deref(&self) -> &Authn {
        &self.authn
    }
}

impl OidcState {
    /// The OpenID Provider: issuer, signing keys, peppers, clients.
    pub fn oidc(&self) -> &Provider {
        &self.provider
    }
}
