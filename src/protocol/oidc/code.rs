//! Opaque handles (authorization codes, refresh tokens, opaque access tokens, PAR handles)
//! and the authorization-code redemption rules.
//!
//! Storage rules the store must enforce (RFC 6749 §4.1.2, §10.5; RFC 9700 §4.5):
//! * The database keeps only [`storage_key`] of a handle, never the handle itself.
//! * A code lives at most [`CODE_LIFETIME`] seconds and is single-use: redemption marks it
//!   used in the same transaction that issues tokens (`UPDATE … SET used_at = $now WHERE
//!   key = $1 AND used_at IS NULL`, one row affected or refuse).
//! * A replayed code (already used) → refuse with `invalid_grant` AND revoke every token
//!   issued from it: tokens carry the code's `grant_id`, revoke by `grant_id`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::pkce;

/// Authorization code lifetime in seconds (RFC 6749 §4.1.2 recommends at most 10 minutes).
pub const CODE_LIFETIME: i64 = 60;

/// A fresh handle: 256 random bits, base64url without padding (43 characters).
pub fn new_handle() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The database key of a handle: base64url(SHA-256(handle)). A leaked table yields no usable
/// token; lookups stay exact-match and indexable.
pub fn storage_key(handle: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(handle.as_bytes()))
}

/// Identifier shared by everything issued from one authorization (the code, its access
/// tokens, its refresh-token family): revocation by `grant_id`.
pub fn new_grant_id() -> String {
    new_handle()
}

/// What the store keeps per authorization code (keyed by `storage_key(code)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    pub grant_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// `None`: issued without PKCE (a confidential client allowed it, with a nonce).
    pub code_challenge: Option<String>,
    /// RFC 9449 §10: `dpop_jkt` from the authorization request, if any.
    pub dpop_jkt: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Outcome of a refused redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRefusal {
    pub error: OAuthError,
    /// `Some(grant_id)`: the code was replayed; revoke everything with this grant id.
    pub revoke_grant: Option<String>,
}

/// Checks a code redemption at the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.6,
/// RFC 9449 §10). `client_id` is the authenticated client.
pub fn redeem(
    record: &CodeRecord,
    client_id: &str,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
    dpop_jkt: Option<&str>,
    now: i64,
) -> Result<(), CodeRefusal> {
    let refuse = |d: &str| CodeRefusal { error: OAuthError::invalid_grant(d), revoke_grant: None };
    if record.used_at.is_some() {
        return Err(CodeRefusal {
            error: OAuthError::invalid_grant("the code was already used"),
            revoke_grant: Some(record.grant_id.clone()),
        });
    }
    if now >= record.expires_at {
        return Err(refuse("the code has expired"));
    }
    if record.client_id != client_id {
        return Err(refuse("the code was issued to another client"));
    }
    // RFC 6749 §4.1.3: redirect_uri must be identical to the one in the request.
    if redirect_uri != Some(record.redirect_uri.as_str()) {
        return Err(refuse("redirect_uri does not match"));
    }
    pkce::verify_code(code_verifier, record.code_challenge.as_deref())
        .map_err(|error| CodeRefusal { error, revoke_grant: None })?;
    if let Some(bound) = &record.dpop_jkt
        && dpop_jkt != Some(bound.as_str())
    {
        return Err(refuse("the DPoP key does not match the authorization request"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::error::ErrorCode;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn record() -> CodeRecord {
        CodeRecord {
            grant_id: "g1".into(),
            client_id: "rp".into(),
            redirect_uri: "https://rp/cb".into(),
            code_challenge: Some(pkce::s256_challenge(VERIFIER)),
            dpop_jkt: None,
            expires_at: 100,
            used_at: None,
        }
    }

    #[test]
    fn handles_are_256_bits_and_unique() {
        let a = new_handle();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_handle());
        assert_ne!(storage_key(&a), a);
        assert_eq!(storage_key(&a), storage_key(&a));
    }

    #[test]
    fn a_valid_code_is_redeemed() {
        assert_eq!(redeem(&record(), "rp", Some("https://rp/cb"), Some(VERIFIER), None, 50), Ok(()));
    }

    #[test]
    fn a_replayed_code_is_refused_and_its_grant_revoked() {
        let mut r = record();
        r.used_at = Some(10);
        let e = redeem(&r, "rp", Some("https://rp/cb"), Some(VERIFIER), None, 50).unwrap_err();
        assert_eq!(e.error.error, ErrorCode::InvalidGrant);
        assert_eq!(e.revoke_grant.as_deref(), Some("g1"));
    }

    #[test]
    fn expired_foreign_or_misdirected_codes_are_invalid_grant() {
        let cases = [
            redeem(&record(), "rp", Some("https://rp/cb"), Some(VERIFIER), None, 100),
            redeem(&record(), "other", Some("https://rp/cb"), Some(VERIFIER), None, 50),
            redeem(&record(), "rp", Some("https://rp/cb/"), Some(VERIFIER), None, 50),
            redeem(&record(), "rp", None, Some(VERIFIER), None, 50),
            redeem(&record(), "rp", Some("https://rp/cb"), Some(&"x".repeat(43)), None, 50),
        ];
        for c in cases {
            let e = c.unwrap_err();
            assert_eq!(e.error.error, ErrorCode::InvalidGrant);
            assert_eq!(e.revoke_grant, None);
        }
    }

    #[test]
    fn a_code_bound_to_a_dpop_key_needs_that_key() {
        let mut r = record();
        r.dpop_jkt = Some("jkt1".into());
        let e = redeem(&r, "rp", Some("https://rp/cb"), Some(VERIFIER), Some("jkt2"), 50).unwrap_err();
        assert_eq!(e.error.error, ErrorCode::InvalidGrant);
        assert!(redeem(&r, "rp", Some("https://rp/cb"), Some(VERIFIER), Some("jkt1"), 50).is_ok());
    }
}
