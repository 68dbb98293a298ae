//! Issue 14, item 5 (propagation): a logout reaches every relying party of the session, in
//! every protocol. A SAML service provider's LogoutRequest sends the browser round the
//! session's other SAML service providers (our signed LogoutRequest, their LogoutResponse)
//! and tells its OpenID clients by back-channel; the one that asked gets `Success`, or
//! `PartialLogout` when another did not confirm. The portal's logout and OpenID's
//! `end_session` do the same round before going on.

use std::io::Read as _;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use poort::kernel::saml::signing::{signed_redirect_query, verify_detached};
use poort::kernel::saml::xml::{NS_SAML, NS_SAMLP, STATUS_PREFIX, descendants, instant, parse_strict, text};
use poort::protocol::saml::sp::{NameIdFormat, SpSettings};

use crate::btb_support::JAN;
use crate::helpers::{TestApp, extract_hidden};
use crate::oidc_flow::login_for_code;
use crate::oidc_support::{RP_REDIRECT, claims_of, location, query_param};
use crate::saml_support::{TestSp, Verified, idp_certs, sso, status_of, verify};

/// Two SAML service providers and an OpenID client with back-channel logout, all logged in
/// through one browser session (`app.client`).
struct World {
    app: TestApp,
    a: TestSp,
    b: TestSp,
    login_a: Verified,
    login_b: Verified,
    sid: String,
    id_token: String,
}

async fn world(tag: &str) -> World {
    let mut rp = crate::oidc_support::rp1();
    // Nobody listens there: the delivery is recorded as attempted (pending a retry).
    rp.backchannel_logout_uri = Some("http://127.0.0.1:9/backchannel".into());
    let app = TestApp::spawn_with(move |s| {
        s.saml.is_enabled = true;
        s.saml.is_demo_sp_enabled = false;
        s.oidc.clients = vec![rp];
    })
    .await;
    let to = login_for_code(&app, "rp-1", RP_REDIRECT, &[]).await;
    let code = query_param(&to, "code").expect("code");
    let tokens = crate::oidc_support::json(
        crate::oidc_flow::exchange(&app, &code, crate::oidc_support::VERIFIER).await,
    )
    .await;
    let id_token = tokens["id_token"].as_str().expect("id_token").to_string();
    let sid = claims_of(&id_token)["sid"].as_str().expect("sid").to_string();
    let (a, b) = (TestSp::new(&format!("{tag}-a")), TestSp::new(&format!("{tag}-b")));
    let mut logins = Vec::new();
    for sp in [&a, &b] {
        sp.register(
            &app,
            true,
            SpSettings { name_id_format: NameIdFormat::Persistent, ..SpSettings::default() },
        )
        .await;
        let path = sp.signed_redirect(&sp.request(&app, "_in", "", ""), None);
        // The session of the OpenID login serves both: no second login.
        logins.push(verify(&app, &sso(&app, &app.client, &path, JAN, 400, None).await.xml));
    }
    let login_b = logins.pop().expect("b");
    let login_a = logins.pop().expect("a");
    World { app, a, b, login_a, login_b, sid, id_token }
}

fn logout_request(app: &TestApp, sp: &TestSp, id: &str, v: &Verified) -> String {
    format!(
        r#"<samlp:LogoutRequest xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID>{name_id}</saml:NameID><samlp:SessionIndex>{index}</samlp:SessionIndex></samlp:LogoutRequest>"#,
        now = instant(time::OffsetDateTime::now_utc()),
        dest = app.url("/saml/slo"),
        issuer = sp.entity_id,
        name_id = v.name_id,
        index = v.session_index,
    )
}

