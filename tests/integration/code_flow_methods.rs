//! Every digital key end to end through the OpenID Connect code flow: a relying party
//! sends the browser to `/authorize`, the person logs in with the key (eID over real
//! mTLS, itsme and eIDAS through their mocks over real HTTP, password + TOTP, a software
//! passkey), and the relying party exchanges the code for an id_token whose `acr` and
//! `amr` say how.

use jsonwebtoken::{DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde_json::Value;

use crate::eid_support::{EidKit, eid_login};
use crate::eidas_login::{JAN_BE, login_choice, post_to_acs, through_the_node};
use crate::helpers::TestApp;
use crate::itsme_support::{MOCK_JAN, spawn_itsme};
use crate::oidc_support::{
    CHALLENGE, RP_REDIRECT, RP_SECRET, VERIFIER, basic, location, post, query_param, rp1,
};
use crate::password_helpers::{
    JAN_PASSWORD, JAN_SECRET, password_settings, post_code, post_password, totp_now,
};

const STATE: &str = "state-of-the-rp";
const NONCE: &str = "nonce-of-the-rp";

/// `/authorize` for `rp-1` asking for `acr`; returns the login page URL (`/login?tx=…`).
async fn authorize(app: &TestApp, acr: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "rp-1")
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", RP_REDIRECT)
        .append_pair("scope", "openid profile")
        .append_pair("state", STATE)
        .append_pair("nonce", NONCE)
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256")
        .append_pair("acr_values", acr)
        .finish();
    let resp = app.get(&format!("/authorize?{query}")).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap_or_default());
    let to = location(&resp);
    assert!(to.starts_with("/login?tx="), "a fresh browser goes to the login page: {to}");
    to
}

fn tx_of(login_url: &str) -> String {
    login_url.trim_start_matches("/login?tx=").split('&').next().expect("tx").to_string()
}

/// From where a method's login ends (the resume URL) to the relying party's code.
async fn code_at_the_client(app: &TestApp, mut to: String) -> String {
    while to.starts_with('/') {
        let resp = app.get(&to).await;
        assert!(
            resp.status().is_redirection(),
            "{to}: {} {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        );
        to = location(&resp);
    }
    assert!(to.starts_with(RP_REDIRECT), "the browser goes back to the client: {to}");
    assert_eq!(query_param(&to, "state").as_deref(), Some(STATE));
    assert_eq!(query_param(&to, "iss").as_deref(), Some(app.address.as_str()), "RFC 9207");
    query_param(&to, "code").expect("a code")
}

/// Exchanges the code and returns the id_token's claims, verified against the JWKS.
async fn id_token_for(app: &TestApp, code: &str) -> Value {
    let resp = post(
        app,
        "/token",
        Some(&basic("rp-1", RP_SECRET)),
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
    let body: Value = resp.json().await.expect("json");
    let token = body["id_token"].as_str().expect("id_token");
    let jwks: JwkSet = app.get("/jwks").await.json().await.expect("jwks");
    let header = decode_header(token).expect("header");
    let jwk = jwks.find(header.kid.as_deref().expect("kid")).expect("a published key");
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&["rp-1"]);
    validation.set_issuer(&[app.address.as_str()]);
    let claims = decode::<Value>(token, &DecodingKey::from_jwk(jwk).expect("key"), &validation)
        .expect("the id_token verifies against the JWKS")
        .claims;
    assert_eq!(claims["nonce"], NONCE);
    claims
}

#[tokio::test]
async fn an_eid_card_login_gives_the_client_level_500() {
    let kit = EidKit::new();
    let app = kit.spawn_app_with(|s| s.oidc.clients = vec![rp1()]).await;
    let login = authorize(&app, "urn:be:fedict:iam:fas:Level500").await;
    let resume = eid_login(&app, &kit, &login, &kit.jan()).await;
    let claims = id_token_for(&app, &code_at_the_client(&app, resume).await).await;
    assert_eq!(claims["acr"], "urn:be:fedict:iam:fas:Level500");
    assert_eq!(claims["amr"], serde_json::json!(["hwk", "sc", "pin"]));
    assert_eq!(claims["given_name"], "Jan");
    assert_eq!(claims["family_name"], "Peeters");
}

#[tokio::test]
async fn an_itsme_login_through_the_mock_gives_the_client_level_450() {
    let it = spawn_itsme(|s| s.oidc.clients = vec![rp1()]).await;
    let login = authorize(&it.app, "http://eidas.europa.eu/LoA/high").await;
    let resp = it.login(&tx_of(&login), MOCK_JAN).await;
    assert_eq!(resp.status(), 303);
    let claims = id_token_for(&it.app, &code_at_the_client(&it.app, location(&resp)).await).await;
    assert_eq!(claims["acr"], "urn:be:fedict:iam:fas:Level450");
    assert_eq!(claims["amr"], serde_json::json!(["mfa", "app"]));
    assert_eq!(claims["given_name"], "Jan");
}

#[tokio::test]
async fn an_eidas_login_through_the_mock_node_gives_the_client_the_asserted_level() {
    let app = TestApp::spawn_with(|s| {
        s.eidas.is_enabled = true;
        s.eidas.mock.is_enabled = true;
        s.eidas.mock.listen = "127.0.0.1:0".parse().expect("addr");
        s.oidc.clients = vec![rp1()];
    })
    .await;
    let login = authorize(&app, "http://eidas.europa.eu/LoA/substantial").await;
    let answer = through_the_node(&app, &tx_of(&login), &login_choice(JAN_BE, "substantial")).await;
    let acs = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    assert_eq!(acs.status(), 303);
    let finish = app.get(&location(&acs)).await;
    assert_eq!(finish.status(), 303);
    let claims = id_token_for(&app, &code_at_the_client(&app, location(&finish)).await).await;
    assert_eq!(claims["acr"], "urn:be:fedict:iam:fas:Level400");
    assert_eq!(claims["amr"], serde_json::json!(["eidas"]));
    assert_eq!(claims["family_name"], "Peeters");
}

#[tokio::test]
async fn a_password_with_an_app_code_gives_the_client_level_400() {
    let app = TestApp::spawn_with(|s| {
        password_settings(s);
        s.oidc.clients = vec![rp1()];
    })
    .await;
    let login = authorize(&app, "urn:be:fedict:iam:fas:Level400").await;
    let tx = tx_of(&login);
    let resp = post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await;
    assert_eq!(resp.status(), 303);
    let resp = post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap_or_default());
    let claims = id_token_for(&app, &code_at_the_client(&app, location(&resp)).await).await;
    assert_eq!(claims["acr"], "urn:be:fedict:iam:fas:Level400");
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
}

