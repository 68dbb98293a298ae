//! `POST /revoke` (RFC 7009): a client revokes its own refresh or access token. Always 200
//! once the client is authenticated (§2.2), whatever the token was.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::access_token;
use crate::protocol::oidc::code::storage_key;
use crate::protocol::oidc::endpoints::client_auth::authenticate_client;
use crate::protocol::oidc::endpoints::{bearer, parse_form, server_error};
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::revocation::{Hint, Revocation, decide};
use crate::store::oidc_grants::TokenKind;
use crate::store::unix_now;

pub async fn revoke(State(state): State<OidcState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &OidcState, headers: &HeaderMap, body: &[u8]) -> Result<(), OAuthError> {
    let form = parse_form(headers, body)?;
    let client = authenticate_client(state, headers, &form, "revoke").await?;
    let token = form.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let _hint = Hint::parse(form.get("token_type_hint").map(String::as_str));
    let store = state.store();
    let now = unix_now();
    let (owner, revocation) = if access_token::is_jwt(token) {
        match bearer::resolve(state, token).await? {
            Some(f) => {
                let r = match f.jti.clone() {
                    Some(jti) => Revocation::JwtAccess { jti, exp: f.exp },
                    None => Revocation::Nothing,
                };
                (Some(f.client_id), r)
            }
            None => (None, Revocation::Nothing),
        }
    } else {
        let key = storage_key(token);
        match store.find_oidc_token(&key).await.map_err(server_error)? {
            Some(row) if row.kind == TokenKind::Refresh => {
                (Some(row.client_id), Revocation::Grant(row.grant_id))
            }
            Some(row) => (Some(row.client_id), Revocation::OpaqueAccess(key)),
            None => (None, Revocation::Nothing),
        }
    };
    match decide(client.id(), owner.as_deref(), revocation) {
        Revocation::Grant(grant_id) => {
            store.update_oidc_grant_revoked(&grant_id, now).await.map_err(server_error)?
        }
        Revocation::OpaqueAccess(key) => {
            store.update_oidc_token_revoked(&key, now).await.map_err(server_error)?
        }
        Revocation::JwtAccess { jti, exp } => {
            store
                .create_oidc_used_jti(bearer::REVOKED_AT_NAMESPACE, client.id(), &jti, exp + 60)
                .await
                .map_err(server_error)?;
        }
        Revocation::Nothing => {}
    }
    tracing::info!(client.id = %client.id(), "revocation request handled");
    Ok(())
}