/// A message Poort sent over the Redirect binding to `slo_url`: its signature checked with
/// the IdP's certificates, its XML and its RelayState.
fn redirected(app: &TestApp, to: &str, slo_url: &str) -> (String, Option<String>) {
    let (base, query) = to.split_once('?').unwrap_or_else(|| panic!("no query: {to}"));
    assert_eq!(base, slo_url);
    let (signed_part, signature) = query.rsplit_once("&Signature=").expect("signed");
    let params: std::collections::HashMap<String, String> =
        form_urlencoded::parse(signed_part.as_bytes()).into_owned().collect();
    let sig = form_urlencoded::parse(format!("s={signature}").as_bytes()).next().expect("sig").1.into_owned();
    verify_detached(
        signed_part.as_bytes(),
        &params["SigAlg"],
        &STANDARD.decode(sig).expect("b64"),
        &idp_certs(app),
    )
    .expect("signed by the IdP");
    let message = params.get("SAMLRequest").or_else(|| params.get("SAMLResponse")).expect("a message");
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(STANDARD.decode(message).expect("b64").as_slice())
        .read_to_string(&mut xml)
        .expect("inflate");
    (xml, params.get("RelayState").cloned())
}

/// The signed LogoutResponse `sp` sends back (Redirect binding) to our request `xml`.
fn logout_response(app: &TestApp, sp: &TestSp, request_xml: &str, relay: &str, status: &str) -> String {
    let doc = parse_strict(request_xml).expect("xml");
    let root = doc.get_root_element().expect("root");
    let request_id = root.get_attribute("ID").expect("ID");
    let xml = format!(
        r#"<samlp:LogoutResponse xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}" ID="_r{request_id}" Version="2.0" IssueInstant="{now}" Destination="{dest}" InResponseTo="{request_id}"><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{STATUS_PREFIX}{status}"/></samlp:Status></samlp:LogoutResponse>"#,
        now = instant(time::OffsetDateTime::now_utc()),
        dest = app.url("/saml/slo"),
        issuer = sp.entity_id,
    );
    format!(
        "/saml/slo?{}",
        signed_redirect_query("SAMLResponse", &xml, Some(relay), &sp.key).expect("signed")
    )
}

fn slo_url(sp: &TestSp) -> String {
    sp.acs.replace("/acs", "/slo")
}

/// `sp` receives our LogoutRequest for what its assertion said; returns (request, chain).
async fn told(w: &World, to: &str, sp: &TestSp, login: &Verified) -> (String, String) {
    assert!(to.starts_with("/saml/slo/continue?chain="), "{to}");
    let resp = w.app.get(to).await;
    assert_eq!(resp.status(), 303);
    let (request, relay) = redirected(&w.app, &location(&resp), &slo_url(sp));
    let doc = parse_strict(&request).expect("xml");
    let root = doc.get_root_element().expect("root");
    assert_eq!(root.get_name(), "LogoutRequest");
    assert_eq!(text(&descendants(&root, NS_SAML, "NameID")[0]), login.name_id);
    assert_eq!(text(&descendants(&root, NS_SAMLP, "SessionIndex")[0]), login.session_index);
    assert_eq!(root.get_attribute("Destination").as_deref(), Some(slo_url(sp).as_str()));
    (request, relay.expect("the chain travels as RelayState"))
}

