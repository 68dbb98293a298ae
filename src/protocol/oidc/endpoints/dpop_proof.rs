//! Reading and checking the `DPoP` header of a request (RFC 9449 §4.3, §7.1).

use http::HeaderMap;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::dpop::{DpopError, Jkt, NoncePolicy, ProofCheck, verify_proof};
use crate::protocol::oidc::endpoints::client_auth::PendingReplays;
use crate::store::unix_now;

/// Verifies the request's DPoP proof, if it has one. `Ok(None)`: no proof was sent.
/// More than one `DPoP` header is an invalid proof (RFC 9449 §4.3 item 1).
pub async fn check(
    state: &OidcState,
    headers: &HeaderMap,
    htm: &str,
    htu: &str,
    access_token: Option<&str>,
    expected_jkt: Option<&str>,
) -> Result<Option<Jkt>, DpopError> {
    let mut values = headers.get_all("dpop").iter();
    let Some(first) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(DpopError::Invalid("more than one DPoP header"));
    }
    let proof = first.to_str().map_err(|_| DpopError::Invalid("malformed proof"))?;
    let mut replays = PendingReplays::default();
    let jkt = verify_proof(
        proof,
        ProofCheck { htm, htu, now: unix_now(), access_token, expected_jkt, nonce: NoncePolicy::None },
        &mut replays,
    )?;
    match replays.commit(state).await {
        Ok(true) => Ok(Some(jkt)),
        Ok(false) => Err(DpopError::Invalid("jti was already used")),
        Err(_) => Err(DpopError::Invalid("the proof could not be recorded")),
    }
}
