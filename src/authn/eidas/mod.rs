//! eIDAS login: Poort acts as a SAML 2.0 service provider of an eIDAS node
//! (eIDAS Technical Specifications v1.2: "eIDAS SAML Message Format", "eIDAS SAML Attribute
//! Profile", "eIDAS Interoperability Architecture").
//!
//! - [`build_authn_request`]: signed `AuthnRequest` for the HTTP-POST binding.
//! - [`validate_response`]: every check on the node's `Response`, returning an [`EidasIdentity`].
//! - [`sp_metadata_xml`]: our SAML metadata for the node operator.
//! - [`mock`]: a mock eIDAS node for demo mode and tests (clearly labelled DEMO).
//!
//! - [`install`]: the method, with `/login/eidas/start`, `/login/eidas/acs`,
//!   `/login/eidas/finish`, `/login/eidas/metadata` on the main listener.
//!
//! Logic takes plain values and returns plain values; no axum types outside `routes*.rs`
//! and `mock/routes.rs`. Known gap: encrypted assertions are refused, not decrypted.

mod config;
mod error;
mod identity;
mod loa;
mod metadata;
mod pending;
mod refusal;
mod replay;
mod request;
pub(crate) mod response;
mod response_checks;
mod routes;
mod settings;

pub mod mock;
pub mod runtime;

#[cfg(test)]
mod tests;

pub use config::{EidasSpConfig, NodeTrust, ServiceProvider, SpType};
pub use error::{EidasConfigError, EidasError};
pub use identity::EidasIdentity;
pub use loa::Loa;
pub use metadata::{
    fetch_node_metadata, node_from_metadata_xml, refresh_after as metadata_refresh_after, sp_metadata_xml,
};
pub use replay::{InMemoryReplayGuard, ReplayGuard, StoreReplayGuard};
pub use request::{AuthnParams, PendingRequest, PostForm, build_authn_request};
pub use response::validate_response;
pub use routes::EidasState;
pub use runtime::{EidasRuntime, MockNodeServer};
pub use settings::{EidasMockSettings, EidasSettings};

use std::sync::Arc;

use crate::authn::Authn;
use crate::authn::methods::Installed;

/// The eIDAS method when `[eidas]` is enabled (with the DEMO mock node as a side service
/// when it is on). The runtime is returned for tests (the mock's demo CA).
pub async fn install(
    authn: &Authn,
    settings: &EidasSettings,
    outbound: crate::kernel::outbound::OutboundPolicy,
) -> anyhow::Result<Option<(Installed, Arc<EidasRuntime>)>> {
    let Some((runtime, mock)) =
        runtime::build(settings, authn.is_demo(), authn.public_url(), outbound).await?
    else {
        return Ok(None);
    };
    let runtime = Arc::new(runtime);
    let state = EidasState { authn: authn.clone(), eidas: runtime.clone() };
    let installed = Installed {
        method: Arc::new(routes::EidasMethod(runtime.clone())),
        router: routes::router().with_state(state),
        side: mock.map(MockNodeServer::into_side_service).into_iter().collect(),
    };
    Ok(Some((installed, runtime)))
}
