//! Side services: listeners besides the main one (the eID TLS listener, the DEMO mock
//! itsme and eIDAS node) that the application starts with itself and stops with itself.

use std::future::Future;
use std::pin::Pin;

/// Completes when the application stops.
pub type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

type Runner = Box<dyn FnOnce(Shutdown) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>> + Send>;

/// A named service that runs until its shutdown signal completes.
pub struct SideService {
    pub name: &'static str,
    run: Runner,
}

impl std::fmt::Debug for SideService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SideService").field("name", &self.name).finish_non_exhaustive()
    }
}

impl SideService {
    pub fn new<F, Fut>(name: &'static str, run: F) -> Self
    where
        F: FnOnce(Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        Self { name, run: Box::new(move |until| Box::pin(run(until))) }
    }

    /// Runs the service until `until` completes.
    pub async fn run(self, until: Shutdown) -> anyhow::Result<()> {
        (self.run)(until).await
    }
}
