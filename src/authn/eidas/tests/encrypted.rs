//! Assertions encrypted to our key (SAML core §6.2), as real eIDAS nodes send them: the
//! decrypted assertion is accepted only with the node's signature over itself, and each
//! reason a decryption fails is its own refusal.

use time::OffsetDateTime;

use super::refusals::{check, spec as in_the_clear};
use super::{Fixture, identity, pending, start};
use crate::authn::eidas::mock::{DemoIdentity, ResponseSpec};
use crate::authn::eidas::{EidasError, Loa, PendingRequest};
use crate::kernel::saml::encryption::{self, Algorithms};

/// The node's default answer, encrypted as real nodes send it.
fn spec<'a>(p: &'a PendingRequest, who: &'a DemoIdentity, now: OffsetDateTime) -> ResponseSpec<'a> {
    ResponseSpec { encrypt: true, ..in_the_clear(p, who, now) }
}

/// The cause of an `Undecryptable` refusal (anything else fails the test).
fn undecryptable(result: Result<String, EidasError>) -> String {
    match result {
        Err(EidasError::Undecryptable(cause)) => cause,
        other => panic!("expected Undecryptable, got {other:?}"),
    }
}

/// The Response with its EncryptedAssertion replaced by `assertion` (an element or a
/// re-encrypted one), unsigned: only the assertion's own signature counts then.
fn with_assertion(xml: &str, assertion: &str) -> String {
    let start_at = xml.find("<saml2:EncryptedAssertion").expect("encrypted");
    let end = "</saml2:EncryptedAssertion>";
    let end_at = xml.find(end).expect("end") + end.len();
    format!("{}{}{}", &xml[..start_at], assertion, &xml[end_at..])
}

/// The signed assertion the node would have encrypted.
fn plain_signed_assertion(
    f: &Fixture,
    p: &PendingRequest,
    who: &DemoIdentity,
    now: OffsetDateTime,
) -> String {
    let xml =
        f.node.success_response_xml(&ResponseSpec { encrypt: false, ..spec(p, who, now) }).expect("xml");
    let start_at = xml.find("<saml2:Assertion").expect("assertion");
    let end = "</saml2:Assertion>";
    let end_at = xml.find(end).expect("end") + end.len();
    xml[start_at..end_at].to_string()
}

fn encrypted_to(cert_der: &[u8], assertion: &str, alg: Algorithms) -> String {
    let data = encryption::encrypt_element(assertion, cert_der, alg).expect("encrypt");
    format!("<saml2:EncryptedAssertion>{data}</saml2:EncryptedAssertion>")
}

const GCM_OAEP: Algorithms = Algorithms { data: encryption::AES256_GCM, key_transport: encryption::RSA_OAEP };

#[tokio::test]
async fn an_encrypted_signed_assertion_is_decrypted_and_accepted() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, "FR");
    let xml = f.node.success_response_xml(&spec(&p, &who, now)).expect("xml");
    assert!(xml.contains("EncryptedAssertion") && !xml.contains("Rousseau"), "the name is not in the clear");
    assert_eq!(check(&f, &xml, &p, now), Ok("Rousseau".into()));
    // Only the assertion signed (inside the encryption), the Response not: accepted too.
    let unsigned_response = f
        .node
        .success_response_xml(&ResponseSpec { sign_response: false, ..spec(&p, &who, now) })
        .expect("xml");
    assert_eq!(check(&f, &unsigned_response, &p, now), Ok("Rousseau".into()));
    // The older key transport (rsa-oaep-mgf1p) and AES-128-GCM decrypt as well.
    let signed = plain_signed_assertion(&f, &p, &who, now);
    let older = Algorithms { data: encryption::AES128_GCM, key_transport: encryption::RSA_OAEP_MGF1P };
    let reencrypted = with_assertion(&unsigned_response, &encrypted_to(f.sp.key.cert_der(), &signed, older));
    assert_eq!(check(&f, &reencrypted, &p, now), Ok("Rousseau".into()));
}

