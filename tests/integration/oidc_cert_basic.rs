//! The OpenID Foundation conformance suite's Basic and Config OP plans
//! (`oidcc-basic-certification-test-plan`, `oidcc-config-certification-test-plan`), module by
//! module where the project's other tests do not already play it (docs/CONFORMANCE.md maps
//! every module). The suite's client is confidential, authenticates with a secret and sends
//! a nonce but no PKCE: `cert-rp` is registered that way (`require_pkce = false`).

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::oidc_support::{
    CHALLENGE, JAN, RP_REDIRECT, VERIFIER, app_with, basic, browse, claims_of, client, json, location, post,
    query_param,
};

const SECRET: &str = "cert-rp-secret";

/// The suite's static client: confidential, `client_secret_basic`, PKCE not required.
fn cert_rp(first_party: bool) -> poort::protocol::oidc::client::Client {
    client(&format!(
        r#"
        id = "cert-rp"
        name = "Conformance suite"
        kind = "confidential"
        secret = "{SECRET}"
        auth_method = "client_secret_basic"
        redirect_uris = ["{RP_REDIRECT}"]
        grant_types = ["authorization_code", "refresh_token"]
        scopes = ["openid", "profile", "email"]
        allowed_claims = ["given_name", "family_name", "name", "locale", "birthdate", "email"]
        is_first_party = {first_party}
        require_pkce = false
        "#
    ))
}

/// `/authorize?…` as the suite builds it: no PKCE; `extra` adds or, with an empty value,
/// leaves out a parameter.
fn suite_request(extra: &[(&str, &str)]) -> String {
    let mut params: Vec<(&str, &str)> = vec![
        ("client_id", "cert-rp"),
        ("redirect_uri", RP_REDIRECT),
        ("scope", "openid"),
        ("state", "st"),
        ("nonce", "n-suite"),
        ("response_type", "code"),
    ];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.extend_pairs(params);
    format!("/authorize?{}", s.finish())
}

async fn token(app: &TestApp, code: &str, verifier: Option<&str>) -> reqwest::Response {
    let mut form = vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RP_REDIRECT)];
    form.extend(verifier.map(|v| ("code_verifier", v)));
    post(app, "/token", Some(&basic("cert-rp", SECRET)), None, &form).await
}

async fn userinfo(app: &TestApp, access_token: &str) -> Value {
    let resp = app.client.get(app.url("/userinfo")).bearer_auth(access_token).send().await.expect("userinfo");
    assert_eq!(resp.status(), 200);
    json(resp).await
}

#[tokio::test]
async fn oidcc_server_a_confidential_client_allowed_to_skip_pkce_logs_in_with_its_nonce() {
    let app = app_with(vec![cert_rp(true)]).await;
    let arrival = browse(&app, &suite_request(&[])).await;
    let resp = token(&app, &arrival.code(), None).await;
    assert_eq!(resp.status(), 200);
    let tokens = json(resp).await;
    let id_token = claims_of(tokens["id_token"].as_str().expect("id_token"));
    assert_eq!(id_token["nonce"], "n-suite", "the nonce binds the code to the client's session");
    assert_eq!(id_token["aud"], "cert-rp");
    assert_eq!(query_param(arrival.location.as_deref().unwrap_or_default(), "state").as_deref(), Some("st"));
    let info = userinfo(&app, tokens["access_token"].as_str().expect("at")).await;
    assert_eq!(info["sub"], id_token["sub"]);
}

#[tokio::test]
async fn oidcc_ensure_request_without_nonce_is_refused_without_pkce_and_succeeds_with_it() {
    let app = app_with(vec![cert_rp(true)]).await;
    // No PKCE and no nonce: nothing would bind the code to the client's session.
    let refused = app.get(&suite_request(&[("nonce", "")])).await;
    assert_eq!(refused.status(), 303, "an error for the client, at its redirect URI");
    let to = location(&refused);
    assert!(to.starts_with(RP_REDIRECT), "{to}");
    assert_eq!(query_param(&to, "error").as_deref(), Some("invalid_request"));
    assert!(query_param(&to, "error_description").unwrap_or_default().contains("nonce"), "{to}");
    // The same request with PKCE (the module as a PKCE-sending client plays it) succeeds.
    let pkce = [("nonce", ""), ("code_challenge", CHALLENGE), ("code_challenge_method", "S256")];
    let arrival = browse(&app, &suite_request(&pkce)).await;
    assert_eq!(token(&app, &arrival.code(), Some(VERIFIER)).await.status(), 200);
}

