use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::protocol::saml::sp::{Endpoint, ServiceProvider, SpSettings};

fn sp() -> ServiceProvider {
    ServiceProvider {
        entity_id: "https://sp.example".into(),
        name: "SP".into(),
        acs: vec![Endpoint {
            binding: BINDING_POST.into(),
            location: "https://sp.example/acs".into(),
            index: Some(0),
            is_default: true,
        }],
        slo: Vec::new(),
        signing_certificates: Vec::new(),
        encryption_certificates: Vec::new(),
        signs_requests: false,
        wants_assertions_signed: false,
        encryption_methods: Vec::new(),
        signing_methods: Vec::new(),
        settings: SpSettings::default(),
    }
}

fn request(extra_attrs: &str, body: &str) -> String {
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="{}" {extra_attrs}><saml:Issuer>https://sp.example</saml:Issuer>{body}</samlp:AuthnRequest>"#,
        crate::kernel::saml::xml::instant(OffsetDateTime::now_utc())
    )
}

fn context(comparison: &str, refs: &[&str]) -> String {
    let refs: String =
        refs.iter().map(|r| format!("<saml:AuthnContextClassRef>{r}</saml:AuthnContextClassRef>")).collect();
    format!(r#"<samlp:RequestedAuthnContext Comparison="{comparison}">{refs}</samlp:RequestedAuthnContext>"#)
}

#[test]
fn a_redirect_request_is_inflated_and_read() {
    use std::io::Write as _;
    let xml = request(r#"ForceAuthn="true" AssertionConsumerServiceURL="https://sp.example/acs""#, "");
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(xml.as_bytes()).expect("deflate");
    let b64 = STANDARD.encode(enc.finish().expect("deflate"));
    let parsed = parse(decode(Binding::Redirect, &b64).expect("decode")).expect("parse");
    assert_eq!(parsed.id, "_r1");
    assert_eq!(parsed.issuer, "https://sp.example");
    assert!(parsed.force_authn && !parsed.is_passive);
    let now = OffsetDateTime::now_utc();
    let acs = check(&parsed, &sp(), "https://idp/saml/sso", now, Duration::minutes(10), Duration::minutes(1));
    assert_eq!(acs.as_deref(), Ok("https://sp.example/acs"));
}

#[test]
fn a_decompression_bomb_and_a_dtd_are_refused() {
    use std::io::Write as _;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b'a'; 4 * 1024 * 1024]).expect("deflate");
    let bomb = STANDARD.encode(enc.finish().expect("deflate"));
    assert_eq!(decode(Binding::Redirect, &bomb).err(), Some(RequestError::Encoding));
    let xxe = format!(
        r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>{}"#,
        request("", "<saml:Subject>&x;</saml:Subject>")
    );
    assert_eq!(parse(xxe).err(), Some(RequestError::Xml));
    let billion = format!(r#"<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>{}"#, request("", ""));
    assert_eq!(parse(billion).err(), Some(RequestError::Xml));
}

#[test]
fn an_acs_outside_the_metadata_or_another_binding_is_refused() {
    let now = OffsetDateTime::now_utc();
    let (age, skew) = (Duration::minutes(10), Duration::minutes(1));
    let evil =
        parse(request(r#"AssertionConsumerServiceURL="https://evil.example/acs""#, "")).expect("parse");
    assert_eq!(check(&evil, &sp(), "https://idp/saml/sso", now, age, skew), Err(RequestError::UnknownAcs));
    let artifact =
        parse(request(r#"ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact""#, ""))
            .expect("parse");
    assert_eq!(
        check(&artifact, &sp(), "https://idp/saml/sso", now, age, skew),
        Err(RequestError::UnsupportedBinding)
    );
    let elsewhere = parse(request(r#"Destination="https://other-idp/sso""#, "")).expect("parse");
    assert_eq!(
        check(&elsewhere, &sp(), "https://idp/saml/sso", now, age, skew),
        Err(RequestError::WrongDestination)
    );
    let old = parse(request("", "")).expect("parse");
    assert_eq!(
        check(&old, &sp(), "https://idp/saml/sso", now + Duration::hours(1), age, skew),
        Err(RequestError::Stale)
    );
}

#[test]
fn an_unsigned_request_from_an_sp_that_must_sign_is_refused() {
    let mut must = sp();
    must.signs_requests = true;
    let parsed = parse(request("", "")).expect("parse");
    assert_eq!(verify(&parsed, &must, None), Err(RequestError::Unsigned));
    assert_eq!(verify(&parsed, &sp(), None), Ok(false));
}

#[test]
fn requested_contexts_give_the_level_and_the_asserted_reference() {
    let fas = |n: u16| format!("urn:be:fedict:iam:fas:Level{n}");
    let parsed =
        parse(request("", &context("minimum", &[&fas(400)]))).expect("parse").requested.expect("context");
    assert_eq!(required_level(Some(&parsed)).map(AuthLevel::number), Some(400));
    assert_eq!(class_ref(Some(&parsed), AuthLevel::EID), Some(fas(500)));
    let exact = parse(request("", &context("exact", &[&fas(300), &fas(450)])))
        .expect("parse")
        .requested
        .expect("context");
    assert_eq!(required_level(Some(&exact)).map(AuthLevel::number), Some(300));
    assert_eq!(class_ref(Some(&exact), AuthLevel::EID), Some(fas(450)), "the strongest listed one met");
    assert_eq!(class_ref(Some(&exact), AuthLevel::new(400).expect("level")), Some(fas(300)));
    let better =
        parse(request("", &context("better", &[&fas(400)]))).expect("parse").requested.expect("context");
    assert_eq!(required_level(Some(&better)).map(AuthLevel::number), Some(450));
    assert_eq!(class_ref(Some(&better), AuthLevel::new(400).expect("level")), None);
    let eidas = parse(request("", &context("minimum", &["http://eidas.europa.eu/LoA/high"])))
        .expect("parse")
        .requested
        .expect("context");
    assert_eq!(required_level(Some(&eidas)), Some(AuthLevel::EIDAS_HIGH));
    let unknown = parse(request("", &context("exact", &["urn:example:password"]))).expect("parse");
    assert!(unknown.has_unknown_context && unknown.requested.is_none());
}