#[tokio::test]
async fn an_assertion_encrypted_to_another_key_is_refused_by_name() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, "NL");
    let signed = plain_signed_assertion(&f, &p, &who, now);
    let unsigned = f
        .node
        .success_response_xml(&ResponseSpec { sign_response: false, ..spec(&p, &who, now) })
        .expect("xml");
    let other = start().await; // another SP key
    let xml = with_assertion(&unsigned, &encrypted_to(other.sp.key.cert_der(), &signed, GCM_OAEP));
    let cause = undecryptable(check(&f, &xml, &p, now));
    assert!(cause.contains("not encrypted to our key"), "{cause}");
}

#[tokio::test]
async fn tampered_ciphertext_and_refused_algorithms_are_refused() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, "NL");
    let xml = f
        .node
        .success_response_xml(&ResponseSpec { sign_response: false, ..spec(&p, &who, now) })
        .expect("xml");
    // The content's CipherValue is the last one; change one of its base64 characters.
    let at = xml.rfind("</xenc:CipherValue>").expect("value") - 10;
    let flipped = if &xml[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{}{}", &xml[..at], flipped, &xml[at + 1..]);
    let cause = undecryptable(check(&f, &tampered, &p, now));
    assert!(cause.contains("integrity"), "{cause}");
    let pkcs1 = xml.replace(encryption::RSA_OAEP, "http://www.w3.org/2001/04/xmlenc#rsa-1_5");
    let cause = undecryptable(check(&f, &pkcs1, &p, now));
    assert!(cause.contains("rsa-1_5"), "{cause}");
    let cbc = xml.replace(encryption::AES256_GCM, "http://www.w3.org/2001/04/xmlenc#aes256-cbc");
    let cause = undecryptable(check(&f, &cbc, &p, now));
    assert!(cause.contains("aes256-cbc"), "{cause}");
}

#[tokio::test]
async fn a_forged_assertion_encrypted_to_our_public_key_is_refused() {
    let f = start().await;
    let now = OffsetDateTime::now_utc();
    let p = pending(&f, Loa::Low, now);
    let who = identity(&f, "NL");
    let unsigned = f
        .node
        .success_response_xml(&ResponseSpec { sign_response: false, ..spec(&p, &who, now) })
        .expect("xml");
    // Anyone can encrypt to our certificate: an unsigned assertion, and a signed one with
    // the name changed, are refused after decryption.
    let plain = f
        .node
        .success_response_xml(&ResponseSpec { sign_assertion: false, encrypt: false, ..spec(&p, &who, now) })
        .expect("xml");
    let start_at = plain.find("<saml2:Assertion").expect("assertion");
    let end_at = plain.find("</saml2:Assertion>").expect("end") + "</saml2:Assertion>".len();
    let forged =
        with_assertion(&unsigned, &encrypted_to(f.sp.key.cert_der(), &plain[start_at..end_at], GCM_OAEP));
    assert_eq!(check(&f, &forged, &p, now), Err(EidasError::UnsignedAssertion));
    let renamed = plain_signed_assertion(&f, &p, &who, now).replace(">de Vries<", ">Attacker<");
    let forged = with_assertion(&unsigned, &encrypted_to(f.sp.key.cert_der(), &renamed, GCM_OAEP));
    assert_eq!(check(&f, &forged, &p, now), Err(EidasError::InvalidSignature));
    // An encrypted assertion beside a plain one: wrapping, refused.
    let signed = plain_signed_assertion(&f, &p, &who, now);
    let start_at = unsigned.find("<saml2:EncryptedAssertion").expect("encrypted");
    let both = format!("{}{}{}", &unsigned[..start_at], signed, &unsigned[start_at..]);
    assert_eq!(check(&f, &both, &p, now), Err(EidasError::AssertionCount));
}
