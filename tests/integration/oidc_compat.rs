//! What relying parties built on common client libraries send (issue 10, items 11, 13, 14,
//! 16, 17): Authlib's revocation with Basic, OIDC Core's `null` claim requests,
//! `offline_access` and unknown `acr_values`, `response_mode=form_post`, pyoidc's userinfo
//! token in the form body.

use serde_json::{Value, json};

use crate::helpers::{TestApp, text_of};
use crate::oidc_support::{
    RP_REDIRECT, RP_SECRET, app_with, authorize_path, basic, browse, claims_of, client, exchange_code, json,
    location, post, query_param,
};

/// `rp-post`: registered for `client_secret_post`, claims in userinfo only.
fn rp_post() -> poort::protocol::oidc::client::Client {
    client(&format!(
        r#"
        id = "rp-post"
        name = "Post RP"
        kind = "confidential"
        secret = "rp-post-secret"
        auth_method = "client_secret_post"
        redirect_uris = ["{RP_REDIRECT}"]
        grant_types = ["authorization_code", "refresh_token"]
        scopes = ["openid", "profile"]
        allowed_claims = ["given_name", "family_name"]
        is_first_party = true
        "#
    ))
}

async fn rp1_tokens(app: &TestApp, scope: &str, extra: &[(&str, &str)]) -> Value {
    let arrival = browse(app, &authorize_path("rp-1", RP_REDIRECT, scope, extra)).await;
    exchange_code(app, "rp-1", RP_SECRET, RP_REDIRECT, &arrival.code()).await
}

#[tokio::test]
async fn revocation_with_another_method_says_which_one_the_client_is_registered_for() {
    let app = app_with(vec![rp_post()]).await;
    let refused =
        post(&app, "/revoke", Some(&basic("rp-post", "rp-post-secret")), None, &[("token", "anything")])
            .await;
    assert_eq!(refused.status(), 401);
    let body = json(refused).await;
    assert_eq!(body["error"], "invalid_client");
    let description = body["error_description"].as_str().expect("description");
    assert!(description.contains("client_secret_post"), "{description}");
    let accepted = post(
        &app,
        "/revoke",
        None,
        None,
        &[("token", "anything"), ("client_id", "rp-post"), ("client_secret", "rp-post-secret")],
    )
    .await;
    assert_eq!(accepted.status(), 200, "with the registered method revocation works");
    let wrong = post(
        &app,
        "/revoke",
        None,
        None,
        &[("token", "anything"), ("client_id", "rp-post"), ("client_secret", "wrong")],
    )
    .await;
    assert_eq!(
        json(wrong).await["error_description"],
        "client authentication failed",
        "a wrong secret says no more"
    );
}

#[tokio::test]
async fn a_claims_request_with_null_members_releases_the_claims_in_the_id_token() {
    let app = app_with(vec![rp_post()]).await;
    let claims = json!({"id_token": {"given_name": null}, "userinfo": {"family_name": null}}).to_string();
    let arrival =
        browse(&app, &authorize_path("rp-post", RP_REDIRECT, "openid profile", &[("claims", &claims)])).await;
    let resp = post(
        &app,
        "/token",
        None,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", &arrival.code()),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", crate::oidc_support::VERIFIER),
            ("client_id", "rp-post"),
            ("client_secret", "rp-post-secret"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let id = claims_of(json(resp).await["id_token"].as_str().expect("id_token"));
    assert_eq!(id["given_name"], "Jan", "asked for by name with null: released in the id_token");
    assert!(id.get("family_name").is_none(), "not asked for in the id_token");
}

#[tokio::test]
async fn offline_access_and_other_unknown_scopes_are_ignored() {
    let app = app_with(vec![]).await;
    let tokens = rp1_tokens(&app, "openid offline_access profile urn:example:unknown", &[]).await;
    assert_eq!(tokens["scope"], "openid profile", "the scopes granted, without the ignored ones");
    assert!(tokens["refresh_token"].is_string(), "rp-1 may refresh (its grant types say so)");
    let refreshed = post(
        &app,
        "/token",
        Some(&basic("rp-1", RP_SECRET)),
        None,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().expect("rt")),
            ("scope", "openid offline_access"),
        ],
    )
    .await;
    assert_eq!(refreshed.status(), 200);
    assert_eq!(json(refreshed).await["scope"], "openid");
}

