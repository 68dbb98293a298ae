//! Tests of `dpop`.

use super::*;
use crate::protocol::oidc::keys::{Alg, SigningKey, testing::client_key};
use crate::protocol::oidc::replay::MemoryReplayGuard;
use jsonwebtoken::Header;
use serde_json::{Value, json};

const HTU: &str = "https://poort.example/token";

fn proof(key: &SigningKey, jwks: &jsonwebtoken::jwk::JwkSet, claims: Value) -> String {
    let mut h = Header::new(key.alg.jwt());
    h.typ = Some("dpop+jwt".into());
    h.jwk = Some(jwks.keys[0].clone());
    jsonwebtoken::encode(&h, &claims, &key_encoding(key)).unwrap()
}

fn key_encoding(key: &SigningKey) -> jsonwebtoken::EncodingKey {
    use base64::engine::general_purpose::STANDARD;
    let der = STANDARD.decode(key.to_stored().private_pkcs8_b64).unwrap();
    jsonwebtoken::EncodingKey::from_ec_der(&der)
}

fn check<'a>(htm: &'a str, htu: &'a str, at: Option<&'a str>) -> ProofCheck<'a> {
    ProofCheck { htm, htu, now: 1000, access_token: at, expected_jkt: None, nonce: NoncePolicy::None }
}

fn err(r: Result<Jkt, DpopError>) -> ErrorCode {
    r.unwrap_err().to_oauth().error
}

#[test]
fn a_valid_proof_yields_the_key_thumbprint_once() {
    let (key, jwks) = client_key(Alg::ES256);
    let p = proof(
        &key,
        &jwks,
        json!({"htm": "POST", "htu": "https://poort.example/token?x=1", "iat": 1000, "jti": "j1"}),
    );
    let mut r = MemoryReplayGuard::default();
    let jkt = verify_proof(&p, check("POST", HTU, None), &mut r).unwrap();
    assert_eq!(jkt.0, jwks.keys[0].thumbprint(ThumbprintHash::SHA256).unwrap());
    assert_eq!(err(verify_proof(&p, check("POST", HTU, None), &mut r)), ErrorCode::InvalidDpopProof);
}

#[test]
fn wrong_htm_htu_iat_or_bound_key_is_invalid_dpop_proof() {
    let (key, jwks) = client_key(Alg::ES256);
    let mut r = MemoryReplayGuard::default();
    let p =
        |jti: &str, iat: i64| proof(&key, &jwks, json!({"htm": "POST", "htu": HTU, "iat": iat, "jti": jti}));
    assert_eq!(
        err(verify_proof(&p("a", 1000), check("GET", HTU, None), &mut r)),
        ErrorCode::InvalidDpopProof
    );
    assert_eq!(
        err(verify_proof(&p("b", 1000), check("POST", "https://poort.example/userinfo", None), &mut r)),
        ErrorCode::InvalidDpopProof
    );
    assert_eq!(
        err(verify_proof(&p("c", 1000), check("POST", "http://poort.example/token", None), &mut r)),
        ErrorCode::InvalidDpopProof
    );
    assert_eq!(
        err(verify_proof(&p("d", 900), check("POST", HTU, None), &mut r)),
        ErrorCode::InvalidDpopProof
    );
    let mut c = check("POST", HTU, None);
    c.expected_jkt = Some("someone-else");
    assert_eq!(err(verify_proof(&p("e", 1000), c, &mut r)), ErrorCode::InvalidDpopProof);
}

#[test]
fn ath_must_match_the_presented_access_token() {
    let (key, jwks) = client_key(Alg::ES256);
    let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(b"at-1"));
    let p = proof(&key, &jwks, json!({"htm": "GET", "htu": HTU, "iat": 1000, "jti": "j", "ath": ath}));
    let mut r = MemoryReplayGuard::default();
    assert_eq!(err(verify_proof(&p, check("GET", HTU, Some("at-2")), &mut r)), ErrorCode::InvalidDpopProof);
    assert!(verify_proof(&p, check("GET", HTU, Some("at-1")), &mut r).is_ok());
}

#[test]
fn a_private_key_in_the_header_or_a_wrong_typ_is_refused() {
    let (key, jwks) = client_key(Alg::ES256);
    let mut jwk = serde_json::to_value(&jwks.keys[0]).unwrap();
    jwk["d"] = json!("c2VjcmV0");
    let h = URL_SAFE_NO_PAD.encode(json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}).to_string());
    let b = URL_SAFE_NO_PAD.encode(json!({"htm": "POST", "htu": HTU, "iat": 1000, "jti": "x"}).to_string());
    let mut r = MemoryReplayGuard::default();
    let e = verify_proof(&format!("{h}.{b}.AAAA"), check("POST", HTU, None), &mut r).unwrap_err();
    assert_eq!(e, DpopError::Invalid("jwk header contains a private key"));
    let mut hd = Header::new(Algorithm::ES256);
    hd.jwk = Some(jwks.keys[0].clone());
    let t = jsonwebtoken::encode(
        &hd,
        &json!({"htm": "POST", "htu": HTU, "iat": 1000, "jti": "y"}),
        &key_encoding(&key),
    )
    .unwrap();
    assert_eq!(err(verify_proof(&t, check("POST", HTU, None), &mut r)), ErrorCode::InvalidDpopProof);
}

#[test]
fn a_missing_nonce_asks_for_one() {
    let (key, jwks) = client_key(Alg::ES256);
    let p = proof(&key, &jwks, json!({"htm": "POST", "htu": HTU, "iat": 1000, "jti": "n"}));
    let is_current = |n: &str| n == "fresh";
    let mut c = check("POST", HTU, None);
    c.nonce = NoncePolicy::Require(&is_current);
    assert_eq!(err(verify_proof(&p, c, &mut MemoryReplayGuard::default())), ErrorCode::UseDpopNonce);
}
