//! PKCE (RFC 7636). Poort accepts only `S256` and requires it from public clients always
//! and from confidential clients unless their `require_pkce` is off (RFC 9700 §2.1.1: a
//! confidential client may instead rely on the OpenID Connect `nonce`); see
//! [`challenge_of`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::protocol::oidc::client::Client;
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

/// The authorization request's PKCE policy (RFC 9700 §2.1.1). With a `code_challenge` it is
/// checked as [`check_challenge`] does, for every client. Without one the request is
/// accepted only from a confidential client whose `require_pkce` is off AND that sent a
/// `nonce`: the client authenticates at the token endpoint and checks the nonce in the
/// id_token, which is what RFC 9700 §2.1.1 accepts instead of PKCE against code
/// injection. `Ok(None)`: the code carries no challenge.
pub fn challenge_of(
    client: &Client,
    challenge: Option<&str>,
    method: Option<&str>,
    nonce: Option<&str>,
) -> Result<Option<String>, OAuthError> {
    if challenge.is_some() || method.is_some() {
        return check_challenge(challenge, method).map(Some);
    }
    if client.is_pkce_required() {
        return Err(OAuthError::invalid_request("code_challenge is required (PKCE S256)"));
    }
    if nonce.is_none_or(str::is_empty) {
        return Err(OAuthError::invalid_request(
            "code_challenge is required: without PKCE this client must send a nonce",
        ));
    }
    Ok(None)
}

/// Token endpoint check of a code's challenge (RFC 7636 §4.6; RFC 9700 §2.1.1): a code
/// issued with a challenge needs its verifier; a code issued without one refuses a
/// `code_verifier` (a PKCE downgrade: the verifier belongs to another request).
pub fn verify_code(verifier: Option<&str>, stored_challenge: Option<&str>) -> Result<(), OAuthError> {
    match stored_challenge {
        Some(challenge) => verify_s256(verifier, challenge),
        None if verifier.is_some() => Err(OAuthError::invalid_grant(
            "code_verifier was sent but the authorization request had no code_challenge",
        )),
        None => Ok(()),
    }
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

    fn client(require_pkce: bool, public: bool) -> Client {
        let mut c = crate::protocol::oidc::client::tests::test_client();
        c.require_pkce = require_pkce;
        if public {
            c.kind = crate::protocol::oidc::client::ClientKind::Public;
            c.auth_method = crate::protocol::oidc::client::AuthMethod::None;
        }
        c
    }

    #[test]
    fn without_a_challenge_only_a_confidential_client_allowed_it_and_sending_a_nonce_passes() {
        let refused = |c: &Client, nonce| challenge_of(c, None, None, nonce).unwrap_err().error;
        assert_eq!(refused(&client(true, false), Some("n")), ErrorCode::InvalidRequest);
        assert_eq!(refused(&client(false, true), Some("n")), ErrorCode::InvalidRequest);
        assert_eq!(refused(&client(false, false), None), ErrorCode::InvalidRequest);
        assert_eq!(refused(&client(false, false), Some("")), ErrorCode::InvalidRequest);
        assert_eq!(challenge_of(&client(false, false), None, None, Some("n")), Ok(None));
        // A challenge sent is checked whatever the policy.
        assert_eq!(
            challenge_of(&client(false, false), Some(CHALLENGE), Some("plain"), Some("n")).unwrap_err().error,
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            challenge_of(&client(false, false), Some(CHALLENGE), Some("S256"), None),
            Ok(Some(CHALLENGE.to_owned()))
        );
    }

    #[test]
    fn a_verifier_for_a_code_without_a_challenge_is_a_downgrade_and_refused() {
        assert_eq!(verify_code(Some(VERIFIER), None).unwrap_err().error, ErrorCode::InvalidGrant);
        assert_eq!(verify_code(None, None), Ok(()));
        assert_eq!(verify_code(Some(VERIFIER), Some(CHALLENGE)), Ok(()));
        assert_eq!(verify_code(None, Some(CHALLENGE)).unwrap_err().error, ErrorCode::InvalidGrant);
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
