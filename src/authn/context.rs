//! [`Authn`]: what every login step needs — the store, the register, the session settings,
//! how cookies are set, and who hears of a session's end. Every login method's state holds
//! one; the composition root builds it once.

use std::sync::Arc;

use super::events::SessionEvents;
use super::settings::SessionSettings;
use crate::registry::Registry;
use crate::store::Store;
use crate::web::CookiePolicy;

/// The login layer's shared state. Cheap to clone.
#[derive(Clone)]
pub struct Authn(Arc<Inner>);

struct Inner {
    store: Store,
    registry: Arc<dyn Registry>,
    settings: SessionSettings,
    cookies: CookiePolicy,
    events: SessionEvents,
    public_url: String,
    is_demo: bool,
}

impl std::fmt::Debug for Authn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authn").field("public_url", &self.0.public_url).finish_non_exhaustive()
    }
}

impl Authn {
    pub fn new(
        store: Store,
        registry: Arc<dyn Registry>,
        settings: SessionSettings,
        cookies: CookiePolicy,
        events: SessionEvents,
        public_url: String,
        is_demo: bool,
    ) -> Self {
        Self(Arc::new(Inner { store, registry, settings, cookies, events, public_url, is_demo }))
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn registry(&self) -> &dyn Registry {
        self.0.registry.as_ref()
    }

    pub fn settings(&self) -> &SessionSettings {
        &self.0.settings
    }

    pub fn cookies(&self) -> CookiePolicy {
        self.0.cookies
    }

    pub fn events(&self) -> &SessionEvents {
        &self.0.events
    }

    /// The public base URL of the main listener, without trailing slash.
    pub fn public_url(&self) -> &str {
        &self.0.public_url
    }

    pub fn is_demo(&self) -> bool {
        self.0.is_demo
    }
}
