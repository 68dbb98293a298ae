//! `POST /introspect` (RFC 7662): authenticated clients only; a token of another client
//! (or unknown, expired, revoked) is `{"active": false}`.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::code::storage_key;
use crate::protocol::oidc::endpoints::client_auth::authenticate_client;
use crate::protocol::oidc::endpoints::server_error;
use crate::protocol::oidc::endpoints::{bearer, json_no_store, parse_form};
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::introspection;
use crate::protocol::oidc::tokens;
use crate::store::oidc_grants::TokenKind;
use crate::store::unix_now;

pub async fn introspect(State(state): State<OidcState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &OidcState, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let form = parse_form(headers, body)?;
    let client = authenticate_client(state, headers, &form, "introspect").await?;
    // RFC 7662 §2.1: the caller must really authenticate; a bare client_id is not enough.
    if client.client().auth_method == crate::protocol::oidc::client::AuthMethod::None {
        return Err(OAuthError::invalid_client("introspection needs client authentication"));
    }
    let token = form.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let body = match bearer::resolve(state, token).await? {
        Some(facts) if introspection::may_introspect(client.id(), &facts) => {
            let mut body = introspection::active(&facts, state.oidc().issuer());
            if let (Some(obj), Some(grant_id)) = (body.as_object_mut(), facts.grant_id.as_deref()) {
                obj.extend(profile_claims(state, &facts.client_id, grant_id, &facts.scope).await?);
            }
            body
        }
        Some(_) => introspection::inactive(),
        None => refresh_token(state, client.id(), token).await?,
    };
    Ok(json_no_store(StatusCode::OK, body))
}

/// The roles of the token's profile, as the client it was issued to receives them.
async fn profile_claims(
    state: &OidcState,
    client_id: &str,
    grant_id: &str,
    scopes: &[String],
) -> Result<serde_json::Map<String, serde_json::Value>, OAuthError> {
    let store = state.store();
    let grant = store.find_oidc_grant::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(grant_id).await.map_err(server_error)?;
    let client = store
        .find_oidc_client::<crate::protocol::oidc::client::Client>(client_id)
        .await
        .map_err(server_error)?;
    Ok(match (grant, client) {
        (Some(g), Some(c)) => tokens::profile_claims(&c, scopes, &g.auth.profile),
        _ => serde_json::Map::new(),
    })
}

/// A live refresh token of the calling client (RFC 7662 §2.1 covers refresh tokens too).
async fn refresh_token(
    state: &OidcState,
    caller: &str,
    token: &str,
) -> Result<serde_json::Value, OAuthError> {
    let store = state.store();
    let now = unix_now();
    let row = store.find_oidc_token(&storage_key(token)).await.map_err(server_error)?;
    let Some(row) = row.filter(|r| {
        r.kind == TokenKind::Refresh
            && r.client_id == caller
            && r.revoked_at.is_none()
            && r.rotated_at.is_none()
            && r.expires_at > now
    }) else {
        return Ok(introspection::inactive());
    };
    let grant = store.find_oidc_grant::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(&row.grant_id).await.map_err(server_error)?;
    if grant.is_none_or(|g| g.revoked_at.is_some()) {
        return Ok(introspection::inactive());
    }
    Ok(serde_json::json!({
        "active": true,
        "token_type": "refresh_token",
        "client_id": row.client_id,
        "scope": row.scope,
        "exp": row.expires_at,
        "iat": row.issued_at,
        "iss": state.oidc().issuer(),
    }))
}
