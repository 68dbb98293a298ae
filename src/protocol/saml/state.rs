//! [`SamlState`]: what the identity provider's endpoints need — the login layer, the
//! running identity provider and the profile module. Derefs to [`Authn`].

use std::sync::Arc;

use super::idp::Idp;
use crate::authn::Authn;
use crate::profile::ProfileService;

#[derive(Clone, Debug)]
pub struct SamlState {
    pub authn: Authn,
    pub idp: Arc<Idp>,
    pub profiles: ProfileService,
}

impl std::ops::Deref for SamlState {
    type Target = Authn;
    fn deref(&self) -> &Authn {
        &self.authn
    }
}
