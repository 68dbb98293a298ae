//! The authorization code flow end to end with the demo-only test login: SSO, prompt,
//! PKCE, code replay, refresh rotation, PAR, consent, logout with back-channel logout,
//! the session page and the demo relying party.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::helpers::{TestApp, extract_hidden};
use crate::oidc_support::{
    CHALLENGE, JAN, RP_REDIRECT, RP_SECRET, VERIFIER, app_with, basic, claims_of, json, location, post,
    query_param,
};

fn authorize_url(client_id: &str, redirect: &str, extra: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "openid profile email egovnrn")
        .append_pair("state", "st-1")
        .append_pair("nonce", "n-1")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    format!("/authorize?{}", s.finish())
}

/// Follows local redirects (login page excluded) until one leaves Poort.
async fn follow(app: &TestApp, mut resp: reqwest::Response) -> reqwest::Response {
    while resp.status() == 303 || resp.status() == 302 {
        let to = location(&resp);
        if !to.starts_with('/') || to.starts_with("/login") {
            break;
        }
        resp = app.get(&to).await;
    }
    resp
}

/// Authorize, log in as Jan at level 500 with the test login, return the redirect to the RP.
pub(crate) async fn login_for_code(
    app: &TestApp,
    client_id: &str,
    redirect: &str,
    extra: &[(&str, &str)],
) -> String {
    let resp = app.get(&authorize_url(client_id, redirect, extra)).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap_or_default());
    let to = location(&resp);
    let resp = if let Some(tx) = to.strip_prefix("/login?tx=") {
        let done = app.test_login(tx, JAN, 500).await;
        assert_eq!(done.status(), 303);
        app.get(&location(&done)).await
    } else {
        app.get(&to).await
    };
    let resp = follow(app, resp).await;
    let to = location(&resp);
    assert!(to.starts_with(redirect), "expected a redirect to the client, got {} {to}", resp.status());
    to
}

pub(crate) async fn exchange(app: &TestApp, code: &str, verifier: &str) -> reqwest::Response {
    post(
        app,
        "/token",
        Some(&basic("rp-1", RP_SECRET)),
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn verify_with_jwks(app: &TestApp, token: &str, aud: &str) -> Value {
    let jwks: jsonwebtoken::jwk::JwkSet = app.get("/jwks").await.json().await.expect("jwks");
    let header = jsonwebtoken::decode_header(token).expect("header");
    let jwk = jwks.find(header.kid.as_deref().expect("kid")).expect("published key");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).expect("key");
    let mut v = jsonwebtoken::Validation::new(header.alg);
    v.set_audience(&[aud]);
    v.set_issuer(&[app.address.as_str()]);
    jsonwebtoken::decode::<Value>(token, &key, &v).expect("verifies").claims
}

#[tokio::test]
async fn a_full_code_flow_gives_verified_tokens_and_userinfo() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    assert_eq!(query_param(&to, "state").as_deref(), Some("st-1"));
    assert_eq!(query_param(&to, "iss").as_deref(), Some(app.address.as_str()), "RFC 9207");
    let code = query_param(&to, "code").expect("code");
    let resp = exchange(&app, &code, VERIFIER).await;
    assert_eq!(resp.status(), 200);
    let tokens = json(resp).await;
    let id = verify_with_jwks(&app, tokens["id_token"].as_str().expect("id_token"), "rp-1").await;
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["acr"], "urn:be:fedict:iam:fas:Level500");
    assert_eq!(id["given_name"], "Jan");
    assert_eq!(id["egovNRN"], "78031412349");
    assert!(id["sid"].is_string() && id["at_hash"].is_string() && id["auth_time"].is_i64());
    let at = tokens["access_token"].as_str().expect("at");
    let resp = app.client.get(app.url("/userinfo")).bearer_auth(at).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    let info = json(resp).await;
    assert_eq!(info["sub"], id["sub"]);
    assert_eq!(info["family_name"], "Peeters");
    let resp = app.client.post(app.url("/userinfo")).bearer_auth(at).send().await.expect("POST");
    assert_eq!(resp.status(), 200, "userinfo also answers POST");
    let resp = app.client.get(app.url("/userinfo")).bearer_auth("forged").send().await.expect("GET");
    assert_eq!(resp.status(), 401);
    assert!(resp.headers()["www-authenticate"].to_str().expect("ascii").contains("invalid_token"));
}

