//! The European eIDAS login end to end over real HTTP: portal login → Poort's signed
//! AuthnRequest → the DEMO mock eIDAS node (its own port) → the signed Response posted to
//! the ACS by a browser without our cookies (a cross-site POST) → the finish page.

use crate::helpers::{TestApp, client, eidas_node_client, extract_hidden, text_of};

/// Demo identities of the mock node, by their index on its chooser.
pub const JAN_BE: (&str, &str) = ("BE", "0");
pub const WILLEM_NL: (&str, &str) = ("NL", "1");
pub const ELODIE_FR: (&str, &str) = ("FR", "2");

pub async fn spawn() -> TestApp {
    TestApp::spawn_with(|s| {
        s.eidas.is_enabled = true;
        s.eidas.mock.is_enabled = true;
        s.eidas.mock.listen = "127.0.0.1:0".parse().expect("addr");
    })
    .await
}

pub fn hidden(html: &str, name: &str) -> String {
    text_of(&extract_hidden(html, name).unwrap_or_else(|| panic!("no hidden {name} in {html}")))
}

pub fn form_action(html: &str) -> String {
    let marker = "<form method=\"post\" action=\"";
    let start = html.find(marker).expect("a form") + marker.len();
    let end = html[start..].find('"').expect("quote") + start;
    text_of(&html[start..end])
}

/// The node's answer as the browser would post it to our ACS.
#[derive(Debug, Clone)]
pub struct Answer {
    pub acs_url: String,
    pub saml_response: String,
    pub relay_state: String,
}

/// Starts the eIDAS login of `tx` and walks the mock node: `choice` is the chooser's form
/// (`action`, `country`, `identity`, `loa`). Returns the answer page's form.
pub async fn through_the_node(app: &TestApp, tx: &str, choice: &[(&str, &str)]) -> Answer {
    let start = app.get_lang(&format!("/login/eidas/start?tx={tx}"), "en").await;
    assert_eq!(start.status(), 200);
    assert!(start.headers()["content-security-policy"].to_str().expect("csp").contains("script-src 'self'"));
    let html = start.text().await.expect("body");
    assert!(html.contains(">Continue</button>") && !html.contains("<script"), "{html}");
    assert!(text_of(&html).contains("DEMO: this is a mock eIDAS node"), "the mock is labelled");
    let node = eidas_node_client(app);
    let is_tls = app.state.eidas().is_some_and(|e| e.mock_ca_pem.is_some());
    assert_eq!(form_action(&html).starts_with("https://"), is_tls, "https when the mock serves TLS");
    let chooser = node
        .post(form_action(&html))
        .form(&[("SAMLRequest", hidden(&html, "SAMLRequest")), ("RelayState", hidden(&html, "RelayState"))])
        .send()
        .await
        .expect("post to the node");
    assert_eq!(chooser.status(), 200, "the mock node accepts our signed request");
    let chooser_url = chooser.url().clone();
    let page = chooser.text().await.expect("chooser");
    assert!(page.contains("DEMO — mock eIDAS node, not a real one"));
    let mut fields = vec![("session".to_string(), hidden(&page, "session"))];
    fields.extend(choice.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())));
    let mut choose_url = chooser_url;
    choose_url.set_path("/sso/choose");
    let answer =
        node.post(choose_url).form(&fields).send().await.expect("choose").text().await.expect("answer");
    assert!(answer.contains(">Continue</button>") && !answer.contains("<script"));
    Answer {
        acs_url: form_action(&answer),
        saml_response: hidden(&answer, "SAMLResponse"),
        relay_state: hidden(&answer, "RelayState"),
    }
}

/// Posts an answer to the ACS as the cross-site browser POST it is: without our cookies.
pub async fn post_to_acs(answer: &Answer, saml_response: &str, relay_state: &str) -> reqwest::Response {
    let _ = answer;
    client()
        .post(&answer.acs_url)
        .header("accept-language", "en")
        .form(&[("SAMLResponse", saml_response), ("RelayState", relay_state)])
        .send()
        .await
        .expect("post to the ACS")
}

pub fn login_choice(
    who: (&'static str, &'static str),
    loa: &'static str,
) -> [(&'static str, &'static str); 4] {
    [("action", "login"), ("country", who.0), ("identity", who.1), ("loa", loa)]
}

/// A whole login as `who` at `loa`; returns `/api/v1/me`.
pub async fn log_in(
    app: &TestApp,
    who: (&'static str, &'static str),
    loa: &'static str,
) -> serde_json::Value {
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(app, &tx, &login_choice(who, loa)).await;
    assert_eq!(answer.acs_url, app.url("/login/eidas/acs"));
    let acs = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    assert_eq!(acs.status(), 303, "{}", acs.text().await.unwrap_or_default());
    let finish = acs.headers()["location"].to_str().expect("ascii").to_string();
    assert!(finish.starts_with(&format!("/login/eidas/finish?tx={tx}&ticket=")), "{finish}");
    let done = app.get(&finish).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/my/session");
    app.me().await.expect("logged in")
}

