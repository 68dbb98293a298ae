//! Opening and checking tokens: JWE decryption, JWS verification, id_token claims
//! (OpenID Connect Core §3.1.3.7).
use josekit::jwk::JwkSet;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq as _;

use super::config::UpstreamConfig;
use super::discovery::Provider;
use super::error::UpstreamError;
use super::start::PendingLogin;
use crate::authn::itsme::jose::{VerifyError, verify_with_jwks};

/// The checked content of an id_token.
#[derive(Debug, Clone)]
pub struct IdTokenClaims {
    pub subject: String,
    pub acr: Option<String>,
    /// All claims, for mapping identity fields present in the id_token.
    pub claims: Map<String, Value>,
}

/// Constant-time string comparison (lengths are not secret).
pub(super) fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Returns the JWS inside a token: decrypts a 5-part JWE with our key (Core §10.2), refuses a
/// plain JWS when we expect encryption.
pub(super) fn open_jwt(provider: &Provider, raw: &str) -> Result<String, UpstreamError> {
    match (raw.split('.').count(), &provider.keys.decryption) {
        (5, Some(key)) => {
            let plain = key.decrypt(raw).map_err(|_| UpstreamError::Decryption)?;
            let jws = String::from_utf8(plain).map_err(|_| UpstreamError::MalformedToken("nested JWS"))?;
            if jws.split('.').count() != 3 {
                return Err(UpstreamError::MalformedToken("nested token is not a JWS"));
            }
            Ok(jws)
        }
        (5, None) => Err(UpstreamError::Decryption),
        (3, Some(_)) => Err(UpstreamError::EncryptionRequired),
        (3, None) => Ok(raw.to_owned()),
        _ => Err(UpstreamError::MalformedToken("not a JWS or JWE")),
    }
}

/// Verifies a JWS against a key set, mapping failures to their own errors.
pub(super) fn verify_jws(jwks: &JwkSet, jws: &str) -> Result<Map<String, Value>, UpstreamError> {
    verify_with_jwks(jws, jwks).map_err(|e| match e {
        VerifyError::UnsupportedAlg => UpstreamError::UnsupportedAlgorithm,
        VerifyError::UnknownKey => UpstreamError::UnknownSigningKey,
        VerifyError::BadSignature => UpstreamError::BadSignature,
        VerifyError::Malformed => UpstreamError::MalformedToken("JWS"),
    })
}

/// Decrypts (if needed), verifies and checks an id_token against the pending login, with the
/// provider's cached key set. `now` in Unix seconds.
pub fn validate_id_token(
    provider: &Provider,
    cfg: &UpstreamConfig,
    pending: &PendingLogin,
    raw: &str,
    now: i64,
) -> Result<IdTokenClaims, UpstreamError> {
    let jws = open_jwt(provider, raw)?;
    let claims = verify_jws(&provider.jwks(), &jws)?;
    check_id_token_claims(cfg, &provider.metadata.issuer, pending, claims, now)
}

/// Core §3.1.3.7 steps 2–11 (signature already checked).
pub fn check_id_token_claims(
    cfg: &UpstreamConfig,
    issuer: &str,
    pending: &PendingLogin,
    claims: Map<String, Value>,
    now: i64,
) -> Result<IdTokenClaims, UpstreamError> {
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    let number = |k: &str| claims.get(k).and_then(Value::as_i64);
    // Step 2: iss must exactly match the issuer.
    if text("iss") != Some(issuer) {
        return Err(UpstreamError::WrongIssuer);
    }
    // Steps 3–5: aud contains our client_id; with several audiences azp must be us.
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => return Err(UpstreamError::WrongAudience),
    };
    if !audiences.contains(&cfg.client_id.as_str()) {
        return Err(UpstreamError::WrongAudience);
    }
    let azp = text("azp");
    if (audiences.len() > 1 && azp.is_none()) || azp.is_some_and(|a| a != cfg.client_id) {
        return Err(UpstreamError::WrongAudience);
    }
    // Step 9: exp; step 10: iat, both with a small skew.
    let exp = number("exp").ok_or(UpstreamError::MalformedToken("exp"))?;
    let iat = number("iat").ok_or(UpstreamError::MalformedToken("iat"))?;
    if now > exp.saturating_add(cfg.clock_skew_secs) {
        return Err(UpstreamError::Expired);
    }
    if iat > now.saturating_add(cfg.clock_skew_secs) {
        return Err(UpstreamError::IssuedInFuture);
    }
    // Step 11: nonce equals the one we sent.
    if !text("nonce").is_some_and(|n| same(n, &pending.nonce)) {
        return Err(UpstreamError::NonceMismatch);
    }
    let subject = text("sub").filter(|s| !s.is_empty()).ok_or(UpstreamError::MissingClaim("sub"))?;
    Ok(IdTokenClaims {
        subject: subject.to_owned(),
        acr: text("acr").map(str::to_owned),
        claims: claims.clone(),
    })
}