#[tokio::test]
async fn a_second_authorization_uses_the_session_without_the_login_page() {
    let app = app_with(vec![]).await;
    login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[])).await;
    assert!(location(&resp).starts_with("/authorize/resume?tx="), "single sign-on");
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[("prompt", "login")])).await;
    assert!(location(&resp).starts_with("/login?tx="), "prompt=login forces a new login");
}

#[tokio::test]
async fn prompt_none_without_a_session_answers_login_required_to_the_client() {
    let app = app_with(vec![]).await;
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[("prompt", "none")])).await;
    assert_eq!(resp.status(), 303);
    let to = location(&resp);
    assert!(to.starts_with(RP_REDIRECT));
    assert_eq!(query_param(&to, "error").as_deref(), Some("login_required"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("st-1"));
    assert_eq!(query_param(&to, "iss").as_deref(), Some(app.address.as_str()));
}

#[tokio::test]
async fn an_unregistered_redirect_uri_or_unknown_client_gets_an_error_page_never_a_redirect() {
    let app = app_with(vec![]).await;
    for url in
        [authorize_url("rp-1", "http://127.0.0.1:9/cb/evil", &[]), authorize_url("nobody", RP_REDIRECT, &[])]
    {
        let resp = app.get(&url).await;
        assert_eq!(resp.status(), 400, "{url}");
        assert!(resp.headers().get("location").is_none());
        assert!(resp.headers()["content-type"].to_str().expect("ascii").starts_with("text/html"));
    }
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[("code_challenge_method", "plain")])).await;
    assert_eq!(resp.status(), 400, "a repeated parameter is refused");
}

#[tokio::test]
async fn a_pkce_mismatch_is_invalid_grant() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let code = query_param(&to, "code").expect("code");
    let resp = exchange(&app, &code, &"x".repeat(43)).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(json(resp).await["error"], "invalid_grant");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_the_tokens_it_issued() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let code = query_param(&to, "code").expect("code");
    let tokens = json(exchange(&app, &code, VERIFIER).await).await;
    let replay = exchange(&app, &code, VERIFIER).await;
    assert_eq!(replay.status(), 400);
    assert_eq!(json(replay).await["error"], "invalid_grant");
    let auth = basic("rp-1", RP_SECRET);
    let at = tokens["access_token"].as_str().expect("at");
    let i = json(post(&app, "/introspect", Some(&auth), None, &[("token", at)]).await).await;
    assert_eq!(i["active"], false, "the access token of the replayed code is revoked");
    let rt = tokens["refresh_token"].as_str().expect("rt");
    let resp =
        post(&app, "/token", Some(&auth), None, &[("grant_type", "refresh_token"), ("refresh_token", rt)])
            .await;
    assert_eq!(json(resp).await["error"], "invalid_grant", "and so is its refresh token");
}

/// Sends 8 concurrent `/token` requests with the same form; asserts that exactly one
/// succeeds and the others are `invalid_grant`, then that the winner's refresh token is
/// revoked too: the losing attempts were replays, which revoke the whole grant.
async fn race_once(app: &TestApp, form: &[(&str, &str)]) {
    let auth = basic("rp-1", RP_SECRET);
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = app.client.post(app.url("/token")).header("authorization", &auth).form(form);
        requests.spawn(async move { request.send().await.expect("POST") });
    }
    let mut won = Vec::new();
    while let Some(resp) = requests.join_next().await {
        let resp = resp.expect("request task");
        match resp.status().as_u16() {
            200 => won.push(json(resp).await),
            status => {
                assert_eq!(status, 400);
                assert_eq!(json(resp).await["error"], "invalid_grant");
            }
        }
    }
    assert_eq!(won.len(), 1, "exactly one request wins: {won:?}");
    let rt = won[0]["refresh_token"].as_str().expect("the winner's refresh token");
    let after =
        post(app, "/token", Some(&auth), None, &[("grant_type", "refresh_token"), ("refresh_token", rt)])
            .await;
    assert_eq!(json(after).await["error"], "invalid_grant", "the replays revoked the winner's tokens");
}

