//! Dynamic client registration request validation (RFC 7591 §2, §3.2; OIDC Registration §2).
//! The secret is returned once in the response and stored only as `client::hash_secret`.

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;

use crate::protocol::oidc::client::{
    AuthMethod, Client, ClientKind, GrantType, Lifetimes, SubjectType, hash_secret,
};
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};

#[derive(Debug, Clone, Deserialize)]
pub struct RegistrationRequest {
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    pub response_types: Option<Vec<String>>,
    #[serde(default)]
    pub jwks: Option<JwkSet>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Debug)]
pub struct Registered {
    pub client: Client,
    /// Shown once; `None` for `none` and `private_key_jwt` clients.
    pub client_secret: Option<String>,
}

fn meta(d: &str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClientMetadata, d)
}

/// RFC 8252 §7.3 / RFC 9700 §4.1: https, or http only on loopback; no fragment.
fn redirect_ok(uri: &str) -> bool {
    match url::Url::parse(uri) {
        Ok(u) if u.fragment().is_none() => match u.scheme() {
            "https" => true,
            "http" => matches!(u.host_str(), Some("127.0.0.1" | "[::1]" | "localhost")),
            _ => false,
        },
        _ => false,
    }
}

/// Validates a registration and builds the client. Scopes are limited to `default_scopes`
/// (no `egovnrn` or claims permissions by self-registration; an administrator grants those).
pub fn register(
    req: RegistrationRequest,
    pepper: &[u8],
    default_scopes: &[&str],
) -> Result<Registered, OAuthError> {
    if req.redirect_uris.is_empty() || !req.redirect_uris.iter().all(|u| redirect_ok(u)) {
        return Err(OAuthError::new(
            ErrorCode::InvalidRedirectUri,
            "redirect_uris must be https (or http on loopback)",
        ));
    }
    if !req.post_logout_redirect_uris.iter().all(|u| redirect_ok(u)) {
        return Err(meta("post_logout_redirect_uris must be https"));
    }
    let auth_method = match req.token_endpoint_auth_method.as_deref().unwrap_or("client_secret_basic") {
        "client_secret_basic" => AuthMethod::ClientSecretBasic,
        "client_secret_post" => AuthMethod::ClientSecretPost,
        "private_key_jwt" => AuthMethod::PrivateKeyJwt,
        "none" => AuthMethod::None,
        _ => return Err(meta("unsupported token_endpoint_auth_method")),
    };
    if req.jwks.is_some() && req.jwks_uri.is_some() {
        return Err(meta("jwks and jwks_uri are mutually exclusive"));
    }
    if auth_method == AuthMethod::PrivateKeyJwt && req.jwks.is_none() && req.jwks_uri.is_none() {
        return Err(meta("private_key_jwt needs jwks or jwks_uri"));
    }
    let mut grants = Vec::new();
    for g in req.grant_types.unwrap_or_else(|| vec!["authorization_code".into()]) {
        grants.push(match g.as_str() {
            "authorization_code" => GrantType::AuthorizationCode,
            "refresh_token" => GrantType::RefreshToken,
            _ => return Err(meta("unsupported grant type")),
        });
    }
    // RFC 7591 §2.1: response_types and grant_types must be consistent.
    let responses = req.response_types.unwrap_or_else(|| vec!["code".into()]);
    if responses != ["code"] || !grants.contains(&GrantType::AuthorizationCode) {
        return Err(meta("only response_type code with the authorization_code grant"));
    }
    let scopes: Vec<String> = match req.scope {
        None => default_scopes.iter().map(|s| (*s).to_owned()).collect(),
        Some(s) => {
            let asked: Vec<String> = s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect();
            if asked.iter().any(|a| !default_scopes.contains(&a.as_str())) {
                return Err(meta("scope not available by registration"));
            }
            asked
        }
    };
    let secret =
        matches!(auth_method, AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost).then(new_handle);
    let client = Client {
        id: new_handle(),
        name: req.client_name.unwrap_or_else(|| "unnamed client".into()),
        kind: if auth_method == AuthMethod::None { ClientKind::Public } else { ClientKind::Confidential },
        secret_hash: secret.as_deref().map(|s| hash_secret(pepper, s)),
        secret: None,
        auth_method,
        jwks: req.jwks,
        jwks_uri: req.jwks_uri,
        redirect_uris: req.redirect_uris,
        post_logout_redirect_uris: req.post_logout_redirect_uris,
        backchannel_logout_uri: None,
        backchannel_logout_session_required: false,
        grant_types: grants,
        scopes,
        allowed_claims: Vec::new(),
        subject_type: SubjectType::Public,
        id_token_alg: crate::protocol::oidc::keys::Alg::ES256,
        access_token_format: crate::protocol::oidc::client::AccessTokenFormat::Jwt,
        claims_in_id_token: false,
        require_par: false,
        require_dpop: false,
        is_first_party: false,
        min_level: None,
        lifetimes: Lifetimes::default(),
    };
    Ok(Registered { client, client_secret: secret })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::oidc::client::verify_secret;
    use serde_json::json;

    fn req(v: serde_json::Value) -> RegistrationRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_registered_client_gets_an_id_and_a_secret_stored_hashed() {
        let r = register(
            req(json!({"redirect_uris": ["https://rp.example/cb", "http://127.0.0.1:8080/cb"]})),
            b"p",
            &["openid"],
        )
        .unwrap();
        let s = r.client_secret.unwrap();
        assert!(verify_secret(b"p", &s, r.client.secret_hash.as_deref().unwrap()));
        assert_eq!(r.client.id.len(), 43);
    }

    #[test]
    fn refused_registrations_carry_the_exact_code() {
        let code = |v| register(req(v), b"p", &["openid"]).unwrap_err().error;
        assert_eq!(code(json!({"redirect_uris": ["http://rp.example/cb"]})), ErrorCode::InvalidRedirectUri);
        assert_eq!(
            code(json!({"redirect_uris": ["https://rp.example/cb#f"]})),
            ErrorCode::InvalidRedirectUri
        );
        assert_eq!(
            code(
                json!({"redirect_uris": ["https://rp/cb"], "jwks_uri": "https://rp/j", "jwks": {"keys": []}})
            ),
            ErrorCode::InvalidClientMetadata
        );
        assert_eq!(
            code(json!({"redirect_uris": ["https://rp/cb"], "response_types": ["token"]})),
            ErrorCode::InvalidClientMetadata
        );
        assert_eq!(
            code(
                json!({"redirect_uris": ["https://rp/cb"], "token_endpoint_auth_method": "private_key_jwt"})
            ),
            ErrorCode::InvalidClientMetadata
        );
        assert_eq!(
            code(json!({"redirect_uris": ["https://rp/cb"], "scope": "openid egovnrn"})),
            ErrorCode::InvalidClientMetadata
        );
        assert_eq!(
            code(json!({"redirect_uris": ["https://rp/cb"], "grant_types": ["implicit"]})),
            ErrorCode::InvalidClientMetadata
        );
    }
}
