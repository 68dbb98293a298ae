//! OpenID Provider metadata (OIDC Discovery 1.0 §3, RFC 8414 §2): only what is implemented.

use serde_json::{Value, json};

use crate::protocol::oidc::dpop::DPOP_ALGS;
use crate::protocol::oidc::keys::Alg;

/// Which optional endpoints are switched on.
#[derive(Debug, Clone)]
pub struct Features {
    pub signing_algs: Vec<Alg>,
    pub registration: bool,
    pub introspection: bool,
    pub revocation: bool,
    pub scopes: Vec<String>,
}

pub const ACR_VALUES: &[&str] = &[
    "urn:be:fedict:iam:fas:Level200",
    "urn:be:fedict:iam:fas:Level300",
    "urn:be:fedict:iam:fas:Level400",
    "urn:be:fedict:iam:fas:Level450",
    "urn:be:fedict:iam:fas:Level500",
    "http://eidas.europa.eu/LoA/low",
    "http://eidas.europa.eu/LoA/substantial",
    "http://eidas.europa.eu/LoA/high",
];

pub fn provider_metadata(issuer: &str, f: &Features) -> Value {
    let ep = |p: &str| format!("{}/{p}", issuer.trim_end_matches('/'));
    let algs: Vec<&str> = f.signing_algs.iter().map(|a| a.as_str()).collect();
    let mut claims: Vec<&str> =
        vec!["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "at_hash"];
    claims.extend(crate::protocol::oidc::tokens::CLAIM_TABLE.iter().map(|(n, _, _)| *n));
    let mut m = json!({
        "issuer": issuer,
        "authorization_endpoint": ep("authorize"),
        "token_endpoint": ep("token"),
        "userinfo_endpoint": ep("userinfo"),
        "jwks_uri": ep("jwks"),
        "end_session_endpoint": ep("logout"),
        "pushed_authorization_request_endpoint": ep("par"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256", "PS256"],
        "id_token_signing_alg_values_supported": algs.clone(),
        "request_object_signing_alg_values_supported": ["ES256", "RS256", "PS256"],
        "subject_types_supported": ["public", "pairwise"],
        "scopes_supported": f.scopes,
        "claims_supported": claims,
        "acr_values_supported": ACR_VALUES,
        "claims_parameter_supported": true,
        "request_parameter_supported": true,
        "request_uri_parameter_supported": true,
        "require_request_uri_registration": true,
        "userinfo_signing_alg_values_supported": algs,
        "require_pushed_authorization_requests": false,
        "dpop_signing_alg_values_supported": DPOP_ALGS,
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "frontchannel_logout_supported": false,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "ui_locales_supported": ["nl", "fr", "de", "en"],
        "claims_locales_supported": ["nl", "fr", "de", "en"],
    });
    let obj = m.as_object_mut().expect("object literal");
    if f.registration {
        obj.insert("registration_endpoint".into(), json!(ep("register")));
    }
    let auth_methods = json!(["client_secret_basic", "client_secret_post", "private_key_jwt"]);
    if f.introspection {
        obj.insert("introspection_endpoint".into(), json!(ep("introspect")));
        obj.insert("introspection_endpoint_auth_methods_supported".into(), auth_methods.clone());
    }
    if f.revocation {
        obj.insert("revocation_endpoint".into(), json!(ep("revoke")));
        obj.insert("revocation_endpoint_auth_methods_supported".into(), auth_methods);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lists_only_implemented_features() {
        let f = Features {
            signing_algs: vec![Alg::ES256, Alg::RS256],
            registration: false,
            introspection: true,
            revocation: true,
            scopes: vec!["openid".into()],
        };
        let m = provider_metadata("https://poort.example", &f);
        assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(m["response_types_supported"], json!(["code"]));
        assert_eq!(m["request_uri_parameter_supported"], true);
        assert_eq!(m["userinfo_signing_alg_values_supported"], json!(["ES256", "RS256"]));
        assert_eq!(m["authorization_response_iss_parameter_supported"], true);
        assert_eq!(m["token_endpoint"], "https://poort.example/token");
        assert!(m.get("registration_endpoint").is_none());
        assert!(m["claims_supported"].as_array().unwrap().contains(&json!("egovNRN")));
        assert_eq!(m["id_token_signing_alg_values_supported"], json!(["ES256", "RS256"]));
    }
}
