//! Issue 14, item 5 (SP-initiated part): a service provider's signed LogoutRequest ends the
//! session that gave it the NameID, over both bindings, and gets a signed LogoutResponse at
//! its SingleLogoutService; unsigned or foreign requests are refused and end nothing.

use std::io::Read as _;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use poort::kernel::saml::signing::{SIG_RSA_SHA256, verify_and_reduce_any, verify_detached};
use poort::kernel::saml::xml::{NS_SAML, NS_SAMLP, instant};
use poort::protocol::saml::sp::{NameIdFormat, SpSettings};

use crate::btb_support::JAN;
use crate::helpers::TestApp;
use crate::oidc_support::location;
use crate::saml_support::{TestSp, idp_certs, posted, refused, saml_app, sso, status_of, verify};

fn logout_request(app: &TestApp, sp: &TestSp, id: &str, name_id: &str, index: &str) -> String {
    format!(
        r#"<samlp:LogoutRequest xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{dest}"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID>{name_id}</saml:NameID><samlp:SessionIndex>{index}</samlp:SessionIndex></samlp:LogoutRequest>"#,
        now = instant(time::OffsetDateTime::now_utc()),
        dest = app.url("/saml/slo"),
        issuer = sp.entity_id,
    )
}

async fn is_logged_in(app: &TestApp, b: &reqwest::Client) -> bool {
    b.get(app.url("/api/v1/me")).send().await.expect("GET").status() == 200
}

