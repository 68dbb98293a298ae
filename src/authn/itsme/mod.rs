//! itsme login: Poort as OpenID Connect client of itsme (or any OpenID provider configured
//! the same way), plus a mock itsme provider for demo mode.
//!
//! - `upstream/`: the protocol, plain values in and out (discovery, authorization request,
//!   callback, id_token and userinfo checks). Written on josekit and our own reqwest
//!   client rather than the `openidconnect` crate: itsme signs *then encrypts* id_tokens and
//!   userinfo (JWE RSA-OAEP-256 + A128CBC-HS256), which `openidconnect` cannot decrypt, and its
//!   HTTP adapter would pull in a second reqwest.
//! - `mock/`: the mock itsme provider (demo mode only), served on its own port by
//!   `mock_server`.
//! - `settings` (`[itsme]`), `keys` (client keys), `service` (run-time state), `routes`
//!   (the browser's round trip and the login-page entry).
pub mod jose;
pub mod keys;
pub mod mock;
pub mod mock_server;
pub mod refusal;
pub mod routes;
pub mod service;
pub mod settings;
pub mod upstream;

pub use service::ItsmeService;
pub use settings::{ItsmeSettings, MockSettings};

use std::sync::Arc;

use crate::authn::Authn;
use crate::authn::methods::Installed;

/// The itsme method when `[itsme]` is enabled (and, in demo mode, the mock itsme as a side
/// service, also when only the mock is on). The service is returned for tests and the CLI.
pub async fn install(
    authn: &Authn,
    settings: &ItsmeSettings,
    outbound: crate::kernel::outbound::OutboundPolicy,
) -> anyhow::Result<(Option<Installed>, Option<Arc<ItsmeService>>)> {
    let (service, mock) = service::prepare(settings, authn.is_demo(), authn.public_url(), outbound).await?;
    let side: Vec<_> = mock.map(mock_server::MockServer::into_side_service).into_iter().collect();
    let Some(service) = service else {
        // Only the mock: a method without a login-page entry would be misleading, so the
        // mock runs alone (for an upstream client configured elsewhere).
        return Ok((
            (!side.is_empty()).then(|| Installed {
                method: Arc::new(NoEntry),
                router: axum::Router::new(),
                side,
            }),
            None,
        ));
    };
    let state = routes::ItsmeState { authn: authn.clone(), itsme: service.clone() };
    let installed = Installed {
        method: Arc::new(routes::ItsmeMethod(service.clone())),
        router: routes::router().with_state(state),
        side,
    };
    Ok((Some(installed), Some(service)))
}

/// The mock itsme running while the itsme method is off: no login-page entry.
struct NoEntry;

impl crate::authn::methods::LoginMethod for NoEntry {
    fn id(&self) -> &'static str {
        "itsme-mock"
    }

    fn entry(
        &self,
        _tx: &crate::authn::transaction::LoginTransaction,
    ) -> Option<crate::authn::methods::MethodEntry> {
        None
    }
}
