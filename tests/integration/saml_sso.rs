//! Issue 14: SAML single sign-on against the identity provider, as a service provider sees
//! it — both bindings, signed Responses and Assertions checked with the published
//! certificate (by samael/xmlsec here and by the `xmlsec1` program), the exact subject
//! confirmation, every NameID format, the attributes of each profile kind, single sign-on
//! with a session, ForceAuthn, IsPassive, the requested level, IdP-initiated login, and
//! the metadata.

use poort::protocol::saml::sp::{NameIdFormat, SpSettings};

use crate::btb_support::{CLINIC, EMMA, JAN, MARIE};
use crate::helpers::TestApp;
use crate::oidc_support::location;
use crate::saml_support::{TestSp, idp_certs, saml_app, sso, status_of, verify};

const FAS_400: &str = "urn:be:fedict:iam:fas:Level400";
const FAS_450: &str = "urn:be:fedict:iam:fas:Level450";

fn settings(format: NameIdFormat) -> SpSettings {
    SpSettings { name_id_format: format, ..SpSettings::default() }
}

#[tokio::test]
async fn a_redirect_login_gives_a_signed_response_with_the_exact_confirmation() {
    let app = saml_app().await;
    let sp = TestSp::new("redirect");
    sp.register(&app, true, settings(NameIdFormat::Transient)).await;
    let b = TestApp::spawn_client();
    let xml = sp.request(
        &app,
        "_req-redirect-1",
        r#"AssertionConsumerServiceURL="https://redirect.sp.example/acs""#,
        "",
    );
    let posted = sso(&app, &b, &sp.signed_redirect(&xml, Some("state-42")), JAN, 450, None).await;
    assert_eq!(posted.action, sp.acs, "the Response goes to the registered ACS");
    assert_eq!(posted.relay_state.as_deref(), Some("state-42"), "RelayState comes back unchanged");
    let v = verify(&app, &posted.xml);
    assert_eq!(v.status, "Success");
    assert!(v.is_assertion_signed, "the SP's metadata wants signed assertions");
    assert_eq!(v.in_response_to.as_deref(), Some("_req-redirect-1"));
    assert_eq!(v.confirmation_in_response_to.as_deref(), Some("_req-redirect-1"));
    assert_eq!(v.recipient, sp.acs);
    assert_eq!(v.audience, sp.entity_id);
    assert!(v.has_not_on_or_after);
    assert_eq!(v.class_ref, FAS_450, "the level of the login");
    assert!(!v.session_index.is_empty());
    assert_eq!(v.name_id_format, NameIdFormat::Transient.uri());
    assert_eq!(v.attribute("givenName"), Some(&["Jan".to_string()][..]));
    assert!(v.attribute("fedid").is_some_and(|f| !f[0].is_empty()));
    assert_eq!(v.attribute("profileKind"), Some(&["citizen".to_string()][..]));
    assert!(v.attribute("roles").is_none() && v.attribute("enterpriseNumber").is_none());
    assert!(v.attribute("egovNRN").is_none(), "the national number only when the SP is registered for it");
    xmlsec1_verifies(&app, &posted.xml);
}

