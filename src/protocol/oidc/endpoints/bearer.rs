//! Resolving a presented access token (JWT or opaque) to its facts, with revocation
//! checks: the grant (revoked by code replay, refresh reuse, logout or the person) and the
//! token itself (RFC 7009).

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::access_token::{self, AccessFacts};
use crate::protocol::oidc::code::storage_key;
use crate::protocol::oidc::endpoints::server_error;
use crate::protocol::oidc::error::OAuthError;
use crate::store::oidc_grants::TokenKind;
use crate::store::unix_now;

/// Namespace of revoked JWT access token `jti`s in `oidc_used_jtis`.
pub const REVOKED_AT_NAMESPACE: &str = "revoked_access_token";

/// `Ok(None)`: not a valid, live access token of ours.
pub async fn resolve(state: &OidcState, token: &str) -> Result<Option<AccessFacts>, OAuthError> {
    let now = unix_now();
    let store = state.store();
    let provider = state.oidc();
    let facts = if access_token::is_jwt(token) {
        let keys = provider.keys_for(store, token).await;
        let Some(facts) = access_token::verify_jwt(&keys, provider.issuer(), token, now) else {
            return Ok(None);
        };
        if let Some(jti) = &facts.jti
            && store
                .find_oidc_used_jti(REVOKED_AT_NAMESPACE, &facts.client_id, jti)
                .await
                .map_err(server_error)?
        {
            return Ok(None);
        }
        facts
    } else {
        let row = store.find_oidc_token(&storage_key(token)).await.map_err(server_error)?;
        let Some(row) =
            row.filter(|r| r.kind == TokenKind::Access && r.revoked_at.is_none() && r.expires_at > now)
        else {
            return Ok(None);
        };
        let is_person = !row.grant_id.starts_with("cc:");
        AccessFacts {
            client_id: row.client_id.clone(),
            sub: row.subject.clone().unwrap_or_else(|| row.client_id.clone()),
            scope: row.scope.split(' ').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            iat: row.issued_at,
            exp: row.expires_at,
            grant_id: is_person.then(|| row.grant_id.clone()),
            jti: None,
            jkt: row.dpop_jkt.clone(),
            aud: vec![provider.issuer().to_string()],
        }
    };
    if let Some(grant_id) = &facts.grant_id {
        let grant = store.find_oidc_grant::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(grant_id).await.map_err(server_error)?;
        if grant.is_none_or(|g| g.revoked_at.is_some()) {
            return Ok(None);
        }
    }
    Ok(Some(facts))
}