#[tokio::test]
async fn a_client_that_requires_pkce_is_refused_without_it_even_with_a_nonce() {
    let app = app_with(vec![]).await;
    let refused = app
        .get(&format!(
            "/authorize?response_type=code&client_id=rp-1&redirect_uri={}&scope=openid&state=s&nonce=n",
            form_urlencoded::byte_serialize(RP_REDIRECT.as_bytes()).collect::<String>()
        ))
        .await;
    let to = location(&refused);
    assert_eq!(query_param(&to, "error").as_deref(), Some("invalid_request"), "{to}");
    assert!(query_param(&to, "error_description").unwrap_or_default().contains("code_challenge"));
}

#[tokio::test]
async fn oidcc_ensure_request_with_valid_pkce_succeeds_and_pkce_once_sent_is_enforced() {
    let app = app_with(vec![cert_rp(true)]).await;
    let pkce = [("code_challenge", CHALLENGE), ("code_challenge_method", "S256")];
    let arrival = browse(&app, &suite_request(&pkce)).await;
    let code = arrival.code();
    let missing = token(&app, &code, None).await;
    assert_eq!(missing.status(), 400);
    assert_eq!(json(missing).await["error"], "invalid_grant");
    let arrival = browse(&app, &suite_request(&pkce)).await;
    assert_eq!(token(&app, &arrival.code(), Some(VERIFIER)).await.status(), 200);
}

#[tokio::test]
async fn a_code_verifier_for_a_code_issued_without_pkce_is_a_downgrade_and_refused() {
    let app = app_with(vec![cert_rp(true)]).await;
    let arrival = browse(&app, &suite_request(&[])).await;
    let resp = token(&app, &arrival.code(), Some(VERIFIER)).await;
    assert_eq!(resp.status(), 400);
    let body = json(resp).await;
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().unwrap_or_default().contains("code_challenge"));
}

#[tokio::test]
async fn oidcc_unknown_display_locale_and_hint_parameters_do_not_disturb_the_login() {
    // oidcc-ensure-request-with-unknown-parameter-succeeds, oidcc-display-page,
    // oidcc-display-popup, oidcc-claims-locales, oidcc-login-hint, oidcc-ui-locales.
    let app = app_with(vec![cert_rp(true)]).await;
    for extra in [
        [("extra", "foobar"), ("display", "page")],
        [("display", "popup"), ("claims_locales", "se")],
        [("login_hint", "buffy@localhost"), ("ui_locales", "se")],
    ] {
        let arrival = browse(&app, &suite_request(&extra)).await;
        assert_eq!(token(&app, &arrival.code(), None).await.status(), 200, "{extra:?}");
    }
}

#[tokio::test]
async fn oidcc_alternate_happy_flow_does_not_depend_on_the_order_of_scopes_or_parameters() {
    let app = app_with(vec![cert_rp(true)]).await;
    let path = format!(
        "/authorize?nonce=n2&state=s2&scope=email%20profile%20openid&response_type=code&redirect_uri={}&client_id=cert-rp",
        form_urlencoded::byte_serialize(RP_REDIRECT.as_bytes()).collect::<String>()
    );
    let arrival = browse(&app, &path).await;
    let resp = token(&app, &arrival.code(), None).await;
    let scope = json(resp).await["scope"].as_str().unwrap_or_default().to_string();
    for s in ["openid", "profile", "email"] {
        assert!(scope.split(' ').any(|x| x == s), "{scope}");
    }
}

#[tokio::test]
async fn oidcc_scope_profile_and_email_return_the_standard_claims_poort_holds_in_userinfo() {
    let app = app_with(vec![cert_rp(true)]).await;
    let arrival = browse(&app, &suite_request(&[("scope", "openid profile email")])).await;
    let tokens = json(token(&app, &arrival.code(), None).await).await;
    let info = userinfo(&app, tokens["access_token"].as_str().expect("at")).await;
    for claim in ["given_name", "family_name", "name"] {
        assert!(info[claim].is_string(), "{claim} in {info}");
    }
    assert!(info.get("email_verified").is_none(), "Poort never says an address is verified: {info}");
}

