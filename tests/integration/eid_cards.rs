//! The demo card factory and the certificate check, without a server (moved from the
//! scratch crate with the code).

use poort::authn::eid::cards::{self, CardFiles, CardProfile, CardRequest, DemoPki, KeyType};
use poort::authn::eid::verify::certs_from_pem;
use poort::authn::eid::{CardKeyType, EidRefusal, EidVerifier};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};

/// A valid national number (not in the demo register).
const NN_1985: &str = "85073003328";

/// A fresh directory under Cargo's scratch space for integration tests (`target/tmp`).
fn fresh_dir(name: &str) -> std::path::PathBuf {
    tempfile::Builder::new().prefix(name).tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tmp").keep()
}

fn request(nn: &str, given: &str, surname: &str, key: KeyType) -> CardRequest {
    CardRequest {
        national_number: nn.into(),
        given_names: given.into(),
        surname: surname.into(),
        key,
        is_revoked: false,
        not_after: None,
        profile: CardProfile::Authentication,
    }
}

fn issue(pki: &DemoPki, req: &CardRequest, name: &str) -> CardFiles {
    cards::issue_card(pki, req, &pki.dir.join("cards").join(name)).expect("card")
}

fn verifier(pki: &cards::DemoPki) -> EidVerifier {
    EidVerifier::from_pem_files(
        std::slice::from_ref(&pki.root_cert_pem),
        std::slice::from_ref(&pki.citizen_cert_pem),
        std::slice::from_ref(&pki.crl_pem),
    )
    .unwrap()
}

#[test]
fn the_card_p12_opens_with_the_demo_pin_and_holds_key_card_and_chain() {
    let pki = cards::init_ca(&fresh_dir("p12")).unwrap();
    let card = issue(&pki, &request(NN_1985, "Jan", "Peeters", KeyType::Rsa2048), "p12");
    let der = std::fs::read(&card.p12).unwrap();
    let p12 = openssl::pkcs12::Pkcs12::from_der(&der).unwrap();
    assert!(p12.parse2("0000").is_err(), "a wrong PIN must not open the file");
    let parsed = p12.parse2(cards::DEMO_PIN).unwrap();
    let cert = parsed.cert.unwrap();
    assert_eq!(cert.to_pem().unwrap(), std::fs::read(&card.cert_pem).unwrap());
    assert_eq!(parsed.pkey.unwrap().rsa().unwrap().size(), 256);
    assert_eq!(parsed.ca.unwrap().len(), 2);
}

#[test]
fn a_card_carries_the_real_authentication_certificate_subject_layout() {
    let pki = cards::init_ca(&fresh_dir("layout")).unwrap();
    let card = issue(&pki, &request(NN_1985, "Jan Pieter", "Peeters", KeyType::EcP384), "l");
    let der = certs_from_pem(&card.cert_pem).unwrap().remove(0);
    let (_, x509) = X509Certificate::from_der(&der).unwrap();
    assert_eq!(
        x509.subject().to_string(),
        "C=BE, CN=Jan Peeters (Authentication), surname=Peeters, givenName=Jan Pieter, serialNumber=85073003328"
    );
    assert!(x509.key_usage().unwrap().unwrap().value.digital_signature());
    assert!(x509.extended_key_usage().unwrap().unwrap().value.client_auth);
    let key = std::fs::read_to_string(&card.key_pem).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8 expected");
    assert_eq!(certs_from_pem(&card.chain_pem).unwrap().len(), 2);
}

#[test]
fn the_demo_pki_is_loaded_not_recreated_and_still_issues_verifiable_cards() {
    let dir = fresh_dir("reload");
    let first = cards::init_ca(&dir).unwrap();
    let root = std::fs::read(&first.root_cert_pem).unwrap();
    let server = std::fs::read(&first.server_cert_pem).unwrap();
    let again = cards::init_ca(&dir).unwrap();
    assert_eq!(std::fs::read(&again.root_cert_pem).unwrap(), root);
    assert_eq!(std::fs::read(&again.server_cert_pem).unwrap(), server);
    let card = issue(&again, &request(NN_1985, "Jan", "Peeters", KeyType::EcP384), "after");
    cards::revoke_card(&again, "0badc0de").unwrap();
    let chain = certs_from_pem(&card.cert_pem).unwrap();
    let ok = verifier(&again).verify_card(&chain, OffsetDateTime::now_utc()).unwrap();
    assert_eq!(ok.national_number.as_str(), NN_1985);
    assert_eq!(ok.key_type, CardKeyType::EcP384);
    assert_eq!(ok.serial_hex, card.serial_hex);
    assert_eq!(ok.fingerprint_sha256.len(), 64);
}

#[test]
fn the_check_uses_the_time_it_is_given() {
    let pki = cards::init_ca(&fresh_dir("clock")).unwrap();
    let card = issue(&pki, &request(NN_1985, "Jan", "Peeters", KeyType::Rsa2048), "c");
    let chain = certs_from_pem(&card.cert_pem).unwrap();
    let v = verifier(&pki);
    let now = OffsetDateTime::now_utc();
    let ok = v.verify_card(&chain, now).unwrap();
    assert_eq!(ok.key_type, CardKeyType::Rsa { bits: 2048 });
    assert!(ok.not_after > now + Duration::days(3600));
    assert_eq!(v.verify_card(&chain, now + Duration::days(3660)), Err(EidRefusal::Expired));
    assert_eq!(v.verify_card(&chain, now - Duration::days(1)), Err(EidRefusal::NotYetValid));
}