#[tokio::test]
async fn a_signed_logout_request_ends_the_session_over_both_bindings() {
    let app = saml_app().await;
    let sp = TestSp::new("slo");
    sp.register(&app, true, SpSettings { name_id_format: NameIdFormat::Persistent, ..SpSettings::default() })
        .await;
    let metadata = app.get("/saml/metadata").await.text().await.expect("xml");
    assert!(metadata.contains(&format!(r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{}"/>"#, app.url("/saml/slo"))), "{metadata}");

    // HTTP-Redirect.
    let b = TestApp::spawn_client();
    let login =
        sso(&app, &b, &sp.signed_redirect(&sp.request(&app, "_in1", "", ""), None), JAN, 400, None).await;
    let v = verify(&app, &login.xml);
    assert!(is_logged_in(&app, &b).await);
    // Unsigned: refused, and the session stays.
    let unsigned = logout_request(&app, &sp, "_out0", &v.name_id, &v.session_index);
    refused(
        b.get(app.url(&sp.redirect_path(&unsigned, None, None).replace("/saml/sso", "/saml/slo")))
            .send()
            .await
            .expect("GET"),
        "must sign",
    )
    .await;
    // Another SP's key: refused.
    let stranger = TestSp::new("slo-stranger");
    let forged = sp
        .redirect_path(&unsigned, None, Some((&stranger.key, SIG_RSA_SHA256)))
        .replace("/saml/sso", "/saml/slo");
    refused(b.get(app.url(&forged)).send().await.expect("GET"), "does not verify").await;
    assert!(is_logged_in(&app, &b).await, "a refused logout ends nothing");
    let path = sp
        .signed_redirect(&logout_request(&app, &sp, "_out1", &v.name_id, &v.session_index), Some("bye"))
        .replace("/saml/sso", "/saml/slo");
    let resp = b.get(app.url(&path)).send().await.expect("GET");
    assert_eq!(resp.status(), 303);
    let to = location(&resp);
    assert!(to.starts_with("https://slo.sp.example/slo?SAMLResponse="), "{to}");
    let (signed_part, signature) =
        to.split_once("?").expect("query").1.rsplit_once("&Signature=").expect("signed");
    let query: std::collections::HashMap<String, String> =
        form_urlencoded::parse(signed_part.as_bytes()).into_owned().collect();
    assert_eq!(query["RelayState"], "bye");
    let sig = STANDARD
        .decode(form_urlencoded::parse(format!("s={signature}").as_bytes()).next().expect("sig").1.as_bytes())
        .expect("b64");
    verify_detached(signed_part.as_bytes(), &query["SigAlg"], &sig, &idp_certs(&app))
        .expect("the LogoutResponse is signed by the IdP");
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(STANDARD.decode(&query["SAMLResponse"]).expect("b64").as_slice())
        .read_to_string(&mut xml)
        .expect("inflate");
    assert!(xml.contains(r#"InResponseTo="_out1""#), "{xml}");
    assert_eq!(status_of(&xml), "Success");
    assert!(!is_logged_in(&app, &b).await, "the session ended");

    // HTTP-POST, from a browser without Poort's cookies (a cross-site POST carries none).
    let b = TestApp::spawn_client();
    let login =
        sso(&app, &b, &sp.signed_redirect(&sp.request(&app, "_in2", "", ""), None), JAN, 400, None).await;
    let v = verify(&app, &login.xml);
    let request = sp.signed(&logout_request(&app, &sp, "_out2", &v.name_id, &v.session_index), "_out2");
    let resp = TestApp::spawn_client()
        .post(app.url("/saml/slo"))
        .form(&[("SAMLRequest", STANDARD.encode(request).as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.expect("page");
    let answer = posted(&page).expect("a form post to the SP");
    assert_eq!(answer.action, "https://slo.sp.example/slo-post");
    verify_and_reduce_any(&answer.xml, &idp_certs(&app)).expect("signed");
    assert_eq!(status_of(&answer.xml), "Success");
    assert!(!is_logged_in(&app, &b).await, "found by NameID and SessionIndex, without the cookie");
}

#[tokio::test]
async fn logout_requests_that_cannot_be_answered_are_refused_and_end_nothing() {
    let app = saml_app().await;
    let sp = TestSp::new("slo-refused");
    sp.register(&app, true, SpSettings::default()).await;
    let b = TestApp::spawn_client();
    let login =
        sso(&app, &b, &sp.signed_redirect(&sp.request(&app, "_in", "", ""), None), JAN, 400, None).await;
    let v = verify(&app, &login.xml);
    let slo = |xml: &str| sp.signed_redirect(xml, None).replace("/saml/sso", "/saml/slo");
    // Too old.
    let stale = logout_request(&app, &sp, "_old", &v.name_id, &v.session_index)
        .replace(&instant(time::OffsetDateTime::now_utc()), "2020-01-01T00:00:00Z");
    refused(b.get(app.url(&slo(&stale))).send().await.expect("GET"), "too old").await;
    // Meant for another identity provider.
    let elsewhere = logout_request(&app, &sp, "_else", &v.name_id, &v.session_index)
        .replace(&app.url("/saml/slo"), "https://other.example/slo");
    refused(b.get(app.url(&slo(&elsewhere))).send().await.expect("GET"), "another destination").await;
    // An AuthnRequest is not a logout.
    refused(
        b.get(app.url(&slo(&sp.request(&app, "_authn", "", "")))).send().await.expect("GET"),
        "LogoutRequest",
    )
    .await;
    assert!(is_logged_in(&app, &b).await, "nothing was ended");
    // An SP whose metadata has no SingleLogoutService gets a page, and nothing ends.
    let mute = TestSp::new("slo-mute");
    let metadata = mute
        .metadata(true)
        .lines()
        .filter(|l| !l.contains("SingleLogoutService"))
        .collect::<Vec<_>>()
        .join("\n");
    let registered =
        poort::protocol::saml::sp::from_metadata(&metadata, SpSettings::default()).expect("metadata");
    app.state.store().upsert_saml_sp(&registered.entity_id, &registered).await.expect("registered");
    let mute_login =
        sso(&app, &b, &mute.signed_redirect(&mute.request(&app, "_in2", "", ""), None), JAN, 400, None).await;
    let mv = verify(&app, &mute_login.xml);
    let path = mute
        .signed_redirect(&logout_request(&app, &mute, "_m", &mv.name_id, &mv.session_index), None)
        .replace("/saml/sso", "/saml/slo");
    refused(b.get(app.url(&path)).send().await.expect("GET"), "no SingleLogoutService").await;
    assert!(is_logged_in(&app, &b).await);
    // An over-long RelayState.
    let long = sp.signed_redirect(
        &logout_request(&app, &sp, "_long", &v.name_id, &v.session_index),
        Some(&"r".repeat(2000)),
    );
    refused(
        b.get(app.url(&long.replace("/saml/sso", "/saml/slo"))).send().await.expect("GET"),
        "RelayState is too long",
    )
    .await;
}
