//! The digital keys: each login method implements [`LoginMethod`] (its entry on the login
//! page) and hands the composition root an [`Installed`] (the method, its router, the side
//! services it runs). Adding a method is one folder and one line in `app/methods.rs`.

use std::sync::Arc;

use axum::Router;

use super::transaction::LoginTransaction;
use crate::domain::AuthLevel;
use crate::kernel::serve::SideService;

/// One digital key on the login page.
#[derive(Debug, Clone)]
pub struct MethodEntry {
    pub id: &'static str,
    pub title_key: &'static str,
    pub text_key: &'static str,
    /// The level this key reaches (the strongest variant when a method has several).
    pub level: AuthLevel,
    /// Where the key's login starts (a site path or an absolute URL), carrying `tx`.
    pub start_url: String,
    /// Why the key cannot be used right now (a catalogue key), e.g. its external service is
    /// unreachable; the login page shows it disabled with that reason.
    pub unavailable_key: Option<&'static str>,
}

/// A login method as the login page sees it.
pub trait LoginMethod: Send + Sync {
    /// The method's code (`eid`, `itsme`, …), also the `method` of sessions it opens.
    fn id(&self) -> &'static str;

    /// Its entry on the login page of this transaction (`None`: not offered for it).
    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry>;
}

/// What a configured method gives the composition root.
pub struct Installed {
    pub method: Arc<dyn LoginMethod>,
    /// Its pages and endpoints on the main listener.
    pub router: Router,
    /// Listeners it runs beside the main one (the eID TLS listener, demo mocks).
    pub side: Vec<SideService>,
}

impl std::fmt::Debug for Installed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Installed").field("method", &self.method.id()).finish_non_exhaustive()
    }
}

/// The configured methods, in the order the composition root registered them.
#[derive(Clone, Default)]
pub struct Methods(Arc<Vec<Arc<dyn LoginMethod>>>);

impl std::fmt::Debug for Methods {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|m| m.id())).finish()
    }
}

impl Methods {
    pub fn new(methods: Vec<Arc<dyn LoginMethod>>) -> Self {
        Self(Arc::new(methods))
    }

    /// Every entry offered for this transaction, strongest first.
    pub fn available(&self, tx: &LoginTransaction) -> Vec<MethodEntry> {
        let mut entries: Vec<MethodEntry> = self.0.iter().filter_map(|m| m.entry(tx)).collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.level));
        entries
    }

    pub fn has(&self, id: &str) -> bool {
        self.0.iter().any(|m| m.id() == id)
    }
}
