//! Helpers for the BTB tests: a browser per person (test login at a level), a person's
//! bearer token with `btb:manage`, the web service's `btb:read` token, and the demo people.

use serde_json::Value;

use crate::helpers::{TestApp, extract_hidden};
use crate::oidc_support::{CHALLENGE, VERIFIER, basic, client, location, query_param};

pub const JAN: &str = "78.03.14-123.49";
pub const SOFIE: &str = "90.11.02-246.12";
pub const BRAM: &str = "86.05.27-077.81";
pub const MARIE: &str = "65.06.21-084.14";
pub const GEERT: &str = "58.12.01-211.91";
pub const EMMA: &str = "03.02.17-162.16";
pub const CAMILLE: &str = "94.24.08-005.54";
pub const LUKAS: &str = "82.08.09-141.09";
pub const NATHALIE: &str = "69.01.23-308.70";
pub const IATREION: &str = "0474.603.083";
pub const CLINIC: &str = "0410.561.210";
pub const HOGE_VENEN: &str = "0798.123.423";

const RP: &str = "btb-rp";
const RP_SECRET: &str = "btb-rp-secret";
const RP_REDIRECT: &str = "http://127.0.0.1:9/btb-cb";
pub const WS: &str = "btb-ws";
pub const WS_SECRET: &str = "btb-ws-secret";

/// An app with a relying party allowed `btb:manage` and a web-service client with `btb:read`.
pub async fn btb_app() -> TestApp {
    btb_app_with(|_| {}).await
}

/// [`btb_app`] with `adjust` applied last.
pub async fn btb_app_with(adjust: impl FnOnce(&mut poort::config::Settings)) -> TestApp {
    TestApp::spawn_with(|s| {
        s.oidc.clients = vec![
            client(&format!(
                r#"
                id = "{RP}"
                name = "BTB RP"
                kind = "confidential"
                secret = "{RP_SECRET}"
                auth_method = "client_secret_basic"
                redirect_uris = ["{RP_REDIRECT}"]
                grant_types = ["authorization_code"]
                scopes = ["openid", "btb:manage", "access:manage"]
                allowed_claims = []
                is_first_party = true
                "#
            )),
            client(&format!(
                r#"
                id = "{WS}"
                name = "Access-management system"
                kind = "confidential"
                secret = "{WS_SECRET}"
                auth_method = "client_secret_basic"
                redirect_uris = []
                grant_types = ["client_credentials"]
                scopes = ["btb:read"]
                allowed_claims = []
                "#
            )),
        ];
        adjust(s);
    })
    .await
}

/// A browser of its own, logged in as `person` at `level` (portal login).
pub async fn browser(app: &TestApp, person: &str, level: u16) -> reqwest::Client {
    let b = TestApp::spawn_client();
    let tx = app.start_portal_login_with(&b, "/my/entities").await;
    login(app, &b, &tx, person, level).await;
    b
}

pub async fn login(app: &TestApp, b: &reqwest::Client, tx: &str, person: &str, level: u16) {
    let page =
        b.get(app.url(&format!("/login?tx={tx}"))).send().await.expect("GET").text().await.expect("body");
    let csrf = extract_hidden(&page, "csrf").expect("csrf");
    let level = level.to_string();
    let resp = b
        .post(app.url("/demo/test-login"))
        .form(&[("csrf", csrf.as_str()), ("tx", tx), ("national_number", person), ("level", level.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 303, "test login");
}

/// A person's access token with `btb:manage`, through the code flow of the test RP.
pub async fn person_token(app: &TestApp, person: &str, level: u16) -> String {
    person_token_with(app, person, level, "openid btb:manage").await
}

/// A person's access token with `scope`, through the code flow of the test RP.
pub async fn person_token_with(app: &TestApp, person: &str, level: u16, scope: &str) -> String {
    let b = TestApp::spawn_client();
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("response_type", "code")
        .append_pair("client_id", RP)
        .append_pair("redirect_uri", RP_REDIRECT)
        .append_pair("scope", scope)
        .append_pair("state", "s")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    let resp = b.get(app.url(&format!("/authorize?{}", s.finish()))).send().await.expect("GET");
    let to = location(&resp);
    let tx = to.split("tx=").nth(1).expect("tx").split('&').next().expect("tx").to_string();
    login(app, &b, &tx, person, level).await;
    let mut to = format!("/authorize/resume?tx={tx}");
    for _ in 0..5 {
        let resp = b.get(app.url(&to)).send().await.expect("GET");
        to = location(&resp);
        if to.starts_with(RP_REDIRECT) {
            break;
        }
    }
    let code = query_param(&to, "code").unwrap_or_else(|| panic!("no code in {to}"));
    let resp = app
        .client
        .post(app.url("/token"))
        .header("authorization", basic(RP, RP_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["access_token"].as_str().expect("access_token").to_string()
}

/// The web service's token (client_credentials, `btb:read`).
pub async fn reader_token(app: &TestApp) -> String {
    let resp = app
        .client
        .post(app.url("/token"))
        .header("authorization", basic(WS, WS_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "btb:read")])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["access_token"].as_str().expect("access_token").to_string()
}

/// An API call with a bearer token: (status, JSON body or null).
pub async fn api(app: &TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Mails in the demo outbox to `to`, as (subject, body).
pub async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    app.state
        .store()
        .find_outbox_mails(200)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.recipient == to)
        .map(|m| (m.subject, m.body))
        .collect()
}
