//! Attack review item 10, the parts fixed: /metrics only for allowed addresses, Poort's own
//! request ids, and the redirect host on the consent page.

use crate::helpers::{TestApp, text_of};
use crate::oidc_support::{CHALLENGE, JAN, RP_REDIRECT, app_with, rp1};

#[tokio::test]
async fn metrics_are_served_only_to_the_allowed_addresses() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/metrics").await.status(), 200, "loopback is allowed by default");
    let closed = TestApp::spawn_with(|s| {
        s.server.metrics_allowed_from =
            vec![poort::web::client_addr::Cidr::parse("10.0.0.0/8").expect("cidr")];
    })
    .await;
    assert_eq!(closed.get("/metrics").await.status(), 404, "anyone else finds nothing");
    assert_eq!(closed.get("/healthz").await.status(), 200, "health stays public");
}

#[tokio::test]
async fn the_request_id_is_always_poorts_own() {
    let app = TestApp::spawn().await;
    let resp =
        app.client.get(app.url("/nowhere")).header("x-request-id", "forged-id").send().await.expect("GET");
    let id = resp.headers()["x-request-id"].to_str().expect("ascii").to_string();
    assert_ne!(id, "forged-id");
    assert_eq!(id.len(), 36, "a UUID");
    let page = resp.text().await.expect("body");
    assert!(page.contains(&id) && !page.contains("forged-id"), "the error page quotes our id");
}

#[tokio::test]
async fn the_consent_page_names_the_host_the_answer_goes_to() {
    let mut third = rp1();
    third.id = "rp-third".into();
    third.name = "Your Bank".into();
    third.is_first_party = false;
    let app = app_with(vec![third]).await;
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", "rp-third")
        .append_pair("redirect_uri", RP_REDIRECT)
        .append_pair("scope", "openid profile")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let resp = app.get(&format!("/authorize?{q}")).await;
    let tx = resp.headers()["location"].to_str().expect("ascii").trim_start_matches("/login?tx=").to_string();
    let done = app.test_login(&tx, JAN, 500).await;
    let page = app.get_lang(done.headers()["location"].to_str().expect("ascii"), "en").await;
    let text = text_of(&page.text().await.expect("body"));
    assert!(text.contains("Your Bank asks for"), "{text}");
    assert!(text.contains("you go back to 127.0.0.1"), "the redirect host is shown: {text}");
}
