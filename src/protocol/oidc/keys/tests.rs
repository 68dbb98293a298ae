//! Tests of `keys`.

use super::*;
use crate::protocol::oidc::jwt;
use serde_json::{Value, json};

const ISS: &str = "https://poort.example";

fn check(require_unexpired: bool) -> OwnTokenCheck<'static> {
    OwnTokenCheck { issuer: ISS, typ: "JWT", require_unexpired }
}

#[test]
fn generated_keys_sign_and_verify_for_both_algorithms() {
    for alg in [Alg::ES256, Alg::RS256] {
        let set = KeySet::new(vec![generate(alg, 0).unwrap()]);
        let t = set.sign(&json!({"iss": ISS, "exp": 100, "x": 1}), alg, "JWT").unwrap();
        let c: Value = set.verify_own(&t, 50, check(true)).unwrap();
        assert_eq!(c["x"], 1);
        let h = jwt::peek_header(&t).unwrap();
        assert_eq!(h.kid.as_deref(), Some(set.active(alg).unwrap().kid.as_str()));
        assert_eq!((h.alg, h.typ.as_deref()), (alg.jwt(), Some("JWT")));
        // An independent verifier accepts it with the published key.
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(serde_json::to_value(set.active(alg).unwrap().to_jwk_public()).unwrap())
                .unwrap();
        let mut validation = jsonwebtoken::Validation::new(alg.jwt());
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let decoded = jsonwebtoken::decode::<Value>(
            &t,
            &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
            &validation,
        )
        .unwrap();
        assert_eq!(decoded.claims["x"], 1);
    }
}

#[test]
fn the_public_jwk_has_the_registered_members() {
    let ec = generate(Alg::ES256, 0).unwrap().to_jwk_public();
    assert_eq!((ec.kty.as_str(), ec.crv.as_deref(), ec.use_.as_str()), ("EC", Some("P-256"), "sig"));
    assert!(ec.x.is_some() && ec.y.is_some() && ec.n.is_none());
    let rsa = generate(Alg::RS256, 0).unwrap().to_jwk_public();
    assert_eq!(rsa.e.as_deref(), Some("AQAB"));
    assert_eq!(rsa.alg, "RS256");
    let v = serde_json::to_value(&rsa).unwrap();
    assert!(v.get("d").is_none() && v.get("use").is_some());
}

#[test]
fn a_stored_key_round_trips_and_keeps_its_kid() {
    for alg in [Alg::ES256, Alg::RS256] {
        let k = generate(alg, 7).unwrap();
        let stored = k.to_stored();
        let text = serde_json::to_string(&stored).unwrap();
        let back = SigningKey::from_stored(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back.kid, k.kid);
        assert_eq!(back.created_at, 7);
        assert!(!format!("{stored:?}").contains(&stored.private_pkcs8_b64));
    }
}

#[test]
fn a_stored_key_with_a_foreign_kid_is_refused() {
    let mut stored = generate(Alg::ES256, 0).unwrap().to_stored();
    stored.kid = "other".into();
    assert_eq!(SigningKey::from_stored(&stored).unwrap_err(), KeyError::BadKey);
}

#[test]
fn the_jwks_contains_both_algorithms_and_the_retired_keys_after_rotation() {
    let mut set = KeySet::new(vec![generate(Alg::ES256, 0).unwrap(), generate(Alg::RS256, 0).unwrap()]);
    set.rotate(1000, 3600).unwrap();
    let jwks = set.jwks(1000);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys.iter().filter(|k| k["alg"] == "ES256").count(), 2);
    assert_eq!(keys.iter().filter(|k| k["alg"] == "RS256").count(), 2);
    assert_eq!(set.jwks(4600)["keys"].as_array().unwrap().len(), 2);
}

#[test]
fn a_token_signed_by_a_retired_key_verifies_until_its_retirement_time() {
    let mut set = KeySet::new(vec![generate(Alg::ES256, 0).unwrap()]);
    let old = set.sign(&json!({"iss": ISS, "exp": 1_000_000}), Alg::ES256, "JWT").unwrap();
    set.rotate(1000, 600).unwrap();
    assert!(set.verify_own::<Value>(&old, 1599, check(true)).is_ok());
    assert_eq!(
        set.verify_own::<Value>(&old, 1600, check(true)).unwrap_err(),
        KeyError::Token(JwtError::UnknownKey)
    );
    set.prune(1600);
    assert!(set.retired.is_empty());
}

#[test]
fn own_tokens_with_wrong_issuer_type_or_expiry_are_refused() {
    let set = KeySet::new(vec![generate(Alg::ES256, 0).unwrap()]);
    let t = set.sign(&json!({"iss": "https://evil", "exp": 100}), Alg::ES256, "JWT").unwrap();
    assert_eq!(
        set.verify_own::<Value>(&t, 0, check(true)).unwrap_err(),
        KeyError::Token(JwtError::WrongClaim("iss"))
    );
    let t = set.sign(&json!({"iss": ISS, "exp": 100}), Alg::ES256, "at+jwt").unwrap();
    assert_eq!(
        set.verify_own::<Value>(&t, 0, check(true)).unwrap_err(),
        KeyError::Token(JwtError::WrongType)
    );
    let t = set.sign(&json!({"iss": ISS, "exp": 100}), Alg::ES256, "JWT").unwrap();
    assert_eq!(
        set.verify_own::<Value>(&t, 1000, check(true)).unwrap_err(),
        KeyError::Token(JwtError::Expired)
    );
    assert!(set.verify_own::<Value>(&t, 1000, check(false)).is_ok());
}

#[test]
fn a_token_signed_by_a_foreign_key_with_our_kid_is_refused() {
    let ours = generate(Alg::ES256, 0).unwrap();
    let set = KeySet::new(vec![generate(Alg::ES256, 0).unwrap()]);
    let kid = set.active(Alg::ES256).unwrap().kid.clone();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(kid);
    let forged = jsonwebtoken::encode(
        &header,
        &json!({"iss": ISS, "exp": 100}),
        &jsonwebtoken::EncodingKey::from_ec_der(ours.private_der()),
    )
    .unwrap();
    assert_eq!(
        set.verify_own::<Value>(&forged, 0, check(true)).unwrap_err(),
        KeyError::Token(JwtError::BadSignature)
    );
}
