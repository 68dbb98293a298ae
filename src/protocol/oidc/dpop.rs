//! DPoP proof verification (RFC 9449 §4.3) and JWK thumbprints (RFC 7638).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey};
use sha2::{Digest, Sha256};

use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::jwt::{self, JwtError};
use crate::protocol::oidc::replay::{ReplayGuard, ReplayNamespace};

/// Accepted `iat` distance from `now`, seconds (RFC 9449 §11.1).
pub const IAT_WINDOW: i64 = 60;
/// RFC 9449 §5: advertised in `dpop_signing_alg_values_supported`.
pub const DPOP_ALGS: [&str; 3] = ["ES256", "RS256", "PS256"];

/// RFC 7638 SHA-256 thumbprint of the proof key (base64url), used as `cnf.jkt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jkt(pub String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DpopError {
    #[error("invalid DPoP proof: {0}")]
    Invalid(&'static str),
    /// RFC 9449 §8: the server requires a (fresh) nonce.
    #[error("a DPoP nonce is required")]
    UseNonce,
}

impl DpopError {
    /// At the token endpoint: `invalid_dpop_proof` / `use_dpop_nonce` (400, RFC 9449 §5, §8).
    /// At userinfo the caller answers 401 with `WWW-Authenticate: DPoP error=…` instead.
    pub fn to_oauth(&self) -> OAuthError {
        match self {
            Self::Invalid(d) => OAuthError::new(ErrorCode::InvalidDpopProof, *d),
            Self::UseNonce => OAuthError::new(ErrorCode::UseDpopNonce, "a DPoP nonce is required"),
        }
    }
}

/// Optional server nonce policy (RFC 9449 §8, §9).
pub enum NoncePolicy<'a> {
    None,
    /// Returns true if the nonce is current.
    Require(&'a dyn Fn(&str) -> bool),
}

pub struct ProofCheck<'a> {
    pub htm: &'a str,
    pub htu: &'a str,
    pub now: i64,
    /// The access token presented with the proof (resource requests): `ath` is then required.
    pub access_token: Option<&'a str>,
    /// Key the token/code is bound to (`cnf.jkt`, `dpop_jkt`).
    pub expected_jkt: Option<&'a str>,
    pub nonce: NoncePolicy<'a>,
}

/// RFC 9449 §4.3 checks, in order. Returns the key's thumbprint.
pub fn verify_proof(
    proof: &str,
    check: ProofCheck<'_>,
    replay: &mut dyn ReplayGuard,
) -> Result<Jkt, DpopError> {
    let bad = DpopError::Invalid;
    let raw = jwt::raw_header(proof).map_err(|_| bad("malformed proof"))?;
    let header = jwt::peek_header(proof).map_err(|_| bad("malformed proof"))?;
    if !jwt::typ_is(&header, "dpop+jwt") {
        return Err(bad("typ must be dpop+jwt"));
    }
    if !matches!(header.alg, Algorithm::ES256 | Algorithm::RS256 | Algorithm::PS256) {
        return Err(bad("unsupported alg"));
    }
    // §4.3 item 7: the jwk header must not contain a private key.
    let raw_jwk = raw.get("jwk").and_then(|v| v.as_object()).ok_or(bad("jwk header missing"))?;
    if ["d", "p", "q", "dp", "dq", "qi", "k"].iter().any(|m| raw_jwk.contains_key(*m)) {
        return Err(bad("jwk header contains a private key"));
    }
    let jwk: &Jwk = header.jwk.as_ref().ok_or(bad("jwk header missing"))?;
    if !jwt::jwk_fits_alg(jwk, header.alg) {
        return Err(bad("jwk does not fit alg"));
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|_| bad("unusable jwk"))?;
    let (_, claims) = jwt::verify_signature(proof, &key, header.alg).map_err(|e| match e {
        JwtError::BadSignature => bad("signature does not verify"),
        _ => bad("malformed proof"),
    })?;
    if jwt::str_claim(&claims, "htm").ok() != Some(check.htm) {
        return Err(bad("htm does not match"));
    }
    let htu = jwt::str_claim(&claims, "htu").map_err(|_| bad("htu missing"))?;
    if !same_target(htu, check.htu) {
        return Err(bad("htu does not match"));
    }
    let iat = jwt::int_claim(&claims, "iat").map_err(|_| bad("iat missing"))?;
    if (check.now - iat).abs() > IAT_WINDOW {
        return Err(bad("iat outside the accepted window"));
    }
    if let NoncePolicy::Require(is_current) = check.nonce
        && !jwt::str_claim(&claims, "nonce").is_ok_and(is_current)
    {
        return Err(DpopError::UseNonce);
    }
    if let Some(at) = check.access_token {
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(at.as_bytes()));
        if jwt::str_claim(&claims, "ath").ok() != Some(ath.as_str()) {
            return Err(bad("ath does not match the access token"));
        }
    }
    let jkt = Jkt(jwk.thumbprint(ThumbprintHash::SHA256).map_err(|_| bad("unusable jwk"))?);
    if check.expected_jkt.is_some_and(|e| e != jkt.0) {
        return Err(bad("proof key does not match the bound key"));
    }
    let jti = jwt::str_claim(&claims, "jti").map_err(|_| bad("jti missing"))?;
    if !replay.first_use(ReplayNamespace::DpopProof, &jkt.0, jti, iat + IAT_WINDOW + jwt::LEEWAY) {
        return Err(bad("jti was already used"));
    }
    Ok(jkt)
}

/// RFC 9449 §4.3 item 9: compare scheme, host, port and path; ignore query and fragment
/// (RFC 3986 §6 normalisation via `url`).
fn same_target(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
                && a.path() == b.path()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