#[tokio::test]
async fn oidcc_claims_essential_releases_name_in_userinfo_and_the_consent_page_asks_for_it() {
    let app = app_with(vec![cert_rp(false)]).await;
    let claims = json!({"userinfo": {"name": {"essential": true}}}).to_string();
    let path = suite_request(&[("claims", &claims)]);
    // The consent page names the profile data the claims parameter asks for.
    let mut resp = app.get(&path).await;
    for _ in 0..6 {
        if !resp.status().is_redirection() {
            break;
        }
        let to = location(&resp);
        resp = match to.strip_prefix("/login?tx=") {
            Some(tx) => app.test_login(tx, JAN, 500).await,
            None => app.get(&to).await,
        };
    }
    let page = resp.text().await.expect("consent page");
    assert!(page.contains("/authorize/consent"), "the consent page: {page}");
    let says = |key: &str| {
        poort::domain::Language::ALL.iter().any(|l| page.contains(poort::web::i18n::Tr::new(*l).t(key)))
    };
    assert!(says("openid.scope.profile"), "profile data is promised");
    assert!(!says("openid.scope.email"), "nothing more is promised");
    let arrival = browse(&app, &path).await;
    let tokens = json(token(&app, &arrival.code(), None).await).await;
    let info = userinfo(&app, tokens["access_token"].as_str().expect("at")).await;
    assert!(info["name"].is_string(), "{info}");
    assert!(info.get("given_name").is_none(), "only what was asked: {info}");
}

#[tokio::test]
async fn oidcc_discovery_endpoint_verification_publishes_what_the_config_plan_checks() {
    let app = TestApp::spawn().await;
    let d: Value = json(app.get("/.well-known/openid-configuration").await).await;
    let issuer = d["issuer"].as_str().expect("issuer");
    for endpoint in ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"] {
        assert!(d[endpoint].as_str().is_some_and(|e| e.starts_with(issuer)), "{endpoint}");
    }
    let has = |field: &str, value: &str| d[field].as_array().is_some_and(|a| a.contains(&json!(value)));
    assert!(has("scopes_supported", "openid"));
    assert!(has("response_types_supported", "code"));
    assert!(has("subject_types_supported", "public"));
    assert!(has("id_token_signing_alg_values_supported", "RS256"), "OIDC Discovery §3: RS256 must be listed");
    assert!(has("userinfo_signing_alg_values_supported", "RS256"));
    assert!(has("request_object_signing_alg_values_supported", "RS256"));
    assert!(has("code_challenge_methods_supported", "S256"));
    assert!(has("grant_types_supported", "authorization_code"));
    assert_eq!(d["claims_parameter_supported"], true);
    assert_eq!(d["request_uri_parameter_supported"], true);
    assert!(!has("id_token_signing_alg_values_supported", "none"), "unsigned id_tokens are never issued");
    assert!(!has("response_types_supported", "id_token"), "implicit and hybrid are off (docs/SECURITY.md)");
    // ValidateServerJWKs: every key has a kid, a use or alg, and no private part.
    let jwks: Value = json(app.get("/jwks").await).await;
    let keys = jwks["keys"].as_array().expect("keys");
    assert!(keys.iter().any(|k| k["kty"] == "RSA"), "an RS256 key is published");
    for k in keys {
        assert!(k["kid"].is_string(), "{k}");
        assert!(k.get("d").is_none(), "no private key material");
    }
}

#[tokio::test]
async fn oidcc_prompt_none_id_token_hint_and_max_age_10000_reuse_the_session_with_the_same_subject() {
    let app = app_with(vec![cert_rp(true)]).await;
    let first = browse(&app, &suite_request(&[("max_age", "15000")])).await;
    let tokens = json(token(&app, &first.code(), None).await).await;
    let id_token = tokens["id_token"].as_str().expect("id_token").to_string();
    let first_claims = claims_of(&id_token);
    assert!(first_claims["auth_time"].is_i64(), "auth_time with max_age");
    for extra in [
        vec![("prompt", "none")],
        vec![("prompt", "none"), ("id_token_hint", id_token.as_str())],
        vec![("max_age", "10000")],
    ] {
        // No login page: the live session answers at once.
        let resp = app.get(&suite_request(&extra)).await;
        assert!(location(&resp).starts_with("/authorize/resume"), "{extra:?}: {}", location(&resp));
        let arrival = browse(&app, &suite_request(&extra)).await;
        let again = json(token(&app, &arrival.code(), None).await).await;
        let claims = claims_of(again["id_token"].as_str().expect("id_token"));
        assert_eq!(claims["sub"], first_claims["sub"], "{extra:?}");
        assert_eq!(claims["auth_time"], first_claims["auth_time"], "{extra:?}");
    }
}
