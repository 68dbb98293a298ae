//! Username + password + second factor, end to end through a portal login.

use poort::domain::Language;
use poort::web::i18n::Tr;

use crate::helpers::text_of;
use crate::password_helpers::*;

#[tokio::test]
async fn the_login_page_offers_username_and_password() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let body = app.get(&format!("/login?tx={tx}")).await.text().await.expect("body");
    assert!(body.contains(&format!("/login/password?tx={tx}")), "{body}");
    let form = app.get(&format!("/login/password?tx={tx}")).await.text().await.expect("body");
    for field in ["name=\"username\"", "name=\"password\"", "name=\"csrf\"", "name=\"tx\""] {
        assert!(form.contains(field), "{field} missing");
    }
}

#[tokio::test]
async fn jan_logs_in_with_password_and_authenticator_app_at_level_400() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    let chooser = app.get(&format!("/login/password/otp?tx={tx}")).await.text().await.expect("body");
    for factor in ["factor-app", "factor-email", "factor-card"] {
        assert!(chooser.contains(factor), "{factor} offered");
    }
    let resp = post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/my/session");
    let me = app.me().await.expect("logged in");
    assert_eq!(me["level"], 400);
    assert_eq!(me["method"], "password");
    assert_eq!(me["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    assert_eq!(me["national_number_masked"], "78.03.14-***.**");
}

#[tokio::test]
async fn jan_logs_in_with_password_and_a_code_by_email_at_level_300() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    let code = email_code(&app, &tx).await;
    let outbox = text_of(&app.get("/demo/outbox").await.text().await.expect("outbox"));
    assert!(outbox.contains(JAN_EMAIL) && outbox.contains("DEMO"), "the outbox is labelled and addressed");
    let resp = post_code(&app, &tx, "email", &code).await;
    assert_eq!(resp.status(), 303);
    let me = app.me().await.expect("logged in");
    assert_eq!(me["level"], 300);
    assert_eq!(me["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
}

#[tokio::test]
async fn jan_logs_in_with_password_and_his_token_card_at_level_300() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    let page = factor_page(&app, &tx, "card").await;
    let position = asked_position(&page);
    assert!((1..=24).contains(&position));
    let resp = post_code(&app, &tx, "card", &demo_card_code(position)).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(app.me().await.expect("logged in")["level"], 300);
}

#[tokio::test]
async fn a_successful_login_appears_in_recent_logins_on_my_digital_keys() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    assert_eq!(post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await.status(), 303);
    let resp = app.get("/my/keys").await;
    assert_eq!(resp.status(), 200);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains("janpeeters"), "the username is shown");
    assert!(body.contains(Tr::new(Language::Nl).t("password.keys.login_success")), "{body}");
    assert!(body.contains("<td>password</td><td>400</td>"), "{body}");
}

#[tokio::test]
async fn the_password_method_is_absent_when_not_enabled() {
    let app = crate::helpers::TestApp::spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let body = app.get(&format!("/login?tx={tx}")).await.text().await.expect("body");
    assert!(!body.contains("/login/password"), "no dead link");
    assert_eq!(app.get(&format!("/login/password?tx={tx}")).await.status(), 404);
}

#[tokio::test]
async fn the_demo_outbox_exists_only_in_demo_mode() {
    let demo = spawn().await;
    assert_eq!(demo.get("/demo/outbox").await.status(), 200);
    let real = spawn_with(|s| {
        s.demo.is_enabled = false;
        s.demo.is_test_login_enabled = false;
        s.security.secret_key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".into();
    })
    .await;
    assert_eq!(real.get("/demo/outbox").await.status(), 404);
}

#[tokio::test]
async fn jans_app_secret_is_stored_sealed_and_his_app_code_still_logs_him_in() {
    let app = spawn().await;
    let store = app.state.store();
    let jan = store.find_password_account_by_username("janpeeters").await.expect("store").expect("jan");
    let stored = store.find_totp(&jan.id).await.expect("store").expect("app").stored_secret;
    assert!(stored.starts_with("v1:"), "the secret is sealed: {stored}");
    assert!(!stored.contains(JAN_SECRET), "the base32 secret is not stored");
    let tx = jan_past_password(&app).await;
    assert_eq!(post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await.status(), 303);
    assert_eq!(app.me().await.expect("logged in")["level"], 400);
}

#[tokio::test]
async fn a_secret_stored_in_clear_before_sealing_is_sealed_at_start_and_keeps_working() {
    let app = spawn().await;
    let store = app.state.store();
    let jan = store.find_password_account_by_username("janpeeters").await.expect("store").expect("jan");
    store.upsert_totp(&jan.id, JAN_SECRET, true, 1).await.expect("clear secret, as before sealing");
    assert_eq!(app.state.password().seal_clear_totp_secrets().await.expect("seal"), 1);
    assert_eq!(app.state.password().seal_clear_totp_secrets().await.expect("seal"), 0, "idempotent");
    let stored = store.find_totp(&jan.id).await.expect("store").expect("app").stored_secret;
    assert!(stored.starts_with("v1:") && !stored.contains(JAN_SECRET), "{stored}");
    let tx = jan_past_password(&app).await;
    assert_eq!(post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await.status(), 303);
}

#[tokio::test]
async fn a_sealed_secret_that_was_tampered_with_logs_nobody_in() {
    let app = spawn().await;
    let store = app.state.store();
    let jan = store.find_password_account_by_username("janpeeters").await.expect("store").expect("jan");
    let sealed = store.find_totp(&jan.id).await.expect("store").expect("app").stored_secret;
    // The last bytes are the GCM tag: changed, the secret no longer opens.
    let mut tampered = sealed.clone();
    tampered.replace_range(tampered.len() - 4.., "AAA=");
    store.upsert_totp(&jan.id, &tampered, true, 1).await.expect("tampered secret");
    let tx = jan_past_password(&app).await;
    let resp = post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await;
    assert_ne!(resp.status(), 303, "a secret that does not open does not log in");
    assert!(app.me().await.is_none(), "no session");
}

/// An older demo database holds the 80-bit demo secret (clear, from before sealing), which
/// current authenticator apps refuse: the next start gives the account the configured
/// 160-bit secret, and a code of the old secret no longer logs in.
#[tokio::test]
async fn a_demo_account_with_the_old_80_bit_secret_gets_the_160_bit_one_at_start() {
    let app = spawn().await;
    let store = app.state.store();
    let account =
        store.find_password_account_by_username("janpeeters").await.expect("query").expect("seeded");
    store.upsert_totp(&account.id, "JBSWY3DPEHPK3PXP", true, 0).await.expect("an old clear secret");
    let tx = jan_past_password(&app).await;
    let resp = post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await;
    assert_ne!(resp.status(), 303, "the 160-bit code does not match the old secret yet");

    app.state.password().seed_demo_accounts().await.expect("seeding again");
    let tx = jan_past_password(&app).await;
    let resp = post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await;
    assert_eq!(resp.status(), 303, "the 160-bit demo secret works after the start");
}
