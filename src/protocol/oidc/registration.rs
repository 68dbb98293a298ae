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

use std::collections::BTreeSet;

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::protocol::oidc::client::{
    AccessTokenFormat, AuthMethod, Client, ClientDisplay, ClientKind, GrantType, Lifetimes, SubjectType,
    hash_secret,
};
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::keys::Alg;
use crate::protocol::oidc::tokens::CLAIM_TABLE;

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

/// Metadata the specifications define that Poort does not support: refused by name.
const UNSUPPORTED: &[&str] = &[
    // RFC 7591 §2
    "software_id",
    "software_version",
    "software_statement",
    // OIDC Registration 1.0 §2
    "id_token_encrypted_response_alg",
    "id_token_encrypted_response_enc",
    "userinfo_encrypted_response_alg",
    "userinfo_encrypted_response_enc",
    "request_object_encryption_alg",
    "request_object_encryption_enc",
    "token_endpoint_auth_signing_alg",
    "default_max_age",
    "require_auth_time",
    "default_acr_values",
    "initiate_login_uri",
    // OIDC Front-Channel Logout 1.0 §2
    "frontchannel_logout_uri",
    "frontchannel_logout_session_required",
    // RFC 8705 §2.1.2 (mutual-TLS client authentication)
    "tls_client_auth_subject_dn",
    "tls_client_certificate_bound_access_tokens",
    // JARM
    "authorization_signed_response_alg",
    "authorization_encrypted_response_alg",
    "authorization_encrypted_response_enc",
];

fn meta(description: impl Into<String>) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClientMetadata, description)
}

/// The metadata object, read one named field at a time.
struct Metadata(Map<String, Value>);

impl Metadata {
    /// Removes and parses `name`; `null` counts as absent. A value of the wrong shape is
    /// refused naming the field.
    fn take<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, OAuthError> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                serde_json::from_value(v).map(Some).map_err(|_| meta(format!("{name}: not a valid value")))
            }
        }
    }
}

/// RFC 8252 §7.3 / RFC 9700 §4.1: https, or http only on loopback; no fragment.
fn uri_ok(uri: &str) -> bool {
    match url::Url::parse(uri) {
        Ok(u) if u.fragment().is_none() => match u.scheme() {
            "https" => true,
            "http" => matches!(u.host_str(), Some("127.0.0.1" | "[::1]" | "localhost")),
            _ => false,
        },
        _ => false,
    }
}

/// A display URI (`logo_uri`, `policy_uri`, `tos_uri`, `client_uri`): https only — the
/// consent page links to it and shows the logo — or http on loopback for local tests.
fn display_uri(m: &mut Metadata, name: &str) -> Result<Option<String>, OAuthError> {
    let uri: Option<String> = m.take(name)?;
    match uri {
        Some(u) if !uri_ok(&u) || u.len() > 2048 => Err(meta(format!("{name}: must be an https URL"))),
        other => Ok(other),
    }
}

/// OIDC Core §8.1: without a `sector_identifier_uri` the sector is the host of the redirect
/// URIs, so they must share one host.
fn sector_of(redirect_uris: &[String]) -> Result<String, OAuthError> {
    let hosts: BTreeSet<String> = redirect_uris
        .iter()
        .filter_map(|u| url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string)))
        .collect();
    match hosts.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(meta(
            "subject_type: pairwise needs redirect_uris of one host (sector_identifier_uri is not supported)",
        )),
    }
}

/// A stable code of a domain or secured application: 1-40 of `a-z`, `0-9` and `_`.
pub fn is_code(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The claims the scopes of a self-registered client release (`tokens::CLAIM_TABLE`): what
/// the consent page asks the person to share.
pub fn claims_of_scopes(scopes: &[String]) -> Vec<String> {
    CLAIM_TABLE
        .iter()
        .filter(|(_, scope, _)| scopes.iter().any(|s| s == scope))
        .map(|(claim, _, _)| (*claim).to_owned())
        .collect()
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

/// RFC 7591 §3.2.1: the client information response — every stored metadata value.
pub fn response_body(r: &Registered, issued_at: i64) -> Value {
    let c = &r.client;
    let mut body = json!({
        "client_id": c.id,
        "client_id_issued_at": issued_at,
        "client_name": c.name,
        "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris,
        "token_endpoint_auth_method": c.auth_method.as_str(),
        "grant_types": c.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "response_types": ["code"],
        "scope": c.scopes.join(" "),
        "application_type": "web",
        "subject_type": match c.subject_type { SubjectType::Public => "public", SubjectType::Pairwise { .. } => "pairwise" },
        "id_token_signed_response_alg": c.id_token_alg.as_str(),
        "backchannel_logout_session_required": c.backchannel_logout_session_required,
        "require_pushed_authorization_requests": c.require_par,
        "dpop_bound_access_tokens": c.require_dpop,
        "require_pkce": c.require_pkce,
    });
    if let Some(obj) = body.as_object_mut() {
        let mut put = |k: &str, v: Value| {
            obj.insert(k.into(), v);
        };
        if let Some(uri) = &c.backchannel_logout_uri {
            put("backchannel_logout_uri", json!(uri));
        }
        if !c.domains.is_empty() {
            put("domains", json!(c.domains));
        }
        if !c.applications.is_empty() {
            put("applications", json!(c.applications));
        }
        if let Some(jwks) = &c.jwks {
            put("jwks", serde_json::to_value(jwks).unwrap_or(Value::Null));
        }
        if let Some(uri) = &c.jwks_uri {
            put("jwks_uri", json!(uri));
        }
        let d = &c.display;
        let optional = [
            ("client_uri", &d.client_uri),
            ("logo_uri", &d.logo_uri),
            ("policy_uri", &d.policy_uri),
            ("tos_uri", &d.tos_uri),
            ("sector_identifier_uri", &c.sector_identifier_uri),
            ("request_object_signing_alg", &c.request_object_alg),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                put(name, json!(v));
            }
        }
        if !d.contacts.is_empty() {
            put("contacts", json!(d.contacts));
        }
        if !c.request_uris.is_empty() {
            put("request_uris", json!(c.request_uris));
        }
        if let Some(alg) = c.userinfo_alg {
            put("userinfo_signed_response_alg", json!(alg.as_str()));
        }
        if let Some(secret) = &r.client_secret {
            put("client_secret", json!(secret));
            put("client_secret_expires_at", json!(0));
        }
    }
    body
}

/// OIDC Core §8.1 / OIDC Registration §5: the `sector_identifier_uri` document is a JSON
/// array of URIs that must contain every registered redirect URI. Refusals are
/// `invalid_client_metadata` naming the field.
pub fn check_sector_document(body: &[u8], redirect_uris: &[String]) -> Result<(), OAuthError> {
    let listed: Vec<String> = serde_json::from_slice(body)
        .map_err(|_| meta("sector_identifier_uri: the document is not a JSON array of URIs"))?;
    match redirect_uris.iter().find(|r| !listed.contains(r)) {
        None => Ok(()),
        Some(missing) => Err(meta(format!("sector_identifier_uri: the document does not list {missing}"))),
    }
}

#[cfg(test)]
mod tests;
