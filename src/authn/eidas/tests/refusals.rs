//! Every refusal of a node answer, each asserted by its own error.

use time::{Duration, OffsetDateTime};

use super::flow::base64_encode;
use super::{ACS, Fixture, SP_ENTITY, identity, pending, start};
use crate::authn::eidas::mock::ResponseSpec;
use crate::authn::eidas::response::check_response;
use crate::authn::eidas::{EidasError, InMemoryReplayGuard, Loa, PendingRequest, validate_response};

/// The answer the node gives by default: both signed, in the clear.
pub(super) fn spec<'a>(
    p: &'a PendingRequest,
    who: &'a crate::authn::eidas::mock::DemoIdentity,
    now: OffsetDateTime,
) -> ResponseSpec<'a> {
    ResponseSpec {
        in_response_to: &p.request_id,
        acs_url: ACS,
        audience: SP_ENTITY,
        identity: who,
        loa: Loa::High,
        now,
        sign_assertion: true,
        sign_response: true,
        encrypt: false,
    }
}

/// Every check but one-time use; the family name of the accepted person.
pub(super) fn check(
    f: &Fixture,
    xml: &str,
    p: &PendingRequest,
    now: OffsetDateTime,
) -> Result<String, EidasError> {
    check_response(&f.sp, &base64_encode(xml), &p.relay_state, p, now).map(|ok| ok.identity.family_name)
}

/// A started node and SP, a pending request (`Loa::Low`, made now) and the node's answer
/// to it for the demo person of `country`, from the default spec as changed by `change`.
async fn answered(
    country: &str,
    change: impl for<'a> FnOnce(ResponseSpec<'a>) -> ResponseSpec<'a>,
) -> (Fixture, PendingRequest, OffsetDateTime, String) {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, country);
    let xml = f.node.success_response_xml(&change(spec(&p, &who, now))).expect("xml");
    (f, p, now, xml)
}

#[tokio::test]
async fn a_well_formed_answer_is_accepted_when_only_the_assertion_is_signed() {
    let (f, p, now, xml) = answered("FR", |s| ResponseSpec { sign_response: false, ..s }).await;
    assert_eq!(check(&f, &xml, &p, now), Ok("Rousseau".into()));
}

#[tokio::test]
async fn a_name_changed_after_signing_is_refused() {
    let (f, p, now, xml) = answered("FR", |s| s).await;
    let tampered = xml.replace(">Rousseau<", ">Dupont<");
    assert_ne!(xml, tampered);
    assert_eq!(check(&f, &tampered, &p, now), Err(EidasError::InvalidSignature));
}

#[tokio::test]
async fn an_unsigned_assertion_is_refused_even_in_a_signed_response() {
    let (f, p, now, xml) = answered("NL", |s| ResponseSpec { sign_assertion: false, ..s }).await;
    assert_eq!(check(&f, &xml, &p, now), Err(EidasError::UnsignedAssertion));
}

#[tokio::test]
async fn an_answer_to_another_request_is_refused() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let other = pending(&f, Loa::Low, now);
    let who = identity(&f, "NL");
    let xml = f.node.success_response_xml(&spec(&other, &who, now)).expect("xml");
    assert_eq!(check(&f, &xml, &p, now), Err(EidasError::WrongInResponseTo));
}

#[tokio::test]
async fn an_expired_assertion_is_refused() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now - Duration::minutes(12));
    let who = identity(&f, "NL");
    let xml = f.node.success_response_xml(&spec(&p, &who, now - Duration::minutes(10))).expect("xml");
    assert_eq!(check(&f, &xml, &p, now), Err(EidasError::Expired));
    let future = f.node.success_response_xml(&spec(&p, &who, now + Duration::minutes(3))).expect("xml");
    assert_eq!(check(&f, &future, &p, now), Err(EidasError::NotYetValid));
}

#[tokio::test]
async fn an_assertion_for_another_audience_is_refused() {
    let (f, p, now, xml) =
        answered("NL", |s| ResponseSpec { audience: "https://other.example/sp", ..s }).await;
    assert_eq!(check(&f, &xml, &p, now), Err(EidasError::WrongAudience));
}

#[tokio::test]
async fn a_replayed_assertion_is_refused() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, "BE");
    let b64 = base64_encode(f.node.success_response_xml(&spec(&p, &who, now)).expect("xml"));
    let replay = InMemoryReplayGuard::default();
    let first = validate_response(&f.sp, &b64, &p.relay_state, &p, now, &replay).await;
    assert!(first.is_ok(), "{first:?}");
    let second = validate_response(&f.sp, &b64, &p.relay_state, &p, now, &replay).await;
    assert_eq!(second, Err(EidasError::Replayed));
}

#[tokio::test]
async fn a_wrapped_second_unsigned_assertion_is_refused() {
    let (f, p, now, xml) = answered("NL", |s| ResponseSpec { sign_response: false, ..s }).await;
    // Forge: copy the signed assertion, rename the person and give it a new ID, put it first.
    let start_at = xml.find("<saml2:Assertion").expect("assertion");
    let end_at = xml.find("</saml2:Assertion>").expect("end") + "</saml2:Assertion>".len();
    let original = &xml[start_at..end_at];
    let forged = original.replace(">de Vries<", ">Attacker<").replace("ID=\"_", "ID=\"_f");
    let wrapped = format!("{}{}{}", &xml[..start_at], forged, &xml[start_at..]);
    assert_eq!(check(&f, &wrapped, &p, now), Err(EidasError::AssertionCount));
    // And the forged one alone (its signature now references another ID) is refused too.
    let alone = format!("{}{}{}", &xml[..start_at], forged, &xml[end_at..]);
    assert_eq!(check(&f, &alone, &p, now), Err(EidasError::InvalidSignature));
}

#[tokio::test]
async fn garbage_is_refused_without_panicking() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let replay = InMemoryReplayGuard::default();
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#;
    for input in [
        "%%%not base64%%%".to_string(),
        base64_encode([0xff, 0xfe, 0x00]),
        base64_encode("<saml2p:Response"),
        base64_encode(bomb),
        base64_encode("<x/>"),
        String::new(),
    ] {
        let got = validate_response(&f.sp, &input, &p.relay_state, &p, now, &replay).await;
        assert!(matches!(got, Err(EidasError::Malformed(_))), "{input}: {got:?}");
    }
    let got = validate_response(&f.sp, "", "other-relay-state", &p, now, &replay).await;
    assert_eq!(got, Err(EidasError::RelayStateMismatch));
}

#[tokio::test]
async fn an_answer_signed_by_another_key_is_refused() {
    let f = start().await;
    let impostor = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, "NL");
    // Same entity id and URLs as far as the SP can see, but another key.
    let xml = impostor.node.success_response_xml(&spec(&p, &who, now)).expect("xml");
    let xml = xml.replace(&impostor.base, &f.base);
    assert_eq!(check(&f, &xml, &p, now), Err(EidasError::InvalidSignature));
}

#[tokio::test]
async fn xmlsec1_accepts_the_signed_response() {
    let (f, _, _, xml) = answered("NL", |s| s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (doc, cert) = (dir.path().join("response.xml"), dir.path().join("node.pem"));
    std::fs::write(&doc, &xml).expect("write");
    std::fs::write(&cert, f.node.certificate_pem()).expect("write");
    let out = std::process::Command::new("xmlsec1")
        .arg("--verify")
        .arg("--pubkey-cert-pem")
        .arg(&cert)
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response"])
        .args(["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"])
        .arg(&doc)
        .output()
        .expect("xmlsec1 installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
