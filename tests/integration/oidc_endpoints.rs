//! The OpenID Provider's back-channel endpoints without a login: discovery, JWKS, the
//! client_credentials grant with every client authentication method, DPoP, introspection,
//! revocation, PAR, registration, and their refusals.

use serde_json::json;

use crate::oidc_support::{ClientKey, RP_REDIRECT, RP_SECRET, app_with, basic, client, json, post};

#[tokio::test]
async fn discovery_is_truthful_about_the_issuer_and_the_endpoints() {
    let app = app_with(vec![]).await;
    let d = json(app.get("/.well-known/openid-configuration").await).await;
    assert_eq!(d["issuer"], app.address);
    for (key, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("end_session_endpoint", "/logout"),
        ("pushed_authorization_request_endpoint", "/par"),
        ("registration_endpoint", "/register"),
        ("introspection_endpoint", "/introspect"),
        ("revocation_endpoint", "/revoke"),
    ] {
        assert_eq!(d[key], format!("{}{path}", app.address), "{key}");
    }
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(d["response_types_supported"], json!(["code"]));
    assert!(d["grant_types_supported"].as_array().expect("list").contains(&json!("client_credentials")));
    assert!(
        d["acr_values_supported"]
            .as_array()
            .expect("list")
            .contains(&json!("http://eidas.europa.eu/LoA/high"))
    );
}

