//! Refusals of the username/password method: wrong password, unknown user (the same
//! answer), replayed and expired codes, throttling, overload and CSRF.

use std::time::Duration;

use poort::domain::Language;
use poort::web::i18n::Tr;

use crate::helpers::text_of;
use crate::password_helpers::*;

fn refused_text() -> &'static str {
    Tr::new(Language::Nl).t("password.login.refused")
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_translated_message() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let resp = post_password(&app, &tx, "janpeeters", "Poort-demo-2025").await;
    assert_eq!(resp.status(), 401);
    assert!(text_of(&resp.text().await.expect("body")).contains(refused_text()));
    assert!(app.me().await.is_none(), "no session");
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_and_the_same_work_as_a_wrong_password() {
    let app = spawn().await;
    let hasher = app.state.password().hasher().clone();
    let tx = app.start_portal_login("/my/session").await;

    let before = hasher.verifications();
    let wrong = post_password(&app, &tx, "janpeeters", "Wrong-pass-1").await;
    assert_eq!(hasher.verifications(), before + 1, "a wrong password runs one Argon2id verification");
    let unknown = post_password(&app, &tx, "nobodyxyz1", "Wrong-pass-1").await;
    assert_eq!(hasher.verifications(), before + 2, "an unknown user runs one too (against the dummy hash)");

    assert_eq!(wrong.status(), unknown.status());
    let strip = |html: String, user: &str| {
        let html = html.replace(user, "USER");
        // The CSRF token is per browser and identical here; remove it anyway.
        match crate::helpers::extract_hidden(&html, "csrf") {
            Some(token) => html.replace(&token, "TOKEN"),
            None => html,
        }
    };
    let wrong_body = strip(wrong.text().await.expect("body"), "janpeeters");
    let unknown_body = strip(unknown.text().await.expect("body"), "nobodyxyz1");
    assert_eq!(wrong_body, unknown_body, "the two pages are identical");
}

#[tokio::test]
async fn a_totp_code_is_accepted_only_once() {
    let app = spawn().await;
    let code = totp_now(JAN_SECRET);
    let tx = jan_past_password(&app).await;
    assert_eq!(post_code(&app, &tx, "app", &code).await.status(), 303);

    let tx = app.start_portal_login_forced().await;
    let resp = post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await;
    assert_eq!(resp.status(), 303);
    let resp = post_code(&app, &tx, "app", &code).await;
    assert_eq!(resp.status(), 401, "a replayed code (same time step) is refused");
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains(Tr::new(Language::Nl).t("password.login.wrong_code")));
    assert!(app.me().await.is_none());
}

#[tokio::test]
async fn a_wrong_totp_code_is_refused() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    let code = totp_now(JAN_SECRET);
    let wrong = format!("{:06}", (code.parse::<u32>().expect("digits") + 500_000) % 1_000_000);
    assert_eq!(post_code(&app, &tx, "app", &wrong).await.status(), 401);
}

#[tokio::test]
async fn an_expired_email_code_is_refused() {
    let app = spawn_with(|s| s.password.email_code_ttl_secs = 1).await;
    let tx = jan_past_password(&app).await;
    let code = email_code(&app, &tx).await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(post_code(&app, &tx, "email", &code).await.status(), 401);
    assert!(app.me().await.is_none());
}

#[tokio::test]
async fn an_email_code_works_only_once() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    let code = email_code(&app, &tx).await;
    assert_eq!(post_code(&app, &tx, "email", &code).await.status(), 303);
    let tx2 = app.start_portal_login_forced().await;
    assert_eq!(post_password(&app, &tx2, "janpeeters", JAN_PASSWORD).await.status(), 303);
    assert_eq!(post_code(&app, &tx2, "email", &code).await.status(), 401, "another transaction, same code");
}

