//! Tests of `authorize_request`.

use super::*;
use crate::protocol::oidc::client::tests::test_client;
use crate::protocol::oidc::keys::{Alg, testing::client_key};
use serde_json::{Value, json};

pub(crate) const ISS: &str = "https://poort.example";
pub(crate) const SCOPES: &[&str] = &["openid", "profile", "email", "egovnrn", "roles", "certificateInfo"];
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub(crate) fn ctx(keys: Option<&JwkSet>) -> AuthorizeContext<'_> {
    // One guard per context: a test that reuses a request object reuses the context.
    let replay: &'static RefCell<crate::protocol::oidc::replay::MemoryReplayGuard> =
        Box::leak(Box::default());
    AuthorizeContext { issuer: ISS, supported_scopes: SCOPES, client_keys: keys, now: 1000, replay }
}

pub(crate) fn good() -> HashMap<String, String> {
    [
        ("client_id", "rp-1"),
        ("redirect_uri", "https://rp.example/cb"),
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("state", "st"),
        ("nonce", "n"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn with(k: &str, v: &str) -> HashMap<String, String> {
    let mut p = good();
    p.insert(k.into(), v.into());
    p
}

fn redirect_code(r: Result<AuthorizationRequest, AuthorizeError>) -> ErrorCode {
    match r.unwrap_err() {
        AuthorizeError::Redirect { error, .. } => error.error,
        AuthorizeError::Untrusted(e) => {
            panic!("expected a redirectable error, got untrusted {e:?}")
        }
    }
}

#[test]
fn a_good_request_is_accepted() {
    let r = validate(&good(), Some(&test_client()), &ctx(None)).unwrap();
    assert_eq!(r.scopes, vec!["openid", "profile"]);
    assert_eq!(r.response_mode, ResponseMode::Query);
    assert_eq!(r.required_level, None);
}

#[test]
fn unknown_client_or_bad_redirect_uri_is_never_redirected() {
    let c = test_client();
    assert!(matches!(validate(&good(), None, &ctx(None)), Err(AuthorizeError::Untrusted(_))));
    let r = validate(&with("redirect_uri", "https://rp.example/cb/"), Some(&c), &ctx(None));
    assert!(matches!(r, Err(AuthorizeError::Untrusted(e)) if e.error == ErrorCode::InvalidRequest));
    let mut p = good();
    p.remove("redirect_uri");
    assert!(matches!(validate(&p, Some(&c), &ctx(None)), Err(AuthorizeError::Untrusted(_))));
}

#[test]
fn redirectable_errors_carry_the_exact_code() {
    let c = test_client();
    let v = |k: &str, val: &str| redirect_code(validate(&with(k, val), Some(&c), &ctx(None)));
    assert_eq!(v("response_type", "token"), ErrorCode::UnsupportedResponseType);
    assert_eq!(v("scope", "profile"), ErrorCode::InvalidScope);
    // A scope Poort knows but the client may not use (test_client has no certificateInfo).
    assert_eq!(v("scope", "openid certificateInfo"), ErrorCode::InvalidScope);
    assert_eq!(v("code_challenge_method", "plain"), ErrorCode::InvalidRequest);
    assert_eq!(v("prompt", "none login"), ErrorCode::InvalidRequest);
    assert_eq!(v("prompt", "bogus"), ErrorCode::InvalidRequest);
    assert_eq!(v("max_age", "-1"), ErrorCode::InvalidRequest);
    assert_eq!(v("response_mode", "fragment"), ErrorCode::InvalidRequest);
    assert_eq!(v("claims", "{not json"), ErrorCode::InvalidRequest);
    let essential_unknown = json!({"id_token": {"acr": {"essential": true, "value": "urn:unknown"}}});
    assert_eq!(v("claims", &essential_unknown.to_string()), ErrorCode::InvalidRequest);
    // A request_uri by reference is fetched by the endpoint; one left over is unusable.
    assert_eq!(v("request_uri", "https://rp.example/req"), ErrorCode::InvalidRequestUri);
    let mut p = good();
    p.remove("code_challenge");
    assert_eq!(redirect_code(validate(&p, Some(&c), &ctx(None))), ErrorCode::InvalidRequest);
}

#[test]
fn acr_values_map_to_the_weakest_acceptable_level_and_the_client_minimum() {
    let mut c = test_client();
    let r = validate(
        &with("acr_values", "urn:be:fedict:iam:fas:Level500 http://eidas.europa.eu/LoA/substantial"),
        Some(&c),
        &ctx(None),
    )
    .unwrap();
    assert_eq!(r.required_level, Some(300));
    c.min_level = Some(400);
    let r = validate(&with("acr_values", "http://eidas.europa.eu/LoA/low"), Some(&c), &ctx(None)).unwrap();
    assert_eq!(r.required_level, Some(400));
    let claims =
        json!({"id_token": {"acr": {"essential": true, "values": ["urn:be:fedict:iam:fas:Level450"]}}})
            .to_string();
    let r = validate(&with("claims", &claims), Some(&c), &ctx(None)).unwrap();
    assert_eq!(r.required_level, Some(450));
    assert!(r.claims.id_token["acr"].essential);
}

#[test]
fn scopes_poort_does_not_understand_are_ignored() {
    // OIDC Core §3.1.2.1: "Scope values used that are not understood by an implementation
    // SHOULD be ignored."
    let c = test_client();
    let r = validate(&with("scope", "openid offline_access profile admin profile"), Some(&c), &ctx(None))
        .expect("accepted");
    assert_eq!(r.scopes, vec!["openid", "profile"]);
    let only_unknown = validate(&with("scope", "offline_access"), Some(&c), &ctx(None));
    assert_eq!(redirect_code(only_unknown), ErrorCode::InvalidScope, "openid is still required");
}

#[test]
fn acr_values_are_voluntary_unknown_values_are_ignored() {
    let c = test_client();
    let r = validate(&with("acr_values", "urn:unknown"), Some(&c), &ctx(None)).expect("accepted");
    assert_eq!(r.required_level, None);
    let r = validate(&with("acr_values", "urn:unknown urn:be:fedict:iam:fas:Level450"), Some(&c), &ctx(None))
        .expect("accepted");
    assert_eq!(r.required_level, Some(450), "a known value still sets the requirement");
}

#[test]
fn a_claims_request_with_null_members_is_the_default_request() {
    // OIDC Core §5.5: `"given_name": null` asks for the claim in the default manner.
    let c = test_client();
    let claims = json!({"id_token": {"given_name": null, "acr": null},
        "userinfo": {"email": null, "family_name": {"essential": true}}});
    let r = validate(&with("claims", &claims.to_string()), Some(&c), &ctx(None)).expect("accepted");
    assert_eq!(r.claims.id_token["given_name"], ClaimRequest::default());
    assert_eq!(r.required_level, None, "a null acr request binds nothing");
    assert!(r.claims.userinfo.contains_key("email"));
    assert!(r.claims.userinfo["family_name"].essential);
    let stored = serde_json::to_string(&r.claims).expect("serialise");
    assert_eq!(serde_json::from_str::<ClaimsRequest>(&stored).expect("parse"), r.claims);
    let bad = json!({"id_token": {"given_name": "yes"}}).to_string();
    assert_eq!(
        redirect_code(validate(&with("claims", &bad), Some(&c), &ctx(None))),
        ErrorCode::InvalidRequest
    );
}

#[test]
fn a_require_par_client_refuses_front_channel_requests() {
    let mut c = test_client();
    c.require_par = true;
    assert_eq!(redirect_code(validate(&good(), Some(&c), &ctx(None))), ErrorCode::InvalidRequest);
}

#[test]
fn the_error_redirect_carries_state_and_iss() {
    let url = error_redirect_url(
        &OAuthError::new(ErrorCode::LoginRequired, "login needed"),
        "https://rp.example/cb?a=1",
        Some("s 1"),
        ISS,
    );
    assert!(url.starts_with("https://rp.example/cb?a=1&error=login_required&"));
    assert!(url.contains("state=s+1") && url.contains("iss=https%3A%2F%2Fpoort.example"));
}

#[test]
fn over_long_values_and_too_many_parameters_are_refused_naming_the_limit() {
    let long = |name: &str, n: usize| params_from_pairs(vec![(name.into(), "x".repeat(n))]);
    assert!(long("state", 2048).is_ok());
    let e = long("state", 2049).unwrap_err();
    assert_eq!(e.error, ErrorCode::InvalidRequest);
    assert_eq!(e.description.as_deref(), Some("state is too long (at most 2048 bytes)"));
    assert!(long("nonce", 513).is_err());
    assert!(long("request", 20_000).is_ok(), "signed request objects may be long");
    assert!(long("scope", 4097).is_err());
    let many: Vec<(String, String)> = (0..65).map(|i| (format!("p{i}"), "v".into())).collect();
    assert!(params_from_pairs(many).is_err());
}

#[test]
fn duplicate_parameters_are_refused() {
    let e = params_from_pairs(vec![("a".into(), "1".into()), ("a".into(), "2".into())]).unwrap_err();
    assert_eq!(e.error, ErrorCode::InvalidRequest);
}

fn jar(key: &crate::protocol::oidc::keys::SigningKey, aud: &str, extra: Value) -> String {
    let mut claims = json!({"iss": "rp-1", "aud": aud, "exp": 2000, "jti": "jar-1", "client_id": "rp-1",
        "redirect_uri": "https://rp.example/cb", "response_type": "code", "scope": "openid email",
        "code_challenge": CHALLENGE, "code_challenge_method": "S256", "max_age": 60});
    claims.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    key.sign(&claims, "oauth-authz-req+jwt").unwrap()
}

#[test]
fn only_the_request_objects_parameters_count() {
    let (key, jwks) = client_key(Alg::ES256);
    let c = test_client();
    let r = validate(&with("request", &jar(&key, ISS, json!({}))), Some(&c), &ctx(Some(&jwks))).unwrap();
    assert_eq!(r.scopes, vec!["openid", "email"]);
    assert_eq!(r.max_age, Some(60));
    // RFC 9101 §6.3: the query's nonce and state are not merged in.
    assert_eq!(r.nonce, None);
    assert_eq!(r.state, None);
}

#[test]
fn a_request_object_needs_exp_and_jti_and_is_used_once() {
    let (key, jwks) = client_key(Alg::ES256);
    let c = test_client();
    let code = |extra: Value, ctx: &AuthorizeContext<'_>| {
        let mut claims = json!({"iss": "rp-1", "aud": ISS, "exp": 2000, "jti": "j", "client_id": "rp-1",
            "redirect_uri": "https://rp.example/cb", "response_type": "code", "scope": "openid",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256"});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        let jar = key.sign(&claims, "oauth-authz-req+jwt").unwrap();
        validate(&with("request", &jar), Some(&c), ctx).map(|_| ()).map_err(|e| e.error().error)
    };
    let fresh = || ctx(Some(&jwks));
    assert_eq!(code(json!({"exp": null}), &fresh()), Err(ErrorCode::InvalidRequestObject), "no exp");
    assert_eq!(code(json!({"jti": null}), &fresh()), Err(ErrorCode::InvalidRequestObject), "no jti");
    assert_eq!(code(json!({"exp": 500}), &fresh()), Err(ErrorCode::InvalidRequestObject), "expired");
    assert_eq!(code(json!({"exp": 1000 + 7200}), &fresh()), Err(ErrorCode::InvalidRequestObject), "too long");
    let same = fresh();
    assert_eq!(code(json!({}), &same), Ok(()));
    assert_eq!(code(json!({}), &same), Err(ErrorCode::InvalidRequestObject), "a replay");
}

#[test]
fn request_objects_with_a_bad_signature_or_audience_are_refused() {
    let (_, jwks) = client_key(Alg::ES256);
    let (other, _) = client_key(Alg::ES256);
    let (key, _) = (other, ());
    let c = test_client();
    assert_eq!(
        redirect_code(validate(&with("request", &jar(&key, ISS, json!({}))), Some(&c), &ctx(Some(&jwks)))),
        ErrorCode::InvalidRequestObject
    );
    let (key, jwks) = client_key(Alg::RS256);
    assert_eq!(
        redirect_code(validate(
            &with("request", &jar(&key, "https://other", json!({}))),
            Some(&c),
            &ctx(Some(&jwks))
        )),
        ErrorCode::InvalidRequestObject
    );
    assert_eq!(
        redirect_code(validate(
            &with("request", &jar(&key, ISS, json!({"iss": "rp-2"}))),
            Some(&c),
            &ctx(Some(&jwks))
        )),
        ErrorCode::InvalidRequestObject
    );
    assert_eq!(
        redirect_code(validate(&with("request", "not.a.jwt"), Some(&c), &ctx(Some(&jwks)))),
        ErrorCode::InvalidRequestObject
    );
}
