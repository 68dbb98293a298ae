//! Client authentication at the token, PAR, introspection and revocation endpoints
//! (RFC 6749 §2.3, OIDC Core §9, RFC 7523 §3).

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::jwk::JwkSet;

use crate::protocol::oidc::client::{AuthMethod, Client, ClientKind, verify_secret};
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::jwt::{self, JwtError};
use crate::protocol::oidc::replay::{ReplayGuard, ReplayNamespace};

/// RFC 7523 §2.2.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Longest accepted assertion lifetime (`exp - now`), seconds.
pub const MAX_ASSERTION_LIFETIME: i64 = 600;

/// What the request presented; parsed before the client is looked up.
#[derive(Clone, PartialEq, Eq)]
pub enum ClientCredentials {
    Basic { client_id: String, secret: String },
    Post { client_id: String, secret: String },
    PrivateKeyJwt { client_id: String, assertion: String },
    None { client_id: String },
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientCredentials({:?}, {})", self.method(), self.client_id())
    }
}

impl ClientCredentials {
    /// Parses exactly one authentication method (RFC 6749 §2.3: "MUST NOT use more than
    /// one authentication method in each request" → `invalid_request`).
    pub fn from_request(
        authorization_header: Option<&str>,
        form: &HashMap<String, String>,
    ) -> Result<Self, OAuthError> {
        let basic = authorization_header.map(parse_basic).transpose()?;
        let post_secret = form.get("client_secret");
        let assertion = form.get("client_assertion");
        let used = usize::from(basic.is_some())
            + usize::from(post_secret.is_some())
            + usize::from(assertion.is_some());
        if used > 1 {
            return Err(OAuthError::invalid_request("more than one client authentication method"));
        }
        let form_id = form.get("client_id").cloned();
        if let Some((client_id, secret)) = basic {
            // A client_id in the body must agree with the header.
            if form_id.as_ref().is_some_and(|f| *f != client_id) {
                return Err(OAuthError::invalid_request("client_id does not match the Authorization header"));
            }
            return Ok(Self::Basic { client_id, secret });
        }
        if let Some(secret) = post_secret {
            let client_id = form_id.ok_or_else(|| OAuthError::invalid_request("client_id is required"))?;
            return Ok(Self::Post { client_id, secret: secret.clone() });
        }
        if let Some(assertion) = assertion {
            if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER_ASSERTION) {
                return Err(OAuthError::invalid_request("unsupported client_assertion_type"));
            }
            // RFC 7523 §3: client_id is optional; the assertion's `sub` names the client.
            let sub = jwt::insecure_sub(assertion)
                .ok_or_else(|| OAuthError::invalid_client("malformed client assertion"))?;
            if form_id.as_ref().is_some_and(|f| *f != sub) {
                return Err(OAuthError::invalid_client("client_id does not match the assertion"));
            }
            return Ok(Self::PrivateKeyJwt { client_id: sub, assertion: assertion.clone() });
        }
        match form_id {
            Some(client_id) => Ok(Self::None { client_id }),
            None => Err(OAuthError::invalid_client("client authentication is required")),
        }
    }

    pub fn client_id(&self) -> &str {
        match self {
            Self::Basic { client_id, .. }
            | Self::Post { client_id, .. }
            | Self::PrivateKeyJwt { client_id, .. }
            | Self::None { client_id } => client_id,
        }
    }

    pub fn method(&self) -> AuthMethod {
        match self {
            Self::Basic { .. } => AuthMethod::ClientSecretBasic,
            Self::Post { .. } => AuthMethod::ClientSecretPost,
            Self::PrivateKeyJwt { .. } => AuthMethod::PrivateKeyJwt,
            Self::None { .. } => AuthMethod::None,
        }
    }

    /// The `invalid_client` error for these credentials (with a Basic challenge when the
    /// client used Basic, RFC 6749 §5.2).
    pub fn invalid_client(&self, description: &str) -> OAuthError {
        let e = OAuthError::invalid_client(description);
        if matches!(self, Self::Basic { .. }) { e.with_basic_challenge() } else { e }
    }
}

