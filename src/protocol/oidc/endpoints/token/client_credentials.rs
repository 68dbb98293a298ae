//! `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself,
//! no refresh token (§4.4.3), no id_token (no person).

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::client::AccessTokenFormat;
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::endpoints::client_auth::AuthenticatedClient;
use crate::protocol::oidc::endpoints::server_error;
use crate::protocol::oidc::endpoints::token::issue;
use crate::protocol::oidc::error::OAuthError;
use crate::store::unix_now;

/// Scopes that only make sense with a person; never granted to a client alone.
const PERSON_SCOPES: &[&str] =
    &["openid", "profile", "email", "egovnrn", "roles", "certificateInfo", "btb:manage", "access:manage"];

pub async fn issue(
    state: &OidcState,
    client: &AuthenticatedClient,
    form: &HashMap<String, String>,
    jkt: Option<String>,
) -> Result<Value, OAuthError> {
    let c = client.client();
    // RFC 6749 §4.4: only confidential clients.
    if c.kind != crate::protocol::oidc::client::ClientKind::Confidential {
        return Err(OAuthError::unauthorized_client("client_credentials needs a confidential client"));
    }
    let scopes: Vec<String> = match form.get("scope") {
        None => Vec::new(),
        Some(s) => s.split(' ').filter(|x| !x.is_empty()).map(str::to_string).collect(),
    };
    if scopes.iter().any(|s| PERSON_SCOPES.contains(&s.as_str()) || !c.scopes.contains(s)) {
        return Err(OAuthError::invalid_scope("a requested scope is not available to this client"));
    }
    let now = unix_now();
    let claims = json!({
        "iss": state.oidc().issuer(),
        "sub": c.id,
        "aud": state.oidc().issuer(),
        "client_id": c.id,
        "scope": scopes.join(" "),
        "iat": now,
        "exp": now + c.lifetimes.access_token,
        "jti": new_handle(),
    });
    // An opaque token's row needs a grant id of its own; a JWT needs no row.
    let row_grant_id = match c.access_token_format {
        AccessTokenFormat::Opaque => format!("cc:{}", new_handle()),
        AccessTokenFormat::Jwt => String::new(),
    };
    let (access_token, rows) =
        issue::access_token(state, c, claims, &row_grant_id, None, jkt.as_deref(), now)
            .map_err(server_error)?;
    state.store().create_oidc_tokens(&rows).await.map_err(server_error)?;
    tracing::info!(client.id = %c.id, "client_credentials token issued");
    Ok(issue::response(&access_token, c.lifetimes.access_token, &scopes, jkt.is_some(), None, None))
}
