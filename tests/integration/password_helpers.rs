//! Shared steps of the username/password tests.

use poort::authn::password::settings::DemoAccount;
use poort::config::Settings;

use crate::helpers::{TestApp, extract_hidden};

pub const JAN_SECRET: &str = "KBXW64TUFVSGK3LPFVKE6VCQFUZDAMRW";
pub const JAN_PASSWORD: &str = "Poort-demo-2026";
pub const JAN_EMAIL: &str = "jan.peeters@iatreion.example";
/// Sofie Claes: in the register, no password account.
pub const SOFIE_NRN: &str = "90110224612";

/// The method on, Jan's demo account, cheaper Argon2id (the OWASP defaults are unit-tested).
pub fn password_settings(s: &mut Settings) {
    s.password.is_enabled = true;
    s.password.argon2_memory_kib = 8 * 1024;
    s.password.argon2_iterations = 1;
    s.password.hash_workers = 2;
    s.password.hash_queue_wait_ms = 5_000;
    s.password.demo_accounts = vec![DemoAccount {
        national_number: "78.03.14-123.49".into(),
        username: "janpeeters".into(),
        password: JAN_PASSWORD.into(),
        email: Some(JAN_EMAIL.into()),
        totp_secret: Some(JAN_SECRET.into()),
        has_demo_token_card: true,
    }];
}

pub async fn spawn() -> TestApp {
    TestApp::spawn_with(password_settings).await
}

pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    TestApp::spawn_with(|s| {
        password_settings(s);
        adjust(s);
    })
    .await
}

/// The code Jan's app shows now, computed with totp-rs from the demo secret.
pub fn totp_now(secret: &str) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("base32");
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .expect("a secret of at least 128 bits")
        .generate_current()
        .to_string()
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers().get("location").map(|v| v.to_str().expect("ascii").to_string()).unwrap_or_default()
}

/// Step 1: posts username and password on the form of transaction `tx`.
pub async fn post_password(app: &TestApp, tx: &str, username: &str, password: &str) -> reqwest::Response {
    let token = app.csrf_token(&format!("/login/password?tx={tx}")).await;
    app.post_form(
        "/login/password",
        &[("csrf", &token), ("tx", tx), ("username", username), ("password", password)],
    )
    .await
}

/// Opens a portal login and passes step 1 as Jan.
pub async fn jan_past_password(app: &TestApp) -> String {
    let tx = app.start_portal_login("/my/session").await;
    let resp = post_password(app, &tx, "janpeeters", JAN_PASSWORD).await;
    assert_eq!(resp.status(), 303, "the right password goes on to the second factor");
    assert_eq!(location(&resp), format!("/login/password/otp?tx={tx}"));
    tx
}

/// The factor page for `factor`.
pub async fn factor_page(app: &TestApp, tx: &str, factor: &str) -> String {
    let resp = app.get(&format!("/login/password/otp?tx={tx}&factor={factor}")).await;
    assert_eq!(resp.status(), 200);
    resp.text().await.expect("body")
}

/// Step 2: posts a code for `factor`.
pub async fn post_code(app: &TestApp, tx: &str, factor: &str, otp: &str) -> reqwest::Response {
    let page = factor_page(app, tx, factor).await;
    let token = extract_hidden(&page, "csrf").expect("csrf");
    app.post_form("/login/password/otp", &[("csrf", &token), ("tx", tx), ("factor", factor), ("otp", otp)])
        .await
}

/// Sends an e-mail code and reads it back from the demo outbox page.
pub async fn email_code(app: &TestApp, tx: &str) -> String {
    let page = factor_page(app, tx, "email").await;
    let token = extract_hidden(&page, "csrf").expect("csrf");
    let resp = app.post_form("/login/password/otp/email", &[("csrf", &token), ("tx", tx)]).await;
    assert_eq!(resp.status(), 303, "sending a code goes back to the code form");
    latest_code_in_outbox(app).await
}

pub async fn latest_code_in_outbox(app: &TestApp) -> String {
    let outbox = app.get("/demo/outbox").await.text().await.expect("outbox");
    let marker = "beveiligingscode: ";
    let start = outbox.find(marker).expect("a code mail in the outbox") + marker.len();
    outbox[start..start + 6].to_string()
}

/// The token-card number the page asks for.
pub fn asked_position(page: &str) -> i64 {
    let marker = "id=\"card-position\" data-position=\"";
    let start = page.find(marker).expect("the page asks for a card code") + marker.len();
    let end = page[start..].find('"').expect("end") + start;
    page[start..end].parse().expect("number")
}

/// A demo token-card code: N written three times.
pub fn demo_card_code(position: i64) -> String {
    format!("{position:02}{position:02}{position:02}")
}

/// Logs the browser in as `nrn` at `level` with the demo-only test login.
pub async fn test_login_at(app: &TestApp, nrn: &str, level: u16) {
    let tx = app.start_portal_login_forced().await;
    let resp = app.test_login(&tx, nrn, level).await;
    assert_eq!(resp.status(), 303, "the test login completes");
}
