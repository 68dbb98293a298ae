//! Dynamic client registration (RFC 7591 §2, §3.2; OIDC Registration 1.0 §2; OIDC
//! Back-Channel Logout 1.0 §2.2; RFC 9126 §6; RFC 9449 §5.2). The secret is returned once
//! in the response and stored only as `client::hash_secret`.
//!
//! Every metadata name those specifications define is either honoured (stored, used, and
//! echoed in the response) or refused with `invalid_client_metadata` naming it — never
//! dropped. A name defined by none of them is an extension Poort does not understand: RFC
//! 7591 §2 says such metadata "MUST" be ignored, and the response, which echoes what was
//! stored (§3.2.1), shows the client it was not registered.
//!
//! [`register`] is pure; a `sector_identifier_uri` is fetched by the endpoint (through the
//! guarded outbound client) and its document checked with [`check_sector_document`].
//!
//! Here the request and [`register`]; `metadata` reads and checks the fields, `response`
//! builds the client information response.

mod metadata;
mod response;

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde_json::{Map, Value};

use metadata::{Metadata, UNSUPPORTED, display_uri, meta, sector_of, uri_ok};
pub use metadata::{check_sector_document, claims_of_scopes, is_code};
pub use response::response_body;

use crate::protocol::oidc::client::{
    AccessTokenFormat, AuthMethod, Client, ClientDisplay, ClientKind, GrantType, Lifetimes, SubjectType,
    hash_secret,
};
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::keys::Alg;

/// The registration request: the client metadata object as sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct RegistrationRequest(pub Map<String, Value>);

#[derive(Debug)]
pub struct Registered {
    pub client: Client,
    /// Shown once; `None` for `none` and `private_key_jwt` clients.
    pub client_secret: Option<String>,
}

