//! Client authentication for the back-channel endpoints (token, PAR, introspection,
//! revocation): parse the credentials, look the client up, check them, record the
//! assertion's `jti`. No slow hash anywhere on this path (secrets are HMACs).

use std::collections::HashMap;
use std::sync::Arc;

use http::HeaderMap;
use jsonwebtoken::jwk::JwkSet;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::client::{AuthMethod, Client};
use crate::protocol::oidc::client_auth::{AssertionContext, ClientCredentials, authenticate};
use crate::protocol::oidc::endpoints::{header_str, server_error};
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::replay::{ReplayGuard, ReplayNamespace};
use crate::store::unix_now;

/// Proof that the request was made by this client: the grant handlers take it, so an
/// endpoint cannot forget to authenticate the client.
#[derive(Debug, Clone)]
pub struct AuthenticatedClient(Arc<Client>);

impl AuthenticatedClient {
    pub fn client(&self) -> &Client {
        &self.0
    }

    pub fn id(&self) -> &str {
        &self.0.id
    }
}

/// A replay guard that accepts and remembers identifiers so they can be recorded in the
/// database afterwards (the protocol check is synchronous; the store is not).
#[derive(Debug, Default)]
pub struct PendingReplays(pub Vec<(ReplayNamespace, String, String, i64)>);

impl ReplayGuard for PendingReplays {
    fn first_use(&mut self, namespace: ReplayNamespace, issuer: &str, jti: &str, keep_until: i64) -> bool {
        self.0.push((namespace, issuer.to_string(), jti.to_string(), keep_until));
        true
    }
}

impl PendingReplays {
    /// Records every identifier; `false` if one was seen before.
    pub async fn commit(self, state: &OidcState) -> Result<bool, OAuthError> {
        for (ns, issuer, jti, until) in self.0 {
            let is_first = state
                .store()
                .create_oidc_used_jti(ns.as_str(), &issuer, &jti, until)
                .await
                .map_err(server_error)?;
            if !is_first {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The client's public keys to verify `token` (a JWS): registered `jwks`, or the cached
/// set of its `jwks_uri` (fetched again when the token names an unknown `kid`).
pub async fn client_keys(state: &OidcState, client: &Client, token: Option<&str>) -> Option<JwkSet> {
    if let Some(jwks) = &client.jwks {
        return Some(jwks.clone());
    }
    let uri = client.jwks_uri.as_deref()?;
    let kid = token.and_then(|t| crate::protocol::oidc::jwt::peek_header(t).ok()).and_then(|h| h.kid);
    let provider = state.oidc();
    let keys = provider.jwks_cache().keys(provider.outbound(), &client.id, uri, kid.as_deref()).await?;
    Some(keys.as_ref().clone())
}

/// Authenticates the client of a back-channel request. `endpoint` is the path of the
/// endpoint (accepted as assertion audience besides the issuer and the token endpoint).
pub async fn authenticate_client(
    state: &OidcState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    endpoint: &str,
) -> Result<AuthenticatedClient, OAuthError> {
    let creds = ClientCredentials::from_request(header_str(headers, "authorization"), form)?;
    let client = state.oidc().client(state.store(), creds.client_id()).await.map_err(server_error)?;
    let keys = match (&client, creds.method()) {
        (Some(c), AuthMethod::PrivateKeyJwt) => {
            client_keys(state, c, form.get("client_assertion").map(String::as_str)).await
        }
        _ => None,
    };
    let provider = state.oidc();
    let token_endpoint = provider.endpoint("token");
    let this_endpoint = provider.endpoint(endpoint);
    let audiences = [provider.issuer(), token_endpoint.as_str(), this_endpoint.as_str()];
    let mut replays = PendingReplays::default();
    let result = authenticate(
        &creds,
        client.as_deref(),
        provider.client_secret_pepper(),
        AssertionContext {
            audiences: &audiences,
            now: unix_now(),
            client_keys: keys.as_ref(),
            replay: &mut replays,
        },
    );
    if let Err(e) = result {
        tracing::info!(client.id = %creds.client_id(), client.auth_method = creds.method().as_str(), "client authentication refused");
        return Err(e);
    }
    if !replays.commit(state).await? {
        return Err(creds.invalid_client("client assertion refused"));
    }
    let client = client.ok_or_else(|| creds.invalid_client("client authentication failed"))?;
    Ok(AuthenticatedClient(client))
}