#[test]
fn an_empty_chain_is_no_certificate_and_garbage_is_malformed() {
    let pki = cards::init_ca(&fresh_dir("empty")).unwrap();
    let v = verifier(&pki);
    let now = OffsetDateTime::now_utc();
    assert_eq!(v.verify_card(&[], now), Err(EidRefusal::NoCertificate));
    let junk = rustls::pki_types::CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
    assert_eq!(v.verify_card(&[junk], now), Err(EidRefusal::MalformedCertificate));
}

#[test]
fn a_subject_with_a_bad_national_number_checksum_is_malformed() {
    let pki = cards::init_ca(&fresh_dir("checksum")).unwrap();
    let card = issue(&pki, &request("85073003329", "Jan", "Peeters", KeyType::EcP384), "x");
    let chain = certs_from_pem(&card.cert_pem).unwrap();
    let refusal = verifier(&pki).verify_card(&chain, OffsetDateTime::now_utc());
    assert_eq!(refusal, Err(EidRefusal::MalformedSubject));
}

#[test]
fn refusal_codes_are_stable_and_messages_are_for_people() {
    assert_eq!(EidRefusal::Revoked.code(), "eid.revoked");
    assert_eq!(EidRefusal::UnknownIssuer.code(), "eid.unknown_issuer");
    assert!(EidRefusal::Expired.to_string().contains("expired"));
}

#[test]
fn a_forged_ca_with_the_same_names_is_an_unknown_issuer() {
    let pki = cards::init_ca(&fresh_dir("home2")).unwrap();
    let foreign = cards::init_ca(&fresh_dir("foreign2")).unwrap();
    let card = issue(&foreign, &request(NN_1985, "Jan", "Peeters", KeyType::EcP384), "f");
    let mut chain = certs_from_pem(&card.cert_pem).unwrap();
    chain.extend(certs_from_pem(&card.chain_pem).unwrap());
    let v = verifier(&pki);
    assert_eq!(v.verify_card(&chain[..1], OffsetDateTime::now_utc()), Err(EidRefusal::UnknownIssuer));
    assert_eq!(v.verify_card(&chain, OffsetDateTime::now_utc()), Err(EidRefusal::UnknownIssuer));
}

#[tokio::test]
async fn a_silent_client_neither_blocks_logins_nor_outlives_the_handshake_timeout() {
    use poort::authn::eid::listener::{EidListener, EidListenerConfig, serve_on};
    use tokio::io::AsyncReadExt as _;
    poort::app::install_crypto_provider();
    let pki = cards::init_ca(&fresh_dir("silent")).expect("pki");
    let card = issue(&pki, &request(NN_1985, "Jan", "Peeters", KeyType::EcP384), "s");
    let config = EidListenerConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        server_cert_pem: pki.server_cert_pem.clone(),
        server_key_pem: pki.server_key_pem.clone(),
        trust_anchors: vec![pki.root_cert_pem.clone()],
        intermediates: vec![pki.citizen_cert_pem.clone()],
        crls: vec![pki.crl_pem.clone()],
        handshake_timeout_secs: 1,
        ..EidListenerConfig::default()
    };
    let listener = EidListener::bind(&config).await.expect("binds");
    let addr = listener.local_addr();
    let router = axum::Router::new().route(
        "/whoami",
        axum::routing::get(|outcome: axum::Extension<poort::authn::eid::EidOutcome>| async move {
            match outcome.0 {
                Ok(card) => card.surname,
                Err(refusal) => refusal.code().to_string(),
            }
        }),
    );
    tokio::spawn(serve_on(listener, router, std::future::pending()));

    let mut silent = tokio::net::TcpStream::connect(addr).await.expect("connects");
    let ca = std::fs::read(&pki.tls_ca_cert_pem).expect("ca");
    let mut pem = std::fs::read(&card.cert_pem).expect("card");
    pem.extend(std::fs::read(&card.key_pem).expect("key"));
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("ca")])
        .identity(reqwest::Identity::from_pem(&pem).expect("identity"))
        .build()
        .expect("client");
    let answer =
        client.get(format!("https://localhost:{}/whoami", addr.port())).send().await.expect("answers");
    assert_eq!(
        answer.text().await.expect("body"),
        "Peeters",
        "a login goes through next to the silent client"
    );
    let mut buf = [0u8; 16];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), silent.read(&mut buf)).await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "the server drops the silent client");
}

/// Attack review finding 6: the demo PKI's private keys are readable by their owner only.
#[cfg(unix)]
#[test]
fn the_demo_pki_keys_and_card_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let pki = cards::init_ca(&fresh_dir("modes")).unwrap();
    let card = issue(&pki, &request(NN_1985, "Jan", "Peeters", KeyType::EcP384), "modes");
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("file").permissions().mode() & 0o777;
    for key in ["demo-belgium-root-ca.key", "demo-citizen-ca.key", "demo-tls-ca.key", "demo-eid-server.key"] {
        assert_eq!(mode(&pki.dir.join(key)), 0o600, "{key}");
    }
    assert_eq!(mode(&card.key_pem), 0o600);
    assert_eq!(mode(&card.p12), 0o600);
    assert_eq!(mode(&pki.root_cert_pem) & 0o044, 0o044, "certificates stay readable");
}
