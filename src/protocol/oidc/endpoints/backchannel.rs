//! Back-channel logout (OIDC Back-Channel Logout 1.0): when a browser session ends, every
//! client that received tokens in it and registered a `backchannel_logout_uri` gets a
//! logout token by direct POST. Each notification is a row in `oidc_logout_deliveries`,
//! retried with backoff by the background task until delivered or out of attempts.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;

use crate::authn::events::SessionListener;
use crate::protocol::oidc::Provider;
use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::logout::{LOGOUT_TOKEN_TYP, logout_token_claims};
use crate::protocol::oidc::tokens::subject_identifier;
use crate::store::oidc_consent::LogoutDelivery;
use crate::store::{Store, StoreResult, unix_now};

/// The OpenID Provider's side of a session's end: it hears of every ended session through
/// [`SessionListener`] and tells the relying parties.
#[derive(Clone, Debug)]
pub struct Backchannel {
    pub store: Store,
    pub provider: Arc<Provider>,
}

#[async_trait]
impl SessionListener for Backchannel {
    async fn session_ended(&self, sid: &str, identity_id: &str) -> anyhow::Result<()> {
        session_ended(self, sid, identity_id).await?;
        Ok(())
    }
}

/// A session ended: revoke its grants and queue a notification per client. Returns the
/// number of notifications queued. Delivery starts at once in the background.
pub async fn session_ended(state: &Backchannel, sid: &str, identity_id: &str) -> StoreResult<usize> {
    let grants = state.store.find_oidc_grant_ids_of_session(sid).await?;
    grants_ended(state, sid, identity_id, &grants).await
}

/// Some grants of a session ended (the profile they were issued for is gone, or the whole
/// session): revoke them and queue a logout token for each of their clients. `grants` are
/// (grant id, client id).
pub async fn grants_ended(
    state: &Backchannel,
    sid: &str,
    identity_id: &str,
    grants: &[(String, String)],
) -> StoreResult<usize> {
    let store = &state.store;
    let now = unix_now();
    let clients: BTreeSet<String> = grants.iter().map(|(_, c)| c.clone()).collect();
    for (grant_id, _) in grants {
        store.update_oidc_grant_revoked(grant_id, now).await?;
    }
    let mut queued = 0;
    for client_id in clients {
        let Some(client) = store.find_oidc_client::<Client>(&client_id).await? else { continue };
        if client.backchannel_logout_uri.is_none() {
            continue;
        }
        let delivery = LogoutDelivery {
            id: new_handle(),
            client_id,
            sid: sid.to_string(),
            identity_id: identity_id.to_string(),
            attempts: 0,
        };
        store.create_oidc_logout_delivery(&delivery, now).await?;
        queued += 1;
    }
    if queued > 0 {
        let state = state.clone();
        tokio::spawn(async move { deliver_due(&state).await });
    }
    Ok(queued)
}

/// Sends every due notification once. Called by the background job every few seconds.
pub async fn deliver_due(state: &Backchannel) {
    let store = &state.store;
    let now = unix_now();
    let due = match store.find_due_oidc_logout_deliveries(now).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "reading back-channel logout deliveries failed");
            return;
        }
    };
    for delivery in due {
        // Several nodes (and the immediate attempt after a logout) may see the same row.
        match store.update_oidc_logout_delivery_claimed(&delivery.id, now, now + 30).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "claiming a back-channel logout delivery failed");
                continue;
            }
        }
        let outcome = deliver_one(state, &delivery).await;
        let attempts = delivery.attempts + 1;
        let max = i64::from(state.provider.settings().backchannel_max_attempts);
        let (status, error, next) = match outcome {
            Ok(()) => ("delivered", None, now),
            Err(e) if attempts >= max => ("failed", Some(e), now),
            // 5 s, 10 s, 20 s, … between attempts.
            Err(e) => ("pending", Some(e), now + 5 * (1 << attempts.clamp(0, 10))),
        };
        tracing::info!(client.id = %delivery.client_id, logout.status = status, logout.attempts = attempts, "back-channel logout attempt");
        if let Err(e) =
            store.update_oidc_logout_delivery(&delivery.id, status, error.as_deref(), next, now).await
        {
            tracing::warn!(error = %e, "recording a back-channel logout attempt failed");
        }
    }
}

/// One POST of a fresh logout token (§2.5); success is 200 or 204 (§2.8).
async fn deliver_one(state: &Backchannel, delivery: &LogoutDelivery) -> Result<(), String> {
    let client = state
        .store
        .find_oidc_client::<Client>(&delivery.client_id)
        .await
        .map_err(|_| "client lookup failed".to_string())?
        .ok_or_else(|| "client no longer exists".to_string())?;
    let uri =
        client.backchannel_logout_uri.as_deref().ok_or_else(|| "no backchannel_logout_uri".to_string())?;
    let provider = &state.provider;
    let sub = subject_identifier(&client, &delivery.identity_id, provider.pairwise_pepper());
    let claims = logout_token_claims(
        provider.issuer(),
        &client,
        Some(&sub),
        Some(&delivery.sid),
        &new_handle(),
        unix_now(),
    )
    .ok_or_else(|| "no subject for the logout token".to_string())?;
    let token =
        provider.keys().sign(&claims, client.id_token_alg, LOGOUT_TOKEN_TYP).map_err(|e| e.to_string())?;
    let response = provider
        .outbound()
        .post_form(uri, &[("logout_token", token.as_str())])
        .await
        .map_err(|e| e.to_string())?;
    match response.status.as_u16() {
        200 | 204 => Ok(()),
        other => Err(format!("HTTP {other}")),
    }
}
