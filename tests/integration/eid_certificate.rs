//! `certificateInfo` (issue 10, item 6): after an eID card login over the mTLS listener the
//! tokens carry `cert_subject`, `cert_issuer` and `cert_serial_number` — for a client
//! allowed them that asked for the scope; never for another key or another client.

use serde_json::Value;

use crate::eid_support::{EidKit, eid_login};
use crate::helpers::TestApp;
use crate::oidc_support::{
    CHALLENGE, JAN, RP_REDIRECT, VERIFIER, basic, claims_of, client, location, post, query_param, rp1,
};

const CERT_CLAIMS: [&str; 3] = ["cert_subject", "cert_issuer", "cert_serial_number"];

/// A first-party client allowed the certificate claims, in the id_token too.
fn cert_client() -> poort::protocol::oidc::client::Client {
    client(&format!(
        r#"
        id = "rp-cert"
        name = "Certificate RP"
        kind = "confidential"
        secret = "rp-cert-secret"
        auth_method = "client_secret_basic"
        redirect_uris = ["{RP_REDIRECT}"]
        grant_types = ["authorization_code", "refresh_token"]
        scopes = ["openid", "profile", "certificateInfo"]
        allowed_claims = ["given_name", "cert_subject", "cert_issuer", "cert_serial_number"]
        claims_in_id_token = true
        is_first_party = true
        "#
    ))
}

async fn authorize(app: &TestApp, client_id: &str, scope: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", RP_REDIRECT)
        .append_pair("scope", scope)
        .append_pair("state", "st")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256")
        .append_pair("acr_values", "urn:be:fedict:iam:fas:Level500")
        .finish();
    let resp = app.get(&format!("/authorize?{query}")).await;
    assert_eq!(resp.status(), 303);
    location(&resp)
}

/// Follows local redirects to the client's redirect URI; returns the code.
async fn code(app: &TestApp, mut to: String) -> String {
    while to.starts_with('/') {
        let resp = app.get(&to).await;
        assert!(resp.status().is_redirection(), "{to}: {}", resp.status());
        to = location(&resp);
    }
    query_param(&to, "code").expect("a code")
}

/// The token response of a code exchange by `client_id`.
async fn tokens(app: &TestApp, client_id: &str, secret: &str, code: &str) -> Value {
    let resp = post(
        app,
        "/token",
        Some(&basic(client_id, secret)),
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

async fn userinfo(app: &TestApp, access_token: &str) -> Value {
    let resp = app.client.get(app.url("/userinfo")).bearer_auth(access_token).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

/// The card's serial as the demo PKI issued it, lowercase hex.
fn serial_of(card: &poort::authn::eid::cards::CardFiles) -> String {
    assert!(!card.serial_hex.is_empty());
    card.serial_hex.clone()
}

#[tokio::test]
async fn an_eid_login_releases_the_card_certificate_under_certificate_info() {
    let kit = EidKit::new();
    let app = kit.spawn_app_with(|s| s.oidc.clients = vec![cert_client()]).await;
    let card = kit.jan();
    let login = authorize(&app, "rp-cert", "openid profile certificateInfo").await;
    let resume = eid_login(&app, &kit, &login, &card).await;
    let body = tokens(&app, "rp-cert", "rp-cert-secret", &code(&app, resume).await).await;
    let id = claims_of(body["id_token"].as_str().expect("id_token"));
    let subject = id["cert_subject"].as_str().expect("cert_subject");
    assert!(subject.contains("Jan Peeters") && subject.contains("78031412349"), "{subject}");
    assert!(id["cert_issuer"].as_str().expect("cert_issuer").contains("Citizen CA"), "{id}");
    assert_eq!(id["cert_serial_number"], serial_of(&card));
    let info = userinfo(&app, body["access_token"].as_str().expect("at")).await;
    for claim in CERT_CLAIMS {
        assert_eq!(info[claim], id[claim], "userinfo: {claim}");
    }

    // Single sign-on: a second authorization in the same browser uses the eID session.
    let to = authorize(&app, "rp-cert", "openid certificateInfo").await;
    assert!(!to.starts_with("/login?"), "no second login: {to}");
    let again = tokens(&app, "rp-cert", "rp-cert-secret", &code(&app, to).await).await;
    let id = claims_of(again["id_token"].as_str().expect("id_token"));
    assert_eq!(id["cert_serial_number"], serial_of(&card), "the session keeps the card's facts");

    // A refresh keeps them too.
    let refreshed = post(
        &app,
        "/token",
        Some(&basic("rp-cert", "rp-cert-secret")),
        None,
        &[("grant_type", "refresh_token"), ("refresh_token", again["refresh_token"].as_str().expect("rt"))],
    )
    .await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.expect("json");
    assert_eq!(
        claims_of(refreshed["id_token"].as_str().expect("id_token"))["cert_serial_number"],
        serial_of(&card)
    );
}

#[tokio::test]
async fn without_the_scope_no_certificate_claim_is_released() {
    let kit = EidKit::new();
    let app = kit.spawn_app_with(|s| s.oidc.clients = vec![cert_client()]).await;
    let login = authorize(&app, "rp-cert", "openid profile").await;
    let resume = eid_login(&app, &kit, &login, &kit.jan()).await;
    let body = tokens(&app, "rp-cert", "rp-cert-secret", &code(&app, resume).await).await;
    let id = claims_of(body["id_token"].as_str().expect("id_token"));
    let info = userinfo(&app, body["access_token"].as_str().expect("at")).await;
    for claim in CERT_CLAIMS {
        assert!(id.get(claim).is_none() && info.get(claim).is_none(), "{claim}");
    }
    assert_eq!(id["given_name"], "Jan");
}

#[tokio::test]
async fn a_client_not_allowed_the_scope_is_refused_it() {
    let kit = EidKit::new();
    let app = kit.spawn_app_with(|s| s.oidc.clients = vec![rp1()]).await;
    let to = authorize(&app, "rp-1", "openid certificateInfo").await;
    assert!(to.starts_with(RP_REDIRECT) && to.contains("error=invalid_scope"), "{to}");
}

#[tokio::test]
async fn a_login_with_another_key_releases_no_certificate_claims() {
    let kit = EidKit::new();
    let app = kit.spawn_app_with(|s| s.oidc.clients = vec![cert_client()]).await;
    let login = authorize(&app, "rp-cert", "openid certificateInfo").await;
    let tx = login.trim_start_matches("/login?tx=").split('&').next().expect("tx").to_string();
    let done = app.test_login(&tx, JAN, 500).await;
    assert_eq!(done.status(), 303);
    let body = tokens(&app, "rp-cert", "rp-cert-secret", &code(&app, location(&done)).await).await;
    let id = claims_of(body["id_token"].as_str().expect("id_token"));
    let info = userinfo(&app, body["access_token"].as_str().expect("at")).await;
    for claim in CERT_CLAIMS {
        assert!(id.get(claim).is_none() && info.get(claim).is_none(), "{claim} without a card");
    }
}
