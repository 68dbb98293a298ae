//! `GET /.well-known/openid-configuration` (OIDC Discovery 1.0 §4) and `GET /jwks`
//! (RFC 7517 §5).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::discovery::{Features, provider_metadata};
use crate::store::unix_now;

/// Scopes Poort knows (`scopes_supported`).
pub const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "egovnrn",
    "roles",
    "certificateInfo",
    "btb:manage",
    "access:manage",
    "btb:read",
];

pub async fn configuration(State(state): State<OidcState>) -> Response {
    let provider = state.oidc();
    let features = Features {
        signing_algs: provider.settings().signing_algs.clone(),
        registration: !provider.settings().registration_initial_access_token.is_empty(),
        introspection: true,
        revocation: true,
        scopes: SCOPES.iter().map(|s| (*s).to_string()).collect(),
    };
    let metadata = provider_metadata(provider.issuer(), &features);
    cacheable(axum::Json(metadata).into_response(), 3600)
}

pub async fn jwks(State(state): State<OidcState>) -> Response {
    let set = state.oidc().keys().jwks(unix_now());
    let mut response = cacheable(axum::Json(set).into_response(), 300);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/jwk-set+json"));
    response
}

/// Public documents may be cached briefly (RPs cache the JWKS; rotation overlap covers it).
fn cacheable(mut response: Response, seconds: u32) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={seconds}")) {
        response.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    response
}
