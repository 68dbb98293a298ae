//! The conformance suite's Dynamic OP plan (`oidcc-dynamic-certification-test-plan`): its
//! registration, signing and request-by-reference modules, played against Poort with the
//! suite's shape of client (registered by RFC 7591, a nonce, no PKCE:
//! `oidc.registered_clients_require_pkce = false`). docs/CONFORMANCE.md maps every module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use poort::protocol::oidc::keys::{Alg, SigningKey, generate};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::oidc_support::{JAN, basic, browse, claims_of, json, location, now, post, query_param, rp1};

const CB: &str = "http://127.0.0.1:9/dyn-cb";

/// Poort as the suite finds it for the Dynamic plan.
async fn app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.oidc.clients = vec![rp1()];
        s.oidc.registration_initial_access_token = "reg-token".into();
        s.oidc.registered_clients_require_pkce = false;
    })
    .await
}

/// A server on loopback for the documents the suite hosts (sector documents, request
/// objects): path → body, changeable while it runs.
#[derive(Clone, Default)]
struct Documents(Arc<Mutex<HashMap<String, String>>>);

impl Documents {
    async fn serve(&self) -> String {
        let docs = self.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("addr");
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let docs = docs.clone();
            async move {
                let found = docs.0.lock().expect("docs").get(uri.path()).cloned();
                match found {
                    Some(body) => (axum::http::StatusCode::OK, body),
                    None => (axum::http::StatusCode::NOT_FOUND, String::new()),
                }
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        format!("http://{address}")
    }

    fn put(&self, path: &str, body: String) {
        self.0.lock().expect("docs").insert(path.to_string(), body);
    }
}

async fn register(app: &TestApp, metadata: &Value) -> reqwest::Response {
    app.client.post(app.url("/register")).bearer_auth("reg-token").json(metadata).send().await.expect("POST")
}

async fn registered(app: &TestApp, metadata: Value) -> Value {
    let resp = register(app, &metadata).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap_or_default());
    json(resp).await
}

/// The suite's authorization request: a nonce, no PKCE.
fn suite_request(client_id: &str, redirect: &str, scope: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scope)
        .append_pair("state", "st")
        .append_pair("nonce", "n-dyn");
    format!("/authorize?{}", s.finish())
}

async fn tokens(app: &TestApp, client: &Value, code: &str, redirect: &str) -> Value {
    let id = client["client_id"].as_str().expect("id");
    let secret = client["client_secret"].as_str().expect("secret");
    let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect)];
    let resp = post(app, "/token", Some(&basic(id, secret)), None, &form).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    json(resp).await
}

fn header_of(jwt: &str) -> Value {
    use base64::Engine as _;
    let h = jwt.split('.').next().expect("header");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(h).expect("b64"))
        .expect("json")
}

/// Verifies a JWT Poort signed with the key its JWKS publishes under the header's `kid`.
async fn verified(app: &TestApp, jwt: &str, audience: &str) -> Value {
    let jwks: jsonwebtoken::jwk::JwkSet =
        app.client.get(app.url("/jwks")).send().await.expect("jwks").json().await.expect("json");
    let kid = header_of(jwt)["kid"].as_str().expect("kid").to_string();
    let jwk = jwks.find(&kid).expect("the kid is published");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).expect("key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(jwt, &key, &validation).expect("signature verifies").claims
}

#[tokio::test]
async fn oidcc_idtoken_signature_a_client_naming_no_algorithm_gets_rs256_with_a_kid() {
    let app = app().await;
    let client = registered(&app, json!({"redirect_uris": [CB], "client_name": "suite"})).await;
    assert_eq!(client["id_token_signed_response_alg"], "RS256");
    assert_eq!(client["require_pkce"], false, "the server's default for registered clients");
    let id = client["client_id"].as_str().expect("id");
    let arrival = browse(&app, &suite_request(id, CB, "openid")).await;
    let t = tokens(&app, &client, &arrival.code(), CB).await;
    let id_token = t["id_token"].as_str().expect("id_token");
    assert_eq!(header_of(id_token)["alg"], "RS256");
    let claims = verified(&app, id_token, id).await;
    assert_eq!(claims["nonce"], "n-dyn");
}

