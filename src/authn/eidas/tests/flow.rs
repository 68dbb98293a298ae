//! The whole login over real HTTP: SP request → mock node → chosen identity → SP validation.

use time::OffsetDateTime;

use super::{ACS, Fixture, field, form_action, start};
use crate::authn::eidas::{
    AuthnParams, EidasError, EidasIdentity, InMemoryReplayGuard, Loa, build_authn_request, sp_metadata_xml,
    validate_response,
};

/// Runs the browser's part: post the request, choose, and return the posted answer.
async fn login(f: &Fixture, requested: Loa, choice: &[(&str, &str)]) -> Result<EidasIdentity, EidasError> {
    let now = OffsetDateTime::now_utc();
    let params = AuthnParams { loa: requested, requested_country: None };
    let (form, pending) = build_authn_request(&f.sp, &params, now).expect("request");
    assert_eq!(form.action_url, format!("{}/sso", f.base));
    let client = reqwest::Client::new();
    let chooser = client
        .post(&form.action_url)
        .form(&[("SAMLRequest", form.saml_request_b64.as_str()), ("RelayState", form.relay_state.as_str())])
        .send()
        .await
        .expect("post request");
    assert_eq!(chooser.status(), 200);
    let csp = chooser.headers()["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("default-src 'none'"));
    let html = chooser.text().await.expect("chooser");
    assert!(html.contains("DEMO — mock eIDAS node, not a real one"));
    assert!(html.contains("eIDAS (DEMO — mock of a European eIDAS node)"));
    assert!(!html.contains("<script"));
    let mut fields = vec![("session", field(&html, "session"))];
    fields.extend(choice.iter().map(|(k, v)| (*k, (*v).to_string())));
    let answer = client
        .post(format!("{}/sso/choose", f.base))
        .form(&fields)
        .send()
        .await
        .expect("post choice")
        .text()
        .await
        .expect("answer");
    assert!(answer.contains("DEMO — mock eIDAS node, not a real one"));
    assert!(answer.contains(">Continue</button>") && !answer.contains("<script"));
    assert_eq!(form_action(&answer), ACS);
    let saml_response = field(&answer, "SAMLResponse");
    let relay_state = field(&answer, "RelayState");
    let replay = InMemoryReplayGuard::default();
    validate_response(&f.sp, &saml_response, &relay_state, &pending, OffsetDateTime::now_utc(), &replay).await
}

#[tokio::test]
async fn a_dutch_citizen_logs_in_at_high_through_the_mock_node() {
    let f = start().await;
    let who = login(
        &f,
        Loa::Substantial,
        &[("action", "login"), ("country", "NL"), ("identity", "1"), ("loa", "high")],
    )
    .await
    .expect("identity");
    assert_eq!(who.person_identifier, "NL/BE/123456782");
    assert_eq!(who.country_of_origin, "NL");
    assert!(!who.is_belgian && who.national_number_if_belgian.is_none());
    assert_eq!((who.given_name.as_str(), who.family_name.as_str()), ("Willem", "de Vries"));
    assert_eq!(who.birth_date, time::macros::date!(1970 - 09 - 05));
    assert_eq!((who.loa.as_str(), who.level), ("http://eidas.europa.eu/LoA/high", 450));
}

#[tokio::test]
async fn a_belgian_citizen_through_eidas_gets_the_national_number() {
    let f = start().await;
    let who = login(
        &f,
        Loa::Substantial,
        &[("action", "login"), ("country", "BE"), ("identity", "0"), ("loa", "substantial")],
    )
    .await
    .expect("identity");
    assert!(who.is_belgian);
    assert_eq!(who.national_number_if_belgian.as_deref(), Some("78031412349"));
    assert_eq!(who.level, 400);
}

#[tokio::test]
async fn cancelling_at_the_node_is_reported_as_cancelled() {
    let f = start().await;
    let err = login(&f, Loa::Substantial, &[("action", "cancel")]).await;
    assert_eq!(err, Err(EidasError::Cancelled));
    assert_eq!(EidasError::Cancelled.code(), "eidas.cancelled");
}

#[tokio::test]
async fn a_login_below_the_requested_level_is_refused() {
    let f = start().await;
    let err =
        login(&f, Loa::High, &[("action", "login"), ("country", "FR"), ("identity", "2"), ("loa", "low")])
            .await;
    assert_eq!(err, Err(EidasError::InsufficientLoa));
}

#[tokio::test]
async fn the_mock_node_refuses_a_tampered_request() {
    let f = start().await;
    let params = AuthnParams { loa: Loa::Low, requested_country: Some("nl".into()) };
    let (form, pending) = build_authn_request(&f.sp, &params, OffsetDateTime::now_utc()).expect("request");
    assert_eq!(pending.requested_country.as_deref(), Some("NL"));
    assert_eq!(pending.loa, Loa::Substantial, "the configured LoA is a floor");
    let xml = String::from_utf8(base64_decode(&form.saml_request_b64)).expect("utf8");
    assert!(f.node.verify_request(&form.saml_request_b64).is_ok());
    let tampered = base64_encode(xml.replace("ForceAuthn=\"true\"", "ForceAuthn=\"false\""));
    assert_eq!(f.node.verify_request(&tampered), Err("AuthnRequest signature does not verify"));
    let resp = reqwest::Client::new()
        .post(&form.action_url)
        .form(&[("SAMLRequest", tampered.as_str()), ("RelayState", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.expect("body").contains("DEMO — mock eIDAS node"));
}

#[tokio::test]
async fn the_authn_request_carries_the_eidas_elements() {
    let f = start().await;
    let params = AuthnParams { loa: Loa::High, requested_country: None };
    let (form, pending) = build_authn_request(&f.sp, &params, OffsetDateTime::now_utc()).expect("request");
    let xml = String::from_utf8(base64_decode(&form.saml_request_b64)).expect("utf8");
    assert_eq!(pending.request_id.len(), 33, "_ + 32 hex digits = 128 bits");
    for needle in [
        r#"ForceAuthn="true""#,
        r#"<eidas:SPType>public</eidas:SPType>"#,
        r#"Comparison="minimum""#,
        "http://eidas.europa.eu/LoA/high",
        "naturalperson/PersonIdentifier",
        "naturalperson/CurrentFamilyName",
        "naturalperson/CurrentGivenName",
        "naturalperson/DateOfBirth",
        r#"isRequired="true""#,
        "xmldsig-more#rsa-sha256",
        "xmlenc#sha256",
    ] {
        assert!(xml.contains(needle), "missing {needle}");
    }
    assert_eq!(f.node.verify_request(&form.saml_request_b64).map(|r| r.requested_loa), Ok(Loa::High));
}

#[tokio::test]
async fn the_sp_metadata_is_signed_and_announces_signing() {
    let f = start().await;
    let xml = sp_metadata_xml(&f.sp);
    assert!(xml.contains(r#"AuthnRequestsSigned="true""#));
    assert!(xml.contains(r#"WantAssertionsSigned="true""#));
    assert!(xml.contains(ACS));
    let cert = crate::kernel::saml::signing::cert_der_from_pem(&f.sp_cert_pem, "cert").expect("cert");
    assert!(crate::kernel::saml::signing::verify_and_reduce(&xml, &cert).is_ok());
}

pub(super) fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).expect("base64")
}

pub(super) fn base64_encode(s: impl AsRef<[u8]>) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn a_node_key_rollover_keeps_logins_working_with_every_trusted_certificate() {
    let mut f = start().await;
    let choice = [("action", "login"), ("country", "NL"), ("identity", "1"), ("loa", "high")];
    // The node's metadata lists its next certificate first: both are trusted.
    let (_, next_pem) = super::generate_key("node next key").expect("key");
    let next = crate::kernel::saml::signing::cert_der_from_pem(&next_pem, "next").expect("der");
    f.sp.node.certificates_der.insert(0, next.clone());
    assert!(login(&f, Loa::Substantial, &choice).await.is_ok(), "signed with the second certificate");
    // Only a certificate the node does not sign with: refused as a signature failure.
    f.sp.node.certificates_der = vec![next];
    assert_eq!(login(&f, Loa::Substantial, &choice).await.err(), Some(EidasError::InvalidSignature));
}

#[test]
fn node_metadata_gives_every_signing_certificate_and_unsigned_metadata_is_named() {
    use crate::kernel::saml::signing::{SigningKey, cert_der_from_pem};
    let (meta_key, meta_cert) = super::generate_key("metadata signer").expect("key");
    let signer = SigningKey::from_pem(&meta_key, &meta_cert).expect("pem");
    let (_, a) = super::generate_key("node a").expect("key");
    let (_, b) = super::generate_key("node b").expect("key");
    let b64 = |pem: &str| base64_encode(cert_der_from_pem(pem, "c").expect("der"));
    let key = |c: &str| {
        format!(
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#
        )
    };
    let xml = |signature: &str| {
        format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="_m" entityID="https://node.example/metadata">{signature}<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{}{}<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://node.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#,
            key(&b64(&a)),
            key(&b64(&b))
        )
    };
    let signed = signer.sign(&xml(&signer.template("_m"))).expect("signed");
    let trust_der = cert_der_from_pem(&meta_cert, "c").expect("der");
    let node = super::super::node_from_metadata_xml(&signed, &trust_der).expect("node");
    assert_eq!(node.certificates_der.len(), 2, "both certificates of a rollover are trusted");
    let unsigned = super::super::node_from_metadata_xml(&xml(""), &trust_der).expect_err("refused");
    assert!(unsigned.to_string().contains("is not signed"), "{unsigned}");
    let (_, other) = super::generate_key("other").expect("key");
    let wrong = super::super::node_from_metadata_xml(&signed, &cert_der_from_pem(&other, "c").expect("der"))
        .expect_err("refused");
    assert!(wrong.to_string().contains("does not verify"), "{wrong}");
}
