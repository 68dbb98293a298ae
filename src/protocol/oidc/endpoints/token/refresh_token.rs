//! `grant_type=refresh_token` (RFC 6749 §6) with rotation and reuse detection
//! (RFC 9700 §4.14.2): every use rotates; a rotated token used again revokes the family.

use std::collections::HashMap;

use serde_json::Value;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::AuthorizationRequest;
use crate::protocol::oidc::code::storage_key;
use crate::protocol::oidc::endpoints::backchannel::{Backchannel, grants_ended};
use crate::protocol::oidc::endpoints::client_auth::AuthenticatedClient;
use crate::protocol::oidc::endpoints::discovery::SCOPES;
use crate::protocol::oidc::endpoints::server_error;
use crate::protocol::oidc::endpoints::token::issue;
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::grant::{Grant, GrantAuth};
use crate::protocol::oidc::refresh::{RefreshRecord, check_refresh};
use crate::store::oidc_grants::TokenKind;
use crate::store::unix_now;

/// The role `grant`'s profile rested on is gone: revoke the grant, and with
/// `profile.logout_on_lost_role` every grant of the same profile in the session, telling
/// their clients by back-channel logout.
async fn profile_lost(state: &OidcState, grant: &Grant) -> crate::store::StoreResult<()> {
    let store = state.store();
    let key = grant.auth.profile.key();
    tracing::info!(client.id = %grant.client_id, "a refresh found the profile's role removed");
    let ended: Vec<(String, String)> = if state.profiles.settings().logout_on_lost_role {
        store
            .find_oidc_grants_of_session::<AuthorizationRequest, GrantAuth>(&grant.sid)
            .await?
            .into_iter()
            .filter(|g| g.auth.profile.key() == key)
            .map(|g| (g.id, g.client_id))
            .collect()
    } else {
        Vec::new()
    };
    if ended.is_empty() {
        return store.update_oidc_grant_revoked(&grant.id, unix_now()).await;
    }
    let backchannel = Backchannel { store: store.clone(), provider: state.provider.clone() };
    grants_ended(&backchannel, &grant.sid, &grant.identity_id, &ended).await?;
    Ok(())
}

pub async fn exchange(
    state: &OidcState,
    client: &AuthenticatedClient,
    form: &HashMap<String, String>,
    jkt: Option<String>,
) -> Result<Value, OAuthError> {
    let presented =
        form.get("refresh_token").ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
    let key = storage_key(presented);
    let store = state.store();
    let invalid = || OAuthError::invalid_grant("the refresh token is not valid");
    let row =
        store.find_oidc_token(&key).await.map_err(server_error)?.filter(|r| r.kind == TokenKind::Refresh);
    let row = row.ok_or_else(invalid)?;
    let grant = store
        .find_oidc_grant::<AuthorizationRequest, GrantAuth>(&row.grant_id)
        .await
        .map_err(server_error)?
        .ok_or_else(invalid)?;
    let record = RefreshRecord {
        family_id: grant.id.clone(),
        client_id: row.client_id.clone(),
        scope: row.scope.split(' ').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        sid: Some(grant.sid.clone()),
        dpop_jkt: row.dpop_jkt.clone(),
        expires_at: row.expires_at,
        family_expires_at: grant.expires_at,
        rotated_at: row.rotated_at,
        revoked_at: row.revoked_at.or(grant.revoked_at),
    };
    let now = unix_now();
    // As at the authorization endpoint (OIDC Core §3.1.2.1), scope values Poort does not
    // understand (`offline_access`) are ignored; the rest may only narrow.
    let requested: Option<String> =
        form.get("scope").map(|s| s.split(' ').filter(|x| SCOPES.contains(x)).collect::<Vec<_>>().join(" "));
    let scopes = match check_refresh(&record, client.id(), requested.as_deref(), jkt.as_deref(), now) {
        Ok(scopes) => scopes,
        Err(refusal) => {
            if let Some(family) = refusal.revoke_family
                && row.client_id == client.id()
            {
                store.update_oidc_grant_revoked(&family, now).await.map_err(server_error)?;
                tracing::warn!(client.id = %client.id(), "refresh token reused: its family was revoked");
            }
            return Err(refusal.error);
        }
    };
    let mut gs = issue::grant_subject(state, &grant).await?;
    // Freshness: the profile's roles as they stand now; a profile whose role was removed
    // ends this grant (and, configurably, the grants of the same profile in the session).
    match state
        .profiles
        .current(gs.subject.national_number.as_ref(), &gs.profile)
        .await
        .map_err(server_error)?
    {
        Some(profile) => {
            if profile != gs.profile {
                let auth = GrantAuth { context: grant.auth.context.clone(), profile: profile.clone() };
                store.update_oidc_grant_auth(&grant.id, &auth).await.map_err(server_error)?;
                gs.profile = profile;
            }
        }
        None => {
            profile_lost(state, &grant).await.map_err(server_error)?;
            return Err(OAuthError::invalid_grant(
                "the profile of this grant no longer holds: a role it rests on was removed",
            ));
        }
    }
    // An id_token from a refresh carries no nonce (OIDC Core §12.2).
    gs.request.nonce = None;
    let (body, rows) =
        issue::person_tokens(state, client.client(), &grant, &gs, &scopes, jkt.as_deref(), now)?;
    // Exactly one refresh wins the presented token (rotation and the successor in one
    // transaction); the tokens of a losing one are never handed out.
    if !store.rotate_oidc_refresh_token(&key, now, &rows).await.map_err(server_error)? {
        store.update_oidc_grant_revoked(&grant.id, now).await.map_err(server_error)?;
        return Err(OAuthError::invalid_grant("the refresh token was already used"));
    }
    Ok(body)
}
