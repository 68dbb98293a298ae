//! Registration metadata: honoured, or refused naming the field.
use super::*;
use crate::protocol::oidc::client::verify_secret;
use serde_json::json;

fn req(v: Value) -> RegistrationRequest {
    serde_json::from_value(v).unwrap()
}

const SELF_SERVICE: &[&str] = &["openid", "profile", "email"];

fn registered(v: Value) -> Registered {
    register(req(v), b"p", SELF_SERVICE, true).expect("registered")
}

fn refusal(v: Value) -> OAuthError {
    register(req(v), b"p", SELF_SERVICE, true).expect_err("refused")
}

#[test]
fn a_registered_client_gets_an_id_and_a_secret_stored_hashed() {
    let r = registered(json!({"redirect_uris": ["https://rp.example/cb", "http://127.0.0.1:8080/cb"]}));
    let s = r.client_secret.as_deref().unwrap();
    assert!(verify_secret(b"p", s, r.client.secret_hash.as_deref().unwrap()));
    assert_eq!(r.client.id.len(), 43);
}

#[test]
fn refused_registrations_carry_the_exact_code() {
    let code = |v| refusal(v).error;
    assert_eq!(code(json!({"redirect_uris": ["http://rp.example/cb"]})), ErrorCode::InvalidRedirectUri);
    assert_eq!(code(json!({"redirect_uris": ["https://rp.example/cb#f"]})), ErrorCode::InvalidRedirectUri);
    assert_eq!(
        code(json!({"redirect_uris": ["https://rp/cb"], "jwks_uri": "https://rp/j", "jwks": {"keys": []}})),
        ErrorCode::InvalidClientMetadata
    );
    assert_eq!(
        code(json!({"redirect_uris": ["https://rp/cb"], "response_types": ["token"]})),
        ErrorCode::InvalidClientMetadata
    );
    assert_eq!(
        code(json!({"redirect_uris": ["https://rp/cb"], "token_endpoint_auth_method": "private_key_jwt"})),
        ErrorCode::InvalidClientMetadata
    );
}

#[test]
fn every_refusal_names_the_field() {
    let cases = [
        (json!({"redirect_uris": ["https://rp/cb"], "scope": "openid egovnrn"}), "scope"),
        (json!({"redirect_uris": ["https://rp/cb"], "grant_types": ["implicit"]}), "grant_types"),
        (json!({"redirect_uris": ["https://rp/cb"], "subject_type": "secret"}), "subject_type"),
        (json!({"redirect_uris": ["https://rp/cb"], "subject_type": 5}), "subject_type"),
        (
            json!({"redirect_uris": ["https://a.example/cb", "https://b.example/cb"], "subject_type": "pairwise"}),
            "subject_type",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "backchannel_logout_uri": "http://rp.example/bc"}),
            "backchannel_logout_uri",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "backchannel_logout_uri": "https://rp/bc#x"}),
            "backchannel_logout_uri",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "backchannel_logout_session_required": "yes"}),
            "backchannel_logout_session_required",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "id_token_signed_response_alg": "HS256"}),
            "id_token_signed_response_alg",
        ),
        (json!({"redirect_uris": ["https://rp/cb"], "application_type": "native"}), "application_type"),
        (
            json!({"redirect_uris": ["https://rp/cb"], "token_endpoint_auth_method": "tls_client_auth"}),
            "token_endpoint_auth_method",
        ),
        (json!({"redirect_uris": ["https://rp/cb"], "client_uri": "javascript:alert(1)"}), "client_uri"),
        (json!({"redirect_uris": ["https://rp/cb"], "logo_uri": "http://rp.example/logo.png"}), "logo_uri"),
        (json!({"redirect_uris": ["https://rp/cb"], "policy_uri": "data:text/html,x"}), "policy_uri"),
        (json!({"redirect_uris": ["https://rp/cb"], "tos_uri": 5}), "tos_uri"),
        (json!({"redirect_uris": ["https://rp/cb"], "contacts": "ops@rp.example"}), "contacts"),
        (
            json!({"redirect_uris": ["https://rp/cb"], "sector_identifier_uri": "http://rp.example/s.json"}),
            "sector_identifier_uri",
        ),
        (json!({"redirect_uris": ["https://rp/cb"], "default_max_age": 60}), "default_max_age"),
        (
            json!({"redirect_uris": ["https://rp/cb"], "userinfo_signed_response_alg": "none"}),
            "userinfo_signed_response_alg",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "userinfo_encrypted_response_alg": "RSA-OAEP"}),
            "userinfo_encrypted_response_alg",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "id_token_signed_response_alg": "none"}),
            "id_token_signed_response_alg",
        ),
        (
            json!({"redirect_uris": ["https://rp/cb"], "request_object_signing_alg": "none"}),
            "request_object_signing_alg",
        ),
        (json!({"redirect_uris": ["https://rp/cb"], "request_uris": ["ftp://rp/r"]}), "request_uris"),
        (json!({"redirect_uris": ["https://rp/cb"], "require_pkce": false}), "require_pkce"),
        (
            json!({"redirect_uris": ["https://rp/cb"], "frontchannel_logout_uri": "https://rp/fc"}),
            "frontchannel_logout_uri",
        ),
        (json!({"redirect_uris": ["https://rp/cb"], "client_name": 7}), "client_name"),
        (
            json!({"redirect_uris": ["https://rp/cb"], "post_logout_redirect_uris": ["http://rp.example/"]}),
            "post_logout_redirect_uris",
        ),
    ];
    for (metadata, field) in cases {
        let e = refusal(metadata.clone());
        assert_eq!(e.error, ErrorCode::InvalidClientMetadata, "{metadata}");
        let d = e.description.unwrap_or_default();
        assert!(d.starts_with(field), "{metadata}: {d}");
    }
}

