//! `POST /introspect` (RFC 7662): authenticated clients only; a token of another client
//! (or unknown, expired, revoked) is `{"active": false}`.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};

use crate::protocol::oidc::endpoints::client_auth::authenticate_client;
use crate::protocol::oidc::endpoints::{bearer, json_no_store, parse_form};
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::introspection;
use crate::startup::AppState;

pub async fn introspect(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let form = parse_form(headers, body)?;
    let client = authenticate_client(state, headers, &form, "introspect").await?;
    let token = form.get("token").ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    // Refresh tokens are not introspectable here: only the client holds them, and it
    // knows what it holds. They answer inactive like any unknown token.
    let body = match bearer::resolve(state, token).await? {
        Some(facts) if introspection::may_introspect(client.id(), &facts) => {
            introspection::active(&facts, state.oidc().issuer())
        }
        _ => introspection::inactive(),
    };
    Ok(json_no_store(StatusCode::OK, body))
}
