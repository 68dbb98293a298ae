//! `POST /par` (RFC 9126): an authenticated client pushes its authorization request and
//! gets a single-use `request_uri` valid for 90 seconds.

use std::cell::RefCell;

use crate::protocol::oidc::endpoints::client_auth::PendingReplays;
use crate::protocol::oidc::error::ErrorCode;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde_json::json;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::authorize_request::AuthorizeContext;
use crate::protocol::oidc::code::storage_key;
use crate::protocol::oidc::endpoints::client_auth::{authenticate_client, client_keys};
use crate::protocol::oidc::endpoints::discovery::SCOPES;
use crate::protocol::oidc::endpoints::{json_no_store, parse_form, server_error};
use crate::protocol::oidc::error::OAuthError;
use crate::protocol::oidc::par;
use crate::store::unix_now;

pub async fn push(State(state): State<OidcState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &OidcState, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let form = parse_form(headers, body)?;
    let client = authenticate_client(state, headers, &form, "par").await?;
    let keys = match form.get("request") {
        Some(request) => client_keys(state, client.client(), Some(request)).await,
        None => None,
    };
    let replays = RefCell::new(PendingReplays::default());
    let pushed = {
        let ctx = AuthorizeContext {
            issuer: state.oidc().issuer(),
            supported_scopes: SCOPES,
            client_keys: keys.as_ref(),
            now: unix_now(),
            replay: &replays,
        };
        par::push(&form, client.client(), &ctx)?
    };
    if !replays.into_inner().commit(state).await? {
        return Err(OAuthError::new(ErrorCode::InvalidRequestObject, "request object was already used"));
    }
    state
        .store()
        .create_oidc_par_request(
            &storage_key(&pushed.request_uri),
            client.id(),
            &pushed.request,
            pushed.expires_at,
        )
        .await
        .map_err(server_error)?;
    Ok(json_no_store(
        StatusCode::CREATED,
        json!({ "request_uri": pushed.request_uri, "expires_in": pushed.expires_in }),
    ))
}
