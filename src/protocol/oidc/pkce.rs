//! PKCE (RFC 7636). Poort accepts only `S256` and requires it from every client
//! (RFC 9700 §2.1.1).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::protocol::oidc::error::OAuthError;

/// RFC 7636 §4.1: `code-verifier = 43*128unreserved`.
pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// RFC 7636 §4.2: an S256 challenge is BASE64URL(SHA256(verifier)) without padding: 43 chars.
pub fn is_valid_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43 && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 7636 §4.2 `S256` transformation.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Validates the authorization request's PKCE parameters (RFC 7636 §4.3, §4.4.1).
/// `plain` and a missing method (which defaults to `plain`) are refused.
pub fn check_challenge(challenge: Option<&str>, method: Option<&str>) -> Result<String, OAuthError> {
    let challenge = challenge.ok_or_else(|| OAuthError::invalid_request("code_challenge is required"))?;
    match method {
        Some("S256") => {}
        _ => {
            return Err(OAuthError::invalid_request("code_challenge_method must be S256"));
        }
    }
    if !is_valid_s256_challenge(challenge) {
        return Err(OAuthError::invalid_request("code_challenge is malformed"));
    }
    Ok(challenge.to_owned())
}

/// Token endpoint check (RFC 7636 §4.6): constant-time comparison of
/// BASE64URL(SHA256(verifier)) with the stored challenge. Errors are `invalid_grant`.
pub fn verify_s256(verifier: Option<&str>, stored_challenge: &str) -> Result<(), OAuthError> {
    let verifier = verifier.ok_or_else(|| OAuthError::invalid_grant("code_verifier is required"))?;
    if !is_valid_verifier(verifier) {
        return Err(OAuthError::invalid_grant("code_verifier is malformed"));
    }
    let computed = s256_challenge(verifier);
    if computed.as_bytes().ct_eq(stored_challenge.as_bytes()).into() {
        Ok(())
    } else {
        Err(OAuthError::invalid_grant("code_verifier does not match"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::error::ErrorCode;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies() {
        assert_eq!(s256_challenge(VERIFIER), CHALLENGE);
        assert_eq!(verify_s256(Some(VERIFIER), CHALLENGE), Ok(()));
    }

    #[test]
    fn a_pkce_mismatch_is_invalid_grant() {
        let other = "a".repeat(43);
        assert_eq!(verify_s256(Some(&other), CHALLENGE).unwrap_err().error, ErrorCode::InvalidGrant);
        assert_eq!(verify_s256(None, CHALLENGE).unwrap_err().error, ErrorCode::InvalidGrant);
    }

    #[test]
    fn verifier_length_and_charset_follow_rfc_7636() {
        assert!(!is_valid_verifier(&"a".repeat(42)));
        assert!(is_valid_verifier(&"a".repeat(43)));
        assert!(is_valid_verifier(&"a".repeat(128)));
        assert!(!is_valid_verifier(&"a".repeat(129)));
        assert!(!is_valid_verifier(&format!("{}+", "a".repeat(43))));
        assert!(is_valid_verifier(&format!("{}-._~", "a".repeat(43))));
        let short = "a".repeat(42);
        assert_eq!(verify_s256(Some(&short), CHALLENGE).unwrap_err().error, ErrorCode::InvalidGrant);
    }

    #[test]
    fn non_s256_challenges_are_refused() {
        for method in [Some("plain"), None, Some("s256")] {
            assert_eq!(
                check_challenge(Some(CHALLENGE), method).unwrap_err().error,
                ErrorCode::InvalidRequest
            );
        }
        assert_eq!(check_challenge(None, Some("S256")).unwrap_err().error, ErrorCode::InvalidRequest);
        assert_eq!(
            check_challenge(Some("short"), Some("S256")).unwrap_err().error,
            ErrorCode::InvalidRequest
        );
        assert_eq!(check_challenge(Some(CHALLENGE), Some("S256")).unwrap(), CHALLENGE);
    }
}
