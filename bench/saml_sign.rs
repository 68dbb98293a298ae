//! What a signed SAML assertion costs next to its bare limit, one raw RSA-2048 signature
//! (PKCS#1 v1.5 with SHA-256, OpenSSL, the same primitive xmlsec uses), in the same run on
//! one thread: the identity provider's own `response::success` building the Response with
//! the FAS attributes and roles, signing the Assertion only, or the Assertion and then the
//! Response (exclusive C14N + SHA-256 digest + RSA-SHA256 via samael/xmlsec). No HTTP, no
//! database.
//!
//! ```sh
//! cargo build --release --example saml_sign
//! taskset -c 0 target/release/examples/saml_sign [SECONDS]
//! ```
//!
//! Prints one line per operation, `op=<name> per_op_us=<µs> ratio=<× the raw signature>`:
//! the raw signature, one xmlsec signature of a one-element document (the fixed cost of a
//! signature through samael), the Assertion signed, the Assertion and the Response signed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use poort::kernel::saml::signing::SigningKey;
use poort::protocol::saml::response::{Assertion, success};
use poort::protocol::saml::{Idp, SamlSettings};
use time::OffsetDateTime;

/// Runs `f` for `seconds` and returns the mean time per call, in µs.
fn time_it(seconds: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f(); // warm-up
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

#[allow(clippy::print_stdout)] // a benchmark reports on stdout
fn main() {
    poort::app::install_crypto_provider();
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let (key_pem, cert_pem) = poort::kernel::devpki::self_signed_rsa("bench IdP").expect("key");
    let key = SigningKey::from_pem(&key_pem, &cert_pem).expect("pem");
    let idp = Idp::new(&SamlSettings::default(), "https://poort.example", key, [7; 32]);
    let raw_key = PKey::private_key_from_pem(key_pem.as_bytes()).expect("key");
    // A SignedInfo's size: what the raw signature signs.
    let signed_info = vec![b'x'; 600];
    let raw = time_it(seconds, || {
        let mut signer = Signer::new(MessageDigest::sha256(), &raw_key).expect("signer");
        signer.update(black_box(&signed_info)).expect("update");
        black_box(signer.sign_to_vec().expect("sign"));
    });
    println!("op=raw_rsa2048_sha256 per_op_us={raw:.1} ratio=1.00");
    // The fixed cost of one xmlsec signature through samael, on a one-element document.
    let tiny = format!(r#"<a xmlns="urn:bench" ID="_t">{}</a>"#, idp.key().template("_t"));
    let minimal = time_it(seconds, || {
        black_box(idp.key().sign(black_box(&tiny)).expect("signed"));
    });
    println!("op=minimal_document_signed per_op_us={minimal:.1} ratio={:.2}", minimal / raw);
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
    for (name, sign_response) in [("assertion_signed", false), ("assertion_and_response_signed", true)] {
        let per_op = time_it(seconds, || {
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
                sign_assertion: true,
                sign_response,
                key: idp.key(),
                encryption: None,
                now: OffsetDateTime::now_utc(),
            };
            black_box(success(&idp, &a).expect("signed"));
        });
        println!("op={name} per_op_us={per_op:.1} ratio={:.2}", per_op / raw);
    }
}