#[tokio::test]
async fn a_code_raced_by_concurrent_exchanges_is_won_once_and_its_grant_revoked() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let code = query_param(&to, "code").expect("code");
    race_once(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_refresh_token_raced_by_concurrent_refreshes_rotates_once_and_its_family_is_revoked() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let rt = tokens["refresh_token"].as_str().expect("rt");
    race_once(&app, &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let auth = basic("rp-1", RP_SECRET);
    let rt1 = tokens["refresh_token"].as_str().expect("rt").to_string();
    let next = json(
        post(&app, "/token", Some(&auth), None, &[("grant_type", "refresh_token"), ("refresh_token", &rt1)])
            .await,
    )
    .await;
    let rt2 = next["refresh_token"].as_str().expect("rotated").to_string();
    assert_ne!(rt1, rt2);
    let narrowed = post(
        &app,
        "/token",
        Some(&auth),
        None,
        &[("grant_type", "refresh_token"), ("refresh_token", &rt2), ("scope", "openid roles")],
    )
    .await;
    assert_eq!(json(narrowed).await["error"], "invalid_scope", "scope may only narrow");
    let reuse =
        post(&app, "/token", Some(&auth), None, &[("grant_type", "refresh_token"), ("refresh_token", &rt1)])
            .await;
    assert_eq!(json(reuse).await["error"], "invalid_grant");
    let after =
        post(&app, "/token", Some(&auth), None, &[("grant_type", "refresh_token"), ("refresh_token", &rt2)])
            .await;
    assert_eq!(json(after).await["error"], "invalid_grant", "the whole family is revoked");
    let at = next["access_token"].as_str().expect("at");
    let i = json(post(&app, "/introspect", Some(&auth), None, &[("token", at)]).await).await;
    assert_eq!(i["active"], false);
}

#[tokio::test]
async fn a_pushed_request_is_used_once_and_required_when_the_client_says_so() {
    let mut par_only = crate::oidc_support::rp1();
    par_only.id = "rp-par".into();
    par_only.require_par = true;
    let app = app_with(vec![par_only]).await;
    let resp = app.get(&authorize_url("rp-par", RP_REDIRECT, &[])).await;
    assert_eq!(query_param(&location(&resp), "error").as_deref(), Some("invalid_request"), "PAR is required");
    let form = [
        ("response_type", "code"),
        ("redirect_uri", RP_REDIRECT),
        ("scope", "openid"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("state", "par-state"),
    ];
    let pushed = json(post(&app, "/par", Some(&basic("rp-par", RP_SECRET)), None, &form).await).await;
    let uri = pushed["request_uri"].as_str().expect("uri");
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "rp-par")
        .append_pair("request_uri", uri)
        .finish();
    let resp = app.get(&format!("/authorize?{q}")).await;
    assert!(location(&resp).starts_with("/login?tx="));
    let again = app.get(&format!("/authorize?{q}")).await;
    assert_eq!(again.status(), 400, "a request_uri is single use");
}

#[tokio::test]
async fn a_third_party_client_asks_consent_once_and_the_answer_is_remembered() {
    let mut third = crate::oidc_support::rp1();
    third.id = "rp-third".into();
    third.is_first_party = false;
    let app = app_with(vec![third]).await;
    let resp = app.get(&authorize_url("rp-third", RP_REDIRECT, &[])).await;
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    let done = app.test_login(&tx, JAN, 500).await;
    let page = app.get_lang(&location(&done), "en").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("Your national register number"), "the consent page says what is shared");
    let csrf = extract_hidden(&html, "csrf").expect("csrf");
    let resp =
        app.post_form("/authorize/consent", &[("csrf", &csrf), ("tx", &tx), ("decision", "allow")]).await;
    let resp = follow(&app, app.get(&location(&resp)).await).await;
    assert!(query_param(&location(&resp), "code").is_some());
    let to = login_for_code(&app, "rp-third", RP_REDIRECT, &[]).await;
    assert!(query_param(&to, "code").is_some(), "no consent page the second time");
    let resp = app.get(&authorize_url("rp-third", RP_REDIRECT, &[("prompt", "none")])).await;
    assert!(location(&resp).starts_with("/authorize/resume"));
}

