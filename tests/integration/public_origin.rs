//! One public origin (issue 10, items 4 and 5): a browser that opens Poort under another
//! host name is moved to the public origin before it gets a cookie, so the itsme callback,
//! the eID ticket and the passkey relying party all find the login's cookies; protocol
//! endpoints answer under any host.
use crate::helpers::{TestApp, client, text_of};
use crate::itsme_support::{MOCK_JAN, location, spawn_itsme};

/// `http://127.0.0.1:PORT` for an app whose public origin is `http://localhost:PORT`.
fn by_ip(app: &TestApp, path: &str) -> String {
    format!("http://127.0.0.1:{}{path}", app.bound.port())
}

#[tokio::test]
async fn the_public_origin_of_a_loopback_listener_is_localhost() {
    let app = TestApp::spawn().await;
    let origin = url::Url::parse(app.state.public_url()).expect("url");
    assert_eq!(origin.host_str(), Some("localhost"));
    assert_eq!(Some(app.bound.port()), origin.port());
    let discovery: serde_json::Value =
        app.get("/.well-known/openid-configuration").await.json().await.expect("json");
    assert_eq!(discovery["issuer"], app.state.public_url());
}

#[tokio::test]
async fn a_page_asked_for_under_another_host_moves_to_the_public_origin_before_any_cookie() {
    let app = TestApp::spawn().await;
    let browser = client();
    for path in ["/", "/login?next=/my/session", "/my/session", "/static/poort.css"] {
        let resp = browser.get(by_ip(&app, path)).send().await.expect("GET");
        assert_eq!(resp.status(), 307, "{path}");
        assert_eq!(location(&resp), app.url(path), "same path and query on the public origin");
        assert!(resp.headers().get("set-cookie").is_none(), "no cookie on the wrong host: {path}");
    }
    let head = browser.head(by_ip(&app, "/")).send().await.expect("HEAD");
    assert_eq!(head.status(), 307);
}

#[tokio::test]
async fn protocol_endpoints_and_probes_answer_under_any_host() {
    let app = TestApp::spawn().await;
    let browser = client();
    for path in ["/healthz", "/readyz", "/.well-known/openid-configuration", "/jwks"] {
        let resp = browser.get(by_ip(&app, path)).send().await.expect("GET");
        assert_eq!(resp.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_form_post_under_another_host_is_not_redirected() {
    let app = TestApp::spawn().await;
    let resp = client().post(by_ip(&app, "/logout")).form(&[("csrf", "x")]).send().await.expect("POST");
    assert_ne!(resp.status(), 307, "a POST is never moved (its body would be lost)");
}

#[tokio::test]
async fn behind_a_proxy_the_configured_public_url_is_not_enforced_on_the_host() {
    let app = TestApp::spawn_with(|s| s.server.public_url = "https://poort.example.be".into()).await;
    let resp = client().get(by_ip(&app, "/")).send().await.expect("GET");
    assert_eq!(resp.status(), 200, "a proxy that rewrites Host must not loop");
}

/// The README's passkey walk-through starts with an itsme login in a browser that typed
/// `127.0.0.1`: it is moved to the public origin, and the itsme callback (derived from the
/// public URL) finds the login's cookies there.
#[tokio::test]
async fn an_itsme_login_begun_under_another_host_finishes_on_the_public_origin() {
    let it = spawn_itsme(|s| s.passkey.is_enabled = true).await;
    let app = &it.app;
    let first = app.client.get(by_ip(app, "/login?next=/my/keys&level=450")).send().await.expect("GET");
    assert_eq!(first.status(), 307);
    let resp = app.client.get(location(&first)).send().await.expect("GET");
    assert_eq!(resp.status(), 303);
    let tx = location(&resp).split("tx=").nth(1).expect("tx").split('&').next().expect("tx").to_string();
    let resp = it.login(&tx, MOCK_JAN).await;
    assert_eq!(resp.status(), 303, "the callback finds the transaction's browser binding");
    assert_eq!(location(&resp), "/my/keys");
    let me = app.me().await.expect("logged in on the public origin");
    assert_eq!(me["level"], 450);
    let keys = text_of(&app.get_lang("/my/keys", "en").await.text().await.expect("body"));
    assert!(keys.contains("Passkeys"), "My digital keys offers passkeys next: {keys}");
}
