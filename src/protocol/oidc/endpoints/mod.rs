//! The OpenID Provider's HTTP endpoints: one thin handler per endpoint or grant (extract →
//! call the protocol logic → respond). Paths as published in discovery.

pub mod authorize;
pub mod backchannel;
pub mod bearer;
pub mod btb_tokens;
pub mod client_auth;
pub mod demo_rp;
pub mod discovery;
pub mod dpop_proof;
pub mod introspect;
pub mod logout;
pub mod par;
pub mod register;
pub mod respond;
pub mod resume;
pub mod revoke;
pub mod sessions;
pub mod token;
pub mod userinfo;

use std::collections::HashMap;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::params_from_pairs;
use crate::protocol::oidc::error::OAuthError;

/// The endpoints for software (relying parties, resource servers): JSON in, JSON out. They
/// are mounted without the page layers (no CSRF cookie, no error page): a framework
/// rejection on them is answered as an RFC 6749 error by `web::middleware::protocol_errors`.
pub fn protocol_router() -> Router<OidcState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/jwks", get(discovery::jwks))
        .route("/token", post(token::token))
        .route("/userinfo", get(userinfo::userinfo).post(userinfo::userinfo))
        .route("/introspect", post(introspect::introspect))
        .route("/revoke", post(revoke::revoke))
        .route("/par", post(par::push))
        .route("/register", post(register::register))
}

/// The endpoints a person's browser visits: authorization, consent, profile choice,
/// logout, the session page and the demo relying party.
pub fn router() -> Router<OidcState> {
    Router::new()
        .route("/authorize", get(authorize::get).post(authorize::post))
        .route("/authorize/resume", get(resume::resume))
        .route("/authorize/consent", post(resume::consent))
        .route("/logout", get(logout::get))
        .route("/logout/confirm", post(logout::confirm))
        .route(logout::DONE_PATH, get(logout::done))
        .route("/my/sessions", get(sessions::page))
        .route("/my/sessions/end", post(sessions::end_session))
        .route("/my/sessions/revoke-client", post(sessions::revoke_client))
        .merge(demo_rp::router())
}

impl IntoResponse for OAuthError {
    /// RFC 6749 §5.2: a JSON body, never cached; `WWW-Authenticate` when set.
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = (status, axum::Json(self.to_json())).into_response();
        if let Some(challenge) = self.www_authenticate.as_deref().and_then(|c| HeaderValue::from_str(c).ok())
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// A JSON success response, never cached (RFC 6749 §5.1).
pub fn json_no_store(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Parses an `application/x-www-form-urlencoded` body; a repeated parameter is
/// `invalid_request` (RFC 6749 §3.2).
pub fn parse_form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form && !body.is_empty() {
        return Err(OAuthError::invalid_request("the body must be application/x-www-form-urlencoded"));
    }
    params_from_pairs(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())))
}

/// Logs a storage failure once and answers `server_error` (the cause never reaches the
/// client).
pub fn server_error(e: impl std::fmt::Display + 'static) -> OAuthError {
    let any: &dyn std::any::Any = &e;
    if any.downcast_ref::<crate::store::StoreError>().is_some_and(crate::store::StoreError::is_overloaded) {
        tracing::warn!("database connections exhausted: answering temporarily_unavailable");
        let mut busy = OAuthError::new(
            crate::protocol::oidc::error::ErrorCode::TemporarilyUnavailable,
            "try again later",
        );
        busy.status = 503;
        return busy;
    }
    tracing::error!(error = %e, "OIDC endpoint failed");
    OAuthError::server_error()
}

/// The value of a header as text.
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