#[tokio::test]
async fn oidcc_idtoken_rs256_and_es256_are_honoured_and_none_is_refused() {
    let app = app().await;
    let es = registered(&app, json!({"redirect_uris": [CB], "id_token_signed_response_alg": "ES256"})).await;
    assert_eq!(es["id_token_signed_response_alg"], "ES256");
    let none = register(&app, &json!({"redirect_uris": [CB], "id_token_signed_response_alg": "none"})).await;
    assert_eq!(none.status(), 400, "oidcc-idtoken-unsigned: Poort never issues unsigned id_tokens");
    let body = json(none).await;
    assert_eq!(body["error"], "invalid_client_metadata");
    assert!(
        body["error_description"].as_str().unwrap_or_default().starts_with("id_token_signed_response_alg")
    );
}

#[tokio::test]
async fn oidcc_userinfo_rs256_answers_a_jwt_signed_for_the_client() {
    let app = app().await;
    let client = registered(
        &app,
        json!({"redirect_uris": [CB], "userinfo_signed_response_alg": "RS256", "scope": "openid profile"}),
    )
    .await;
    assert_eq!(client["userinfo_signed_response_alg"], "RS256");
    let id = client["client_id"].as_str().expect("id");
    let arrival = browse(&app, &suite_request(id, CB, "openid profile")).await;
    let t = tokens(&app, &client, &arrival.code(), CB).await;
    let resp = app
        .client
        .get(app.url("/userinfo"))
        .bearer_auth(t["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("userinfo");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/jwt");
    let jwt = resp.text().await.expect("body");
    assert_eq!(header_of(&jwt)["alg"], "RS256");
    let claims = verified(&app, &jwt, id).await;
    assert_eq!(claims["iss"], app.address.as_str());
    assert_eq!(claims["sub"], claims_of(t["id_token"].as_str().expect("id_token"))["sub"]);
    assert!(claims["given_name"].is_string());
    assert!(claims.get("nonce").is_none(), "userinfo carries no nonce");
}

#[tokio::test]
async fn oidcc_registration_sector_uri_must_list_every_redirect_uri() {
    let app = app().await;
    let docs = Documents::default();
    let base = docs.serve().await;
    let other = "http://localhost:9/other-cb";
    docs.put("/good.json", json!([CB, other]).to_string());
    docs.put("/bad.json", json!([other]).to_string());
    docs.put("/garbage.json", "<html>".into());
    let good = registered(
        &app,
        json!({"redirect_uris": [CB, other], "subject_type": "pairwise",
            "sector_identifier_uri": format!("{base}/good.json")}),
    )
    .await;
    assert_eq!(good["subject_type"], "pairwise");
    assert_eq!(good["sector_identifier_uri"], format!("{base}/good.json"));
    for (path, why) in
        [("/bad.json", "does not list"), ("/garbage.json", "JSON array"), ("/missing.json", "404")]
    {
        let resp = register(
            &app,
            &json!({"redirect_uris": [CB], "subject_type": "pairwise",
                "sector_identifier_uri": format!("{base}{path}")}),
        )
        .await;
        assert_eq!(resp.status(), 400, "{path}");
        let body = json(resp).await;
        assert_eq!(body["error"], "invalid_client_metadata", "{path}");
        let d = body["error_description"].as_str().unwrap_or_default();
        assert!(d.starts_with("sector_identifier_uri") && d.contains(why), "{path}: {d}");
    }
}

#[tokio::test]
async fn oidcc_registration_logo_policy_and_tos_uris_are_echoed_and_shown_on_the_consent_page() {
    let app = app().await;
    let client = registered(
        &app,
        json!({"redirect_uris": [CB], "client_name": "Suite <b>RP</b>",
            "logo_uri": "https://rp.example/logo.png", "policy_uri": "https://rp.example/policy",
            "tos_uri": "https://rp.example/tos?a=1&b=2"}),
    )
    .await;
    assert_eq!(client["logo_uri"], "https://rp.example/logo.png");
    assert_eq!(client["policy_uri"], "https://rp.example/policy");
    assert_eq!(client["tos_uri"], "https://rp.example/tos?a=1&b=2");
    let id = client["client_id"].as_str().expect("id");
    let mut resp = app.get(&suite_request(id, CB, "openid")).await;
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
    let csp = resp.headers()["content-security-policy"].to_str().expect("csp").to_string();
    assert!(csp.contains("img-src 'self' data: https:") && csp.contains("script-src 'self'"), "{csp}");
    let page = resp.text().await.expect("consent page");
    assert!(page.contains("/authorize/consent"), "{page}");
    assert!(page.contains(r#"src="https://rp.example/logo.png""#), "the logo");
    assert!(page.contains(r#"href="https://rp.example/policy""#), "the policy");
    assert!(page.contains(r#"href="https://rp.example/tos?a=1&#38;b=2""#), "the terms, escaped");
    assert!(!page.contains("<b>RP</b>"), "the self-chosen name is escaped");
}

/// A client registered with an RS256 key and `request_uris` on the documents server.
async fn request_uri_client(app: &TestApp, base: &str) -> (Value, SigningKey) {
    let key = generate(Alg::RS256, 0).expect("key");
    let jwk = serde_json::to_value(key.to_jwk_public()).expect("jwk");
    let client = registered(
        app,
        json!({"redirect_uris": [CB], "jwks": {"keys": [jwk]}, "request_object_signing_alg": "RS256",
            "request_uris": [format!("{base}/request.jwt#registered")]}),
    )
    .await;
    (client, key)
}

fn request_object(app: &TestApp, client_id: &str, extra: Value) -> Value {
    let mut claims = json!({"iss": client_id, "aud": app.address, "client_id": client_id,
        "response_type": "code", "redirect_uri": CB, "scope": "openid", "state": "by-ref",
        "nonce": "n-ref", "exp": now() + 60, "jti": uuid::Uuid::new_v4().to_string()});
    if let (Some(c), Some(e)) = (claims.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            if v.is_null() {
                c.remove(k);
            } else {
                c.insert(k.clone(), v.clone());
            }
        }
    }
    claims
}

fn by_reference(client_id: &str, uri: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("client_id", client_id)
        .append_pair("request_uri", uri)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid");
    format!("/authorize?{}", s.finish())
}

#[tokio::test]
async fn oidcc_request_uri_signed_rs256_is_fetched_verified_and_used() {
    let app = app().await;
    let docs = Documents::default();
    let base = docs.serve().await;
    let (client, key) = request_uri_client(&app, &base).await;
    let id = client["client_id"].as_str().expect("id");
    docs.put("/request.jwt", key.sign(&request_object(&app, id, json!({})), "JWT").expect("sign"));
    // The fragment may differ from the registered one (OIDC Core §6.2).
    let arrival = browse(&app, &by_reference(id, &format!("{base}/request.jwt#v2"))).await;
    let to = arrival.location.clone().unwrap_or_default();
    assert_eq!(query_param(&to, "state").as_deref(), Some("by-ref"), "the object's parameters count");
    let t = tokens(&app, &client, &arrival.code(), CB).await;
    assert_eq!(claims_of(t["id_token"].as_str().expect("id_token"))["nonce"], "n-ref");
}

#[tokio::test]
async fn a_request_uri_not_registered_unreachable_or_unverifiable_is_refused_never_a_500() {
    let app = app().await;
    let docs = Documents::default();
    let base = docs.serve().await;
    let (client, key) = request_uri_client(&app, &base).await;
    let id = client["client_id"].as_str().expect("id");
    // Not among the client's request_uris: an error page (no redirect URI to trust).
    let resp = app.get(&by_reference(id, &format!("{base}/elsewhere.jwt"))).await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap_or_default().contains("request_uri is not registered for this client"));
    // Registered but answering 404.
    let resp = app.get(&by_reference(id, &format!("{base}/request.jwt#a"))).await;
    assert_eq!(resp.status(), 400);
    // An object without jti (the suite's own shape): refused, as a request by value is.
    let no_jti = key.sign(&request_object(&app, id, json!({"jti": null})), "JWT").expect("sign");
    docs.put("/request.jwt", no_jti);
    let with_redirect = format!("{}&redirect_uri={}", by_reference(id, &format!("{base}/request.jwt#b")), CB);
    let resp = app.get(&with_redirect).await;
    let to = location(&resp);
    assert_eq!(query_param(&to, "error").as_deref(), Some("invalid_request_object"), "{to}");
    // Signed with another key: refused.
    let forged = generate(Alg::RS256, 0).expect("key");
    docs.put("/request.jwt", forged.sign(&request_object(&app, id, json!({})), "JWT").expect("sign"));
    let resp =
        app.get(&format!("{}&redirect_uri={}", by_reference(id, &format!("{base}/request.jwt#c")), CB)).await;
    assert_eq!(query_param(&location(&resp), "error").as_deref(), Some("invalid_request_object"));
    // Not a JWT at all.
    docs.put("/request.jwt", "<html>oops</html>".into());
    let resp = app.get(&by_reference(id, &format!("{base}/request.jwt#d"))).await;
    assert!(resp.status().is_client_error(), "{}", resp.status());
}

#[tokio::test]
async fn oidcc_redirect_uri_with_a_query_matches_exactly() {
    let app = app().await;
    let with_query = "http://127.0.0.1:9/dyn-cb?foo=bar";
    let client = registered(&app, json!({"redirect_uris": [with_query, CB]})).await;
    let id = client["client_id"].as_str().expect("id");
    // oidcc-redirect-uri-query-OK: the registered query is kept, the code added.
    let arrival = browse(&app, &suite_request(id, with_query, "openid")).await;
    let to = arrival.location.clone().expect("redirect");
    assert_eq!(query_param(&to, "foo").as_deref(), Some("bar"));
    assert!(query_param(&to, "code").is_some());
    // oidcc-redirect-uri-query-mismatch and -added: an error page, never a redirect.
    for wrong in ["http://127.0.0.1:9/dyn-cb?foo=baz", "http://127.0.0.1:9/dyn-cb?foo=bar&extra=1"] {
        let resp = app.get(&suite_request(id, wrong, "openid")).await;
        assert_eq!(resp.status(), 400, "{wrong}");
        assert!(resp.headers().get("location").is_none());
    }
    // oidcc-ensure-redirect-uri-in-authorization-request: two registered, none sent.
    let resp = app.get(&format!("/authorize?response_type=code&client_id={id}&scope=openid&nonce=n")).await;
    assert_eq!(resp.status(), 400);
    assert!(resp.headers().get("location").is_none());
}

#[tokio::test]
async fn oidcc_redirect_uri_regfrag_a_redirect_uri_with_a_fragment_is_refused_at_registration() {
    let app = app().await;
    let resp = register(&app, &json!({"redirect_uris": ["https://rp.example/cb#frag"]})).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await["error"], "invalid_redirect_uri");
}

#[tokio::test]
async fn a_registered_client_may_not_leave_pkce_out_where_the_server_requires_it() {
    let app = crate::oidc_support::app_with(vec![]).await;
    let client = registered(&app, json!({"redirect_uris": [CB]})).await;
    assert_eq!(client["require_pkce"], true, "the default: PKCE for registered clients");
    let id = client["client_id"].as_str().expect("id");
    let resp = app.get(&suite_request(id, CB, "openid")).await;
    assert_eq!(query_param(&location(&resp), "error").as_deref(), Some("invalid_request"));
    let refused = register(&app, &json!({"redirect_uris": [CB], "require_pkce": false})).await;
    assert_eq!(refused.status(), 400);
    assert!(
        json(refused).await["error_description"].as_str().unwrap_or_default().starts_with("require_pkce")
    );
}