#[tokio::test]
async fn logout_with_an_id_token_hint_notifies_the_client_by_back_channel() {
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = received.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let rp_address = listener.local_addr().expect("addr");
    let rp = axum::Router::new().route(
        "/backchannel",
        axum::routing::post(move |body: String| {
            let sink = sink.clone();
            async move {
                let token = form_urlencoded::parse(body.as_bytes())
                    .find(|(k, _)| k == "logout_token")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                sink.lock().expect("lock").push(token);
                http::StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, rp).await.expect("rp serves") });
    let mut with_bc = crate::oidc_support::rp1();
    with_bc.backchannel_logout_uri = Some(format!("http://{rp_address}/backchannel"));
    let app = TestApp::spawn_with(move |s| s.oidc.clients = vec![with_bc]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let id_token = tokens["id_token"].as_str().expect("id_token");
    let sid = claims_of(id_token)["sid"].clone();
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", "http://127.0.0.1:9/bye")
        .append_pair("state", "bye-state")
        .finish();
    let resp = app.get(&format!("/logout?{q}")).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "http://127.0.0.1:9/bye?state=bye-state");
    assert!(app.me().await.is_none(), "the session has ended");
    let mut token = None;
    for _ in 0..50 {
        if let Some(t) = received.lock().expect("lock").first().cloned() {
            token = Some(t);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let token = token.expect("a logout token arrived");
    let claims = verify_with_jwks(&app, &token, "rp-1").await;
    assert_eq!(claims["sid"], sid);
    assert!(claims["events"].get("http://schemas.openid.net/event/backchannel-logout").is_some());
    assert!(claims.get("nonce").is_none());
    let header = jsonwebtoken::decode_header(&token).expect("header");
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
    let sid = sid.as_str().expect("sid");
    // The RP may hold the token a moment before the node records the delivery.
    let mut deliveries = Vec::new();
    for _ in 0..50 {
        deliveries = app.state.store().find_oidc_logout_deliveries_of_session(sid).await.expect("rows");
        if deliveries.first().is_some_and(|d| d.1 == "delivered") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(deliveries[0].1, "delivered");
    let at = tokens["access_token"].as_str().expect("at");
    let i =
        json(post(&app, "/introspect", Some(&basic("rp-1", RP_SECRET)), None, &[("token", at)]).await).await;
    assert_eq!(i["active"], false, "tokens of the session are revoked at logout");
}

#[tokio::test]
async fn logout_refuses_an_unregistered_post_logout_redirect_uri() {
    let app = app_with(vec![]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", tokens["id_token"].as_str().expect("id"))
        .append_pair("post_logout_redirect_uri", "http://127.0.0.1:9/elsewhere")
        .finish();
    let resp = app.get(&format!("/logout?{q}")).await;
    assert_eq!(resp.status(), 400);
    assert!(app.me().await.is_some(), "nothing happened");
    let resp = app.get("/logout").await;
    assert_eq!(resp.status(), 200, "without a hint the person is asked to confirm");
    assert!(app.me().await.is_some());
}

#[tokio::test]
async fn the_session_page_lists_the_clients_and_withdrawing_access_revokes_their_tokens() {
    let app = app_with(vec![]).await;
    assert_eq!(app.get("/my/sessions").await.status(), 303, "login first");
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let html = app.get_lang("/my/sessions", "en").await.text().await.expect("body");
    assert!(html.contains("Test RP") && html.contains("this browser"), "{html}");
    let csrf = extract_hidden(&html, "csrf").expect("csrf");
    let resp = app.post_form("/my/sessions/revoke-client", &[("csrf", &csrf), ("client_id", "rp-1")]).await;
    assert_eq!(resp.status(), 303);
    let at = tokens["access_token"].as_str().expect("at");
    let i =
        json(post(&app, "/introspect", Some(&basic("rp-1", RP_SECRET)), None, &[("token", at)]).await).await;
    assert_eq!(i["active"], false);
    let refused = app.post_form("/my/sessions/revoke-client", &[("client_id", "rp-1")]).await;
    assert_eq!(refused.status(), 403, "the form needs its CSRF token");
}

#[tokio::test]
async fn the_demo_relying_party_logs_in_through_the_normal_flow() {
    let app = TestApp::spawn().await;
    let resp = app.get("/demo-rp/login").await;
    let resp = app.get(&location(&resp)).await;
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    let done = app.test_login(&tx, JAN, 500).await;
    let to_chooser = app.get(&location(&done)).await;
    assert_eq!(location(&to_chooser), format!("/profile/choose?tx={tx}"), "the profile module asks");
    let chooser = app.get_lang(&location(&to_chooser), "en").await;
    let html = chooser.text().await.expect("body");
    assert!(html.contains("As a private person"), "prompt=select_account shows the chooser");
    assert!(html.contains("IATREION"), "Jan's enterprise is offered");
    let csrf = extract_hidden(&html, "csrf").expect("csrf");
    let resp =
        app.post_form("/profile/choose", &[("csrf", &csrf), ("tx", &tx), ("profile", "0474603083")]).await;
    let resp = follow(&app, app.get(&location(&resp)).await).await;
    let callback = location(&resp);
    let path = callback.strip_prefix(&app.address).expect("back to the demo RP");
    let page = app.get_lang(path, "en").await.text().await.expect("body");
    assert!(page.contains("id=\"id-token\""), "{page}");
    assert!(page.contains("IATREION"), "the roles and enterprise are shown");
    assert!(
        page.contains("id=\"chosen-profile\">enterprise – IATREION"),
        "the chosen profile is shown: {page}"
    );
}

#[tokio::test]
async fn form_post_answers_with_a_page_that_submits_itself_and_refresh_tokens_can_be_introspected() {
    let app = app_with(vec![]).await;
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[("response_mode", "form_post")])).await;
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    let done = app.test_login(&tx, JAN, 500).await;
    let page = app.get(&location(&done)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains(&format!("action=\"{RP_REDIRECT}\"")), "{html}");
    assert_eq!(html.matches("<script").count(), 1, "one script, no inline one: the CSP forbids it");
    assert!(html.contains("<script src=\"/static/autosubmit.js\" defer></script>"), "{html}");
    let code = extract_hidden(&html, "code").expect("code field");
    assert_eq!(extract_hidden(&html, "state").as_deref(), Some("st-1"));
    assert!(extract_hidden(&html, "iss").is_some());
    let tokens = json(exchange(&app, &code, VERIFIER).await).await;
    let rt = tokens["refresh_token"].as_str().expect("rt");
    let i =
        json(post(&app, "/introspect", Some(&basic("rp-1", RP_SECRET)), None, &[("token", rt)]).await).await;
    assert_eq!(i["active"], true);
    assert_eq!(i["token_type"], "refresh_token");
}

#[tokio::test]
async fn a_dpop_bound_access_token_works_at_userinfo_only_with_a_proof_of_its_key() {
    let app = app_with(vec![]).await;
    let key = crate::oidc_support::ClientKey::new();
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let proof = key.dpop("POST", &format!("{}/token", app.address), None);
    let resp = post(
        &app,
        "/token",
        Some(&basic("rp-1", RP_SECRET)),
        Some(&proof),
        &[
            ("grant_type", "authorization_code"),
            ("code", &query_param(&to, "code").expect("code")),
            ("redirect_uri", RP_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let tokens = json(resp).await;
    assert_eq!(tokens["token_type"], "DPoP");
    let at = tokens["access_token"].as_str().expect("at");
    let userinfo = format!("{}/userinfo", app.address);
    let ok = dpop_userinfo(&app, at, &key).await;
    assert_eq!(ok.status(), 200);
    let as_bearer = app.client.get(&userinfo).bearer_auth(at).send().await.expect("GET");
    assert_eq!(as_bearer.status(), 401, "a bound token is not a bearer token");
    let other = crate::oidc_support::ClientKey::new();
    let stolen = dpop_userinfo(&app, at, &other).await;
    assert_eq!(stolen.status(), 401, "a proof by another key is refused");
    assert!(stolen.headers()["www-authenticate"].to_str().expect("ascii").starts_with("DPoP"));
    let rt = tokens["refresh_token"].as_str().expect("rt");
    let without_proof = post(
        &app,
        "/token",
        Some(&basic("rp-1", RP_SECRET)),
        None,
        &[("grant_type", "refresh_token"), ("refresh_token", rt)],
    )
    .await;
    assert_eq!(json(without_proof).await["error"], "invalid_grant", "a bound refresh token needs its key");
}

#[tokio::test]
async fn a_signed_request_object_is_accepted_and_a_forged_one_refused() {
    let key = crate::oidc_support::ClientKey::new();
    let mut jar_client = crate::oidc_support::rp1();
    jar_client.id = "rp-jar".into();
    jar_client.jwks = Some(serde_json::from_value(json!({ "keys": [key.jwk] })).expect("jwks"));
    let app = app_with(vec![jar_client]).await;
    let claims = |aud: &str| {
        json!({"iss": "rp-jar", "aud": aud, "client_id": "rp-jar", "response_type": "code",
            "redirect_uri": RP_REDIRECT, "scope": "openid", "state": "jar-state",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256", "exp": crate::oidc_support::now() + 60,
            "jti": uuid::Uuid::new_v4().to_string()})
    };
    let request = key.sign_jwt(&claims(&app.address));
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "rp-jar")
        .append_pair("request", &request)
        .finish();
    let resp = app.get(&format!("/authorize?{q}")).await;
    assert!(location(&resp).starts_with("/login?tx="), "{}", location(&resp));
    // RFC 9101 §10.8 (attack review finding 8): the same request object is refused again.
    let replayed = app.get(&format!("/authorize?{q}")).await;
    assert_eq!(query_param(&location(&replayed), "error").as_deref(), Some("invalid_request_object"));
    let forged = crate::oidc_support::ClientKey::new().sign_jwt(&claims(&app.address));
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "rp-jar")
        .append_pair("redirect_uri", RP_REDIRECT)
        .append_pair("request", &forged)
        .finish();
    let resp = app.get(&format!("/authorize?{q}")).await;
    assert_eq!(query_param(&location(&resp), "error").as_deref(), Some("invalid_request_object"));
}

#[tokio::test]
async fn acr_values_above_the_session_level_send_the_person_to_log_in_again() {
    let app = app_with(vec![]).await;
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[])).await;
    let tx = location(&resp).trim_start_matches("/login?tx=").to_string();
    let done = app.test_login(&tx, JAN, 400).await;
    let to = location(&follow(&app, app.get(&location(&done)).await).await);
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    assert_eq!(claims_of(tokens["id_token"].as_str().expect("id"))["acr"], "urn:be:fedict:iam:fas:Level400");
    let eidas_high = authorize_url("rp-1", RP_REDIRECT, &[("acr_values", "http://eidas.europa.eu/LoA/high")]);
    assert!(location(&app.get(&eidas_high).await).starts_with("/login?tx="), "Level400 is not eIDAS high");
    let substantial =
        authorize_url("rp-1", RP_REDIRECT, &[("acr_values", "http://eidas.europa.eu/LoA/substantial")]);
    assert!(location(&app.get(&substantial).await).starts_with("/authorize/resume"), "but it is substantial");
    let none_high = authorize_url(
        "rp-1",
        RP_REDIRECT,
        &[("acr_values", "urn:be:fedict:iam:fas:Level500"), ("prompt", "none")],
    );
    assert_eq!(
        query_param(&location(&app.get(&none_high).await), "error").as_deref(),
        Some("login_required")
    );
}

#[tokio::test]
async fn a_failed_back_channel_delivery_is_recorded_for_a_retry() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let rp_address = listener.local_addr().expect("addr");
    let rp = axum::Router::new()
        .route("/backchannel", axum::routing::post(|| async { http::StatusCode::INTERNAL_SERVER_ERROR }));
    tokio::spawn(async move { axum::serve(listener, rp).await.expect("rp serves") });
    let mut with_bc = crate::oidc_support::rp1();
    with_bc.backchannel_logout_uri = Some(format!("http://{rp_address}/backchannel"));
    let app = TestApp::spawn_with(move |s| s.oidc.clients = vec![with_bc]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let sid = claims_of(tokens["id_token"].as_str().expect("id"))["sid"].as_str().expect("sid").to_string();
    let csrf =
        crate::helpers::extract_hidden(&app.get("/my/sessions").await.text().await.expect("body"), "csrf")
            .expect("csrf");
    let resp = app.post_form("/my/sessions/end", &[("csrf", &csrf), ("sid", &sid)]).await;
    assert_eq!(resp.status(), 303);
    assert!(app.me().await.is_none());
    let mut rows = Vec::new();
    for _ in 0..50 {
        rows = app.state.store().find_oidc_logout_deliveries_of_session(&sid).await.expect("rows");
        if rows.first().is_some_and(|r| r.2 > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].1.as_str(), rows[0].2), ("pending", 1), "one failed attempt, another one to come");
}

#[tokio::test]
async fn max_age_forces_a_new_login_when_the_last_one_is_older() {
    let app = app_with(vec![]).await;
    login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[("max_age", "0")])).await;
    assert!(location(&resp).starts_with("/login?tx="), "the session is older than max_age");
    let resp = app.get(&authorize_url("rp-1", RP_REDIRECT, &[("max_age", "3600")])).await;
    assert!(location(&resp).starts_with("/authorize/resume"), "but younger than an hour");
}

