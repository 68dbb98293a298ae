//! Entry points for fuzzing the parsers that read what anyone on the internet sends: each
//! takes raw bytes, runs the real parser on them, and must never panic (nor hang). The
//! `fuzz/` crate drives them with libFuzzer (`cargo fuzz run <target>`); the integration
//! tests replay the committed corpus (`fuzz/corpus/<target>/`) on every `cargo test`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use base64::Engine as _;
use jsonwebtoken::jwk::JwkSet;

use crate::authn::eidas::{AuthnParams, EidasSpConfig, Loa, PendingRequest, ServiceProvider, SpType};
use crate::domain::{EnterpriseNumber, HcoNumber, NationalNumber, RszNumber};
use crate::protocol::oidc::authorize_request::{AuthorizeContext, params_from_pairs, validate};
use crate::protocol::oidc::client::Client;
use crate::protocol::oidc::dpop::{NoncePolicy, ProofCheck, verify_proof};
use crate::protocol::oidc::jwt;
use crate::protocol::oidc::keys::{Alg, generate};
use crate::protocol::oidc::replay::MemoryReplayGuard;

/// One fuzz target: its name (the `fuzz/fuzz_targets/<name>.rs` file and corpus folder) and
/// its entry point.
pub type Target = (&'static str, fn(&[u8]));

/// The fuzz targets.
pub const TARGETS: &[Target] = &[
    ("identifiers", identifiers),
    ("authorization_request", authorization_request),
    ("jose", jose),
    ("eidas_response", eidas_response),
    ("saml_authn_request", saml_authn_request),
    ("form", form),
];

/// National, BIS, enterprise, RSZ and HCO numbers; a parsed value reparses to itself.
pub fn identifiers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(n) = NationalNumber::parse(text) {
        assert_eq!(NationalNumber::parse(n.as_str()).ok().as_ref(), Some(&n));
        let _ = n.masked();
    }
    if let Ok(e) = EnterpriseNumber::parse(text) {
        assert_eq!(EnterpriseNumber::parse(&e.formatted()).ok().as_ref(), Some(&e));
    }
    let _ = RszNumber::parse(text);
    let _ = HcoNumber::parse(text);
}

fn fuzz_client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        toml::from_str(
            r#"
            id = "rp-1"
            name = "Fuzz RP"
            kind = "confidential"
            secret_hash = "hmac-sha256$x"
            auth_method = "client_secret_basic"
            redirect_uris = ["https://rp.example/cb"]
            scopes = ["openid", "profile", "email", "egovnrn", "roles"]
            allowed_claims = ["given_name", "family_name", "email"]
            "#,
        )
        .expect("the fuzz client")
    })
}

fn fuzz_keys() -> &'static JwkSet {
    static KEYS: OnceLock<JwkSet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = generate(Alg::ES256, 0).expect("a key");
        let jwk = serde_json::to_value(key.to_jwk_public()).expect("jwk");
        serde_json::from_value(serde_json::json!({ "keys": [jwk] })).expect("jwks")
    })
}

/// An authorization request as a query string (parameters, the claims request, a request
/// object) validated for a registered client.
pub fn authorization_request(data: &[u8]) {
    let pairs = form_urlencoded::parse(data).map(|(k, v)| (k.into_owned(), v.into_owned()));
    let Ok(params) = params_from_pairs(pairs) else { return };
    let replay = RefCell::new(MemoryReplayGuard::default());
    let ctx = AuthorizeContext {
        issuer: "https://poort.example",
        supported_scopes: &["openid", "profile", "email", "egovnrn", "roles", "certificateInfo"],
        client_keys: Some(fuzz_keys()),
        now: 1_800_000_000,
        replay: &replay,
    };
    let _ = validate(&params, Some(fuzz_client()), &ctx);
}

/// A compact JWS: header parsing, key selection, signature check, and a DPoP proof check.
pub fn jose(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let _ = jwt::raw_header(token);
    if let Ok(header) = jwt::peek_header(token)
        && let Ok(key) = jwt::client_key(fuzz_keys(), &header)
    {
        let _ = jwt::verify_signature(token, &key, header.alg);
    }
    let _ = jwt::insecure_sub(token);
    let mut replay = MemoryReplayGuard::default();
    let check = ProofCheck {
        htm: "POST",
        htu: "https://poort.example/token",
        now: 1_800_000_000,
        access_token: None,
        expected_jkt: None,
        nonce: NoncePolicy::None,
    };
    let _ = verify_proof(token, check, &mut replay);
}

