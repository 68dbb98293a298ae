//! Logging in with itsme end to end: portal login → Poort → mock itsme over TLS → callback
//! → session; and every refusal as a translated page with a way back.
use crate::helpers::{TestApp, text_of};
use crate::itsme_support::{JAN, MOCK_JAN, MOCK_UNKNOWN, location, spawn_itsme};

#[tokio::test]
async fn a_full_itsme_login_through_the_mock_over_tls_opens_a_level_450_session() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let page = text_of(&it.app.get_lang(&format!("/login?tx={tx}"), "en").await.text().await.expect("body"));
    assert!(page.contains(&format!("/login/itsme/start?tx={tx}")), "the login page offers itsme: {page}");

    let resp = it.login(&tx, MOCK_JAN).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/my/session");
    let me = it.app.me().await.expect("logged in");
    assert_eq!(me["given_names"], "Jan");
    assert_eq!(me["surname"], "Peeters");
    assert_eq!(me["level"], 450);
    assert_eq!(me["acr"], "urn:be:fedict:iam:fas:Level450");
    assert_eq!(me["method"], "itsme");
    assert_eq!(me["amr"], serde_json::json!(["mfa", "app"]));
}

#[tokio::test]
async fn the_authorization_request_is_a_signed_request_object_with_the_transaction_in_state() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let url = url::Url::parse(&authorize).expect("url");
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert!(names.contains(&"request".to_string()), "{names:?}");
    assert!(!names.contains(&"state".to_string()), "state travels inside the signed request object");
    let callback = it.answer_phone(&authorize, MOCK_JAN, "confirm").await;
    let state = url::Url::parse(&callback)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    assert!(state.starts_with(&format!("{tx}.")), "state is <tx>.<random>");
    assert!(state.len() > tx.len() + 40, "the random part carries 256 bits");
}

#[tokio::test]
async fn cancelling_on_the_mock_phone_page_shows_a_translated_refusal_with_a_way_back() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let callback = it.answer_phone(&authorize, MOCK_JAN, "cancel").await;
    let resp = it.callback(&callback).await;
    assert_eq!(resp.status(), 400);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("You cancelled the login in the itsme app"), "{body}");
    assert!(body.contains(&format!("href=\"/login?tx={tx}\"")), "a link back to the login page");
    assert!(it.app.me().await.is_none());
}

#[tokio::test]
async fn a_refusal_is_shown_in_the_visitors_language() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let callback = it.answer_phone(&authorize, MOCK_JAN, "cancel").await;
    let resp = it.app.client.get(&callback).header("accept-language", "nl").send().await.expect("callback");
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("Je hebt het aanmelden in de itsme-app geannuleerd"), "{body}");
}

#[tokio::test]
async fn a_tampered_state_is_refused_and_no_session_is_opened() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let callback = it.answer_phone(&authorize, MOCK_JAN, "confirm").await;
    let mut url = url::Url::parse(&callback).expect("url");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { format!("{tx}.forged-random-part") } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let resp = it.callback(url.as_str()).await;
    assert_eq!(resp.status(), 400);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("took too long or does not belong to this browser"), "{body}");
    assert!(it.app.me().await.is_none());

    // Without a transaction in state at all: refused too, never a 500.
    let resp = it.callback(&it.app.url("/login/itsme/callback?code=x&state=nodot")).await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn a_callback_is_used_once() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let callback = it.answer_phone(&authorize, MOCK_JAN, "confirm").await;
    assert_eq!(it.callback(&callback).await.status(), 303);
    let replay = it.callback(&callback).await;
    assert_ne!(replay.status(), 303, "a replayed callback does not log in again");
    assert!(replay.status().is_client_error(), "{}", replay.status());
}

#[tokio::test]
async fn a_callback_in_another_browser_is_refused() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let callback = it.answer_phone(&authorize, MOCK_JAN, "confirm").await;
    let stranger = crate::helpers::client();
    let resp = stranger.get(&callback).send().await.expect("callback");
    assert_eq!(resp.status(), 400, "the transaction is bound to the browser that opened it");
    assert!(it.app.me().await.is_none());
}

#[tokio::test]
async fn an_expired_pending_login_is_refused() {
    let it = spawn_itsme(|s| s.itsme.upstream.login_timeout_secs = 1).await;
    let tx = it.open_login(450).await;
    let authorize = it.start(&tx).await;
    let callback = it.answer_phone(&authorize, MOCK_JAN, "confirm").await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let resp = it.callback(&callback).await;
    assert_eq!(resp.status(), 400);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("took too long"), "{body}");
    assert!(it.app.me().await.is_none());
}

#[tokio::test]
async fn an_unreachable_upstream_gives_a_friendly_page_with_a_way_back() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let keys = tempfile::tempdir().expect("temp dir");
    let dir = keys.path().to_path_buf();
    let app = TestApp::spawn_with(move |s| {
        s.itsme.is_enabled = true;
        s.itsme.demo_key_dir = dir;
        s.itsme.upstream.issuer = format!("http://{closed}");
        s.itsme.upstream.timeout_secs = 2;
    })
    .await;
    let resp = app.get("/login?next=/my/session&level=450").await;
    let tx = location(&resp).split("tx=").nth(1).expect("tx").to_string();
    let resp = app.get_lang(&format!("/login/itsme/start?tx={tx}"), "en").await;
    assert_eq!(resp.status(), 502);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("itsme cannot be reached at the moment"), "{body}");
    assert!(body.contains(&format!("href=\"/login?tx={tx}\"")));
}

#[tokio::test]
async fn a_mock_identity_unknown_to_the_register_is_refused() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(450).await;
    let resp = it.login(&tx, MOCK_UNKNOWN).await;
    assert_eq!(resp.status(), 403);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("not known in the National Register or the BIS register"), "{body}");
    assert!(it.app.me().await.is_none());
}

#[tokio::test]
async fn itsme_upgrades_a_lower_session_of_the_same_person_and_keeps_its_sid() {
    let it = spawn_itsme(|_| {}).await;
    // A first login at Level300 (the demo-only test login plays a password with a code).
    let tx = it.open_login(200).await;
    assert_eq!(it.app.test_login(&tx, JAN, 300).await.status(), 303);
    let before = it.app.me().await.expect("logged in");
    assert_eq!(before["level"], 300);

    // A page that requires Level450: the session is not enough, itsme steps it up.
    let tx = it.open_login(450).await;
    let resp = it.login(&tx, MOCK_JAN).await;
    assert_eq!(resp.status(), 303);
    let after = it.app.me().await.expect("logged in");
    assert_eq!(after["sid"], before["sid"], "the same session, upgraded");
    assert_eq!(after["level"], 450);
    assert_eq!(after["method"], "itsme");
}

#[tokio::test]
async fn itsme_is_not_offered_where_it_cannot_reach_the_required_level() {
    let it = spawn_itsme(|_| {}).await;
    let tx = it.open_login(500).await;
    let resp = it.app.get_lang(&format!("/login/itsme/start?tx={tx}"), "en").await;
    assert_eq!(resp.status(), 400);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("does not reach the level of security"), "{body}");
}

#[tokio::test]
async fn itsme_is_off_unless_configured() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let page = app.get(&format!("/login?tx={tx}")).await.text().await.expect("body");
    assert!(!page.contains("/login/itsme/start"));
    assert_eq!(app.get(&format!("/login/itsme/start?tx={tx}")).await.status(), 404);
}
