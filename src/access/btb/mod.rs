//! BTB, the management of access managers (Beheer der Toegangsbeheerders; docs/DOMAIN.md
//! §5–6, seed 000 §I–IV): a legal representative registers an enterprise and designates
//! its head access manager (`procedure`); the head appoints co-heads and access managers
//! per domain (`manage`); a person sees the enterprises they hold a role in (`entities`);
//! the register's lifecycle suspends roles whose basis ended (`lifecycle`).
//!
//! `rules` holds the decisions as plain functions; `capability` is the one place that
//! gathers the facts, applies them and returns the capability a store write requires.
//! `routes` are the pages, `api` the JSON API for people (`btb:manage`) and the web service
//! for access-management systems (`btb:read`).

pub mod api;
pub mod backoffice;
pub mod capability;
pub mod demo;
pub mod entities;
pub mod exception;
pub mod lifecycle;
pub mod mails;
pub mod manage;
pub mod pdf;
pub mod procedure;
pub mod routes;
pub mod rules;
pub mod settings;

#[cfg(test)]
mod rules_table;

use std::sync::Arc;

pub use capability::Who;
pub use rules::Refusal;
pub use settings::BtbSettings;

use crate::mail::Mailer;
use crate::registry::{Registry, RegistryError};
use crate::store::{Store, StoreError};

/// Why a BTB action did not happen: a refusal the person can act on, or a failure of ours.
#[derive(Debug, thiserror::Error)]
pub enum BtbError {
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

/// The BTB service: the store, the register, the mailer and `[btb]`. Cheap to clone.
#[derive(Clone)]
pub struct Btb(Arc<Inner>);

struct Inner {
    store: Store,
    registry: Arc<dyn Registry>,
    mailer: Mailer,
    settings: BtbSettings,
    public_url: String,
}

impl std::fmt::Debug for Btb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Btb").field("domains", &self.0.settings.domains.len()).finish_non_exhaustive()
    }
}

impl Btb {
    pub fn new(
        store: Store,
        registry: Arc<dyn Registry>,
        mailer: Mailer,
        settings: BtbSettings,
        public_url: String,
    ) -> Self {
        Self(Arc::new(Inner { store, registry, mailer, settings, public_url }))
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn registry(&self) -> &dyn Registry {
        self.0.registry.as_ref()
    }

    pub fn settings(&self) -> &BtbSettings {
        &self.0.settings
    }

    pub fn mailer(&self) -> &Mailer {
        &self.0.mailer
    }

    pub fn public_url(&self) -> &str {
        &self.0.public_url
    }
}

/// Today's date (UTC), for "valid today" in the register.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