#[tokio::test]
async fn a_session_ended_by_idleness_notifies_the_client_by_back_channel() {
    let mut with_bc = crate::oidc_support::rp1();
    with_bc.backchannel_logout_uri = Some("http://127.0.0.1:9/backchannel".into());
    let app = TestApp::spawn_with(move |s| s.oidc.clients = vec![with_bc]).await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let tokens = json(exchange(&app, &query_param(&to, "code").expect("code"), VERIFIER).await).await;
    let sid =
        claims_of(tokens["id_token"].as_str().expect("id_token"))["sid"].as_str().expect("sid").to_string();
    let idle = app.state.settings().session.idle_timeout_secs;
    let long_ago = poort::store::unix_now() - idle - 10;
    app.state.store().touch_browser_session(&sid, long_ago).await.expect("touch");
    assert!(app.me().await.is_none(), "the idle session has ended");
    let deliveries = app.state.store().find_oidc_logout_deliveries_of_session(&sid).await.expect("rows");
    assert_eq!(deliveries.len(), 1, "the client is told by back-channel logout");
    assert!(app.me().await.is_none());
    let again = app.state.store().find_oidc_logout_deliveries_of_session(&sid).await.expect("rows");
    assert_eq!(again.len(), 1, "told once");
}

/// `GET /userinfo` with a DPoP-bound access token and a proof made with `key`.
async fn dpop_userinfo(app: &TestApp, at: &str, key: &crate::oidc_support::ClientKey) -> reqwest::Response {
    let userinfo = format!("{}/userinfo", app.address);
    app.client
        .get(&userinfo)
        .header("authorization", format!("DPoP {at}"))
        .header("dpop", key.dpop("GET", &userinfo, Some(at)))
        .send()
        .await
        .expect("GET")
}
