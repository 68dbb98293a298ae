//! Social-security access management (docs/DOMAIN.md §7 and §11, seeds 001, 003, 004): an
//! enterprise's head access manager, co-heads or access managers of a domain activate a
//! quality (hoedanigheid) and appoint its local admin; below it subdivisions and sites get
//! their admins, and users at a site get secured applications and functions.
//!
//! `settings` is the catalogue (`[social_security]`); `rules` the decisions as plain
//! functions; `capability` the one place that gathers the facts and returns the
//! [`Decision`](crate::store::access_rights::Decision) a store write requires; `manage`
//! the actions and reads; `roles` a person's roles for the profile chooser
//! ([`roles_of`]); `api` the JSON API (`access:manage`).

pub mod api;
pub mod capability;
pub mod demo;
pub mod export;
pub mod list;
pub mod manage;
pub mod roles;
pub mod routes;
pub mod rules;
pub mod settings;

#[cfg(test)]
mod rules_table;

use std::sync::Arc;

pub use roles::{SsQualityRef, SsRole, SsRoleKind, SsSiteRef, SsSubdivisionRef, roles_of};
pub use rules::Refusal;
pub use settings::SocialSecuritySettings;

use crate::access::btb::Btb;
use crate::authn::password::PasswordService;
use crate::registry::{Registry, RegistryError};
use crate::store::{Store, StoreError};

/// Why a social-security action did not happen: a refusal, or a failure of ours.
#[derive(Debug, thiserror::Error)]
pub enum SsError {
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("password account: {0}")]
    Password(#[from] crate::authn::password::PasswordError),
}

/// The service: BTB (store, register, its settings), the password module (accounts of
/// appointed admins) and `[social_security]`. Cheap to clone.
#[derive(Clone)]
pub struct SocialSecurity(Arc<Inner>);

struct Inner {
    btb: Btb,
    password: PasswordService,
    settings: SocialSecuritySettings,
}

impl std::fmt::Debug for SocialSecurity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialSecurity")
            .field("qualities", &self.0.settings.qualities.len())
            .finish_non_exhaustive()
    }
}

impl SocialSecurity {
    pub fn new(btb: Btb, password: PasswordService, settings: SocialSecuritySettings) -> Self {
        Self(Arc::new(Inner { btb, password, settings }))
    }

    pub fn store(&self) -> &Store {
        self.0.btb.store()
    }

    pub fn registry(&self) -> &dyn Registry {
        self.0.btb.registry()
    }

    pub fn btb(&self) -> &Btb {
        &self.0.btb
    }

    pub fn password(&self) -> &PasswordService {
        &self.0.password
    }

    pub fn settings(&self) -> &SocialSecuritySettings {
        &self.0.settings
    }
}
