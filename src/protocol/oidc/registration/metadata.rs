//! Reading and checking the metadata: the names refused as unsupported, one field at a
//! time with its error naming it, the URI rules, codes, the claims of the scopes and the
//! `sector_identifier_uri` document.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::tokens::CLAIM_TABLE;

/// Metadata the specifications define that Poort does not support: refused by name.
pub(super) const UNSUPPORTED: &[&str] = &[
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

pub(super) fn meta(description: impl Into<String>) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClientMetadata, description)
}

/// The metadata object, read one named field at a time.
pub(super) struct Metadata(pub(super) Map<String, Value>);

impl Metadata {
    /// Removes and parses `name`; `null` counts as absent. A value of the wrong shape is
    /// refused naming the field.
    pub(super) fn take<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, OAuthError> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => {
                serde_json::from_value(v).map(Some).map_err(|_| meta(format!("{name}: not a valid value")))
            }
        }
    }
}

/// RFC 8252 §7.3 / RFC 9700 §4.1: https, or http only on loopback; no fragment.
pub(super) fn uri_ok(uri: &str) -> bool {
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
pub(super) fn display_uri(m: &mut Metadata, name: &str) -> Result<Option<String>, OAuthError> {
    let uri: Option<String> = m.take(name)?;
    match uri {
        Some(u) if !uri_ok(&u) || u.len() > 2048 => Err(meta(format!("{name}: must be an https URL"))),
        other => Ok(other),
    }
}

/// OIDC Core §8.1: without a `sector_identifier_uri` the sector is the host of the redirect
/// URIs, so they must share one host.
pub(super) fn sector_of(redirect_uris: &[String]) -> Result<String, OAuthError> {
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
