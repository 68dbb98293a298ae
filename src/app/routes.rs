//! The routers of every feature, each with its own state, merged into the main listener's
//! application inside the web kit's layers.

use axum::Router;

use super::AppState;
use super::methods::InstalledMethods;
use crate::access::btb::api::ApiState;
use crate::access::btb::routes::BtbState;
use crate::access::social_security::api::SsApiState;
use crate::authn::my_keys::{self, MyKeysState};
use crate::authn::routes::LoginPages;
use crate::kernel::serve::SideService;
use crate::protocol::oidc::{self, OidcState};
use crate::web::limits::Admission;
use crate::web::pages::{assets, enterprise, health, home, outbox};
use crate::web::{Limits, WebShell};

/// The main listener's application and the side services the methods run.
pub(super) fn application(
    state: &AppState,
    installed: InstalledMethods,
    shell: WebShell,
    limits: Limits,
) -> (Router, Vec<SideService>) {
    let authn = state.authn().clone();
    let oidc_state =
        OidcState { authn: authn.clone(), provider: state.oidc_arc(), profiles: state.profiles().clone() };
    let health = health::HealthState {
        store: state.store().clone(),
        metrics: state.metrics().clone(),
        metrics_allowed_from: state.settings().server.metrics_allowed_from.clone(),
    };
    // For software: protocol endpoints, health and metrics.
    let tokens =
        std::sync::Arc::new(oidc::endpoints::btb_tokens::ProviderTokens { state: oidc_state.clone() });
    let for_software = Router::new()
        .merge(health::router().with_state(health))
        .merge(
            crate::access::btb::api::router()
                .with_state(ApiState { btb: state.btb().clone(), tokens: tokens.clone() }),
        )
        .merge(crate::access::social_security::api::router().with_state(SsApiState {
            ss: state.social_security().clone(),
            api: ApiState { btb: state.btb().clone(), tokens },
        }))
        .merge(oidc::protocol_router().with_state(oidc_state.clone()));
    // For people: pages and forms.
    let mut for_people = Router::new()
        .merge(home::router())
        .merge(assets::router())
        .merge(enterprise::router().with_state(state.registry_arc()))
        .merge(
            crate::authn::routes::router()
                .with_state(LoginPages { authn: authn.clone(), methods: installed.methods() }),
        )
        .merge(oidc::router().with_state(oidc_state))
        .merge(crate::profile::routes::router().with_state(crate::profile::routes::ProfileState {
            authn: authn.clone(),
            profiles: state.profiles().clone(),
        }))
        .merge(
            crate::access::btb::routes::router(state.settings().btb.upload_max_bytes + 64 * 1024)
                .with_state(BtbState { authn: authn.clone(), btb: state.btb().clone() }),
        )
        .merge(crate::access::social_security::routes::router().with_state(
            crate::access::social_security::routes::SsPages {
                authn: authn.clone(),
                ss: state.social_security().clone(),
            },
        ))
        .merge(my_keys::router().with_state(MyKeysState {
            authn,
            password: state.password().clone(),
            are_passkeys_enabled: state.settings().passkey.is_enabled,
        }));
    if state.settings().demo.is_enabled {
        for_people = for_people.merge(outbox::router().with_state(state.store().clone()));
    }
    if let Some(idp) = state.saml_arc() {
        let with_demo_sp = idp.demo_sp().is_some();
        let saml = crate::protocol::saml::SamlState {
            authn: state.authn().clone(),
            idp,
            profiles: state.profiles().clone(),
        };
        for_people =
            for_people.merge(crate::protocol::saml::endpoints::router(with_demo_sp).with_state(saml));
    }
    let mut side = Vec::new();
    for method in installed.list {
        for_people = for_people.merge(method.router);
        side.extend(method.side);
    }
    // Poort's own listener is the public origin: pages asked for under another host name
    // move there first (behind a proxy, `server.public_url` set, the proxy decides).
    let origin = if state.settings().is_public_url_derived() {
        crate::web::origin::PublicOrigin::new(state.public_url())
    } else {
        None
    };
    let admission = std::sync::Arc::new(Admission::new(&state.settings().limits));
    (crate::web::layers(for_people, for_software, shell, limits, origin, Some(admission)), side)
}
