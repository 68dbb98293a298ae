//! `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, RFC 9449 §10).
//!
//! The tokens are made first; then one transaction with two writes: the UPDATE that marks
//! the code used (only one exchange can win it) and the INSERT of the refresh/opaque
//! tokens, so a failure leaves the code unused and nothing half-issued. A code presented
//! again revokes its grant and everything issued from it (RFC 6749 §4.1.2, RFC 9700 §4.5).

use std::collections::HashMap;

use serde_json::Value;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::code::{CodeRecord, redeem, storage_key};
use crate::protocol::oidc::endpoints::client_auth::AuthenticatedClient;
use crate::protocol::oidc::endpoints::server_error;
use crate::protocol::oidc::endpoints::token::issue;
use crate::protocol::oidc::error::OAuthError;
use crate::store::unix_now;

pub async fn exchange(
    state: &OidcState,
    client: &AuthenticatedClient,
    form: &HashMap<String, String>,
    jkt: Option<String>,
) -> Result<Value, OAuthError> {
    let code = form.get("code").ok_or_else(|| OAuthError::invalid_request("code is required"))?;
    let key = storage_key(code);
    let store = state.store();
    let (grant, identity) = store
        .find_oidc_grant_by_code::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(&key)
        .await
        .map_err(server_error)?
        .ok_or_else(|| OAuthError::invalid_grant("the code is not valid"))?;
    let gs_request = &grant.request;
    let record = CodeRecord {
        grant_id: grant.id.clone(),
        client_id: grant.client_id.clone(),
        redirect_uri: gs_request.redirect_uri.clone(),
        code_challenge: gs_request.code_challenge.clone(),
        dpop_jkt: gs_request.dpop_jkt.clone(),
        expires_at: grant.code_expires_at,
        used_at: grant.code_used_at,
    };
    let now = unix_now();
    if let Err(refusal) = redeem(
        &record,
        client.id(),
        form.get("redirect_uri").map(String::as_str),
        form.get("code_verifier").map(String::as_str),
        jkt.as_deref(),
        now,
    ) {
        if let Some(grant_id) = refusal.revoke_grant {
            // Only the client the code was issued to triggers revocation by replaying it.
            if grant.client_id == client.id() {
                store.update_oidc_grant_revoked(&grant_id, now).await.map_err(server_error)?;
                tracing::warn!(client.id = %client.id(), "authorization code replayed: its grant was revoked");
            }
        }
        return Err(refusal.error);
    }
    if grant.revoked_at.is_some() {
        return Err(OAuthError::invalid_grant("the code is not valid"));
    }
    let gs = issue::subject_of(&grant, identity)?;
    let scopes = &gs.request.scopes;
    let (body, rows) =
        issue::person_tokens(state, client.client(), &grant, &gs, scopes, jkt.as_deref(), now)?;
    // Exactly one exchange wins the code; the tokens of a losing one are never handed out.
    if !store.redeem_oidc_code(&key, now, &rows).await.map_err(server_error)? {
        store.update_oidc_grant_revoked(&grant.id, now).await.map_err(server_error)?;
        return Err(OAuthError::invalid_grant("the code was already used"));
    }
    tracing::info!(client.id = %client.id(), "authorization code exchanged");
    Ok(body)
}
