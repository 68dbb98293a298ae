//! My digital keys: create an account (each password rule), enrol an app, order a card,
//! and the Level450 requirement for changes.

use poort::domain::Language;
use poort::web::i18n::Tr;

use crate::helpers::{TestApp, extract_hidden, text_of};
use crate::password_helpers::*;

async fn post_keys(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_token("/").await;
    let mut fields = vec![("csrf", token.as_str())];
    fields.extend_from_slice(form);
    app.post_form(path, &fields).await
}

async fn create(app: &TestApp, username: &str, password: &str, confirm: &str) -> reqwest::Response {
    post_keys(
        app,
        "/my/keys/account",
        &[
            ("username", username),
            ("password", password),
            ("password_confirm", confirm),
            ("email", "sofie@example.org"),
        ],
    )
    .await
}

#[tokio::test]
async fn my_digital_keys_asks_to_log_in_first() {
    let app = spawn().await;
    let resp = app.get("/my/keys").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/login?next=/my/keys");
    let home = app.get("/").await.text().await.expect("home");
    assert!(home.contains("href=\"/my/keys\""), "the home page links to My digital keys");
}

#[tokio::test]
async fn each_password_rule_is_named_when_creating_an_account() {
    let app = spawn().await;
    test_login_at(&app, SOFIE_NRN, 500).await;
    let tr = Tr::new(Language::Nl);
    let long = format!("{}1-", "a".repeat(127));
    let cases: Vec<(&str, &str, &str, String)> = vec![
        (
            "sofie",
            "Sofie-pass-01",
            "Sofie-pass-01",
            tr.fmt("password.rule.username_length", &[("min", "8"), ("max", "30")]),
        ),
        ("Sofie.Claes", "Sofie-pass-01", "Sofie-pass-01", tr.t("password.rule.username_characters").into()),
        ("janpeeters", "Sofie-pass-01", "Sofie-pass-01", tr.t("password.rule.username_taken").into()),
        ("sofieclaes", "Sho-1", "Sho-1", tr.fmt("password.rule.too_short", &[("min", "10")])),
        ("sofieclaes", &long, &long, tr.fmt("password.rule.too_long", &[("max", "128")])),
        ("sofieclaes", "Sofie pass 01", "Sofie pass 01", tr.t("password.rule.space").into()),
        (
            "sofieclaes",
            "Sofie~pass~01",
            "Sofie~pass~01",
            tr.fmt("password.rule.character", &[("chars", ";,:=?./*$%><&@#'(!{})_-")]),
        ),
        (
            "sofieclaes",
            "Sofiepassword1",
            "Sofiepassword1",
            tr.fmt("password.rule.non_letters", &[("min", "2")]),
        ),
        ("sofieclaes", "sofieclaes-01", "sofieclaes-01", tr.t("password.rule.contains_username").into()),
        ("sofieclaes", "Sofie-pass-01", "Sofie-pass-02", tr.t("password.rule.mismatch").into()),
    ];
    for (username, password, confirm, message) in cases {
        let resp = create(&app, username, password, confirm).await;
        assert_eq!(resp.status(), 422, "{username} / {password}");
        let body = text_of(&resp.text().await.expect("body"));
        assert!(body.contains(&message), "{username} / {password}: expected {message:?}");
    }
    let resp = create(&app, "sofieclaes", "Sofie-pass-01", "Sofie-pass-01").await;
    assert_eq!(resp.status(), 303, "a valid account is created");
    let page = text_of(&app.get("/my/keys").await.text().await.expect("body"));
    assert!(page.contains("id=\"username\">sofieclaes<"), "{page}");
}

