//! Dynamic client registration as an application team meets it (issue 10, items 7 and 12):
//! every field is honoured — stored, used, echoed — or refused with
//! `invalid_client_metadata` naming it; a registered client receives the claims its scopes
//! and the person's consent cover.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::oidc_support::{app_with, authorize_path, browse, claims_of, exchange_code, json, rp1};

const CB: &str = "http://127.0.0.1:9/registered";

async fn register(app: &TestApp, metadata: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/register"))
        .bearer_auth("reg-token")
        .json(metadata)
        .send()
        .await
        .expect("POST /register")
}

/// Registers `metadata` and returns the client information response (201).
async fn registered(app: &TestApp, metadata: Value) -> Value {
    let resp = register(app, &metadata).await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap_or_default());
    json(resp).await
}

/// A full login of Jan for a registered client: its tokens and its userinfo.
async fn tokens_and_userinfo(app: &TestApp, client: &Value, scope: &str) -> (Value, Value) {
    let id = client["client_id"].as_str().expect("client_id");
    let secret = client["client_secret"].as_str().expect("client_secret");
    let arrival = browse(app, &authorize_path(id, CB, scope, &[])).await;
    let tokens = exchange_code(app, id, secret, CB, &arrival.code()).await;
    let at = tokens["access_token"].as_str().expect("access_token");
    let resp = app.client.get(app.url("/userinfo")).bearer_auth(at).send().await.expect("userinfo");
    assert_eq!(resp.status(), 200);
    (tokens, json(resp).await)
}

#[tokio::test]
async fn a_pairwise_registration_gets_pairwise_subjects_and_the_response_says_so() {
    let app = app_with(vec![rp1()]).await;
    let pairwise = registered(&app, json!({"redirect_uris": [CB], "subject_type": "pairwise"})).await;
    assert_eq!(pairwise["subject_type"], "pairwise");
    let public = registered(&app, json!({"redirect_uris": [CB]})).await;
    assert_eq!(public["subject_type"], "public");
    let (pw_tokens, pw_info) = tokens_and_userinfo(&app, &pairwise, "openid").await;
    let (pub_tokens, _) = tokens_and_userinfo(&app, &public, "openid").await;
    let pw_sub = claims_of(pw_tokens["id_token"].as_str().expect("id_token"))["sub"].clone();
    let pub_sub = claims_of(pub_tokens["id_token"].as_str().expect("id_token"))["sub"].clone();
    assert_ne!(pw_sub, pub_sub, "a pairwise client gets another subject than a public one");
    assert_eq!(pw_info["sub"], pw_sub, "userinfo agrees");
    let id = pairwise["client_id"].as_str().expect("id");
    let stored: poort::protocol::oidc::client::Client =
        app.state.store().find_oidc_client(id).await.expect("query").expect("stored");
    assert!(matches!(stored.subject_type, poort::protocol::oidc::client::SubjectType::Pairwise { .. }));
}

#[tokio::test]
async fn a_backchannel_logout_uri_is_stored_and_echoed() {
    let app = app_with(vec![]).await;
    let body = registered(
        &app,
        json!({"redirect_uris": [CB], "backchannel_logout_uri": "https://rp.example/bc",
               "backchannel_logout_session_required": true}),
    )
    .await;
    assert_eq!(body["backchannel_logout_uri"], "https://rp.example/bc");
    assert_eq!(body["backchannel_logout_session_required"], true);
    let stored: poort::protocol::oidc::client::Client = app
        .state
        .store()
        .find_oidc_client(body["client_id"].as_str().expect("id"))
        .await
        .expect("query")
        .expect("stored");
    assert_eq!(stored.backchannel_logout_uri.as_deref(), Some("https://rp.example/bc"));
    assert!(stored.backchannel_logout_session_required);
}

