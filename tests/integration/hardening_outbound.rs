//! Attack review findings 1 and 2: a client's `jwks_uri` can neither exhaust memory nor
//! point Poort at internal addresses, and front-channel requests cannot make Poort fetch it
//! more than once per cache period.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::oidc_support::{CHALLENGE, ClientKey, app_with, client, json as body_json, now};

async fn register(app: &TestApp, metadata: &Value) -> reqwest::Response {
    app.client.post(app.url("/register")).bearer_auth("reg-token").json(metadata).send().await.expect("POST")
}

#[tokio::test]
async fn registration_refuses_a_jwks_uri_on_an_internal_address_or_another_scheme() {
    let app = TestApp::spawn_with(|s| {
        s.oidc.registration_initial_access_token = "reg-token".into();
        s.outbound.is_private_allowed = Some(false);
        s.outbound.is_http_allowed = Some(false);
    })
    .await;
    for uri in [
        "http://127.0.0.1:9000/jwks",
        "https://127.0.0.1/jwks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/jwks",
        "https://localhost/jwks",
        "file:///etc/passwd",
        "gopher://example.com/x",
        "http://rp.example/jwks",
    ] {
        let resp = register(
            &app,
            &json!({"redirect_uris": ["https://rp.example/cb"], "token_endpoint_auth_method": "private_key_jwt",
                    "jwks_uri": uri}),
        )
        .await;
        assert_eq!(resp.status(), 400, "{uri}");
        let body = body_json(resp).await;
        assert_eq!(body["error"], "invalid_client_metadata", "{uri}");
        assert!(body["error_description"].as_str().is_some_and(|d| d.contains("jwks_uri")), "{uri}: {body}");
    }
    let ok = register(
        &app,
        &json!({"redirect_uris": ["https://rp.example/cb"], "token_endpoint_auth_method": "private_key_jwt",
                "jwks_uri": "https://rp.example/jwks"}),
    )
    .await;
    assert_eq!(ok.status(), 201, "a public https jwks_uri is accepted");
}

#[tokio::test]
async fn registration_needs_a_json_body() {
    let app = app_with(vec![]).await;
    let resp = app
        .client
        .post(app.url("/register"))
        .bearer_auth("reg-token")
        .header("content-type", "text/plain")
        .body(r#"{"redirect_uris": ["https://rp.example/cb"]}"#)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 400);
    assert_eq!(body_json(resp).await["error"], "invalid_client_metadata");
}

/// A key server on loopback that counts its hits and answers `body`.
async fn key_server(body: Arc<String>) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("addr");
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let (body, counter) = (body.clone(), counter.clone());
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                ([("content-type", "application/json")], body.as_str().to_string())
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (format!("http://{address}/jwks"), hits)
}

fn keyed_client(id: &str, jwks_uri: &str) -> poort::protocol::oidc::client::Client {
    client(&format!(
        r#"
        id = "{id}"
        name = "Keyed RP"
        kind = "confidential"
        auth_method = "private_key_jwt"
        jwks_uri = "{jwks_uri}"
        redirect_uris = ["https://rp.example/cb"]
        grant_types = ["authorization_code"]
        scopes = ["openid"]
        is_first_party = true
        "#
    ))
}

fn request_object(key: &ClientKey, client_id: &str, issuer: &str) -> String {
    key.sign_jwt(&json!({
        "iss": client_id, "aud": issuer, "client_id": client_id, "response_type": "code",
        "redirect_uri": "https://rp.example/cb", "scope": "openid", "state": "s", "nonce": "n",
        "code_challenge": CHALLENGE, "code_challenge_method": "S256", "exp": now() + 60,
        "jti": uuid::Uuid::new_v4().to_string(),
    }))
}

#[tokio::test]
async fn a_huge_key_set_is_not_read_and_parallel_requests_fetch_it_once() {
    // 8 MB of JSON: the fetch stops at the 64 KiB limit.
    let huge = Arc::new(format!("{{\"keys\":[], \"padding\": \"{}\"}}", "x".repeat(8 * 1024 * 1024)));
    let (uri, hits) = key_server(huge).await;
    let app = app_with(vec![keyed_client("huge-keys", &uri)]).await;
    let key = ClientKey::new();
    let issuer = app.address.clone();
    let requests = (0..8).map(|_| {
        let url = app.url(&format!(
            "/authorize?client_id=huge-keys&request={}",
            request_object(&key, "huge-keys", &issuer)
        ));
        let client = app.client.clone();
        tokio::spawn(async move { client.get(url).send().await.expect("GET").status() })
    });
    for request in requests.collect::<Vec<_>>() {
        let status = request.await.expect("task");
        assert!(status.is_client_error(), "the request object cannot be verified: {status}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "eight front-channel requests, one fetch");
}

#[tokio::test]
async fn a_key_set_is_cached_and_used_for_request_objects() {
    let key = ClientKey::new();
    let jwks = Arc::new(json!({ "keys": [key.jwk.clone()] }).to_string());
    let (uri, hits) = key_server(jwks).await;
    let app = app_with(vec![keyed_client("good-keys", &uri)]).await;
    let issuer = app.address.clone();
    for _ in 0..3 {
        let url = app.url(&format!(
            "/authorize?client_id=good-keys&request={}",
            request_object(&key, "good-keys", &issuer)
        ));
        let resp = app.client.get(url).send().await.expect("GET");
        assert_eq!(resp.status(), 303, "the signed request is accepted");
        assert!(resp.headers()["location"].to_str().expect("ascii").starts_with("/login?tx="));
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the key set is fetched once and cached");
}
