//! Request objects (RFC 9101 JAR): verified with the client's keys, short-lived, used once,
//! and turned into parameters.

use std::collections::HashMap;

use serde_json::Value;

use super::AuthorizeContext;
use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::jwt;
use crate::protocol::oidc::replay::ReplayNamespace;

/// The longest a request object may stay valid (its `exp` from now).
pub const REQUEST_OBJECT_MAX_LIFETIME: i64 = 3600;

/// RFC 9101 §6: verifies a request object and returns its claims as parameters.
/// Errors are `invalid_request_object`.
pub(crate) fn request_object(
    jar: &str,
    client: &Client,
    ctx: &AuthorizeContext<'_>,
) -> Result<HashMap<String, String>, OAuthError> {
    let fail = |d: &str| OAuthError::new(ErrorCode::InvalidRequestObject, d);
    let keys = ctx.client_keys.ok_or_else(|| fail("the client has no keys for request objects"))?;
    let header = jwt::peek_header(jar).map_err(|_| fail("malformed request object"))?;
    // OIDC Registration §2 `request_object_signing_alg`: only that algorithm, when registered.
    if client.request_object_alg.as_deref().is_some_and(|a| format!("{:?}", header.alg) != a) {
        return Err(fail("request object alg is not the one registered"));
    }
    let key = jwt::client_key(keys, &header).map_err(|_| fail("no usable key for the request object"))?;
    let (_, claims) = jwt::verify_signature(jar, &key, header.alg)
        .map_err(|_| fail("request object signature does not verify"))?;
    // RFC 9101 §10.8 / RFC 9700: iss = client_id, aud = our issuer.
    if jwt::str_claim(&claims, "iss").ok() != Some(client.id.as_str()) {
        return Err(fail("request object iss must be the client_id"));
    }
    if jwt::aud_contains_any(&claims, &[ctx.issuer]).is_err() {
        return Err(fail("request object aud must be the issuer"));
    }
    // RFC 9101 §10.8, RFC 9700 §2.1: a request object is short-lived and used once.
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or_else(|| fail("request object needs exp"))?;
    if jwt::check_times(&claims, ctx.now).is_err() {
        return Err(fail("request object expired"));
    }
    if exp > ctx.now + REQUEST_OBJECT_MAX_LIFETIME {
        return Err(fail("request object exp is too far in the future"));
    }
    let jti = jwt::str_claim(&claims, "jti").map_err(|_| fail("request object needs jti"))?;
    if jti.is_empty() || jti.len() > 256 {
        return Err(fail("request object jti is not valid"));
    }
    if !ctx.replay.borrow_mut().first_use(ReplayNamespace::RequestObject, &client.id, jti, exp) {
        return Err(fail("request object was already used"));
    }
    if claims.get("client_id").and_then(Value::as_str).is_some_and(|c| c != client.id) {
        return Err(fail("request object client_id does not match"));
    }
    let mut out = HashMap::new();
    for (k, v) in claims {
        if matches!(k.as_str(), "iss" | "aud" | "exp" | "iat" | "nbf" | "jti") {
            continue;
        }
        let s = match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            other => other.to_string(), // e.g. the `claims` object, re-parsed later
        };
        out.insert(k, s);
    }
    out.insert("client_id".into(), client.id.clone());
    Ok(out)
}