#[tokio::test]
async fn a_field_that_cannot_be_honoured_is_refused_by_name() {
    let app = app_with(vec![]).await;
    for (metadata, field) in [
        (json!({"redirect_uris": [CB], "subject_type": "ephemeral"}), "subject_type"),
        (
            json!({"redirect_uris": [CB], "sector_identifier_uri": "https://rp.example/s.json"}),
            "sector_identifier_uri",
        ),
        (
            json!({"redirect_uris": [CB], "backchannel_logout_uri": "http://rp.example/bc"}),
            "backchannel_logout_uri",
        ),
        (
            json!({"redirect_uris": [CB], "id_token_signed_response_alg": "none"}),
            "id_token_signed_response_alg",
        ),
        (json!({"redirect_uris": [CB], "logo_uri": "javascript:alert(1)"}), "logo_uri"),
        (json!({"redirect_uris": [CB], "scope": "openid egovnrn"}), "scope"),
    ] {
        let resp = register(&app, &metadata).await;
        assert_eq!(resp.status(), 400, "{metadata}");
        let body = json(resp).await;
        assert_eq!(body["error"], "invalid_client_metadata", "{metadata}");
        let description = body["error_description"].as_str().unwrap_or_default();
        assert!(description.contains(field), "{metadata}: {description}");
    }
    let not_json = app
        .client
        .post(app.url("/register"))
        .bearer_auth("reg-token")
        .header("content-type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .expect("POST");
    assert_eq!(json(not_json).await["error"], "invalid_client_metadata");
}

#[tokio::test]
async fn a_registered_client_receives_what_its_scopes_and_consent_cover() {
    let app = app_with(vec![]).await;
    let client = registered(&app, json!({"redirect_uris": [CB], "client_name": "Self-registered"})).await;
    assert_eq!(client["scope"], "openid profile email");
    let (tokens, info) = tokens_and_userinfo(&app, &client, "openid profile email").await;
    assert_eq!(info["given_name"], "Jan");
    assert_eq!(info["family_name"], "Peeters");
    assert_eq!(info["name"], "Jan Peeters");
    // Jan gives an e-mail address (as in My digital keys); the next login releases it.
    let nrn = poort::domain::NationalNumber::parse(crate::oidc_support::JAN).expect("nrn");
    let jan = app.state.store().find_identity_by_national_number(&nrn).await.expect("query").expect("Jan");
    app.state.store().update_identity_email(&jan.id, Some("jan@example.be")).await.expect("e-mail");
    let (_, info) = tokens_and_userinfo(&app, &client, "openid profile email").await;
    assert_eq!(info["email"], "jan@example.be");
    assert!(info.get("egovNRN").is_none(), "never the national number by self-service");
    let id = claims_of(tokens["id_token"].as_str().expect("id_token"));
    assert!(id.get("given_name").is_none(), "claims in userinfo only (OIDC Core §5.4)");
    let (_, only_openid) = tokens_and_userinfo(&app, &client, "openid").await;
    assert!(only_openid.get("given_name").is_none(), "no profile claims without the profile scope");
}

#[tokio::test]
async fn a_client_registered_before_claims_came_with_scopes_gets_them_at_the_next_start() {
    let app = app_with(vec![]).await;
    let client = registered(&app, json!({"redirect_uris": [CB]})).await;
    let id = client["client_id"].as_str().expect("id");
    let store = app.state.store();
    let mut stored: poort::protocol::oidc::client::Client =
        store.find_oidc_client(id).await.expect("query").expect("stored");
    // As the registration of before wrote it: scopes, but no claims.
    stored.allowed_claims.clear();
    store
        .upsert_oidc_client(id, &stored, poort::store::oidc_clients::ClientSource::Registration, None)
        .await
        .expect("write");
    let (_, info) = tokens_and_userinfo(&app, &client, "openid profile").await;
    assert!(info.get("given_name").is_none(), "the old client received only sub");

    // The next start (a second node on the same database) repairs it.
    let settings = crate::helpers::test_settings(app.database_url());
    let _second = poort::app::Application::build(settings).await.expect("a second node starts");
    let (_, info) = tokens_and_userinfo(&app, &client, "openid profile").await;
    assert_eq!(info["given_name"], "Jan", "its scopes' claims now");
}
