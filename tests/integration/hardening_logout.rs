//! Attack review finding 3: an id_token of another session is no one-click logout link.

use crate::helpers::{TestApp, client, extract_hidden};
use crate::oidc_flow::{exchange, login_for_code};
use crate::oidc_support::{RP_REDIRECT, VERIFIER, json, query_param, rp1};

const SOFIE: &str = "90.11.02-246.12";

#[tokio::test]
async fn an_id_token_of_another_session_asks_before_ending_this_browsers_session() {
    let app = TestApp::spawn_with(|s| s.oidc.clients = vec![rp1()]).await;
    // Jan's id_token, from his own session in his own browser.
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let jans_token = tokens["id_token"].as_str().expect("id_token").to_string();

    // Sofie's browser, logged in, follows a link carrying Jan's old id_token.
    let sofie = client();
    let tx = app.start_portal_login_with(&sofie, "/my/session").await;
    let page =
        sofie.get(app.url(&format!("/login?tx={tx}"))).send().await.expect("GET").text().await.expect("body");
    let csrf = extract_hidden(&page, "csrf").expect("csrf");
    let level = "400".to_string();
    let login = sofie
        .post(app.url("/demo/test-login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tx", tx.as_str()),
            ("national_number", SOFIE),
            ("level", level.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(login.status(), 303);
    let q =
        form_urlencoded::Serializer::new(String::new()).append_pair("id_token_hint", &jans_token).finish();
    let resp = sofie.get(app.url(&format!("/logout?{q}"))).send().await.expect("GET");
    assert_eq!(resp.status(), 200, "a confirmation page, not a logout");
    let confirm_page = resp.text().await.expect("body");
    let me = sofie.get(app.url("/api/v1/me")).send().await.expect("GET");
    assert_eq!(me.status(), 200, "Sofie is still logged in");

    // Confirming on the page (a POST with the CSRF token) does log her out.
    let fields = hidden_fields(&confirm_page);
    assert!(fields.iter().any(|(k, _)| k == "csrf"), "the confirmation form");
    assert!(fields.iter().all(|(k, _)| k != "id_token_hint"), "the hint is not carried into the form");
    let confirmed = sofie.post(app.url("/logout/confirm")).form(&fields).send().await.expect("POST");
    assert!(confirmed.status().is_success() || confirmed.status().is_redirection(), "{}", confirmed.status());
    let me = sofie.get(app.url("/api/v1/me")).send().await.expect("GET");
    assert_eq!(me.status(), 401, "after confirming, the session has ended");
}

/// Every `<input type="hidden" name="N" value="V">` of a page.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let marker = "type=\"hidden\" name=\"";
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            let name = &rest[..rest.find('"')?];
            Some((name.to_string(), extract_hidden(&html[i..], name)?))
        })
        .collect()
}
