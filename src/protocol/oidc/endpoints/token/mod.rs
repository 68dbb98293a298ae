//! `POST /token` (RFC 6749 §3.2): authenticate the client, check an optional DPoP proof,
//! hand over to the grant: `authorization_code`, `refresh_token` or `client_credentials`.

mod authorization_code;
mod client_credentials;
pub mod issue;
mod refresh_token;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::client::GrantType;
use crate::protocol::oidc::endpoints::client_auth::authenticate_client;
use crate::protocol::oidc::endpoints::{dpop_proof, parse_form};
use crate::protocol::oidc::error::{ErrorCode, OAuthError};

pub async fn token(State(state): State<OidcState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &OidcState, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let form = parse_form(headers, body)?;
    let grant = match form.get("grant_type").map(String::as_str) {
        None => return Err(OAuthError::invalid_request("grant_type is required")),
        Some("authorization_code") => GrantType::AuthorizationCode,
        Some("refresh_token") => GrantType::RefreshToken,
        Some("client_credentials") => GrantType::ClientCredentials,
        Some(_) => {
            return Err(OAuthError::new(ErrorCode::UnsupportedGrantType, "this grant type is not supported"));
        }
    };
    let client = authenticate_client(state, headers, &form, "token").await?;
    if !client.client().may_use_grant(grant) {
        return Err(OAuthError::unauthorized_client("this client may not use this grant type"));
    }
    let htu = state.oidc().endpoint("token");
    let jkt = dpop_proof::check(state, headers, "POST", &htu, None, None).await.map_err(|e| e.to_oauth())?;
    if client.client().require_dpop && jkt.is_none() {
        return Err(OAuthError::new(ErrorCode::InvalidDpopProof, "this client must send a DPoP proof"));
    }
    let jkt = jkt.map(|j| j.0);
    let body = match grant {
        GrantType::AuthorizationCode => authorization_code::exchange(state, &client, &form, jkt).await?,
        GrantType::RefreshToken => refresh_token::exchange(state, &client, &form, jkt).await?,
        GrantType::ClientCredentials => client_credentials::issue(state, &client, &form, jkt).await?,
    };
    Ok(super::json_no_store(http::StatusCode::OK, body))
}