#[tokio::test]
async fn a_wrong_token_card_code_is_refused_and_another_number_is_asked() {
    let app = spawn().await;
    let tx = jan_past_password(&app).await;
    let page = factor_page(&app, &tx, "card").await;
    let position = asked_position(&page);
    let wrong = demo_card_code(if position == 24 { 1 } else { position + 1 });
    let resp = post_code(&app, &tx, "card", &wrong).await;
    assert_eq!(resp.status(), 401);
    assert!(app.me().await.is_none());
    // The right code for the next number asked still works.
    let page = factor_page(&app, &tx, "card").await;
    let resp = post_code(&app, &tx, "card", &demo_card_code(asked_position(&page))).await;
    assert_eq!(resp.status(), 303);
}

fn retry_after(resp: &reqwest::Response) -> i64 {
    resp.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds")
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_growing_delays_for_known_and_unknown_users() {
    let app = spawn_with(|s| {
        s.password.throttle.free_failures = 3;
        s.password.throttle.base_delay_secs = 4;
        s.password.throttle.notify_after_failures = 4;
    })
    .await;
    let tx = app.start_portal_login("/my/session").await;
    for user in ["janpeeters", "nobodyxyz1"] {
        for _ in 0..4 {
            assert_eq!(post_password(&app, &tx, user, "Wrong-pass-1").await.status(), 401);
        }
        let resp = post_password(&app, &tx, user, JAN_PASSWORD).await;
        assert_eq!(resp.status(), 429, "{user}: blocked, even with the right password");
        let wait = retry_after(&resp);
        assert!((3..=4).contains(&wait), "{user}: first delay {wait}");
        let body = text_of(&resp.text().await.expect("body"));
        let message = Tr::new(Language::Nl).fmt("password.login.throttled", &[("secs", &wait.to_string())]);
        assert!(body.contains(&message), "{body}");
    }
    // After the delay, one more failure doubles it.
    tokio::time::sleep(Duration::from_millis(4_100)).await;
    assert_eq!(post_password(&app, &tx, "janpeeters", "Wrong-pass-1").await.status(), 401);
    let resp = post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await;
    assert_eq!(resp.status(), 429);
    let wait = retry_after(&resp);
    assert!((7..=8).contains(&wait), "the delay grows: {wait}");

    // Jan was told by e-mail (once); nobody is told about the unknown username.
    let mut outbox = String::new();
    for _ in 0..40 {
        outbox = text_of(&app.get("/demo/outbox").await.text().await.expect("outbox"));
        if outbox.contains(JAN_EMAIL) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(outbox.matches(JAN_EMAIL).count(), 1, "{outbox}");
    assert!(outbox.contains("failed login attempts"));
}

#[tokio::test]
async fn a_saturated_hashing_pool_answers_503_with_retry_after() {
    let app = spawn_with(|s| {
        s.password.hash_workers = 1;
        s.password.hash_queue_wait_ms = 0;
    })
    .await;
    let tx = app.start_portal_login("/my/session").await;
    let held = app.state.password().hasher().reserve().await.expect("the only worker");
    let resp = post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains(Tr::new(Language::Nl).t("password.login.busy")));
    drop(held);
    assert_eq!(post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await.status(), 303, "free again");
}

#[tokio::test]
async fn the_login_form_without_a_csrf_token_is_refused() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let resp = app
        .post_form("/login/password", &[("tx", &tx), ("username", "janpeeters"), ("password", JAN_PASSWORD)])
        .await;
    assert_eq!(resp.status(), 403);
    let resp = app
        .post_form("/login/password/otp", &[("tx", &tx), ("factor", "app"), ("otp", &totp_now(JAN_SECRET))])
        .await;
    assert_eq!(resp.status(), 403);
    assert!(app.me().await.is_none());
}

#[tokio::test]
async fn the_code_page_without_a_passed_password_step_sends_back_to_the_password() {
    let app = spawn().await;
    let tx = app.start_portal_login("/my/session").await;
    let resp = app.get(&format!("/login/password/otp?tx={tx}&factor=app")).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), format!("/login/password?tx={tx}"));
}