struct Saml {
    sp: ServiceProvider,
    pending: PendingRequest,
}

fn saml() -> &'static Saml {
    static SAML: OnceLock<Saml> = OnceLock::new();
    SAML.get_or_init(|| {
        let (key, cert) = crate::kernel::devpki::self_signed_rsa("Poort fuzz SP").expect("sp key");
        let (_, node_cert) = crate::kernel::devpki::self_signed_rsa("Fuzz eIDAS node").expect("node key");
        let sp = ServiceProvider::new(&EidasSpConfig {
            entity_id: "https://poort.example/login/eidas/metadata".into(),
            acs_url: "https://poort.example/login/eidas/acs".into(),
            signing_key_pem: key,
            signing_certificate_pem: cert,
            sp_type: SpType::Public,
            requested_loa: Loa::Substantial,
            clock_skew_secs: 60,
            node_metadata_url: None,
            node_metadata_signing_certificate_pem: None,
            node_entity_id: Some("https://node.example/metadata".into()),
            node_sso_url: Some("https://node.example/sso".into()),
            node_certificate_pem: Some(node_cert),
        })
        .expect("the fuzz SP");
        let now = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
        let params = AuthnParams { loa: Loa::Substantial, requested_country: None };
        let (_, mut pending) = crate::authn::eidas::build_authn_request(&sp, &params, now).expect("request");
        // Fixed identifiers, so the fuzzer can reach past the envelope checks.
        pending.request_id = "_fuzz".into();
        pending.relay_state = "tx.fuzz".into();
        Saml { sp, pending }
    })
}

/// The eIDAS node's `Response` (the XML, base64-encoded as the ACS receives it): strict
/// parsing, envelope checks, signature verification and reduction, assertion checks.
pub fn eidas_response(data: &[u8]) {
    let s = saml();
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let now = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    let _ = crate::authn::eidas::response::check_response(&s.sp, &b64, "tx.fuzz", &s.pending, now);
}

/// A service provider's `AuthnRequest` to the SAML identity provider: the bytes as the XML
/// of the HTTP-POST binding and as the DEFLATE data of the HTTP-Redirect binding, then the
/// parser, the signature requirement, the request checks and the level rules; and the bytes
/// as a Redirect query whose signed octets are rebuilt.
pub fn saml_authn_request(data: &[u8]) {
    use crate::protocol::saml::authn_request::{self, Binding};
    use crate::protocol::saml::sp::{Endpoint, ServiceProvider as SamlSp, SpSettings};
    static SP: OnceLock<SamlSp> = OnceLock::new();
    let sp = SP.get_or_init(|| SamlSp {
        entity_id: "https://sp.example/metadata".into(),
        name: "fuzz SP".into(),
        acs: vec![Endpoint {
            binding: crate::kernel::saml::xml::BINDING_POST.into(),
            location: "https://sp.example/acs".into(),
            index: Some(0),
            is_default: true,
        }],
        slo: Vec::new(),
        signing_certificates: Vec::new(),
        encryption_certificates: Vec::new(),
        signs_requests: true,
        wants_assertions_signed: false,
        encryption_methods: Vec::new(),
        signing_methods: Vec::new(),
        settings: SpSettings::default(),
    });
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let now = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    for binding in [Binding::Post, Binding::Redirect] {
        if let Ok(parsed) = authn_request::decode(binding, &b64).and_then(authn_request::parse) {
            let _ = authn_request::verify(&parsed, sp, None);
            let _ = authn_request::check(
                &parsed,
                sp,
                "https://idp.example/saml/sso",
                now,
                time::Duration::minutes(10),
                time::Duration::minutes(1),
            );
            if let Some(level) = authn_request::required_level(parsed.requested.as_ref()) {
                let _ = authn_request::class_ref(parsed.requested.as_ref(), level);
            }
        }
    }
    let _ = authn_request::redirect_signed_octets(&String::from_utf8_lossy(data));
}

/// A form body as the pages and the token endpoint decode it.
pub fn form(data: &[u8]) {
    let pairs = form_urlencoded::parse(data).map(|(k, v)| (k.into_owned(), v.into_owned()));
    let _ = params_from_pairs(pairs);
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct TypicalForm {
        csrf: String,
        tx: String,
        level: Option<u16>,
        #[serde(default)]
        items: Vec<String>,
    }
    let _ = serde_urlencoded::from_bytes::<TypicalForm>(data);
    let _ = serde_urlencoded::from_bytes::<HashMap<String, String>>(data);
}
