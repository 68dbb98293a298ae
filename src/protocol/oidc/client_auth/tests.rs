//! Tests of `client_auth`.

use super::*;
use crate::protocol::oidc::client::{hash_secret, tests::test_client};
use crate::protocol::oidc::error::ErrorCode;
use crate::protocol::oidc::keys::{Alg, testing::client_key};
use crate::protocol::oidc::replay::MemoryReplayGuard;
use serde_json::json;

const TOKEN_EP: &str = "https://poort.example/token";

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
}

fn ctx<'a>(keys: Option<&'a JwkSet>, replay: &'a mut MemoryReplayGuard, now: i64) -> AssertionContext<'a> {
    AssertionContext { audiences: &[TOKEN_EP, "https://poort.example"], now, client_keys: keys, replay }
}

#[test]
fn client_secret_basic_decodes_percent_encoded_id_and_secret() {
    let mut client = test_client();
    client.id = "rp-1".into();
    client.secret_hash = Some(hash_secret(b"p", "s-1:x"));
    let header = format!("Basic {}", STANDARD.encode("rp%2D1:s%2D1%3Ax"));
    let creds = ClientCredentials::from_request(Some(&header), &form(&[])).unwrap();
    assert_eq!(creds, ClientCredentials::Basic { client_id: "rp-1".into(), secret: "s-1:x".into() });
    let mut r = MemoryReplayGuard::default();
    assert_eq!(authenticate(&creds, Some(&client), b"p", ctx(None, &mut r, 0)), Ok(()));
}

#[test]
fn a_wrong_basic_secret_is_invalid_client_with_a_challenge() {
    let mut client = test_client();
    client.secret_hash = Some(hash_secret(b"p", "right"));
    let header = format!("Basic {}", STANDARD.encode("rp-1:wrong"));
    let creds = ClientCredentials::from_request(Some(&header), &form(&[])).unwrap();
    let mut r = MemoryReplayGuard::default();
    let e = authenticate(&creds, Some(&client), b"p", ctx(None, &mut r, 0)).unwrap_err();
    assert_eq!((e.error, e.status), (ErrorCode::InvalidClient, 401));
    assert!(e.www_authenticate.is_some());
    let e = authenticate(&creds, None, b"p", ctx(None, &mut r, 0)).unwrap_err();
    assert_eq!(e.error, ErrorCode::InvalidClient);
}

#[test]
fn client_secret_post_is_accepted_only_for_clients_registered_for_it() {
    let mut client = test_client();
    client.secret_hash = Some(hash_secret(b"p", "s"));
    let creds =
        ClientCredentials::from_request(None, &form(&[("client_id", "rp-1"), ("client_secret", "s")]))
            .unwrap();
    let mut r = MemoryReplayGuard::default();
    let e = authenticate(&creds, Some(&client), b"p", ctx(None, &mut r, 0)).unwrap_err();
    assert_eq!((e.error, e.www_authenticate), (ErrorCode::InvalidClient, None));
    assert_eq!(
        e.description.as_deref(),
        Some("this client is registered for client_secret_basic, not client_secret_post"),
        "the refusal names the registered method"
    );
    client.auth_method = AuthMethod::ClientSecretPost;
    assert_eq!(authenticate(&creds, Some(&client), b"p", ctx(None, &mut r, 0)), Ok(()));
}

#[test]
fn two_methods_in_one_request_are_invalid_request() {
    let header = format!("Basic {}", STANDARD.encode("rp-1:s"));
    let e = ClientCredentials::from_request(Some(&header), &form(&[("client_secret", "s")])).unwrap_err();
    assert_eq!(e.error, ErrorCode::InvalidRequest);
}

#[test]
fn a_public_client_authenticates_with_none_but_a_confidential_one_cannot() {
    let creds = ClientCredentials::from_request(None, &form(&[("client_id", "rp-1")])).unwrap();
    let mut client = test_client();
    client.auth_method = AuthMethod::None;
    let mut r = MemoryReplayGuard::default();
    assert_eq!(
        authenticate(&creds, Some(&client), b"p", ctx(None, &mut r, 0)).unwrap_err().error,
        ErrorCode::InvalidClient
    );
    client.kind = ClientKind::Public;
    assert_eq!(authenticate(&creds, Some(&client), b"p", ctx(None, &mut r, 0)), Ok(()));
}

fn jwt_client() -> (Client, crate::protocol::oidc::keys::SigningKey, JwkSet) {
    let (key, jwks) = client_key(Alg::ES256);
    let mut client = test_client();
    client.auth_method = AuthMethod::PrivateKeyJwt;
    client.secret_hash = None;
    (client, key, jwks)
}

fn assertion(
    key: &crate::protocol::oidc::keys::SigningKey,
    aud: &str,
    exp: i64,
    jti: &str,
) -> HashMap<String, String> {
    let a =
        key.sign(&json!({"iss": "rp-1", "sub": "rp-1", "aud": aud, "exp": exp, "jti": jti}), "JWT").unwrap();
    form(&[("client_assertion_type", JWT_BEARER_ASSERTION), ("client_assertion", &a)])
}

#[test]
fn private_key_jwt_is_accepted_once() {
    let (client, key, jwks) = jwt_client();
    let mut r = MemoryReplayGuard::default();
    let creds = ClientCredentials::from_request(None, &assertion(&key, TOKEN_EP, 100, "j1")).unwrap();
    assert_eq!(creds.client_id(), "rp-1");
    assert_eq!(authenticate(&creds, Some(&client), b"", ctx(Some(&jwks), &mut r, 50)), Ok(()));
    let e = authenticate(&creds, Some(&client), b"", ctx(Some(&jwks), &mut r, 50)).unwrap_err();
    assert_eq!(e.error, ErrorCode::InvalidClient);
}

#[test]
fn private_key_jwt_with_wrong_audience_or_expired_or_foreign_key_is_invalid_client() {
    let (client, key, jwks) = jwt_client();
    let (other_key, _) = client_key(Alg::ES256);
    let mut r = MemoryReplayGuard::default();
    for (f, now) in [
        (assertion(&key, "https://elsewhere/token", 100, "a"), 50),
        (assertion(&key, TOKEN_EP, 100, "b"), 100 + jwt::LEEWAY + 1),
        (assertion(&key, TOKEN_EP, 50 + MAX_ASSERTION_LIFETIME + 1, "c"), 50),
        (assertion(&other_key, TOKEN_EP, 100, "d"), 50),
    ] {
        let creds = ClientCredentials::from_request(None, &f).unwrap();
        let e = authenticate(&creds, Some(&client), b"", ctx(Some(&jwks), &mut r, now)).unwrap_err();
        assert_eq!((e.error, e.status), (ErrorCode::InvalidClient, 401));
    }
}

#[test]
fn a_wrong_assertion_type_is_invalid_request() {
    let e = ClientCredentials::from_request(
        None,
        &form(&[("client_assertion", "a.b.c"), ("client_assertion_type", "saml")]),
    )
    .unwrap_err();
    assert_eq!(e.error, ErrorCode::InvalidRequest);
}
