//! Issue 14, item 6: what the identity provider refuses, each with a clear page (400, the
//! reason named, never a 500) and no answer to an ACS it cannot trust: unknown issuers,
//! unsigned requests from SPs that must sign, forged and SHA-1 signatures, signature
//! wrapping, replays, an ACS outside the metadata, XML external entities and entity
//! expansion, oversized messages.

use poort::kernel::saml::signing::{SIG_RSA_SHA1, SIG_RSA_SHA256};
use poort::protocol::saml::sp::SpSettings;

use crate::helpers::TestApp;
use crate::saml_support::{TestSp, refused, saml_app};

fn b64(xml: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(xml)
}

async fn post(app: &TestApp, xml: &str) -> reqwest::Response {
    app.post_form("/saml/sso", &[("SAMLRequest", b64(xml).as_str())]).await
}

#[tokio::test]
async fn requests_that_cannot_be_trusted_get_a_page_not_an_answer() {
    let app = saml_app().await;
    let sp = TestSp::new("strict");
    sp.register(&app, true, SpSettings::default()).await;
    let stranger = TestSp::new("stranger");
    // Unknown issuer.
    refused(
        app.get(&stranger.signed_redirect(&stranger.request(&app, "_u1", "", ""), None)).await,
        "not a registered service provider",
    )
    .await;
    // Unsigned, over both bindings, from an SP whose metadata promises signing.
    let unsigned = sp.request(&app, "_u2", "", "");
    refused(app.get(&sp.redirect_path(&unsigned, None, None)).await, "must sign its requests").await;
    refused(post(&app, &unsigned).await, "must sign its requests").await;
    // Signed with another key.
    let forged = sp.request(&app, "_u3", "", "");
    refused(
        app.get(&sp.redirect_path(&forged, None, Some((&stranger.key, SIG_RSA_SHA256)))).await,
        "does not verify",
    )
    .await;
    refused(post(&app, &stranger.signed(&forged, "_u3")).await, "does not verify").await;
    // SHA-1 is refused even with the right key.
    refused(app.get(&sp.redirect_path(&forged, None, Some((&sp.key, SIG_RSA_SHA1)))).await, "SHA-1").await;
    // A signed query whose RelayState was changed afterwards.
    let path = sp.signed_redirect(&sp.request(&app, "_u4", "", ""), Some("a"));
    refused(app.get(&path.replace("RelayState=a", "RelayState=b")).await, "does not verify").await;
    // An ACS the metadata does not list, even when signed.
    let evil = sp.request(&app, "_u5", r#"AssertionConsumerServiceURL="https://evil.example/acs""#, "");
    refused(app.get(&sp.signed_redirect(&evil, None)).await, "not in the service provider").await;
    // Sent to another identity provider.
    let elsewhere =
        sp.request(&app, "_u6", "", "").replace(&app.url("/saml/sso"), "https://other.example/sso");
    refused(app.get(&sp.signed_redirect(&elsewhere, None)).await, "another destination").await;
}

#[tokio::test]
async fn a_replayed_request_is_answered_once() {
    let app = saml_app().await;
    let sp = TestSp::new("replay");
    sp.register(&app, true, SpSettings::default()).await;
    let path = sp.signed_redirect(&sp.request(&app, "_once", "", ""), None);
    let first = app.get(&path).await;
    assert_eq!(first.status(), 303, "the first use opens a login");
    refused(TestApp::spawn_client().get(app.url(&path)).send().await.expect("GET"), "already answered").await;
}

#[tokio::test]
async fn signature_wrapping_is_refused() {
    let app = saml_app().await;
    let sp = TestSp::new("xsw");
    sp.register(&app, true, SpSettings::default()).await;
    let good = sp.signed(&sp.request(&app, "_good", "", ""), "_good");
    // 1. The signed request wrapped inside an unsigned one that names another ACS.
    let wrapper = sp.request(
        &app,
        "_evil",
        r#"AssertionConsumerServiceURL="https://evil.example/acs""#,
        &format!("<samlp:Extensions>{good}</samlp:Extensions>"),
    );
    refused(post(&app, &wrapper).await, "must sign its requests").await;
    // 2. The signed request with its ACS changed after signing.
    let tampered = good.replacen(
        r#"Version="2.0""#,
        r#"Version="2.0" AssertionConsumerServiceURL="https://xsw.sp.example/acs""#,
        1,
    );
    refused(post(&app, &tampered).await, "does not verify").await;
    // 3. The signature moved to cover a copy with the same ID hidden in Extensions, the root
    //    carrying new content: what is signed is not the root request.
    let copy = sp.request(&app, "_good", "", "");
    let signature_start = good.find("<ds:Signature").expect("signature");
    let signature_end = good.find("</ds:Signature>").expect("end") + "</ds:Signature>".len();
    let signature = &good[signature_start..signature_end];
    let root = sp.request(
        &app,
        "_good",
        r#"ForceAuthn="false""#,
        &format!("{signature}<samlp:Extensions>{copy}</samlp:Extensions>"),
    );
    let response = post(&app, &root).await;
    let status = response.status().as_u16();
    assert_eq!(status, 400, "a moved signature never verifies for another root");
}

#[tokio::test]
async fn hostile_xml_and_oversized_messages_are_refused() {
    let app = saml_app().await;
    let sp = TestSp::new("xml");
    sp.register(&app, false, SpSettings::default()).await;
    let xxe = format!(
        r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>{}"#,
        sp.request(&app, "_x1", "", "<samlp:Extensions>&x;</samlp:Extensions>")
    );
    refused(post(&app, &xxe).await, "declares a DTD").await;
    let bomb = format!(
        r#"<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>{}"#,
        sp.request(&app, "_x2", "", "<samlp:Extensions>&c;</samlp:Extensions>")
    );
    refused(post(&app, &bomb).await, "declares a DTD").await;
    let huge = sp.request(
        &app,
        "_x3",
        "",
        &format!("<samlp:Extensions>{}</samlp:Extensions>", "a".repeat(300 * 1024)),
    );
    let resp = post(&app, &huge).await;
    assert!(matches!(resp.status().as_u16(), 400 | 413), "too large: {}", resp.status());
    refused(app.get("/saml/sso?SAMLRequest=%%%not-base64").await, "not base64").await;
    refused(app.get("/saml/sso").await, "no SAMLRequest").await;
    refused(
        post(&app, "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>").await,
        "not samlp:AuthnRequest",
    )
    .await;
}
