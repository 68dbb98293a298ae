//! Authorization request parsing and validation (RFC 6749 §4.1.1, OIDC Core §3.1.2.1,
//! RFC 7636, RFC 9101 JAR, RFC 9126 PAR, RFC 9207).
//!
//! Two kinds of failure (RFC 6749 §4.1.2.1): with an unknown client or a missing/unregistered
//! `redirect_uri` the user sees an error page and is NEVER redirected
//! ([`AuthorizeError::Untrusted`]); every later error goes back to the client's redirect URI
//! ([`AuthorizeError::Redirect`], rendered with [`error_redirect_url`] or as `form_post`).
//!
//! Here the entry point and what it needs; `request` holds the validated request and its
//! parts, `error` the failures, `params` the checks of the raw parameters, `jar` request
//! objects and `validate` the checks after the client is known.

mod error;
mod jar;
mod params;
mod request;
mod validate;

use std::cell::RefCell;
use std::collections::HashMap;

use jsonwebtoken::jwk::JwkSet;

pub use error::{AuthorizeError, error_redirect_url};
pub use jar::REQUEST_OBJECT_MAX_LIFETIME;
pub(crate) use jar::request_object;
pub use params::{MAX_PARAMETERS, acr_to_level, max_length, params_from_pairs};
pub use request::{AuthorizationRequest, ClaimRequest, ClaimsRequest, Prompt, ResponseMode};
pub(crate) use validate::validate_params;

use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::replay::ReplayGuard;

/// RFC 9126 §2.2 prefix of PAR handles.
pub const PAR_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// What the validator needs besides the parameters.
pub struct AuthorizeContext<'a> {
    pub issuer: &'a str,
    /// Scopes Poort knows (discovery's `scopes_supported`).
    pub supported_scopes: &'a [&'a str],
    /// The client's keys for request objects (`client.jwks` or fetched `jwks_uri`).
    pub client_keys: Option<&'a JwkSet>,
    pub now: i64,
    /// Records request-object `jti`s: a request object is used once (RFC 9101 §10.8).
    pub replay: &'a RefCell<dyn ReplayGuard + 'a>,
}

/// Validates a front-channel authorization request. `client` is the lookup of the
/// `client_id` parameter. A `request_uri` is refused here: PAR handles are resolved with
/// `par::resolve`, and request objects by reference are fetched by the endpoint and passed
/// as `request` (`request_uri` module).
pub fn validate(
    params: &HashMap<String, String>,
    client: Option<&Client>,
    ctx: &AuthorizeContext<'_>,
) -> Result<AuthorizationRequest, AuthorizeError> {
    let untrusted = |d: &str| AuthorizeError::Untrusted(OAuthError::invalid_request(d));
    let client_id = params.get("client_id").ok_or_else(|| untrusted("client_id is required"))?;
    let client = client.filter(|c| &c.id == client_id).ok_or_else(|| untrusted("unknown client"))?;
    let query_redirect = params.get("redirect_uri").filter(|r| client.has_redirect_uri(r));
    let redirect_err = |error: OAuthError, redirect_uri: &str| AuthorizeError::Redirect {
        error,
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").cloned(),
        response_mode: ResponseMode::Query,
    };
    // A request_uri by reference arrives here already fetched (as `request`, see
    // `endpoints::authorize`); one still here was not resolved.
    if params.contains_key("request_uri") {
        let e = OAuthError::new(ErrorCode::InvalidRequestUri, "request_uri could not be used");
        return Err(match query_redirect {
            Some(r) => redirect_err(e, r),
            None => AuthorizeError::Untrusted(e),
        });
    }
    if client.require_par {
        let e = OAuthError::invalid_request("this client must use pushed authorization requests");
        return Err(match query_redirect {
            Some(r) => redirect_err(e, r),
            None => AuthorizeError::Untrusted(e),
        });
    }
    let merged = match params.get("request") {
        None => params.clone(),
        Some(jar) => match request_object(jar, client, ctx) {
            // RFC 9101 §6.3: only the request object's parameters are used; the query's
            // (OIDC Core §6.1 has clients repeat response_type and client_id there) are not
            // merged in. client_id must match (checked in request_object).
            Ok(from_jar) => from_jar,
            Err(e) => {
                return Err(match query_redirect {
                    Some(r) => redirect_err(e, r),
                    None => AuthorizeError::Untrusted(e),
                });
            }
        },
    };
    validate_params(&merged, client, ctx, false)
}

#[cfg(test)]
pub(crate) mod tests;