/// The Response's signature checked by software we did not write: the `xmlsec1` program.
fn xmlsec1_verifies(app: &TestApp, xml: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let cert = dir.path().join("idp.pem");
    let pem = openssl::x509::X509::from_der(&idp_certs(app)[0]).expect("cert").to_pem().expect("pem");
    std::fs::write(&cert, pem).expect("cert");
    let file = dir.path().join("response.xml");
    std::fs::write(&file, xml).expect("xml");
    let out = std::process::Command::new("xmlsec1")
        .args([
            "--verify",
            "--enabled-reference-uris",
            "same-doc",
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
        ])
        .arg("--pubkey-cert-pem")
        .arg(&cert)
        .arg(&file)
        .output()
        .expect("xmlsec1 runs (apt package xmlsec1)");
    assert!(out.status.success(), "xmlsec1: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn a_post_login_with_persistent_name_ids_is_stable_per_sp_and_differs_between_sps() {
    let app = saml_app().await;
    let (one, two) = (TestSp::new("post-one"), TestSp::new("post-two"));
    one.register(&app, true, settings(NameIdFormat::Persistent)).await;
    two.register(&app, false, settings(NameIdFormat::Persistent)).await;
    let post_login = |sp: &TestSp, id: &str, b: reqwest::Client| {
        let xml = sp.signed(&sp.request(&app, id, "", ""), id);
        let app = &app;
        async move {
            let resp = b
                .post(app.url("/saml/sso"))
                .form(&[("SAMLRequest", base64_of(&xml).as_str()), ("RelayState", "r")])
                .send()
                .await
                .expect("POST");
            assert_eq!(resp.status(), 303, "the POST opens a transaction and continues on a GET");
            let to = location(&resp);
            assert!(to.starts_with("/saml/sso/start?tx="), "{to}");
            sso(app, &b, &to, JAN, 400, None).await
        }
    };
    let b = TestApp::spawn_client();
    let first = verify(&app, &post_login(&one, "_p1", b.clone()).await.xml);
    let again = verify(&app, &post_login(&one, "_p2", TestApp::spawn_client()).await.xml);
    let other = verify(&app, &post_login(&two, "_p3", TestApp::spawn_client()).await.xml);
    assert_eq!(first.name_id_format, NameIdFormat::Persistent.uri());
    assert_eq!(first.name_id, again.name_id, "persistent: the same at every login");
    assert_ne!(first.name_id, other.name_id, "pairwise: another SP gets another value");
    assert_eq!(first.class_ref, FAS_400);
    // Transient and e-mail formats, asked for in NameIDPolicy.
    let policy = |f: &str| format!(r#"<samlp:NameIDPolicy Format="{f}" AllowCreate="true"/>"#);
    let b = TestApp::spawn_client();
    let t1 = sp_login(&app, &b, &two, "_t1", &policy(NameIdFormat::Transient.uri())).await;
    let t2 = sp_login(&app, &b, &two, "_t2", &policy(NameIdFormat::Transient.uri())).await;
    assert_ne!(verify(&app, &t1).name_id, verify(&app, &t2).name_id, "transient: new at every assertion");
    // Jan has no e-mail address yet: the e-mail format is refused to the SP, then works.
    let no_mail = sp_login(&app, &b, &two, "_m0", &policy(NameIdFormat::Email.uri())).await;
    assert_eq!(status_of(&no_mail), "Requester/InvalidNameIDPolicy");
    let jan = app
        .state
        .store()
        .find_identity_by_national_number(&poort::domain::NationalNumber::parse(JAN).expect("nn"))
        .await
        .expect("db")
        .expect("Jan");
    app.state.store().update_identity_email(&jan.id, Some("jan@iatreion.example")).await.expect("email");
    let mail = verify(&app, &sp_login(&app, &b, &two, "_m1", &policy(NameIdFormat::Email.uri())).await);
    assert_eq!(mail.name_id_format, NameIdFormat::Email.uri());
    assert_eq!(mail.name_id, "jan@iatreion.example");
    assert_eq!(mail.attribute("mail"), Some(&["jan@iatreion.example".to_string()][..]));
    let refused =
        sp_login(&app, &b, &two, "_x1", &policy("urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos")).await;
    assert_eq!(status_of(&refused), "Requester/InvalidNameIDPolicy");
}

fn base64_of(xml: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(xml)
}

/// An unsigned Redirect login of Jan (Level500) at `sp` with `body` in the request.
async fn sp_login(app: &TestApp, b: &reqwest::Client, sp: &TestSp, id: &str, body: &str) -> String {
    let xml = sp.request(app, id, "", body);
    sso(app, b, &sp.redirect_path(&xml, None, None), JAN, 500, None).await.xml
}

#[tokio::test]
async fn single_sign_on_force_authn_is_passive_and_the_requested_level() {
    let app = saml_app().await;
    let sp = TestSp::new("sso");
    sp.register(&app, false, settings(NameIdFormat::Transient)).await;
    let b = TestApp::spawn_client();
    // IsPassive without a session: NoPassive to the ACS, no login page.
    let passive = sp.request(&app, "_passive", r#"IsPassive="true""#, "");
    let resp = b.get(app.url(&sp.redirect_path(&passive, None, None))).send().await.expect("GET");
    let start = location(&resp);
    let page = b.get(app.url(&start)).send().await.expect("GET").text().await.expect("page");
    let answer = crate::saml_support::posted(&page).expect("a form post to the ACS");
    assert_eq!(status_of(&answer.xml), "Responder/NoPassive");
    // A login at Level400, then single sign-on: no login page the second time.
    let first = sp_login_at(&app, &b, &sp, "_s1", "", 400).await;
    assert_eq!(verify(&app, &first).class_ref, FAS_400);
    let resp = b
        .get(app.url(&sp.redirect_path(&sp.request(&app, "_s2", "", ""), None, None)))
        .send()
        .await
        .expect("GET");
    let to = b.get(app.url(&location(&resp))).send().await.expect("GET");
    assert!(location(&to).starts_with("/saml/sso/resume"), "single sign-on skips the login page");
    // ForceAuthn: the login page although a session exists.
    let forced = sp.request(&app, "_s3", r#"ForceAuthn="true""#, "");
    let resp = b.get(app.url(&sp.redirect_path(&forced, None, None))).send().await.expect("GET");
    let to = b.get(app.url(&location(&resp))).send().await.expect("GET");
    assert!(location(&to).starts_with("/login?tx="), "ForceAuthn shows the login page");
    // Level450 asked (minimum) with a Level400 session: the login page again.
    let stronger = format!(
        r#"<samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>{FAS_450}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>"#
    );
    let resp = b
        .get(app.url(&sp.redirect_path(&sp.request(&app, "_s4", "", &stronger), None, None)))
        .send()
        .await
        .expect("GET");
    let to = b.get(app.url(&location(&resp))).send().await.expect("GET");
    assert!(location(&to).starts_with("/login?tx="), "a stronger level needs a new login");
    // An unknown class reference: NoAuthnContext.
    let unknown = r#"<samlp:RequestedAuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>"#;
    let resp = b
        .get(app.url(&sp.redirect_path(&sp.request(&app, "_s5", "", unknown), None, None)))
        .send()
        .await
        .expect("GET");
    let answer = crate::saml_support::posted(&resp.text().await.expect("page")).expect("a form post");
    assert_eq!(status_of(&answer.xml), "Requester/NoAuthnContext");
}

async fn sp_login_at(
    app: &TestApp,
    b: &reqwest::Client,
    sp: &TestSp,
    id: &str,
    body: &str,
    level: u16,
) -> String {
    let xml = sp.request(app, id, "", body);
    sso(app, b, &sp.redirect_path(&xml, None, None), JAN, level, None).await.xml
}

#[tokio::test]
async fn the_profile_s_enterprise_and_roles_reach_the_sp_reduced_to_its_domain() {
    let app = saml_app().await;
    app.state.btb().seed_demo().await.expect("the demo clinic");
    let care = TestSp::new("care");
    care.register(&app, false, SpSettings { domains: vec!["health_care".into()], ..SpSettings::default() })
        .await;
    let fin = TestSp::new("fin");
    fin.register(&app, false, SpSettings { domains: vec!["finance".into()], ..SpSettings::default() }).await;
    let clinic = CLINIC.replace('.', "");
    let login = |sp: &'static str, person: &'static str, choose: Option<&'static str>| {
        let app = &app;
        let s = if sp == "care" { &care } else { &fin };
        let id = format!("_{sp}_{}", person.replace(['.', '-'], ""));
        let path = s.redirect_path(&s.request(app, &id, "", ""), None, None);
        async move { verify(app, &sso(app, &TestApp::spawn_client(), &path, person, 450, choose).await.xml) }
    };
    let marie = login("care", MARIE, None).await;
    assert_eq!(marie.attribute("profileKind"), Some(&["enterprise".to_string()][..]));
    assert_eq!(marie.attribute("enterpriseNumber"), Some(&[clinic.clone()][..]));
    assert_eq!(
        marie.attribute("roles"),
        Some(&["btb:head_access_manager".to_string(), "legal:chair_of_the_board".to_string()][..]),
        "the same role strings as the OIDC roles claim"
    );
    let emma_care = login("care", EMMA, Some("0410561210")).await;
    assert_eq!(
        emma_care.attribute("roles"),
        Some(&["btb:access_manager:health_care".to_string(), "employment:employee".to_string()][..])
    );
    let emma_fin = login("fin", EMMA, None).await;
    assert_eq!(
        emma_fin.attribute("roles"),
        Some(&["employment:employee".to_string()][..]),
        "the Finance application does not learn she manages health care"
    );
}

#[tokio::test]
async fn idp_initiated_login_only_for_sps_that_allow_it() {
    let app = saml_app().await;
    let allowed = TestSp::new("unsolicited");
    // Its metadata does not want signed assertions: the Response's signature covers it.
    let metadata =
        allowed.metadata(false).replace(r#"WantAssertionsSigned="true""#, r#"WantAssertionsSigned="false""#);
    let sp = poort::protocol::saml::sp::from_metadata(
        &metadata,
        SpSettings { allows_idp_initiated: true, ..SpSettings::default() },
    )
    .expect("metadata");
    app.state.store().upsert_saml_sp(&sp.entity_id, &sp).await.expect("registered");
    let closed = TestSp::new("closed");
    closed.register(&app, false, SpSettings::default()).await;
    let path = format!("/saml/idp-initiated?sp={}&RelayState=home", allowed.entity_id);
    let posted = sso(&app, &TestApp::spawn_client(), &path, JAN, 450, None).await;
    let v = verify(&app, &posted.xml);
    assert_eq!(v.in_response_to, None, "an unsolicited response answers no request");
    assert!(!v.is_assertion_signed, "by default only the Response is signed");
    assert_eq!(v.confirmation_in_response_to, None);
    assert_eq!(posted.relay_state.as_deref(), Some("home"));
    let resp = app.get(&format!("/saml/idp-initiated?sp={}", closed.entity_id)).await;
    crate::saml_support::refused(resp, "not a registered service provider").await;
}

#[tokio::test]
async fn the_metadata_names_the_endpoints_and_verifies_when_signed() {
    let app = saml_app().await;
    let resp = app.get("/saml/metadata").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/samlmetadata+xml");
    let xml = resp.text().await.expect("xml");
    let entity = app.url("/saml/metadata");
    assert!(xml.contains(&format!(r#"entityID="{entity}""#)), "{xml}");
    for binding in ["HTTP-Redirect", "HTTP-POST"] {
        assert!(
            xml.contains(&format!(r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{}"/>"#, app.url("/saml/sso"))),
            "{xml}"
        );
    }
    assert!(xml.contains("nameid-format:persistent") && xml.contains("nameid-format:emailAddress"));
    assert!(!xml.contains("<ds:Signature"), "unsigned unless asked");
    let signed = app.get("/saml/metadata?signed=true").await.text().await.expect("xml");
    assert!(signed.contains("validUntil=") && signed.contains("cacheDuration="));
    poort::kernel::saml::signing::verify_and_reduce_any(&signed, &idp_certs(&app))
        .expect("the metadata's signature verifies");
}

#[tokio::test]
async fn the_demo_sp_refuses_what_it_cannot_verify_with_a_page() {
    let app = TestApp::spawn_with(|s| s.saml.is_enabled = true).await;
    let page = app.post_form("/demo-sp/acs", &[("SAMLResponse", "%%% not base64")]).await;
    assert_eq!(page.status(), 200, "a page, never a 500");
    assert!(page.text().await.expect("page").contains("not base64"));
    // A well-formed Success response that answers no request of this browser.
    let forged = base64_of(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_f" Version="2.0" IssueInstant="2026-01-01T00:00:00Z" InResponseTo="_x"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>"#,
    );
    let body =
        app.post_form("/demo-sp/acs", &[("SAMLResponse", forged.as_str())]).await.text().await.expect("page");
    assert!(
        body.contains("does not answer the request this browser sent"),
        "{}",
        crate::helpers::text_of(&body)
    );
    assert!(!body.contains("demo-sp-name-id"), "nothing is shown as received");
}
