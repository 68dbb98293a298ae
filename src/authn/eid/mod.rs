//! Login with the Belgian eID card: TLS client-certificate authentication with the card's
//! authentication certificate (docs/DOMAIN.md §4), at level Level500 with amr
//! `["hwk", "sc", "pin"]` (RFC 8176 §2: a hardware-secured key on a smart card, unlocked
//! with a PIN).
//!
//! The card is checked on a **separate TLS listener** (`[eid]`, default
//! `127.0.0.1:8443`) that requests, but does not require, a client certificate, so a
//! missing or refused card still gets a translated page. On success that listener cannot
//! finish the login transaction itself (another origin: no cookies of the main site), so it
//! hands the identity over with a one-time [`ticket`] redeemed on the main listener.
//!
//! - [`verify`]: the certificate check, plain values in and out.
//! - [`listener`]: the TLS listener handing the check's outcome to HTTP handlers.
//! - [`ticket`]: the single-use, 60-second hand-over ticket.
//! - [`cards`]: the DEMO PKI issuing and revoking test cards (demo mode only).
//! - `tls_routes` (`GET /eid/login` on the TLS listener) and `routes`
//!   (`GET /login/eid/complete` on the main listener, the login-page entry).

pub mod cards;
pub mod listener;
mod routes;
pub mod settings;
pub mod start;
pub mod ticket;
mod tls_routes;
pub mod verify;

use std::sync::Arc;

pub use listener::{EidListener, EidListenerConfig, EidListenerError, EidOutcome, EidPeer};
pub use routes::{AMR, ID};
pub use settings::EidSettings;
pub use start::{EidEndpoint, bind};
pub use verify::{CardKeyType, EidCertificate, EidRefusal, EidTrustError, EidVerifier};

use crate::authn::Authn;
use crate::authn::methods::Installed;
use crate::kernel::serve::SideService;
use crate::web::{Limits, WebShell};

/// The eID method when `[eid]` is enabled: its login-page entry, the main listener's
/// completion route, and the TLS listener as a side service. Also returns where the TLS
/// listener is reachable.
pub async fn install(
    authn: &Authn,
    settings: &EidSettings,
    shell: WebShell,
    limits: Limits,
) -> anyhow::Result<Option<(Installed, EidEndpoint)>> {
    if !settings.is_enabled {
        return Ok(None);
    }
    let (listener, endpoint) = bind(settings, authn.is_demo()).await?;
    let tls_app = tls_routes::tls_router(authn.clone(), shell, limits);
    let side = SideService::new("eID TLS listener", move |until| async move {
        listener::serve_on(listener, tls_app, until).await?;
        Ok(())
    });
    let installed = Installed {
        method: Arc::new(routes::EidMethod { public_url: endpoint.public_url.clone() }),
        router: routes::router().with_state(authn.clone()),
        side: vec![side],
    };
    Ok(Some((installed, endpoint)))
}