#[test]
fn the_dynamic_profiles_fields_are_stored_and_echoed() {
    let r = registered(json!({
        "redirect_uris": ["https://a.example/cb", "https://b.example/cb"],
        "subject_type": "pairwise",
        "sector_identifier_uri": "https://sector.example/uris.json",
        "userinfo_signed_response_alg": "RS256",
        "request_object_signing_alg": "RS256",
        "request_uris": ["https://a.example/req#x"],
        "logo_uri": "https://a.example/logo.png",
        "policy_uri": "https://a.example/policy",
        "tos_uri": "https://a.example/tos",
        "client_uri": "https://a.example/",
        "contacts": ["ops@a.example"],
    }));
    let c = &r.client;
    assert_eq!(c.subject_type, SubjectType::Pairwise { sector_identifier: "sector.example".into() });
    assert_eq!(c.id_token_alg, Alg::RS256, "RS256 when the client names no algorithm");
    assert_eq!(c.userinfo_alg, Some(Alg::RS256));
    assert!(c.require_pkce);
    let body = response_body(&r, 1);
    for (field, value) in [
        ("sector_identifier_uri", json!("https://sector.example/uris.json")),
        ("userinfo_signed_response_alg", json!("RS256")),
        ("request_object_signing_alg", json!("RS256")),
        ("request_uris", json!(["https://a.example/req#x"])),
        ("logo_uri", json!("https://a.example/logo.png")),
        ("policy_uri", json!("https://a.example/policy")),
        ("tos_uri", json!("https://a.example/tos")),
        ("client_uri", json!("https://a.example/")),
        ("contacts", json!(["ops@a.example"])),
        ("id_token_signed_response_alg", json!("RS256")),
        ("require_pkce", json!(true)),
    ] {
        assert_eq!(body[field], value, "{field}");
    }
}

#[test]
fn pkce_can_be_left_out_only_where_the_server_default_allows_and_never_by_a_public_client() {
    let cb = json!(["https://rp.example/cb"]);
    let lax = |v: Value| register(req(v), b"p", SELF_SERVICE, false);
    let r = lax(json!({"redirect_uris": cb})).expect("registered");
    assert!(!r.client.require_pkce && !r.client.is_pkce_required());
    let asked = lax(json!({"redirect_uris": cb, "require_pkce": true})).expect("registered");
    assert!(asked.client.require_pkce);
    let public = lax(json!({"redirect_uris": cb, "token_endpoint_auth_method": "none"})).expect("registered");
    assert!(public.client.is_pkce_required());
    let e = lax(json!({"redirect_uris": cb, "token_endpoint_auth_method": "none", "require_pkce": false}))
        .expect_err("refused");
    assert!(e.description.unwrap_or_default().starts_with("require_pkce"));
}

