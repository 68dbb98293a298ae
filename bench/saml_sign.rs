//! What a signed SAML assertion costs next to its bare limit, one raw RSA-2048 signature
//! (PKCS#1 v1.5 with SHA-256, OpenSSL, the same primitive xmlsec uses), in the same run on
//! one thread: the identity provider's own `response::success` building the Response with
//! the FAS attributes and roles and signing it (exclusive C14N + SHA-256 digest +
//! RSA-SHA256 through xmlsec, the key loaded once by `xmlsec-keyed`). No HTTP, no database.
//!
//! ```sh
//! cargo build --release --example saml_sign
//! taskset -c 0 target/release/examples/saml_sign [SECONDS]
//! ```
//!
//! The operations run interleaved, 50 ms each in turn, for SECONDS each in all (default 5),
//! so that a slower or faster stretch of the machine weighs on all of them alike. Prints one
//! line per operation, `op=<name> per_op_us=<µs> ratio=<× the raw signature>`: the raw
//! signature; one xmlsec signature of a one-element document (the fixed cost of a signature);
//! the Response signed (one signature over the Assertion inside it: the default); the
//! Assertion and the Response signed (two signatures); the Response with the Assertion
//! signed and encrypted (AES-256-GCM, RSA-OAEP); and the one-signature Response with ECDSA
//! P-256 next to its own bare limit, one raw ECDSA signature.

use std::hint::black_box;
use std::time::{Duration, Instant};

use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use poort::kernel::saml::encryption::{AES256_GCM, Algorithms, RSA_OAEP_MGF1P};
use poort::kernel::saml::signing::SigningKey;
use poort::protocol::saml::response::{Assertion, success};
use poort::protocol::saml::sp::Encryption;
use poort::protocol::saml::{Idp, SamlSettings};
use time::OffsetDateTime;

type Op<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// Runs the operations in turn, 50 ms each, until each had `seconds`; the mean µs of each.
fn interleaved(seconds: f64, ops: &mut [Op<'_>]) -> Vec<f64> {
    for (_, f) in ops.iter_mut() {
        for _ in 0..20 {
            f(); // warm-up
        }
    }
    let slice = Duration::from_millis(50);
    let rounds = (seconds / slice.as_secs_f64()).ceil() as u32;
    let mut spent = vec![Duration::ZERO; ops.len()];
    let mut calls = vec![0u64; ops.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in ops.iter_mut().enumerate() {
            let start = Instant::now();
            while start.elapsed() < slice {
                f();
                calls[i] += 1;
            }
            spent[i] += start.elapsed();
        }
    }
    spent.iter().zip(&calls).map(|(t, n)| t.as_secs_f64() * 1e6 / *n as f64).collect()
}

fn raw_signature(key: &PKey<openssl::pkey::Private>, signed_info: &[u8]) {
    let mut signer = Signer::new(MessageDigest::sha256(), key).expect("signer");
    signer.update(black_box(signed_info)).expect("update");
    black_box(signer.sign_to_vec().expect("sign"));
}

#[allow(clippy::print_stdout)] // a benchmark reports on stdout
fn main() {
    poort::app::install_crypto_provider();
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let (key_pem, cert_pem) = poort::kernel::devpki::self_signed_rsa("bench IdP").expect("key");
    let (ec_pem, ec_cert_pem) = poort::kernel::devpki::self_signed_ec("bench IdP ECDSA").expect("key");
    let key = SigningKey::from_pem(&key_pem, &cert_pem).expect("pem");
    let ec = SigningKey::from_pem(&ec_pem, &ec_cert_pem).expect("pem");
    let idp = Idp::new(&SamlSettings::default(), "https://poort.example", key, [7; 32]).with_ec_key(ec);
    let raw_key = PKey::private_key_from_pem(key_pem.as_bytes()).expect("key");
    let raw_ec = PKey::private_key_from_pem(ec_pem.as_bytes()).expect("key");
    let (sp_key, sp_cert) = poort::kernel::devpki::self_signed_rsa("bench SP").expect("key");
    let sp = SigningKey::from_pem(&sp_key, &sp_cert).expect("pem");
    let encryption = Encryption {
        cert_der: sp.cert_der().to_vec(),
        algorithms: Algorithms { data: AES256_GCM, key_transport: RSA_OAEP_MGF1P },
    };
    // A SignedInfo's size: what the raw signature signs.
    let signed_info = vec![b'x'; 600];
    let tiny = format!(r#"<a xmlns="urn:bench" ID="_t">{}</a>"#, idp.key().template("_t"));
    let attributes: Vec<(&'static str, Vec<String>)> = vec![
        ("fedid", vec!["OjrevBh24NGp0_c0Pyyfg-D4".into()]),
        ("givenName", vec!["Marie".into()]),
        ("surname", vec!["Claes".into()]),
        ("PrefLanguage", vec!["nl".into()]),
        ("profileKind", vec!["enterprise".into()]),
        ("enterpriseNumber", vec!["0410561210".into()]),
        ("enterpriseName", vec!["KLINIEK EN MATERNITEIT ST REMBERTUS".into()]),
        ("roles", vec!["btb:head_access_manager".into(), "legal:chair_of_the_board".into()]),
    ];
    let response = |sign_assertion: bool, key: &SigningKey, encryption: Option<&Encryption>| {
        let a = Assertion {
            sp_entity_id: "https://sp.example/metadata",
            acs_url: "https://sp.example/acs",
            in_response_to: Some("_request"),
            name_id: "pairwise-name-id",
            name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            class_ref: "urn:be:fedict:iam:fas:Level450",
            auth_instant: OffsetDateTime::now_utc(),
            session_index: "session-index",
            attributes: &attributes,
            sign_assertion,
            sign_response: true,
            key,
            encryption,
            now: OffsetDateTime::now_utc(),
        };
        black_box(success(&idp, &a).expect("signed"));
    };
    let ec_key = idp.ec_key().expect("ec");
    let mut ops: Vec<Op<'_>> = vec![
        ("raw_rsa2048_sha256", Box::new(|| raw_signature(&raw_key, &signed_info))),
        (
            "minimal_document_signed",
            Box::new(|| drop(black_box(idp.key().sign(black_box(&tiny)).expect("signed")))),
        ),
        ("response_signed", Box::new(|| response(false, idp.key(), None))),
        ("assertion_and_response_signed", Box::new(|| response(true, idp.key(), None))),
        ("response_signed_assertion_encrypted", Box::new(|| response(true, idp.key(), Some(&encryption)))),
        ("raw_ecdsa_p256_sha256", Box::new(|| raw_signature(&raw_ec, &signed_info))),
        ("response_signed_ecdsa", Box::new(|| response(false, ec_key, None))),
    ];
    let means = interleaved(seconds, &mut ops);
    let names: Vec<&str> = ops.iter().map(|(n, _)| *n).collect();
    let (rsa, ecdsa) = (means[0], means[5]);
    for (name, mean) in names.iter().zip(&means) {
        let bare = if name.contains("ecdsa") { ecdsa } else { rsa };
        println!("op={name} per_op_us={mean:.1} ratio={:.2}", mean / bare);
    }
}
