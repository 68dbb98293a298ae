//! The client information response (RFC 7591 §3.2.1).

use serde_json::{Value, json};

use super::Registered;
use crate::protocol::oidc::client::SubjectType;

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
