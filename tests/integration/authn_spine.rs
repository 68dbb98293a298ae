//! The login spine: portal logins, the login page, sessions, step-up and logout.

use crate::helpers::{TestApp, client, text_of};

const JAN: &str = "78.03.14-123.49";
const SOFIE: &str = "90.11.02-246.12";

#[tokio::test]
async fn a_portal_login_opens_a_transaction_and_shows_the_keys() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let resp = app.get_lang(&format!("/login?tx={tx}"), "en").await;
    assert_eq!(resp.status(), 200);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("Choose your digital key"), "{body}");
    assert!(body.contains("Test login"), "the test shortcut is listed when enabled");
}

#[tokio::test]
async fn completing_a_login_opens_a_session_and_returns_to_the_page_asked_for() {
    let app = TestApp::spawn().await;
    assert!(app.me().await.is_none());
    let tx = app.start_portal_login("/my/session").await;
    let resp = app.test_login(&tx, JAN, 500).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/my/session");
    let me = app.me().await.expect("logged in");
    assert_eq!(me["given_names"], "Jan");
    assert_eq!(me["surname"], "Peeters");
    assert_eq!(me["acr"], "urn:be:fedict:iam:fas:Level500");
    assert_eq!(me["national_number_masked"], "78.03.14-***.**", "never the full number");
    let page = app.get("/my/session").await.text().await.expect("body");
    assert!(page.contains("Peeters") && !page.contains("78031412349"));
}

#[tokio::test]
async fn a_person_unknown_to_the_register_is_refused() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let unknown = poort::domain::NationalNumber::from_parts(time::macros::date!(1999 - 12 - 31), 997, None)
        .expect("valid");
    let resp = app.test_login(&tx, unknown.as_str(), 500).await;
    assert_eq!(resp.status(), 403);
    assert!(app.me().await.is_none());
}

#[tokio::test]
async fn a_weaker_key_is_sent_back_to_the_login_page_and_a_stronger_one_keeps_the_session() {
    let app = TestApp::spawn().await;
    // A first login at a low level.
    let tx = app.start_portal_login("/my/session").await;
    assert_eq!(app.test_login(&tx, JAN, 300).await.status(), 303);
    let first = app.me().await.expect("logged in");

    // A page that needs Level500: the session is not enough, a new login is needed.
    let resp = app.get("/login?next=/my/session&level=500").await;
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().expect("ascii").to_string();
    let tx = location.split("tx=").nth(1).expect("tx").to_string();

    let resp = app.test_login(&tx, JAN, 400).await;
    assert_eq!(resp.status(), 303);
    assert!(resp.headers()["location"].to_str().expect("ascii").contains("stepup=1"));
    let page =
        text_of(&app.get_lang(&format!("/login?tx={tx}&stepup=1"), "en").await.text().await.expect("body"));
    assert!(page.contains("requires a stronger digital key"));

    let resp = app.test_login(&tx, JAN, 500).await;
    assert_eq!(resp.headers()["location"], "/my/session");
    let after = app.me().await.expect("logged in");
    assert_eq!(after["sid"], first["sid"], "a step-up keeps the session");
    assert_eq!(after["level"], 500);
}

#[tokio::test]
async fn after_logout_another_person_gets_a_new_session() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    app.test_login(&tx, JAN, 500).await;
    let jan = app.me().await.expect("logged in");
    let resp = app.get("/login?next=/my/session&level=500").await;
    assert_eq!(resp.status(), 303, "already at 500: straight through");
    let tx = app.start_portal_login_forced().await;
    app.test_login(&tx, SOFIE, 500).await;
    let sofie = app.me().await.expect("logged in");
    assert_eq!(sofie["given_names"], "Sofie");
    assert_ne!(sofie["sid"], jan["sid"]);
}

#[tokio::test]
async fn a_transaction_of_another_browser_is_refused() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let stranger = client();
    let resp = stranger.get(app.url(&format!("/login?tx={tx}"))).send().await.expect("GET");
    assert_eq!(resp.status(), 400);
    let resp = stranger.get(app.url("/login?tx=nonsense")).send().await.expect("GET");
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    app.test_login(&tx, JAN, 500).await;
    assert!(app.me().await.is_some());
    let token = app.csrf_token("/my/session").await;
    let resp = app.post_form("/logout", &[("csrf", token.as_str())]).await;
    assert_eq!(resp.status(), 303);
    assert!(app.me().await.is_none());
    assert_eq!(app.get("/my/session").await.status(), 303, "back to the login");
}

#[tokio::test]
async fn the_test_login_does_not_exist_unless_enabled() {
    let app = TestApp::spawn_with(|s| s.demo.is_test_login_enabled = false).await;
    let tx = app.start_portal_login("/my/session").await;
    let body = app.get(&format!("/login?tx={tx}")).await.text().await.expect("body");
    assert!(!body.contains("test-login"));
    let token = app.csrf_token("/").await;
    let resp = app
        .post_form(
            "/demo/test-login",
            &[("csrf", &token), ("tx", &tx), ("national_number", JAN), ("level", "500")],
        )
        .await;
    assert_eq!(resp.status(), 404);
    assert!(app.me().await.is_none());
}