/// The known Keycloak failure: a client asking for more than the session has must get a
/// step-up through an upstream (itsme) without losing the session.
#[tokio::test]
async fn a_password_session_steps_up_through_itsme_and_keeps_its_session() {
    let it = spawn_itsme(|s| {
        password_settings(s);
        s.oidc.clients = vec![rp1()];
    })
    .await;
    let app = &it.app;
    // First the client asks for substantial: password + app.
    let login = authorize(app, "urn:be:fedict:iam:fas:Level400").await;
    let tx = tx_of(&login);
    post_password(app, &tx, "janpeeters", JAN_PASSWORD).await;
    let resp = post_code(app, &tx, "app", &totp_now(JAN_SECRET)).await;
    let first = id_token_for(app, &code_at_the_client(app, location(&resp)).await).await;
    assert_eq!(first["acr"], "urn:be:fedict:iam:fas:Level400");

    // Then it asks for high: the session is not enough, the login page asks for more.
    let login = authorize(app, "urn:be:fedict:iam:fas:Level450").await;
    let page = app.get(&login).await.text().await.expect("page");
    assert!(page.contains("/login/itsme/start"), "itsme is offered for the step-up");
    let resp = it.login(&tx_of(&login), MOCK_JAN).await;
    assert_eq!(resp.status(), 303);
    let second = id_token_for(app, &code_at_the_client(app, location(&resp)).await).await;
    assert_eq!(second["acr"], "urn:be:fedict:iam:fas:Level450");
    assert_eq!(second["sub"], first["sub"], "the same person");
    assert_eq!(second["sid"], first["sid"], "the step-up kept the session");
}

#[tokio::test]
async fn a_passkey_login_gives_the_client_level_400() {
    use crate::passkey_support::{NRN, challenge_for, login_finish, register};
    let app = TestApp::spawn_with(|s| {
        s.passkey.is_enabled = true;
        s.oidc.clients = vec![rp1()];
    })
    .await;
    crate::password_helpers::test_login_at(&app, NRN, 500).await;
    let mut passkey = register(&app).await;
    let token = app.csrf_token("/").await;
    let _ = app.post_form("/logout", &[("csrf", token.as_str())]).await;
    let login = authorize(&app, "urn:be:fedict:iam:fas:Level400").await;
    let tx = tx_of(&login);
    let (csrf, options) = challenge_for(&app, &tx).await;
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &passkey.get(&options)).await;
    assert_eq!(status, 200, "{body}");
    let resume = body["redirect"].as_str().expect("redirect").to_string();
    let claims = id_token_for(&app, &code_at_the_client(&app, resume).await).await;
    assert_eq!(claims["acr"], "urn:be:fedict:iam:fas:Level400");
    assert_eq!(claims["amr"], serde_json::json!(["swk", "mfa"]));
}