#[tokio::test]
async fn changing_keys_needs_eid_or_itsme() {
    let app = spawn().await;
    test_login_at(&app, SOFIE_NRN, 400).await;
    let resp = create(&app, "sofieclaes", "Sofie-pass-01", "Sofie-pass-01").await;
    assert_eq!(resp.status(), 403);
    let body = text_of(&resp.text().await.expect("body"));
    assert!(body.contains(Tr::new(Language::Nl).t("password.keys.need_strong_login")));

    // Jan logged in with password + app (Level400) cannot change his password either.
    let tx = app.start_portal_login_forced().await;
    assert_eq!(post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await.status(), 303);
    assert_eq!(post_code(&app, &tx, "app", &totp_now(JAN_SECRET)).await.status(), 303);
    let resp = post_keys(
        &app,
        "/my/keys/password",
        &[("password", "Nieuw-pass-01"), ("password_confirm", "Nieuw-pass-01")],
    )
    .await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn a_new_account_enrols_an_app_and_logs_in_with_it() {
    let app = spawn().await;
    test_login_at(&app, SOFIE_NRN, 500).await;
    assert_eq!(create(&app, "sofieclaes", "Sofie-pass-01", "Sofie-pass-01").await.status(), 303);
    let resp = post_keys(&app, "/my/keys/app/start", &[]).await;
    assert_eq!(resp.status(), 303);
    let page = app.get("/my/keys/app").await.text().await.expect("body");
    assert!(page.contains("src=\"data:image/svg+xml;base64,"), "a QR code as SVG");
    let start = page.find("id=\"totp-secret\">").expect("secret shown") + "id=\"totp-secret\">".len();
    let secret = page[start..start + page[start..].find('<').expect("end")].to_string();
    let token = extract_hidden(&page, "csrf").expect("csrf");
    let resp = app.post_form("/my/keys/app/confirm", &[("csrf", &token), ("otp", "000000x")]).await;
    assert_eq!(resp.status(), 422, "a wrong first code does not confirm");
    let code = totp_now(&secret);
    let resp = app.post_form("/my/keys/app/confirm", &[("csrf", &token), ("otp", &code)]).await;
    assert_eq!(resp.status(), 303);

    let tx = app.start_portal_login_forced().await;
    assert_eq!(post_password(&app, &tx, "sofieclaes", "Sofie-pass-01").await.status(), 303);
    // The enrolment code is used up: the next login needs the next time step.
    let resp = post_code(&app, &tx, "app", &code).await;
    assert_eq!(resp.status(), 401, "the confirmation code cannot log in again");
}

#[tokio::test]
async fn an_ordered_token_card_is_shown_once_and_logs_in() {
    let app = spawn().await;
    test_login_at(&app, SOFIE_NRN, 500).await;
    assert_eq!(create(&app, "sofieclaes", "Sofie-pass-01", "Sofie-pass-01").await.status(), 303);
    let resp = post_keys(&app, "/my/keys/card", &[]).await;
    assert_eq!(resp.status(), 200);
    let card = resp.text().await.expect("card");
    let codes: Vec<String> = card
        .split("class=\"card-code\" data-position=\"")
        .skip(1)
        .map(|rest| {
            let start = rest.find('>').expect(">") + 1;
            rest[start..start + 6].to_string()
        })
        .collect();
    assert_eq!(codes.len(), 24);
    let keys = app.get("/my/keys").await.text().await.expect("keys");
    assert!(!keys.contains(&codes[0]) || !keys.contains(&codes[1]), "the codes are not shown again");

    let tx = app.start_portal_login_forced().await;
    assert_eq!(post_password(&app, &tx, "sofieclaes", "Sofie-pass-01").await.status(), 303);
    let page = factor_page(&app, &tx, "card").await;
    let position = usize::try_from(asked_position(&page)).expect("position");
    let resp = post_code(&app, &tx, "card", &codes[position - 1]).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(app.me().await.expect("logged in")["level"], 300);
}

#[tokio::test]
async fn without_a_second_factor_the_password_alone_counts_only_where_configured() {
    // Not configured: the code page says how to get a second factor; no session.
    let app = spawn().await;
    create_sofie_account(&app).await;
    let tx = app.start_portal_login_forced().await;
    let resp = post_password(&app, &tx, "sofieclaes", "Sofie-pass-01").await;
    assert_eq!(resp.status(), 303);
    let page = text_of(&app.get(&location(&resp)).await.text().await.expect("body"));
    assert!(page.contains(Tr::new(Language::Nl).t("password.factor.none")), "{page}");
    assert!(app.me().await.is_none());

    // Configured: the password alone gives Level200 with amr ["pwd"].
    let app = spawn_with(|s| s.password.is_password_alone_allowed = true).await;
    create_sofie_account(&app).await;
    let tx = app.start_portal_login_forced().await;
    assert_eq!(post_password(&app, &tx, "sofieclaes", "Sofie-pass-01").await.status(), 303);
    let me = app.me().await.expect("logged in");
    assert_eq!(me["level"], 200);
    assert_eq!(me["amr"], serde_json::json!(["pwd"]));
}

#[tokio::test]
async fn a_login_that_requires_level_400_offers_only_the_app() {
    let app = spawn().await;
    let resp = app.get("/login?next=/my/session&level=400").await;
    let tx = location(&resp).split("tx=").nth(1).expect("tx").to_string();
    assert_eq!(post_password(&app, &tx, "janpeeters", JAN_PASSWORD).await.status(), 303);
    // The app is the only sufficient factor, so it is asked straight away.
    let page = app.get(&format!("/login/password/otp?tx={tx}")).await.text().await.expect("body");
    assert!(page.contains("name=\"factor\" value=\"app\""), "{page}");
    let resp = post_code(&app, &tx, "card", "010101").await;
    assert_eq!(resp.status(), 401, "a card code does not reach Level400");
}

/// Sofie (no account yet) logs in with a strong key and creates username and password.
async fn create_sofie_account(app: &TestApp) {
    test_login_at(app, SOFIE_NRN, 500).await;
    let resp = post_keys(
        app,
        "/my/keys/account",
        &[("username", "sofieclaes"), ("password", "Sofie-pass-01"), ("password_confirm", "Sofie-pass-01")],
    )
    .await;
    assert_eq!(resp.status(), 303);
}