/// Validates a registration and builds the client. Scopes are limited to `default_scopes`
/// (no `egovnrn` or claims permissions by self-registration; an administrator grants those).
/// The client may receive the claims of its scopes (what the consent page asks).
/// `is_pkce_required` is the server's default for registered clients
/// (`oidc.registered_clients_require_pkce`); a client may ask for PKCE with the `require_pkce`
/// extension, never leave it out when the default requires it.
pub fn register(
    req: RegistrationRequest,
    pepper: &[u8],
    default_scopes: &[&str],
    is_pkce_required: bool,
) -> Result<Registered, OAuthError> {
    let mut m = Metadata(req.0);
    if let Some(name) = UNSUPPORTED.iter().find(|n| m.0.get(**n).is_some_and(|v| !v.is_null())) {
        return Err(meta(format!("{name}: not supported by this server")));
    }
    let redirect_uris: Vec<String> = m.take("redirect_uris")?.unwrap_or_default();
    if redirect_uris.is_empty() || !redirect_uris.iter().all(|u| uri_ok(u)) {
        return Err(OAuthError::new(
            ErrorCode::InvalidRedirectUri,
            "redirect_uris must be https (or http on loopback), without a fragment",
        ));
    }
    let post_logout_redirect_uris: Vec<String> = m.take("post_logout_redirect_uris")?.unwrap_or_default();
    if !post_logout_redirect_uris.iter().all(|u| uri_ok(u)) {
        return Err(meta("post_logout_redirect_uris: must be https (or http on loopback)"));
    }
    let auth_method = match m.take::<String>("token_endpoint_auth_method")?.as_deref() {
        None | Some("client_secret_basic") => AuthMethod::ClientSecretBasic,
        Some("client_secret_post") => AuthMethod::ClientSecretPost,
        Some("private_key_jwt") => AuthMethod::PrivateKeyJwt,
        Some("none") => AuthMethod::None,
        Some(_) => return Err(meta("token_endpoint_auth_method: not supported")),
    };
    let jwks: Option<JwkSet> = m.take("jwks")?;
    let jwks_uri: Option<String> = m.take("jwks_uri")?;
    if jwks.is_some() && jwks_uri.is_some() {
        return Err(meta("jwks, jwks_uri: mutually exclusive"));
    }
    if jwks_uri.as_deref().is_some_and(|u| !u.starts_with("https://")) {
        return Err(meta("jwks_uri: must be https"));
    }
    if auth_method == AuthMethod::PrivateKeyJwt && jwks.is_none() && jwks_uri.is_none() {
        return Err(meta("token_endpoint_auth_method: private_key_jwt needs jwks or jwks_uri"));
    }
    let mut grant_types = Vec::new();
    for g in m.take::<Vec<String>>("grant_types")?.unwrap_or_else(|| vec!["authorization_code".into()]) {
        grant_types.push(match g.as_str() {
            "authorization_code" => GrantType::AuthorizationCode,
            "refresh_token" => GrantType::RefreshToken,
            _ => return Err(meta(format!("grant_types: {g} is not available by registration"))),
        });
    }
    // RFC 7591 §2.1: response_types and grant_types must be consistent.
    let responses: Vec<String> = m.take("response_types")?.unwrap_or_else(|| vec!["code".into()]);
    if responses != ["code"] || !grant_types.contains(&GrantType::AuthorizationCode) {
        return Err(meta("response_types: only code, with the authorization_code grant"));
    }
    let scopes: Vec<String> = match m.take::<String>("scope")? {
        None => default_scopes.iter().map(|s| (*s).to_owned()).collect(),
        Some(s) => {
            let asked: Vec<String> = s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect();
            if let Some(a) = asked.iter().find(|a| !default_scopes.contains(&a.as_str())) {
                return Err(meta(format!("scope: {a} is not available by registration")));
            }
            asked
        }
    };
    // OIDC Registration §2: https; OIDC Core §8.1: its host is the sector. The document is
    // fetched and checked by the endpoint (check_sector_document).
    let sector_identifier_uri: Option<String> = m.take("sector_identifier_uri")?;
    let sector_host = match &sector_identifier_uri {
        None => None,
        Some(u) => Some(
            url::Url::parse(u)
                .ok()
                .filter(|_| uri_ok(u))
                .and_then(|p| p.host_str().map(str::to_string))
                .ok_or_else(|| meta("sector_identifier_uri: must be an https URL"))?,
        ),
    };
    let subject_type = match m.take::<String>("subject_type")?.as_deref() {
        None | Some("public") => SubjectType::Public,
        Some("pairwise") => SubjectType::Pairwise {
            sector_identifier: match &sector_host {
                Some(host) => host.clone(),
                None => sector_of(&redirect_uris)?,
            },
        },
        Some(_) => return Err(meta("subject_type: must be public or pairwise")),
    };
    let backchannel_logout_uri: Option<String> = m.take("backchannel_logout_uri")?;
    // OIDC Back-Channel Logout 1.0 §2.2: an absolute URI without a fragment.
    if backchannel_logout_uri.as_deref().is_some_and(|u| !uri_ok(u)) {
        return Err(meta("backchannel_logout_uri: must be https (or http on loopback), without a fragment"));
    }
    let backchannel_logout_session_required: bool =
        m.take("backchannel_logout_session_required")?.unwrap_or(false);
    // OIDC Registration §2: RS256 is the default when the client names none.
    let id_token_alg = match m.take::<String>("id_token_signed_response_alg")?.as_deref() {
        None | Some("RS256") => Alg::RS256,
        Some("ES256") => Alg::ES256,
        Some(_) => return Err(meta("id_token_signed_response_alg: RS256 or ES256")),
    };
    // OIDC Registration §2: absent, userinfo is plain JSON.
    let userinfo_alg = match m.take::<String>("userinfo_signed_response_alg")?.as_deref() {
        None => None,
        Some("RS256") => Some(Alg::RS256),
        Some("ES256") => Some(Alg::ES256),
        Some(_) => return Err(meta("userinfo_signed_response_alg: RS256 or ES256")),
    };
    let request_object_alg = match m.take::<String>("request_object_signing_alg")? {
        None => None,
        Some(a) if ["RS256", "ES256", "PS256"].contains(&a.as_str()) => Some(a),
        Some(_) => return Err(meta("request_object_signing_alg: RS256, ES256 or PS256")),
    };
    // OIDC Registration §2 `request_uris`: where request objects are published (OIDC Core
    // §6.2); the fragment may differ per request and is kept.
    let request_uris: Vec<String> = m.take("request_uris")?.unwrap_or_default();
    let is_request_uri_ok = |u: &String| {
        url::Url::parse(u).is_ok_and(|p| match p.scheme() {
            "https" => true,
            "http" => matches!(p.host_str(), Some("127.0.0.1" | "[::1]" | "localhost")),
            _ => false,
        })
    };
    if request_uris.len() > 10 || !request_uris.iter().all(is_request_uri_ok) {
        return Err(meta("request_uris: at most 10 https URLs"));
    }
    let display = ClientDisplay {
        client_uri: display_uri(&mut m, "client_uri")?,
        logo_uri: display_uri(&mut m, "logo_uri")?,
        policy_uri: display_uri(&mut m, "policy_uri")?,
        tos_uri: display_uri(&mut m, "tos_uri")?,
        contacts: m.take("contacts")?.unwrap_or_default(),
    };
    if display.contacts.len() > 10 || display.contacts.iter().any(|c: &String| c.len() > 256) {
        return Err(meta("contacts: at most 10 addresses"));
    }
    // Poort's extension: a client may ask for PKCE; it may leave PKCE out only when the
    // server's default for registered clients allows it, and never as a public client.
    let require_pkce = match m.take::<bool>("require_pkce")? {
        None => is_pkce_required || auth_method == AuthMethod::None,
        Some(true) => true,
        Some(false) if is_pkce_required => {
            return Err(meta("require_pkce: this server requires PKCE from registered clients"));
        }
        Some(false) if auth_method == AuthMethod::None => {
            return Err(meta("require_pkce: a public client always uses PKCE"));
        }
        Some(false) => false,
    };
    // Poort's extension (docs/RELYING_PARTIES.md, "Roles and profiles"): what the client
    // serves, so it receives only the roles that concern it.
    let domains: Vec<String> = m.take("domains")?.unwrap_or_default();
    let applications: Vec<String> = m.take("applications")?.unwrap_or_default();
    if let Some(bad) = domains.iter().chain(&applications).find(|c| !is_code(c)) {
        return Err(meta(format!("domains, applications: {bad:?} is not a code (1-40 of a-z, 0-9 and _)")));
    }
    match m.take::<String>("application_type")?.as_deref() {
        None | Some("web") => {}
        Some(_) => return Err(meta("application_type: only web is supported")),
    }
    let require_par: bool = m.take("require_pushed_authorization_requests")?.unwrap_or(false);
    let require_dpop: bool = m.take("dpop_bound_access_tokens")?.unwrap_or(false);
    let name: Option<String> = m.take("client_name")?;
    let secret =
        matches!(auth_method, AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost).then(new_handle);
    let allowed_claims = claims_of_scopes(&scopes);
    let client = Client {
        id: new_handle(),
        name: name.unwrap_or_else(|| "unnamed client".into()),
        kind: if auth_method == AuthMethod::None { ClientKind::Public } else { ClientKind::Confidential },
        secret_hash: secret.as_deref().map(|s| hash_secret(pepper, s)),
        secret: None,
        auth_method,
        jwks,
        jwks_uri,
        redirect_uris,
        post_logout_redirect_uris,
        backchannel_logout_uri,
        backchannel_logout_session_required,
        grant_types,
        scopes,
        allowed_claims,
        subject_type,
        id_token_alg,
        access_token_format: AccessTokenFormat::Jwt,
        claims_in_id_token: false,
        require_par,
        require_dpop,
        is_first_party: false,
        min_level: None,
        lifetimes: Lifetimes::default(),
        domains,
        applications,
        require_pkce,
        userinfo_alg,
        request_uris,
        request_object_alg,
        sector_identifier_uri,
        display,
    };
    Ok(Registered { client, client_secret: secret })
}

#[cfg(test)]
mod tests;