#[tokio::test]
async fn without_an_initial_access_token_registration_is_not_advertised() {
    let app = crate::helpers::TestApp::spawn().await;
    let d = json(app.get("/.well-known/openid-configuration").await).await;
    assert!(d.get("registration_endpoint").is_none());
    let resp = post(&app, "/register", Some("Bearer x"), None, &[]).await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn the_jwks_publishes_es256_and_rs256_public_keys_only() {
    let app = app_with(vec![]).await;
    let resp = app.get("/jwks").await;
    assert_eq!(resp.status(), 200);
    let jwks = json(resp).await;
    let keys = jwks["keys"].as_array().expect("keys");
    assert!(keys.iter().any(|k| k["alg"] == "ES256" && k["crv"] == "P-256"));
    assert!(keys.iter().any(|k| k["alg"] == "RS256" && k["kty"] == "RSA"));
    assert!(keys.iter().all(|k| k.get("d").is_none() && k["use"] == "sig"));
}

#[tokio::test]
async fn a_rotation_keeps_the_old_key_published_for_verification() {
    let app = app_with(vec![]).await;
    let before = json(app.get("/jwks").await).await["keys"].as_array().expect("keys").len();
    let token = json(
        post(&app, "/token", Some(&basic("rp-1", RP_SECRET)), None, &[("grant_type", "client_credentials")])
            .await,
    )
    .await["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    app.state.oidc().rotate_keys(app.state.store()).await.expect("rotation");
    let after = json(app.get("/jwks").await).await["keys"].as_array().expect("keys").len();
    assert_eq!(after, before * 2, "new keys are added, old ones stay during the overlap");
    let i =
        json(post(&app, "/introspect", Some(&basic("rp-1", RP_SECRET)), None, &[("token", &token)]).await)
            .await;
    assert_eq!(i["active"], true, "a token signed before the rotation still verifies");
}

#[tokio::test]
async fn signing_keys_are_stored_encrypted_in_the_database() {
    let app = app_with(vec![]).await;
    let rows = app.state.store().find_oidc_signing_keys().await.expect("rows");
    assert!(rows.len() >= 2);
    for row in rows {
        assert!(!row.private_key.starts_with("MI"), "not a bare PKCS#8 DER in base64");
    }
}

#[tokio::test]
async fn client_credentials_with_basic_authentication_gives_a_jwt_access_token() {
    let app = app_with(vec![]).await;
    let resp = post(
        &app,
        "/token",
        Some(&basic("rp-1", RP_SECRET)),
        None,
        &[("grant_type", "client_credentials"), ("scope", "api.read")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body = json(resp).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "api.read");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let claims = crate::oidc_support::claims_of(body["access_token"].as_str().expect("at"));
    assert_eq!(claims["sub"], "rp-1");
    assert_eq!(claims["client_id"], "rp-1");
}

#[tokio::test]
async fn basic_credentials_are_form_url_decoded() {
    let app = app_with(vec![]).await;
    // `rp-1` written as `rp%2D1`, as RFC 6749 §2.3.1 allows.
    let header = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("rp%2D1:{}", RP_SECRET.replace('-', "%2D"))
        )
    );
    let resp = post(&app, "/token", Some(&header), None, &[("grant_type", "client_credentials")]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
}

#[tokio::test]
async fn client_secret_post_works_for_a_client_registered_for_it() {
    let post_client = client(
        r#"
        id = "rp-post"
        name = "Post RP"
        kind = "confidential"
        secret = "post-secret"
        auth_method = "client_secret_post"
        redirect_uris = ["http://127.0.0.1:9/cb"]
        grant_types = ["client_credentials"]
        scopes = []
        "#,
    );
    let app = app_with(vec![post_client]).await;
    let ok = post(
        &app,
        "/token",
        None,
        None,
        &[("grant_type", "client_credentials"), ("client_id", "rp-post"), ("client_secret", "post-secret")],
    )
    .await;
    assert_eq!(ok.status(), 200);
    let basic_refused = post(
        &app,
        "/token",
        Some(&basic("rp-post", "post-secret")),
        None,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(basic_refused.status(), 401, "only the registered method is accepted");
}

#[tokio::test]
async fn private_key_jwt_works_once_per_assertion() {
    let key = ClientKey::new();
    let mut jwt_client = client(
        r#"
        id = "rp-jwt"
        name = "JWT RP"
        kind = "confidential"
        auth_method = "private_key_jwt"
        redirect_uris = ["http://127.0.0.1:9/cb"]
        grant_types = ["client_credentials"]
        scopes = []
        "#,
    );
    jwt_client.jwks = Some(serde_json::from_value(json!({ "keys": [key.jwk] })).expect("jwks"));
    let app = app_with(vec![jwt_client]).await;
    let assertion = key.assertion("rp-jwt", &format!("{}/token", app.address));
    let form = [
        ("grant_type", "client_credentials"),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", assertion.as_str()),
    ];
    assert_eq!(post(&app, "/token", None, None, &form).await.status(), 200);
    let replay = post(&app, "/token", None, None, &form).await;
    assert_eq!(replay.status(), 401, "an assertion is single use");
    assert_eq!(json(replay).await["error"], "invalid_client");
}

#[tokio::test]
async fn a_wrong_secret_is_401_invalid_client_with_a_challenge_and_never_500() {
    let app = app_with(vec![]).await;
    for auth in [basic("rp-1", "wrong"), basic("nobody", "x"), "Basic !!!".to_string()] {
        let resp = post(&app, "/token", Some(&auth), None, &[("grant_type", "client_credentials")]).await;
        assert_eq!(resp.status(), 401, "{auth}");
        assert!(resp.headers()["www-authenticate"].to_str().expect("ascii").starts_with("Basic"));
        assert_eq!(json(resp).await["error"], "invalid_client");
    }
    let none = post(&app, "/token", None, None, &[("grant_type", "client_credentials")]).await;
    assert_eq!(none.status(), 401);
}

#[tokio::test]
async fn an_unknown_or_missing_grant_type_is_refused() {
    let app = app_with(vec![]).await;
    let auth = basic("rp-1", RP_SECRET);
    let resp = post(&app, "/token", Some(&auth), None, &[("grant_type", "password")]).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await["error"], "unsupported_grant_type");
    let resp = post(&app, "/token", Some(&auth), None, &[]).await;
    assert_eq!(json(resp).await["error"], "invalid_request");
    let resp =
        post(&app, "/token", Some(&auth), None, &[("grant_type", "client_credentials"), ("scope", "openid")])
            .await;
    assert_eq!(json(resp).await["error"], "invalid_scope", "person scopes are not for a client alone");
}

#[tokio::test]
async fn introspection_answers_the_client_and_says_inactive_to_others() {
    let other = client(
        r#"
        id = "rp-2"
        name = "Other"
        kind = "confidential"
        secret = "other-secret"
        auth_method = "client_secret_basic"
        redirect_uris = ["http://127.0.0.1:9/cb"]
        grant_types = ["client_credentials"]
        scopes = []
        "#,
    );
    let app = app_with(vec![other]).await;
    let auth = basic("rp-1", RP_SECRET);
    let body =
        json(post(&app, "/token", Some(&auth), None, &[("grant_type", "client_credentials")]).await).await;
    let at = body["access_token"].as_str().expect("at");
    let mine = json(post(&app, "/introspect", Some(&auth), None, &[("token", at)]).await).await;
    assert_eq!(mine["active"], true);
    assert_eq!(mine["client_id"], "rp-1");
    assert_eq!(mine["iss"], app.address);
    let theirs =
        json(post(&app, "/introspect", Some(&basic("rp-2", "other-secret")), None, &[("token", at)]).await)
            .await;
    assert_eq!(theirs, json!({"active": false}));
    let garbage = json(post(&app, "/introspect", Some(&auth), None, &[("token", "nonsense")]).await).await;
    assert_eq!(garbage, json!({"active": false}));
    let anonymous = post(&app, "/introspect", None, None, &[("token", at)]).await;
    assert_eq!(anonymous.status(), 401, "only authenticated clients may introspect");
}

#[tokio::test]
async fn a_revoked_access_token_is_inactive_and_revocation_always_answers_200() {
    let app = app_with(vec![]).await;
    let auth = basic("rp-1", RP_SECRET);
    let at = json(post(&app, "/token", Some(&auth), None, &[("grant_type", "client_credentials")]).await)
        .await["access_token"]
        .as_str()
        .expect("at")
        .to_string();
    let resp =
        post(&app, "/revoke", Some(&auth), None, &[("token", &at), ("token_type_hint", "access_token")])
            .await;
    assert_eq!(resp.status(), 200);
    let i = json(post(&app, "/introspect", Some(&auth), None, &[("token", &at)]).await).await;
    assert_eq!(i["active"], false);
    assert_eq!(post(&app, "/revoke", Some(&auth), None, &[("token", "unknown")]).await.status(), 200);
    assert_eq!(
        post(&app, "/revoke", Some(&basic("rp-1", "bad")), None, &[("token", &at)]).await.status(),
        401
    );
}

#[tokio::test]
async fn a_dpop_proof_binds_the_token_to_the_key_and_cannot_be_replayed() {
    let app = app_with(vec![]).await;
    let auth = basic("rp-1", RP_SECRET);
    let key = ClientKey::new();
    let htu = format!("{}/token", app.address);
    let proof = key.dpop("POST", &htu, None);
    let resp = post(&app, "/token", Some(&auth), Some(&proof), &[("grant_type", "client_credentials")]).await;
    assert_eq!(resp.status(), 200);
    let body = json(resp).await;
    assert_eq!(body["token_type"], "DPoP");
    let at = body["access_token"].as_str().expect("at");
    assert_eq!(crate::oidc_support::claims_of(at)["cnf"]["jkt"], key.jkt());
    let i = json(post(&app, "/introspect", Some(&auth), None, &[("token", at)]).await).await;
    assert_eq!(i["token_type"], "DPoP");
    let replayed =
        post(&app, "/token", Some(&auth), Some(&proof), &[("grant_type", "client_credentials")]).await;
    assert_eq!(replayed.status(), 400);
    assert_eq!(json(replayed).await["error"], "invalid_dpop_proof");
    let wrong_uri = key.dpop("POST", &format!("{}/elsewhere", app.address), None);
    let resp =
        post(&app, "/token", Some(&auth), Some(&wrong_uri), &[("grant_type", "client_credentials")]).await;
    assert_eq!(json(resp).await["error"], "invalid_dpop_proof");
}

#[tokio::test]
async fn par_gives_a_request_uri_to_an_authenticated_client_only() {
    let app = app_with(vec![]).await;
    let form = [
        ("response_type", "code"),
        ("client_id", "rp-1"),
        ("redirect_uri", RP_REDIRECT),
        ("scope", "openid profile"),
        ("code_challenge", crate::oidc_support::CHALLENGE),
        ("code_challenge_method", "S256"),
        ("state", "s1"),
    ];
    let resp = post(&app, "/par", Some(&basic("rp-1", RP_SECRET)), None, &form).await;
    assert_eq!(resp.status(), 201);
    let body = json(resp).await;
    assert!(body["request_uri"].as_str().expect("uri").starts_with("urn:ietf:params:oauth:request_uri:"));
    assert!(body["expires_in"].as_i64().expect("exp") <= 90);
    let anonymous = post(&app, "/par", None, None, &form).await;
    assert_eq!(anonymous.status(), 401);
    let mut no_pkce = form.to_vec();
    no_pkce.retain(|(k, _)| !k.starts_with("code_challenge"));
    let resp = post(&app, "/par", Some(&basic("rp-1", RP_SECRET)), None, &no_pkce).await;
    assert_eq!(json(resp).await["error"], "invalid_request", "PKCE is required for everyone");
}

#[tokio::test]
async fn registration_needs_the_initial_access_token_and_returns_a_working_secret() {
    let app = app_with(vec![]).await;
    let metadata = json!({"redirect_uris": ["https://rp.example/cb"], "client_name": "Self-registered",
        "grant_types": ["authorization_code"]});
    let refused = app
        .client
        .post(app.url("/register"))
        .bearer_auth("wrong")
        .json(&metadata)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 401);
    let resp = app
        .client
        .post(app.url("/register"))
        .bearer_auth("reg-token")
        .json(&metadata)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 201);
    let body = json(resp).await;
    let id = body["client_id"].as_str().expect("id");
    let secret = body["client_secret"].as_str().expect("secret");
    assert!(
        !body["scope"].as_str().expect("scope").contains("egovnrn"),
        "no national number by self-service"
    );
    let par = post(
        &app,
        "/par",
        Some(&basic(id, secret)),
        None,
        &[
            ("response_type", "code"),
            ("redirect_uri", "https://rp.example/cb"),
            ("scope", "openid"),
            ("code_challenge", crate::oidc_support::CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(par.status(), 201, "the registered client authenticates with its secret");
    let bad = app
        .client
        .post(app.url("/register"))
        .bearer_auth("reg-token")
        .json(&json!({"redirect_uris": ["http://evil.example/cb"]}))
        .send()
        .await
        .expect("POST");
    assert_eq!(json(bad).await["error"], "invalid_redirect_uri");
}

#[tokio::test]
async fn a_public_client_can_neither_introspect_nor_use_client_credentials() {
    let public = client(
        r#"
        id = "spa"
        name = "Single-page app"
        kind = "public"
        auth_method = "none"
        redirect_uris = ["http://127.0.0.1:9/cb"]
        grant_types = ["authorization_code", "client_credentials"]
        scopes = ["openid"]
        "#,
    );
    let app = app_with(vec![public]).await;
    let resp =
        post(&app, "/token", None, None, &[("grant_type", "client_credentials"), ("client_id", "spa")]).await;
    assert_eq!(json(resp).await["error"], "unauthorized_client");
    let resp = post(&app, "/introspect", None, None, &[("token", "x"), ("client_id", "spa")]).await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn the_demo_relying_party_exists_only_in_demo_mode() {
    let app = crate::helpers::TestApp::spawn_with(|s| {
        s.demo.is_enabled = false;
        s.demo.is_test_login_enabled = false;
        s.security.secret_key = "bm90LWEtZGVtby1rZXktYnV0LWxvbmctZW5vdWdoLWZvci10ZXN0cw==".into();
    })
    .await;
    assert_eq!(app.get("/demo-rp").await.status(), 404);
    assert!(
        app.state
            .store()
            .find_oidc_client::<poort::protocol::oidc::client::Client>("poort-demo-rp")
            .await
            .expect("query")
            .is_none()
    );
}

#[tokio::test]
async fn protocol_endpoints_answer_framework_refusals_as_oauth_json_without_page_cookies() {
    let app = app_with(vec![]).await;
    // Wrong method: 405 with `Allow`, an RFC 6749 error body, never an HTML page.
    let resp = app.get("/token").await;
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body = json(resp).await;
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"].as_str().is_some_and(|d| d.contains("method")), "{body}");

    // A body over the limit: 413, JSON.
    let huge = "x".repeat(200 * 1024);
    let resp = post(&app, "/token", Some(&basic("rp-1", RP_SECRET)), None, &[("grant_type", &huge)]).await;
    assert_eq!(resp.status(), 413);
    let body = json(resp).await;
    assert_eq!(body["error"], "invalid_request");

    // Software gets no CSRF or language cookie, on success or refusal; pages still do.
    let ok =
        post(&app, "/token", Some(&basic("rp-1", RP_SECRET)), None, &[("grant_type", "client_credentials")])
            .await;
    assert_eq!(ok.status(), 200);
    assert!(ok.headers().get("set-cookie").is_none(), "{:?}", ok.headers());
    assert!(ok.headers().get("x-request-id").is_some(), "request ids still propagate");
    let refused = post(&app, "/token", None, None, &[("grant_type", "client_credentials")]).await;
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().get("set-cookie").is_none());
    for path in ["/jwks", "/.well-known/openid-configuration", "/healthz"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        assert!(resp.headers().get("set-cookie").is_none(), "{path}");
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff", "{path}");
    }
    let page = app.get("/").await;
    assert!(
        page.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.starts_with("poort_csrf=")))
    );
}
