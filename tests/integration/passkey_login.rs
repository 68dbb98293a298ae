//! Passkeys (WebAuthn): register from My digital keys, log in at Level400, and the
//! refusals (level, CSRF, replayed or altered assertions, removed passkeys).

use serde_json::json;

use crate::helpers::extract_hidden;
use crate::passkey_support::*;
use crate::password_helpers::test_login_at;

#[tokio::test]
async fn a_person_registers_a_passkey_and_logs_in_with_it_at_level_400() {
    let app = spawn().await;
    test_login_at(&app, NRN, 500).await;
    let mut passkey = register(&app).await;
    let keys = app.get("/my/keys").await.text().await.expect("html");
    assert!(keys.contains("class=\"passkey\"") && keys.contains("Laptop"), "the passkey is listed");
    assert!(keys.contains("src=\"/static/passkey.js\"") && keys.contains("<noscript>"));

    let (tx, csrf, options) = login_start(&app).await;
    let login_page = app.get(&format!("/login?tx={tx}")).await.text().await.expect("html");
    assert!(login_page.contains(&format!("/login/passkey?tx={tx}")), "the login page offers passkeys");
    assert!(options["publicKey"]["allowCredentials"].as_array().is_none_or(|a| a.is_empty()));
    let assertion = passkey.get(&options);
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &assertion).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["redirect"], "/my/session");
    let me = app.me().await.expect("logged in");
    assert_eq!(me["level"], 400);
    assert_eq!(me["method"], "passkey");

    let keys = app.get("/my/keys").await.text().await.expect("html");
    assert!(!keys.contains("<td>-</td>"), "the last use is shown");
    let script = app.get("/static/passkey.js").await;
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"].to_str().expect("ct").starts_with("text/javascript"));
}

#[tokio::test]
async fn registering_a_passkey_needs_level_450() {
    let app = spawn().await;
    test_login_at(&app, NRN, 400).await;
    let csrf = app.csrf_token("/").await;
    let resp = post_json(&app, "/my/keys/passkey/register/start", Some(&csrf), &json!({})).await;
    assert_eq!(resp.status(), 403);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "level");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn the_json_steps_refuse_a_missing_csrf_header() {
    let app = spawn().await;
    test_login_at(&app, NRN, 500).await;
    let resp = post_json(&app, "/my/keys/passkey/register/start", None, &json!({})).await;
    assert_eq!(resp.status(), 403);
    assert_eq!(resp.json::<serde_json::Value>().await.expect("json")["error"], "csrf");
    let resp = post_json(&app, "/my/keys/passkey/register/start", Some("forged"), &json!({})).await;
    assert_eq!(resp.status(), 403);

    let mut passkey = register(&app).await;
    let (tx, _, options) = login_start(&app).await;
    let (status, body) = login_finish(&app, &tx, None, &passkey.get(&options)).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("csrf")));
    assert!(app.me().await.is_none(), "no session");
}

#[tokio::test]
async fn a_replayed_or_altered_assertion_is_refused() {
    let app = spawn().await;
    test_login_at(&app, NRN, 500).await;
    let mut passkey = register(&app).await;

    // Altered: the signature no longer matches.
    let (tx, csrf, options) = login_start(&app).await;
    let mut altered = passkey.get(&options);
    let sig = altered["response"]["signature"].as_str().expect("sig").to_string();
    // A character in the middle: every one of its bits is signature data (the last one may
    // carry only padding bits, and changing those changes nothing).
    let mid = sig.len() / 2;
    let replacement = if &sig[mid..=mid] == "A" { "B" } else { "A" };
    let flipped = format!("{}{replacement}{}", &sig[..mid], &sig[mid + 1..]);
    altered["response"]["signature"] = flipped.into();
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &altered).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("refused")), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));

    // A good assertion logs in once.
    let (tx, csrf, options) = login_start(&app).await;
    let good = passkey.get(&options);
    let (status, _) = login_finish(&app, &tx, Some(&csrf), &good).await;
    assert_eq!(status, 200);

    // Replayed on the same transaction: the challenge was used.
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &good).await;
    assert!(status == 400 || status == 409, "{status} {body}");
    // Replayed against a new challenge: refused.
    let (tx, csrf, _) = login_start(&app).await;
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &good).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("refused")), "{body}");
    assert!(app.me().await.is_none(), "no session after refusals");
    // Garbage is a clear 400, not a 500.
    let (tx, csrf, _) = login_start(&app).await;
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &json!({"id": "x"})).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("bad_request")));
}

#[tokio::test]
async fn a_removed_passkey_no_longer_logs_in() {
    let app = spawn().await;
    test_login_at(&app, NRN, 500).await;
    let mut passkey = register(&app).await;
    let keys = app.get("/my/keys").await.text().await.expect("html");
    let form = keys.split("action=\"/my/keys/passkey/remove\"").nth(1).expect("remove form");
    let id = extract_hidden(form, "id").expect("id");
    let csrf = extract_hidden(form, "csrf").expect("csrf");
    let resp =
        app.post_form("/my/keys/passkey/remove", &[("csrf", csrf.as_str()), ("id", id.as_str())]).await;
    assert_eq!(resp.status(), 303);
    let keys = app.get("/my/keys").await.text().await.expect("html");
    assert!(keys.contains("id=\"passkeys-none\""));

    let (tx, csrf, options) = login_start(&app).await;
    let (status, body) = login_finish(&app, &tx, Some(&csrf), &passkey.get(&options)).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unknown_passkey")), "{body}");
    assert!(app.me().await.is_none());
}

#[tokio::test]
async fn passkeys_are_absent_unless_enabled() {
    let app = crate::helpers::TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let page = app.get(&format!("/login?tx={tx}")).await.text().await.expect("html");
    assert!(!page.contains("/login/passkey"));
    assert_eq!(app.get(&format!("/login/passkey?tx={tx}")).await.status(), 404);
}