/// RFC 6749 §2.3.1 / RFC 7617: `Basic base64(urlencode(id) ":" urlencode(secret))`.
/// Both parts are `application/x-www-form-urlencoded` and are decoded here.
fn parse_basic(header: &str) -> Result<(String, String), OAuthError> {
    let bad = || OAuthError::invalid_client("malformed Basic credentials").with_basic_challenge();
    let (scheme, value) = header.trim().split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::invalid_request("unsupported Authorization scheme"));
    }
    let raw = STANDARD.decode(value.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let decode = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let (id, secret) = (decode(id), decode(secret));
    if id.is_empty() {
        return Err(bad());
    }
    Ok((id, secret))
}

/// Where and when a client assertion is checked.
pub struct AssertionContext<'a> {
    /// Accepted `aud` values: the token endpoint URL, the issuer, and (at PAR) the PAR URL.
    pub audiences: &'a [&'a str],
    pub now: i64,
    /// The client's keys: `client.jwks`, or the caller's fetch of `client.jwks_uri`.
    pub client_keys: Option<&'a JwkSet>,
    pub replay: &'a mut dyn ReplayGuard,
}

/// Authenticates `creds` against the registered `client` (already looked up by
/// `creds.client_id()`; pass `None` if unknown). Every failure is `invalid_client`.
pub fn authenticate(
    creds: &ClientCredentials,
    client: Option<&Client>,
    pepper: &[u8],
    ctx: AssertionContext<'_>,
) -> Result<(), OAuthError> {
    let client = client.ok_or_else(|| creds.invalid_client("client authentication failed"))?;
    // The method is strict per client (RFC 7591 §2 `token_endpoint_auth_method`), and the
    // refusal says which one this client is registered for: a library defaulting to another
    // one (Authlib's revocation uses Basic) is then a one-line fix, not a mystery.
    if creds.method() != client.auth_method {
        return Err(creds.invalid_client(&format!(
            "this client is registered for {}, not {}",
            client.auth_method.as_str(),
            creds.method().as_str()
        )));
    }
    match creds {
        ClientCredentials::Basic { secret, .. } | ClientCredentials::Post { secret, .. } => {
            let ok = client.kind == ClientKind::Confidential
                && client.secret_hash.as_deref().is_some_and(|h| verify_secret(pepper, secret, h));
            if ok { Ok(()) } else { Err(creds.invalid_client("client authentication failed")) }
        }
        ClientCredentials::PrivateKeyJwt { client_id, assertion } => {
            verify_assertion(client_id, assertion, ctx)
                .map_err(|_| creds.invalid_client("client assertion refused"))
        }
        ClientCredentials::None { .. } => {
            if client.kind == ClientKind::Public {
                Ok(())
            } else {
                Err(creds.invalid_client("client authentication failed"))
            }
        }
    }
}

/// RFC 7523 §3 checks on a `private_key_jwt` assertion (OIDC Core §9).
fn verify_assertion(client_id: &str, assertion: &str, ctx: AssertionContext<'_>) -> Result<(), JwtError> {
    let keys = ctx.client_keys.ok_or(JwtError::UnknownKey)?;
    let header = jwt::peek_header(assertion)?;
    let key = jwt::client_key(keys, &header)?;
    let (_, claims) = jwt::verify_signature(assertion, &key, header.alg)?;
    if jwt::str_claim(&claims, "iss")? != client_id {
        return Err(JwtError::WrongClaim("iss"));
    }
    if jwt::str_claim(&claims, "sub")? != client_id {
        return Err(JwtError::WrongClaim("sub"));
    }
    jwt::aud_contains_any(&claims, ctx.audiences)?;
    jwt::check_times(&claims, ctx.now)?;
    let exp = jwt::int_claim(&claims, "exp")?;
    if exp - ctx.now > MAX_ASSERTION_LIFETIME {
        return Err(JwtError::WrongClaim("exp"));
    }
    let jti = jwt::str_claim(&claims, "jti")?;
    if !ctx.replay.first_use(ReplayNamespace::ClientAssertion, client_id, jti, exp + jwt::LEEWAY) {
        return Err(JwtError::WrongClaim("jti"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
