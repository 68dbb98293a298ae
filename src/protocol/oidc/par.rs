//! Pushed Authorization Requests (RFC 9126).
//!
//! Endpoint flow: authenticate the client (`client_auth`), then [`push`]; store
//! `PushedRequest.request` under `code::storage_key(request_uri)` with `expires_at`; answer
//! 201 `{"request_uri", "expires_in"}`. At the authorization endpoint, a `request_uri` with
//! [`PAR_PREFIX`] is looked up by the caller and passed to [`resolve`]; the stored row is
//! deleted on use (single use, RFC 9126 §4).

use std::collections::HashMap;

use crate::protocol::oidc::authorize_request::{
    self, AuthorizationRequest, AuthorizeContext, AuthorizeError, PAR_PREFIX,
};
use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::code;
use crate::protocol::oidc::error::OAuthError;

/// Lifetime of a PAR handle (RFC 9126 §2.2 example: 60 s; we use 90 s).
pub const PAR_LIFETIME: i64 = 90;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRequest {
    /// `urn:ietf:params:oauth:request_uri:<256-bit handle>`.
    pub request_uri: String,
    pub expires_in: i64,
    pub expires_at: i64,
    pub request: AuthorizationRequest,
}

/// Validates a pushed request from an authenticated `client`. Errors are returned as JSON
/// (RFC 9126 §2.3), never redirected.
pub fn push(
    params: &HashMap<String, String>,
    client: &Client,
    ctx: &AuthorizeContext<'_>,
) -> Result<PushedRequest, OAuthError> {
    // RFC 9126 §2.1: request_uri must not be pushed.
    if params.contains_key("request_uri") {
        return Err(OAuthError::invalid_request("request_uri cannot be pushed"));
    }
    if params.get("client_id").is_some_and(|c| *c != client.id) {
        return Err(OAuthError::invalid_request("client_id does not match the authenticated client"));
    }
    let mut merged = params.clone();
    if let Some(jar) = params.get("request") {
        // RFC 9126 §3: a pushed request object replaces the other parameters.
        merged = authorize_request::request_object(jar, client, ctx)?;
    }
    merged.insert("client_id".into(), client.id.clone());
    let request = authorize_request::validate_params(&merged, client, ctx, true).map_err(|e| match e {
        AuthorizeError::Untrusted(e) | AuthorizeError::Redirect { error: e, .. } => e,
    })?;
    Ok(PushedRequest {
        request_uri: format!("{PAR_PREFIX}{}", code::new_handle()),
        expires_in: PAR_LIFETIME,
        expires_at: ctx.now + PAR_LIFETIME,
        request,
    })
}

/// Resolves `request_uri` at the authorization endpoint. `stored` is what the caller found
/// under `code::storage_key(request_uri)`: `(request, expires_at)`.
pub fn resolve(
    params: &HashMap<String, String>,
    stored: Option<(AuthorizationRequest, i64)>,
    now: i64,
) -> Result<AuthorizationRequest, AuthorizeError> {
    let untrusted = |d: &str| {
        AuthorizeError::Untrusted(OAuthError::new(
            crate::protocol::oidc::error::ErrorCode::InvalidRequestUri,
            d,
        ))
    };
    if !params.get("request_uri").is_some_and(|u| u.starts_with(PAR_PREFIX)) {
        return Err(untrusted("request_uri is not a pushed request handle"));
    }
    let (request, expires_at) = stored.ok_or_else(|| untrusted("unknown or used request_uri"))?;
    if now >= expires_at {
        return Err(untrusted("request_uri has expired"));
    }
    // RFC 9126 §4: client_id is required and must match the pushed request.
    if params.get("client_id") != Some(&request.client_id) {
        return Err(untrusted("client_id does not match the pushed request"));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::authorize_request::tests::{ctx, good};
    use crate::protocol::oidc::client::tests::test_client;
    use crate::protocol::oidc::error::ErrorCode;

    #[test]
    fn a_pushed_request_yields_a_short_lived_handle_that_resolves() {
        let c = test_client();
        let p = push(&good(), &c, &ctx(None)).unwrap();
        assert!(p.request_uri.starts_with(PAR_PREFIX));
        assert!((60..=90).contains(&p.expires_in));
        assert!(p.request.pushed);
        let q: HashMap<String, String> =
            [("client_id".to_owned(), "rp-1".to_owned()), ("request_uri".to_owned(), p.request_uri.clone())]
                .into();
        assert_eq!(resolve(&q, Some((p.request.clone(), p.expires_at)), 1000).unwrap(), p.request);
        let e = resolve(&q, Some((p.request.clone(), p.expires_at)), p.expires_at).unwrap_err();
        assert_eq!(e.error().error, ErrorCode::InvalidRequestUri);
        assert!(matches!(resolve(&q, None, 1000), Err(AuthorizeError::Untrusted(_))));
    }

    #[test]
    fn a_require_par_client_is_accepted_through_par() {
        let mut c = test_client();
        c.require_par = true;
        assert!(push(&good(), &c, &ctx(None)).is_ok());
    }

    #[test]
    fn pushing_a_request_uri_or_a_bad_request_is_a_json_error() {
        let c = test_client();
        let mut p = good();
        p.insert("request_uri".into(), "x".into());
        assert_eq!(push(&p, &c, &ctx(None)).unwrap_err().error, ErrorCode::InvalidRequest);
        let mut p = good();
        p.insert("response_type".into(), "token".into());
        assert_eq!(push(&p, &c, &ctx(None)).unwrap_err().error, ErrorCode::UnsupportedResponseType);
        let mut p = good();
        p.insert("client_id".into(), "other".into());
        assert_eq!(push(&p, &c, &ctx(None)).unwrap_err().error, ErrorCode::InvalidRequest);
    }
}