#[tokio::test]
async fn a_known_scope_the_client_may_not_use_is_still_refused() {
    let app = app_with(vec![rp_post()]).await;
    let resp = app.get(&authorize_path("rp-post", RP_REDIRECT, "openid egovnrn", &[])).await;
    let to = location(&resp);
    assert!(to.starts_with(RP_REDIRECT), "{to}");
    assert_eq!(query_param(&to, "error").as_deref(), Some("invalid_scope"));
}

#[tokio::test]
async fn unknown_acr_values_are_voluntary_but_an_essential_unknown_acr_is_refused() {
    let app = app_with(vec![]).await;
    let resp =
        app.get(&authorize_path("rp-1", RP_REDIRECT, "openid", &[("acr_values", "urn:example:loa:2")])).await;
    assert_eq!(resp.status(), 303);
    assert!(location(&resp).starts_with("/login?tx="), "the login goes on: {}", location(&resp));
    let tokens = rp1_tokens(&app, "openid", &[("acr_values", "urn:example:loa:2")]).await;
    assert!(tokens["id_token"].is_string());
    let essential =
        json!({"id_token": {"acr": {"essential": true, "values": ["urn:example:loa:2"]}}}).to_string();
    let resp = app.get(&authorize_path("rp-1", RP_REDIRECT, "openid", &[("claims", &essential)])).await;
    let to = location(&resp);
    assert_eq!(query_param(&to, "error").as_deref(), Some("invalid_request"), "{to}");
}

#[tokio::test]
async fn the_form_post_page_submits_itself_without_inline_script_and_has_no_language_links() {
    let app = app_with(vec![]).await;
    let arrival =
        browse(&app, &authorize_path("rp-1", RP_REDIRECT, "openid", &[("response_mode", "form_post")])).await;
    assert_eq!(arrival.status, 200);
    let page = &arrival.body;
    assert!(text_of(page).contains(&format!("action=\"{RP_REDIRECT}\"")), "{page}");
    assert!(page.contains("data-autosubmit"), "the form submits itself");
    assert!(page.contains("<script src=\"/static/autosubmit.js\" defer></script>"), "{page}");
    assert_eq!(page.matches("<script").count(), 1, "no inline script (CSP script-src 'self')");
    assert!(page.contains("type=\"submit\""), "the button stays for a browser without JavaScript");
    assert!(!text_of(page).contains("/lang/"), "no language link on a one-shot page");
    assert!(text_of(page).contains("name=\"code\""));
    let script = app.get("/static/autosubmit.js").await;
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"].to_str().expect("ascii").starts_with("text/javascript"));
    assert!(script.text().await.expect("js").contains("form[data-autosubmit]"));
}

#[tokio::test]
async fn userinfo_takes_the_token_from_a_posted_form_but_never_from_the_query() {
    let app = app_with(vec![]).await;
    let tokens = rp1_tokens(&app, "openid profile", &[]).await;
    let at = tokens["access_token"].as_str().expect("at");
    let in_body =
        app.client.post(app.url("/userinfo")).form(&[("access_token", at)]).send().await.expect("POST");
    assert_eq!(in_body.status(), 200, "RFC 6750 §2.2");
    assert_eq!(json(in_body).await["given_name"], "Jan");

    let in_query =
        app.client.get(app.url(&format!("/userinfo?access_token={at}"))).send().await.expect("GET");
    assert_eq!(in_query.status(), 400);
    assert!(in_query.headers()["www-authenticate"].to_str().expect("ascii").contains("invalid_request"));
    let posted_query =
        app.client.post(app.url(&format!("/userinfo?access_token={at}"))).send().await.expect("POST");
    assert_eq!(posted_query.status(), 400, "not in the query string of a POST either");

    let twice = app
        .client
        .post(app.url("/userinfo"))
        .bearer_auth(at)
        .form(&[("access_token", at)])
        .send()
        .await
        .expect("POST");
    assert_eq!(twice.status(), 400, "RFC 6750 §2: one method per request");

    let forged =
        app.client.post(app.url("/userinfo")).form(&[("access_token", "forged")]).send().await.expect("POST");
    assert_eq!(forged.status(), 401);
    assert!(forged.headers()["www-authenticate"].to_str().expect("ascii").contains("invalid_token"));

    let as_json = app
        .client
        .post(app.url("/userinfo"))
        .header("content-type", "application/json")
        .body(json!({"access_token": at}).to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(as_json.status(), 400, "only a form body (RFC 6750 §2.2)");
}
