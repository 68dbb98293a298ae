//! `POST /register` (RFC 7591): dynamic client registration, allowed with the initial
//! access token from `oidc.registration_initial_access_token` (RFC 7591 §3). Off when
//! that is empty (and then absent from discovery).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use subtle::ConstantTimeEq;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::endpoints::discovery::SCOPES;
use crate::protocol::oidc::endpoints::{header_str, json_no_store, server_error};
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::registration::{
    RegistrationRequest, check_sector_document, register as validate, response_body,
};
use crate::store::oidc_clients::ClientSource;

/// Scopes a self-registered client may ask for; `egovnrn` and `roles` need an administrator.
const SELF_SERVICE_SCOPES: &[&str] = &["openid", "profile", "email"];

/// The largest `sector_identifier_uri` document read (a list of URIs).
const SECTOR_DOCUMENT_MAX_BYTES: usize = 64 * 1024;

pub async fn register(State(state): State<OidcState>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(state: &OidcState, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let expected = &state.oidc().settings().registration_initial_access_token;
    if expected.is_empty() {
        return Err(OAuthError::new(ErrorCode::AccessDenied, "dynamic registration is not enabled"));
    }
    let presented =
        header_str(headers, "authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
    if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        let mut e = OAuthError::new(ErrorCode::InvalidToken, "a valid initial access token is required");
        e.www_authenticate = Some("Bearer realm=\"poort\", error=\"invalid_token\"".into());
        return Err(e);
    }
    let is_json = header_str(headers, "content-type").is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        // RFC 7591 §3.1: the metadata is sent as JSON.
        return Err(OAuthError::new(ErrorCode::InvalidClientMetadata, "the body must be application/json"));
    }
    let request: RegistrationRequest = serde_json::from_slice(body).map_err(|_| {
        OAuthError::new(ErrorCode::InvalidClientMetadata, "the body is not a JSON object of client metadata")
    })?;
    let allowed: Vec<&str> = SELF_SERVICE_SCOPES.iter().copied().filter(|s| SCOPES.contains(s)).collect();
    let settings = state.oidc().settings();
    let registered = validate(
        request,
        state.oidc().client_secret_pepper(),
        &allowed,
        settings.registered_clients_require_pkce,
    )?;
    let client = &registered.client;
    let outbound = state.oidc().outbound();
    let refused = |field: &str, e: &dyn std::fmt::Display| {
        OAuthError::new(ErrorCode::InvalidClientMetadata, format!("{field}: {e}"))
    };
    // Every URL Poort will fetch must pass the outbound policy (no SSRF through metadata).
    let fetched = [
        ("jwks_uri", client.jwks_uri.as_deref()),
        ("backchannel_logout_uri", client.backchannel_logout_uri.as_deref()),
        ("sector_identifier_uri", client.sector_identifier_uri.as_deref()),
    ]
    .into_iter()
    .chain(client.request_uris.iter().map(|u| ("request_uris", Some(u.as_str()))));
    for (field, uri) in fetched {
        if let Some(uri) = uri {
            outbound.check_url(uri).map_err(|e| refused(field, &e))?;
        }
    }
    // OIDC Core §8.1: the sector document must list every redirect URI.
    if let Some(uri) = &client.sector_identifier_uri {
        let fetched = outbound.get_limited(uri, SECTOR_DOCUMENT_MAX_BYTES).await.map_err(|e| {
            tracing::info!(client.name = %client.name, error = %e, "sector_identifier_uri not fetched");
            refused("sector_identifier_uri", &e)
        })?;
        if !fetched.status.is_success() {
            return Err(refused("sector_identifier_uri", &format!("answered {}", fetched.status.as_u16())));
        }
        check_sector_document(&fetched.body, &client.redirect_uris)?;
    }
    state
        .store()
        .upsert_oidc_client(&client.id, client, ClientSource::Registration, None)
        .await
        .map_err(server_error)?;
    tracing::info!(client.id = %client.id, "client registered dynamically");
    Ok(json_no_store(StatusCode::CREATED, response_body(&registered, crate::store::unix_now())))
}