#[tokio::test]
async fn the_login_page_offers_the_european_login_when_it_is_enabled() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let body = text_of(&app.get_lang(&format!("/login?tx={tx}"), "en").await.text().await.expect("body"));
    assert!(body.contains("European login (eIDAS)"), "{body}");
    assert!(body.contains(&format!("/login/eidas/start?tx={tx}")));

    let off = TestApp::spawn().await;
    let tx = off.start_portal_login("/my/session").await;
    let body = text_of(&off.get_lang(&format!("/login?tx={tx}"), "en").await.text().await.expect("body"));
    assert!(!body.contains("European login (eIDAS)"), "off unless configured");
    assert_eq!(off.get(&format!("/login/eidas/start?tx={tx}")).await.status(), 404);
}

#[tokio::test]
async fn a_belgian_citizen_logging_in_through_eidas_gets_the_national_identity() {
    let app = spawn().await;
    let me = log_in(&app, JAN_BE, "substantial").await;
    assert_eq!(me["given_names"], "Jan");
    assert_eq!(me["surname"], "Peeters");
    assert_eq!(me["national_number_masked"], "78.03.14-***.**");
    assert_eq!(me["method"], "eidas");
    assert_eq!(me["amr"], serde_json::json!(["eidas"]));
    assert_eq!(me["acr"], "urn:be:fedict:iam:fas:Level400", "eIDAS substantial counts as Level400");
}

#[tokio::test]
async fn willem_de_vries_is_matched_to_his_bis_number_by_name_and_birth_date() {
    let app = spawn().await;
    let me = log_in(&app, WILLEM_NL, "high").await;
    assert_eq!(me["surname"], "de Vries");
    assert_eq!(me["national_number_masked"], "70.49.05-***.**", "his BIS number");
    assert_eq!(me["acr"], "urn:be:fedict:iam:fas:Level450", "eIDAS high counts as Level450");
}

#[tokio::test]
async fn an_unknown_foreigner_keeps_a_stable_foreign_identity() {
    let app = spawn().await;
    let first = log_in(&app, ELODIE_FR, "substantial").await;
    assert!(first["national_number_masked"].is_null(), "no Belgian number: {first}");
    assert_eq!(first["eidas_identifier"], "FR/BE/1880275123456");
    assert_eq!(first["given_names"], "Élodie");
    let token = app.csrf_token("/").await;
    assert_eq!(app.post_form("/logout", &[("csrf", token.as_str())]).await.status(), 303);
    assert!(app.me().await.is_none());
    let second = log_in(&app, ELODIE_FR, "low").await;
    assert_eq!(second["identity_id"], first["identity_id"], "the same subject on every login");
    assert_ne!(second["sid"], first["sid"]);
}

#[tokio::test]
async fn the_signed_metadata_names_our_acs() {
    let app = spawn().await;
    let resp = app.get("/login/eidas/metadata").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/samlmetadata+xml");
    let xml = resp.text().await.expect("xml");
    assert!(xml.contains(&format!("entityID=\"{}\"", app.url("/login/eidas/metadata"))), "{xml}");
    assert!(xml.contains(&format!("Location=\"{}\"", app.url("/login/eidas/acs"))));
    assert!(xml.contains("<ds:SignatureValue>") && !xml.contains("<ds:SignatureValue></ds:SignatureValue>"));
}

#[tokio::test]
async fn a_browser_that_does_not_trust_the_demo_ca_cannot_reach_the_mock_node() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let html = app.get_lang(&format!("/login/eidas/start?tx={tx}"), "en").await.text().await.expect("body");
    let node_url = form_action(&html);
    assert!(node_url.starts_with("https://"), "{node_url}");
    assert!(client().get(&node_url).send().await.is_err(), "the demo CA is not trusted by default");
}

#[tokio::test]
async fn the_mock_node_can_be_served_without_tls_behind_a_proxy() {
    let app = TestApp::spawn_with(|s| {
        s.eidas.is_enabled = true;
        s.eidas.mock.is_enabled = true;
        s.eidas.mock.is_tls = false;
        s.eidas.mock.listen = "127.0.0.1:0".parse().expect("addr");
    })
    .await;
    assert!(app.state.eidas().expect("eidas").mock_ca_pem.is_none());
    let me = log_in(&app, JAN_BE, "high").await;
    assert_eq!(me["method"], "eidas");
}