#[test]
fn a_sector_document_must_list_every_redirect_uri() {
    let uris = vec!["https://a.example/cb".to_string(), "https://b.example/cb".to_string()];
    assert_eq!(
        check_sector_document(br#"["https://a.example/cb","https://b.example/cb","https://c/"]"#, &uris),
        Ok(())
    );
    let missing = check_sector_document(br#"["https://a.example/cb"]"#, &uris).expect_err("refused");
    assert_eq!(missing.error, ErrorCode::InvalidClientMetadata);
    assert!(missing.description.unwrap_or_default().contains("https://b.example/cb"));
    let garbage = check_sector_document(b"{\"redirect_uris\": []}", &uris).expect_err("refused");
    assert!(garbage.description.unwrap_or_default().starts_with("sector_identifier_uri"));
}

#[test]
fn pairwise_subjects_use_the_host_of_the_redirect_uris_as_sector() {
    let r = registered(json!({"redirect_uris": ["https://rp.example/cb", "https://rp.example/cb2"],
        "subject_type": "pairwise"}));
    assert_eq!(r.client.subject_type, SubjectType::Pairwise { sector_identifier: "rp.example".into() });
    assert_eq!(response_body(&r, 1)["subject_type"], "pairwise");
}

#[test]
fn every_honoured_field_is_stored_and_echoed() {
    let r = registered(json!({
        "redirect_uris": ["https://rp.example/cb"],
        "post_logout_redirect_uris": ["https://rp.example/bye"],
        "client_name": "RP",
        "token_endpoint_auth_method": "client_secret_post",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": "openid email",
        "subject_type": "public",
        "backchannel_logout_uri": "https://rp.example/bc",
        "backchannel_logout_session_required": true,
        "id_token_signed_response_alg": "RS256",
        "application_type": "web",
        "require_pushed_authorization_requests": true,
        "dpop_bound_access_tokens": true,
    }));
    let c = &r.client;
    assert_eq!(c.backchannel_logout_uri.as_deref(), Some("https://rp.example/bc"));
    assert!(c.backchannel_logout_session_required && c.require_par && c.require_dpop);
    assert_eq!(c.id_token_alg, Alg::RS256);
    let body = response_body(&r, 1);
    for (field, value) in [
        ("backchannel_logout_uri", json!("https://rp.example/bc")),
        ("backchannel_logout_session_required", json!(true)),
        ("id_token_signed_response_alg", json!("RS256")),
        ("token_endpoint_auth_method", json!("client_secret_post")),
        ("grant_types", json!(["authorization_code", "refresh_token"])),
        ("scope", json!("openid email")),
        ("subject_type", json!("public")),
        ("post_logout_redirect_uris", json!(["https://rp.example/bye"])),
        ("require_pushed_authorization_requests", json!(true)),
        ("dpop_bound_access_tokens", json!(true)),
    ] {
        assert_eq!(body[field], value, "{field}");
    }
}

#[test]
fn a_registered_client_may_receive_the_claims_of_its_scopes_only() {
    let r = registered(json!({"redirect_uris": ["https://rp.example/cb"]}));
    for claim in ["given_name", "family_name", "name", "email", "locale", "birthdate"] {
        assert!(r.client.may_receive(claim), "{claim}");
    }
    assert!(!r.client.may_receive("egovNRN"));
    let only_openid = registered(json!({"redirect_uris": ["https://rp.example/cb"], "scope": "openid"}));
    assert!(only_openid.client.allowed_claims.is_empty());
}

#[test]
fn metadata_no_specification_defines_is_not_registered_and_not_echoed() {
    let r = registered(json!({"redirect_uris": ["https://rp.example/cb"], "x_vendor_colour": "blue"}));
    assert!(response_body(&r, 1).get("x_vendor_colour").is_none());
}
