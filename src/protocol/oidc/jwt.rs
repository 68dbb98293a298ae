//! Shared JWS helpers (RFC 7515/7519) on top of `jsonwebtoken`: signature checks only;
//! time and audience rules are checked here against a caller-supplied `now` so that every
//! rule is testable without a clock.

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde_json::{Map, Value};

/// Allowed clock skew for `exp`/`nbf`/`iat` checks, seconds.
pub const LEEWAY: i64 = 60;

pub type Claims = Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("malformed token")]
    Malformed,
    #[error("algorithm not allowed")]
    AlgorithmNotAllowed,
    #[error("no usable key")]
    UnknownKey,
    #[error("signature does not verify")]
    BadSignature,
    #[error("unexpected typ header")]
    WrongType,
    #[error("token expired")]
    Expired,
    #[error("token not yet valid")]
    NotYetValid,
    #[error("missing claim {0}")]
    MissingClaim(&'static str),
    #[error("claim {0} has an unexpected value")]
    WrongClaim(&'static str),
}

/// The protected header, without verifying anything.
pub fn peek_header(token: &str) -> Result<Header, JwtError> {
    jsonwebtoken::decode_header(token).map_err(|_| JwtError::Malformed)
}

/// The protected header as raw JSON (to see members `Header` would drop, e.g. a private `d`).
pub fn raw_header(token: &str) -> Result<Claims, JwtError> {
    use base64::Engine as _;
    let first = token.split('.').next().ok_or(JwtError::Malformed)?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(first).map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}

/// Verifies the signature with `key` and algorithm `alg` and returns header and claims.
/// No claim is checked here.
pub fn verify_signature(
    token: &str,
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<(Header, Claims), JwtError> {
    let mut v = Validation::new(alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    v.leeway = 0;
    jsonwebtoken::decode::<Claims>(token, key, &v).map(|d| (d.header, d.claims)).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidSignature => JwtError::BadSignature,
        jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => JwtError::AlgorithmNotAllowed,
        _ => JwtError::Malformed,
    })
}

/// RFC 7515 §4.1.9: `typ` compares case-insensitively and may omit `application/`.
pub fn typ_is(header: &Header, expected: &str) -> bool {
    header.typ.as_deref().is_some_and(|t| {
        let t = t.strip_prefix("application/").unwrap_or(t);
        t.eq_ignore_ascii_case(expected)
    })
}

pub fn str_claim<'a>(claims: &'a Claims, name: &'static str) -> Result<&'a str, JwtError> {
    match claims.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(JwtError::WrongClaim(name)),
        None => Err(JwtError::MissingClaim(name)),
    }
}

pub fn int_claim(claims: &Claims, name: &'static str) -> Result<i64, JwtError> {
    match claims.get(name) {
        Some(v) => v.as_i64().ok_or(JwtError::WrongClaim(name)),
        None => Err(JwtError::MissingClaim(name)),
    }
}

/// RFC 7519 §4.1.3: `aud` is a string or an array of strings.
pub fn aud_contains_any(claims: &Claims, accepted: &[&str]) -> Result<(), JwtError> {
    let ok = match claims.get("aud") {
        Some(Value::String(s)) => accepted.contains(&s.as_str()),
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str().is_some_and(|s| accepted.contains(&s))),
        Some(_) => false,
        None => return Err(JwtError::MissingClaim("aud")),
    };
    if ok { Ok(()) } else { Err(JwtError::WrongClaim("aud")) }
}

/// RFC 7519 §4.1.4 (`exp` required) and §4.1.5 (`nbf` if present), with [`LEEWAY`].
pub fn check_times(claims: &Claims, now: i64) -> Result<(), JwtError> {
    let exp = int_claim(claims, "exp")?;
    if now > exp + LEEWAY {
        return Err(JwtError::Expired);
    }
    if claims.contains_key("nbf") && int_claim(claims, "nbf")? > now + LEEWAY {
        return Err(JwtError::NotYetValid);
    }
    Ok(())
}

/// Algorithms Poort accepts from clients (request objects, client assertions, DPoP proofs).
/// Never `none` or a symmetric algorithm.
pub const CLIENT_ALGS: [Algorithm; 3] = [Algorithm::ES256, Algorithm::RS256, Algorithm::PS256];

/// Picks the client's key for a token's header: by `kid` when present, else the only key of
/// the matching type. The header `alg` must be allowed and fit the key type (and the key's
/// own `alg`, if stated), so an RSA key can never be used as an HMAC secret.
pub fn client_key(jwks: &JwkSet, header: &Header) -> Result<DecodingKey, JwtError> {
    if !CLIENT_ALGS.contains(&header.alg) {
        return Err(JwtError::AlgorithmNotAllowed);
    }
    let fits = |jwk: &&Jwk| jwk_fits_alg(jwk, header.alg);
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid).filter(|k| fits(k)).ok_or(JwtError::UnknownKey)?,
        None => {
            let mut candidates = jwks.keys.iter().filter(fits);
            match (candidates.next(), candidates.next()) {
                (Some(k), None) => k,
                _ => return Err(JwtError::UnknownKey),
            }
        }
    };
    DecodingKey::from_jwk(jwk).map_err(|_| JwtError::UnknownKey)
}

/// Whether a public JWK may verify `alg`.
pub fn jwk_fits_alg(jwk: &Jwk, alg: Algorithm) -> bool {
    if let Some(stated) = jwk.common.key_algorithm
        && stated.to_string() != format!("{alg:?}")
    {
        return false;
    }
    matches!(
        (&jwk.algorithm, alg),
        (AlgorithmParameters::EllipticCurve(p), Algorithm::ES256)
            if p.curve == jsonwebtoken::jwk::EllipticCurve::P256
    ) || matches!((&jwk.algorithm, alg), (AlgorithmParameters::RSA(_), Algorithm::RS256 | Algorithm::PS256))
}

/// Reads `sub` without verifying anything: only to find which client's keys to use.
pub fn insecure_sub(token: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<Claims>(&bytes).ok()?.get("sub")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Claims {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn an_expired_token_is_refused_after_the_leeway() {
        let c = claims(json!({"exp": 1000}));
        assert_eq!(check_times(&c, 1000 + LEEWAY), Ok(()));
        assert_eq!(check_times(&c, 1001 + LEEWAY), Err(JwtError::Expired));
        assert_eq!(check_times(&claims(json!({})), 0), Err(JwtError::MissingClaim("exp")));
    }

    #[test]
    fn aud_may_be_a_string_or_an_array() {
        assert_eq!(aud_contains_any(&claims(json!({"aud": "a"})), &["a"]), Ok(()));
        assert_eq!(aud_contains_any(&claims(json!({"aud": ["x", "a"]})), &["a"]), Ok(()));
        assert_eq!(
            aud_contains_any(&claims(json!({"aud": ["x"]})), &["a"]),
            Err(JwtError::WrongClaim("aud"))
        );
    }

    #[test]
    fn typ_ignores_case_and_the_application_prefix() {
        let mut h = Header::new(Algorithm::ES256);
        h.typ = Some("application/DPoP+JWT".into());
        assert!(typ_is(&h, "dpop+jwt"));
        assert!(!typ_is(&h, "at+jwt"));
    }
}
