//! The identity provider's HTTP endpoints: thin handlers over the rules of the module.
//!
//! - `GET /saml/metadata` (`?signed=true`): our metadata.
//! - `GET|POST /saml/sso`: an AuthnRequest over HTTP-Redirect or HTTP-POST; it opens a
//!   login transaction and continues at `GET /saml/sso/start`, where the session cookies
//!   are sent again (a cross-site POST carries no `SameSite=Lax` cookie).
//! - `GET /saml/sso/resume`: the authenticated transaction comes back, the profile is
//!   chosen, and the Response goes to the service provider's ACS.
//! - `GET /saml/idp-initiated?sp=…`: an unsolicited login for service providers that allow it.
//! - `/demo-sp…`: the DEMO service provider (demo mode only).
//!
//! - `GET|POST /saml/slo`: SP-initiated single logout (a signed LogoutRequest).

pub mod demo_sp;
pub mod metadata;
pub mod resume;
pub mod slo;
pub mod sso;

use axum::Router;
use axum::routing::get;

use super::state::SamlState;

/// Where an authenticated transaction comes back to the identity provider.
pub const RESUME_PATH: &str = "/saml/sso/resume?tx={tx}";

pub fn router(with_demo_sp: bool) -> Router<SamlState> {
    let router = Router::new()
        .route("/saml/metadata", get(metadata::get))
        .route("/saml/sso", get(sso::redirect_binding).post(sso::post_binding))
        .route("/saml/sso/start", get(sso::start))
        .route("/saml/sso/resume", get(resume::resume))
        .route("/saml/idp-initiated", get(sso::idp_initiated))
        .route("/saml/slo", get(slo::redirect_binding).post(slo::post_binding));
    if with_demo_sp {
        router
            .route("/demo-sp", get(demo_sp::home))
            .route("/demo-sp/login", get(demo_sp::login))
            .route("/demo-sp/acs", axum::routing::post(demo_sp::acs))
    } else {
        router
    }
}