async fn oidc_client_was_told(app: &TestApp, sid: &str) {
    for _ in 0..50 {
        let rows = app.state.store().find_oidc_logout_deliveries_of_session(sid).await.expect("rows");
        if !rows.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no back-channel logout for the OpenID client of session {sid}");
}

#[tokio::test]
async fn an_sp_initiated_logout_goes_round_the_other_sps_and_tells_the_openid_client() {
    let w = world("round").await;
    let path =
        w.a.signed_redirect(&logout_request(&w.app, &w.a, "_bye", &w.login_a), Some("from-a"))
            .replace("/saml/sso", "/saml/slo");
    let resp = w.app.get(&path).await;
    assert_eq!(resp.status(), 303);
    assert!(w.app.me().await.is_none(), "the session ended at once");
    oidc_client_was_told(&w.app, &w.sid).await;
    // The browser visits B with our LogoutRequest; B answers.
    let (request, chain) = told(&w, &location(&resp), &w.b, &w.login_b).await;
    let resp = w.app.get(&logout_response(&w.app, &w.b, &request, &chain, "Success")).await;
    assert_eq!(resp.status(), 303);
    let resp = w.app.get(&location(&resp)).await;
    assert_eq!(resp.status(), 303);
    // Then A gets its answer, with its RelayState.
    let (answer, relay) = redirected(&w.app, &location(&resp), &slo_url(&w.a));
    assert!(answer.contains(r#"InResponseTo="_bye""#), "{answer}");
    assert_eq!(status_of(&answer), "Success");
    assert_eq!(relay.as_deref(), Some("from-a"));
    // The round is over: replaying B's answer finds nothing.
    let replay = w.app.get(&logout_response(&w.app, &w.b, &request, &chain, "Success")).await;
    assert_eq!(replay.status(), 400);
}

#[tokio::test]
async fn an_sp_that_does_not_confirm_makes_the_logout_partial() {
    let w = world("partial").await;
    let path =
        w.a.signed_redirect(&logout_request(&w.app, &w.a, "_bye", &w.login_a), None)
            .replace("/saml/sso", "/saml/slo");
    let resp = w.app.get(&path).await;
    let (request, chain) = told(&w, &location(&resp), &w.b, &w.login_b).await;
    // An answer to B's request from another SP (A): refused, the round waits for B.
    let forged = logout_response(&w.app, &w.a, &request, &chain, "Success");
    assert_eq!(w.app.get(&forged).await.status(), 400);
    // B answers with an error.
    let resp = w.app.get(&logout_response(&w.app, &w.b, &request, &chain, "Responder")).await;
    let resp = w.app.get(&location(&resp)).await;
    let (answer, _) = redirected(&w.app, &location(&resp), &slo_url(&w.a));
    assert_eq!(status_of(&answer), "Success/PartialLogout");
}

#[tokio::test]
async fn the_portal_logout_tells_every_sp_before_going_home() {
    let w = world("portal").await;
    let page = w.app.get("/").await.text().await.expect("home");
    let csrf = extract_hidden(&page, "csrf").expect("csrf");
    let resp = w.app.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(resp.status(), 303);
    assert!(w.app.me().await.is_none());
    let (request, chain) = told(&w, &location(&resp), &w.a, &w.login_a).await;
    let resp = w.app.get(&logout_response(&w.app, &w.a, &request, &chain, "Success")).await;
    let (request, chain) = told(&w, &location(&resp), &w.b, &w.login_b).await;
    let resp = w.app.get(&logout_response(&w.app, &w.b, &request, &chain, "Success")).await;
    let resp = w.app.get(&location(&resp)).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/");
    oidc_client_was_told(&w.app, &w.sid).await;
}

#[tokio::test]
async fn an_openid_logout_tells_the_saml_sps_before_the_post_logout_redirect() {
    let w = world("oidc").await;
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", &w.id_token)
        .append_pair("post_logout_redirect_uri", "http://127.0.0.1:9/bye")
        .append_pair("state", "s1")
        .finish();
    let resp = w.app.get(&format!("/logout?{q}")).await;
    assert_eq!(resp.status(), 303);
    assert!(w.app.me().await.is_none());
    let (request, chain) = told(&w, &location(&resp), &w.a, &w.login_a).await;
    let resp = w.app.get(&logout_response(&w.app, &w.a, &request, &chain, "Success")).await;
    let (_, chain_b) = told(&w, &location(&resp), &w.b, &w.login_b).await;
    assert_eq!(chain, chain_b);
    // B never answers; the person comes back to the round by hand: B counts as not
    // confirmed and the browser goes on to the client.
    let resp = w.app.get(&format!("/saml/slo/continue?chain={chain}")).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "http://127.0.0.1:9/bye?state=s1");
    // An unknown round is a clear refusal, not a 500.
    let resp = w.app.get("/saml/slo/continue?chain=nothing").await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn the_demo_sp_logs_out_everywhere_and_answers_a_logout_begun_elsewhere() {
    let app = TestApp::spawn_with(|s| s.saml.is_enabled = true).await;
    let b = &app.client;
    // Log in at the demo SP: its page carries the logout form with what the assertion said.
    let login = sso(&app, b, "/demo-sp/login?binding=redirect", JAN, 400, Some("citizen")).await;
    let page = b
        .post(app.url("/demo-sp/acs"))
        .form(&[("SAMLResponse", STANDARD.encode(&login.xml).as_str()), ("RelayState", "demo-sp")])
        .send()
        .await
        .expect("POST")
        .text()
        .await
        .expect("page");
    assert!(page.contains("id=\"demo-sp-logout\""), "{}", crate::helpers::text_of(&page));
    let v = verify(&app, &login.xml);
    let csrf = extract_hidden(&page, "csrf").expect("csrf");
    assert_eq!(extract_hidden(&page, "session_index").as_deref(), Some(v.session_index.as_str()));

    // "Log out everywhere": the demo SP's signed LogoutRequest ends the session; Poort answers.
    let resp = b
        .post(app.url("/demo-sp/logout"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name_id", v.name_id.as_str()),
            ("session_index", &v.session_index),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 303);
    let to = location(&resp);
    assert!(to.starts_with(&app.url("/saml/slo?SAMLRequest=")), "{to}");
    let resp = b.get(&to).send().await.expect("GET");
    assert_eq!(resp.status(), 303);
    assert!(app.me().await.is_none(), "the session ended");
    let answer = location(&resp);
    assert!(answer.starts_with(&app.url("/demo-sp/slo?SAMLResponse=")), "{answer}");
    let page = b.get(&answer).send().await.expect("GET").text().await.expect("page");
    assert!(page.contains("id=\"demo-sp-logout-status\">Success<"), "{}", crate::helpers::text_of(&page));
    // The same answer again: the request it answers is no longer awaited.
    let again = b.get(&answer).send().await.expect("GET").text().await.expect("page");
    assert!(again.contains("does not answer the logout this browser asked for"));
    // A forged or unsigned message at the demo SP is refused with a page.
    let unsigned = answer.split("&SigAlg=").next().expect("query").to_string();
    let page = b.get(&unsigned).send().await.expect("GET").text().await.expect("page");
    assert!(page.contains("not signed"), "{}", crate::helpers::text_of(&page));

    // Logged in again at the demo SP and at another SP, logging out at the other SP sends
    // the browser to the demo SP, which confirms, and back.
    let other = TestSp::new("demo-other");
    other.register(&app, true, SpSettings::default()).await;
    let demo =
        verify(&app, &sso(&app, b, "/demo-sp/login?binding=redirect", JAN, 400, Some("citizen")).await.xml);
    assert!(!demo.session_index.is_empty());
    let o = verify(
        &app,
        &sso(&app, b, &other.signed_redirect(&other.request(&app, "_o", "", ""), None), JAN, 400, None)
            .await
            .xml,
    );
    let path = other
        .signed_redirect(&logout_request(&app, &other, "_bye", &o), None)
        .replace("/saml/sso", "/saml/slo");
    let resp = app.get(&path).await;
    let resp = app.get(&location(&resp)).await;
    let to_demo = location(&resp);
    assert!(to_demo.starts_with(&app.url("/demo-sp/slo?SAMLRequest=")), "{to_demo}");
    let resp = b.get(&to_demo).send().await.expect("GET");
    assert_eq!(resp.status(), 303, "the demo SP confirms");
    let back = location(&resp);
    let resp = b.get(&back).send().await.expect("GET");
    let resp = b.get(app.url(&location(&resp))).send().await.expect("GET");
    let (answer, _) = redirected(&app, &location(&resp), &slo_url(&other));
    assert_eq!(status_of(&answer), "Success", "the demo SP confirmed: no PartialLogout");
}
