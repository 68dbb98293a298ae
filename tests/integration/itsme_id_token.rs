//! id_token checks with tokens forged by the test (as a hostile or broken provider would send
//! them), through the same `validate_id_token` that `finish` uses.
use crate::itsme_protocol_support as common;

use common::{CLIENT_ID, keys};
use josekit::jwk::JwkSet;
use poort::authn::itsme::jose::{DecryptionKey, SigningKey, encrypt_to, jwk_set, now_unix};
use poort::authn::itsme::upstream::{
    ClientKeys, PendingLogin, Provider, ProviderMetadata, UpstreamConfig, UpstreamError, validate_id_token,
};
use serde_json::{Map, Value, json};

const ISSUER: &str = "https://idp.example.be";

fn metadata() -> ProviderMetadata {
    serde_json::from_value(json!({
        "issuer": ISSUER,
        "authorization_endpoint": format!("{ISSUER}/authorize"),
        "token_endpoint": format!("{ISSUER}/token"),
        "jwks_uri": format!("{ISSUER}/jwks"),
    }))
    .expect("metadata")
}

fn provider_key() -> SigningKey {
    SigningKey::from_pem(&keys().mock_signing_pem).expect("key")
}

fn provider(encrypted: bool) -> Provider {
    let jwks: JwkSet = jwk_set(&[provider_key().public_jwk()]);
    let decryption = encrypted.then(|| DecryptionKey::from_pem(&keys().client_encryption_pem).expect("enc"));
    Provider::from_parts(metadata(), jwks, ClientKeys { signing: None, decryption })
}

fn config() -> UpstreamConfig {
    UpstreamConfig::new(ISSUER, CLIENT_ID, common::REDIRECT_URI)
}

fn pending() -> PendingLogin {
    PendingLogin {
        state: "s".into(),
        nonce: "the-nonce".into(),
        pkce_verifier: "v".into(),
        created_at: now_unix(),
        requested_level: 450,
    }
}

fn claims(overrides: Value) -> Map<String, Value> {
    let now = now_unix();
    let mut c: Map<String, Value> = serde_json::from_value(json!({
        "iss": ISSUER, "sub": "abc", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
        "nonce": "the-nonce", "acr": "http://itsme.services/V2/claim/acr_advanced",
    }))
    .expect("claims");
    if let Value::Object(o) = overrides {
        c.extend(o);
    }
    c
}

fn signed(c: &Map<String, Value>) -> String {
    provider_key().sign(c, Some("JWT")).expect("sign")
}

fn encrypted(c: &Map<String, Value>) -> String {
    let enc = DecryptionKey::from_pem(&keys().client_encryption_pem).expect("enc");
    encrypt_to(enc.public_jwk(), &signed(c)).expect("encrypt")
}

fn check(encrypted_mode: bool, token: &str) -> Result<(), UpstreamError> {
    validate_id_token(&provider(encrypted_mode), &config(), &pending(), token, now_unix()).map(|_| ())
}

/// Flips one base64url character in the given segment.
fn flip(token: &str, segment: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let s = &mut parts[segment];
    let i = s.len() / 2;
    let replacement = if &s[i..=i] == "A" { "B" } else { "A" };
    s.replace_range(i..=i, replacement);
    parts.join(".")
}

#[test]
fn a_valid_encrypted_id_token_is_accepted() {
    let token = encrypted(&claims(json!({})));
    assert_eq!(token.split('.').count(), 5);
    check(true, &token).expect("valid");
}

#[test]
fn a_tampered_encrypted_id_token_is_refused() {
    let token = encrypted(&claims(json!({})));
    assert_eq!(check(true, &flip(&token, 3)), Err(UpstreamError::Decryption));
}

#[test]
fn a_tampered_signature_is_refused() {
    let token = signed(&claims(json!({})));
    assert_eq!(check(false, &flip(&token, 2)), Err(UpstreamError::BadSignature));
}

#[test]
fn a_tampered_payload_is_refused() {
    let token = signed(&claims(json!({})));
    assert_eq!(check(false, &flip(&token, 1)).unwrap_err().code(), "bad_signature");
}

#[test]
fn an_id_token_from_another_issuer_is_refused() {
    let token = encrypted(&claims(json!({ "iss": "https://evil.example" })));
    assert_eq!(check(true, &token), Err(UpstreamError::WrongIssuer));
}

#[test]
fn an_expired_id_token_is_refused() {
    let past = now_unix() - 3600;
    let token = encrypted(&claims(json!({ "iat": past - 300, "exp": past })));
    assert_eq!(check(true, &token), Err(UpstreamError::Expired));
}

#[test]
fn an_id_token_issued_in_the_future_is_refused() {
    let token = encrypted(&claims(json!({ "iat": now_unix() + 3600, "exp": now_unix() + 7200 })));
    assert_eq!(check(true, &token), Err(UpstreamError::IssuedInFuture));
}

#[test]
fn an_id_token_for_another_client_is_refused() {
    let token = encrypted(&claims(json!({ "aud": "someone-else" })));
    assert_eq!(check(true, &token), Err(UpstreamError::WrongAudience));
}

#[test]
fn several_audiences_without_azp_are_refused() {
    let token = encrypted(&claims(json!({ "aud": [CLIENT_ID, "other"] })));
    assert_eq!(check(true, &token), Err(UpstreamError::WrongAudience));
}

#[test]
fn a_wrong_nonce_is_refused() {
    let token = encrypted(&claims(json!({ "nonce": "replayed" })));
    assert_eq!(check(true, &token), Err(UpstreamError::NonceMismatch));
}

#[test]
fn a_plain_id_token_is_refused_when_encryption_is_configured() {
    let token = signed(&claims(json!({})));
    assert_eq!(check(true, &token), Err(UpstreamError::EncryptionRequired));
}

#[test]
fn an_id_token_signed_by_an_unpublished_key_is_refused() {
    let other = SigningKey::from_pem(&keys().other_signing_pem).expect("key");
    let token = other.sign(&claims(json!({})), None).expect("sign");
    assert_eq!(check(false, &token), Err(UpstreamError::UnknownSigningKey));
}

#[test]
fn an_unsigned_id_token_is_refused() {
    use base64::Engine as _;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = format!("{}.{}.", b64(json!({"alg": "none"})), b64(Value::Object(claims(json!({})))));
    assert_eq!(check(false, &token), Err(UpstreamError::UnsupportedAlgorithm));
}

#[test]
fn garbage_is_refused_without_panicking() {
    for junk in ["", ".", "....", "a.b.c", "a.b.c.d.e", "\u{0}.\u{0}.\u{0}", "eyJ.eyJ.eyJ"] {
        assert!(check(false, junk).is_err());
        assert!(check(true, junk).is_err());
    }
}
