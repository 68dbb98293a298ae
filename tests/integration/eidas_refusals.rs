//! Every refusal of the eIDAS login is a translated page with a way back to the login
//! page, never a 500, and nobody is logged in.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::eidas_login::{ELODIE_FR, JAN_BE, login_choice, post_to_acs, spawn, through_the_node};
use crate::helpers::{TestApp, text_of};

/// The page shows `message` and links back to the login page of `tx`.
async fn assert_refused(app: &TestApp, resp: reqwest::Response, status: u16, code: &str, tx: &str) {
    assert_eq!(resp.status(), status);
    let html = resp.text().await.expect("body");
    assert!(html.contains(&format!("data-error=\"{code}\"")), "{code}: {html}");
    assert!(html.contains(&format!("href=\"/login?tx={tx}\"")), "a way back: {html}");
    assert!(app.me().await.is_none(), "nobody is logged in");
}

#[tokio::test]
async fn cancelling_at_the_node_shows_the_cancelled_page() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(&app, &tx, &[("action", "cancel")]).await;
    let resp = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    assert_eq!(resp.status(), 200);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("Login cancelled") && body.contains("You cancelled the login at the eIDAS node."));
    assert!(body.contains(&format!("/login?tx={tx}")));
    assert!(app.me().await.is_none());
}

#[tokio::test]
async fn a_level_below_the_required_one_is_refused() {
    let app = spawn().await;
    // Level400 required: Poort asks the node for eIDAS substantial; the tester answers low.
    let resp = app.get("/login?next=/my/session&level=400").await;
    let tx = resp.headers()["location"].to_str().expect("ascii").split("tx=").nth(1).expect("tx").to_string();
    let answer = through_the_node(&app, &tx, &login_choice(JAN_BE, "low")).await;
    let resp = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    assert_refused(&app, resp, 403, "eidas.insufficient_loa", &tx).await;
}

#[tokio::test]
async fn a_tampered_response_is_refused() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(&app, &tx, &login_choice(ELODIE_FR, "high")).await;
    let xml = String::from_utf8(STANDARD.decode(&answer.saml_response).expect("base64")).expect("utf-8");
    // The mock node encrypts the assertion, as real nodes do: change the Response's own
    // signed content (its IssueInstant) instead of the encrypted name.
    let at = xml.find("IssueInstant=\"").expect("IssueInstant") + "IssueInstant=\"".len();
    let forged = format!("{}1999{}", &xml[..at], &xml[at + 4..]);
    assert_ne!(xml, forged);
    let resp = post_to_acs(&answer, &STANDARD.encode(forged), &answer.relay_state).await;
    assert_refused(&app, resp, 400, "eidas.invalid_signature", &tx).await;
}

#[tokio::test]
async fn a_replayed_response_is_refused_the_second_time() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(&app, &tx, &login_choice(JAN_BE, "high")).await;
    let first = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    assert_eq!(first.status(), 303);
    let second = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    assert_refused(&app, second, 400, "eidas.replayed", &tx).await;
    // The first answer's ticket still completes the login, once.
    let finish = first.headers()["location"].to_str().expect("ascii").to_string();
    assert_eq!(app.get(&finish).await.status(), 303);
    assert!(app.me().await.is_some());
    let again = app.get(&finish).await;
    assert_ne!(again.status(), 500);
    assert_ne!(again.status(), 303, "a ticket works once");
}

#[tokio::test]
async fn a_wrong_relay_state_is_refused() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(&app, &tx, &login_choice(JAN_BE, "high")).await;
    let wrong = format!("{tx}.AAAAAAAAAAAAAAAAAAAAAA");
    let resp = post_to_acs(&answer, &answer.saml_response, &wrong).await;
    assert_refused(&app, resp, 400, "eidas.relay_state_mismatch", &tx).await;
    let unknown = post_to_acs(&answer, &answer.saml_response, "no-such-tx.AAAA").await;
    assert_eq!(unknown.status(), 400);
    let missing = post_to_acs(&answer, &answer.saml_response, "").await;
    assert_eq!(missing.status(), 400);
}

#[tokio::test]
async fn a_garbage_saml_response_is_a_400_page_not_a_500() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(&app, &tx, &login_choice(JAN_BE, "high")).await;
    for garbage in ["%%%not base64%%%", "PHg+", "", "PCFET0NUWVBFIHg+PHg+"] {
        let resp = post_to_acs(&answer, garbage, &answer.relay_state).await;
        assert_refused(&app, resp, 400, "eidas.malformed_response", &tx).await;
    }
    let not_a_form = crate::helpers::client()
        .post(&answer.acs_url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(not_a_form.status(), 400);
}

#[tokio::test]
async fn a_ticket_cannot_finish_the_login_in_another_browser() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let answer = through_the_node(&app, &tx, &login_choice(JAN_BE, "high")).await;
    let acs = post_to_acs(&answer, &answer.saml_response, &answer.relay_state).await;
    let finish = acs.headers()["location"].to_str().expect("ascii").to_string();
    let other = crate::helpers::client().get(app.url(&finish)).send().await.expect("get");
    assert_eq!(other.status(), 400, "the browser-binding cookie is missing");
    let forged = finish.rsplit_once("ticket=").map(|(a, _)| format!("{a}ticket=forged")).expect("ticket");
    assert_ne!(app.get(&forged).await.status(), 303);
    assert!(app.me().await.is_none());
}
