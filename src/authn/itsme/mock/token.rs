//! Discovery, JWKS, `/token` and `/userinfo` of the mock provider.
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::{AccessGrant, Client, MockClientAuth, MockProvider};
use crate::authn::itsme::jose::{
    encrypt_to, jwk_set, now_unix, pkce_challenge, random_token, verify_with_jwks,
};
use crate::authn::itsme::upstream::{ITSME_ACR_ADVANCED, ITSME_ACR_BASIC, ITSME_NATIONAL_NUMBER};

/// GET /.well-known/openid-configuration (Discovery §3).
pub async fn discovery(State(p): State<Arc<MockProvider>>) -> Json<Value> {
    Json(json!({
        "issuer": p.issuer(),
        "authorization_endpoint": p.endpoint("/authorize"),
        "token_endpoint": p.endpoint("/token"),
        "userinfo_endpoint": p.endpoint("/userinfo"),
        "jwks_uri": p.endpoint("/jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "scopes_supported": ["openid", "profile", "email"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
        "id_token_signing_alg_values_supported": [p.key.alg()],
        "id_token_encryption_alg_values_supported": ["RSA-OAEP-256"],
        "id_token_encryption_enc_values_supported": ["A128CBC-HS256"],
        "userinfo_signing_alg_values_supported": [p.key.alg()],
        "request_parameter_supported": true,
        "claims_parameter_supported": true,
        "acr_values_supported": [ITSME_ACR_BASIC, ITSME_ACR_ADVANCED],
        "authorization_response_iss_parameter_supported": true,
        "claims_supported": ["sub", "given_name", "family_name", "name", "birthdate", "email", ITSME_NATIONAL_NUMBER],
    }))
}

/// GET /jwks.
pub async fn jwks(State(p): State<Arc<MockProvider>>) -> Response {
    let body = jwk_set(&[p.public_jwk()]).to_string();
    ([(header::CONTENT_TYPE, "application/jwk-set+json")], body).into_response()
}

/// An OAuth error body (RFC 6749 §5.2).
fn oauth_error(status: StatusCode, error: &str) -> Response {
    let mut resp = (status, Json(json!({ "error": error }))).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// POST /token (Core §3.1.3): client authentication, single-use code, PKCE, tokens.
pub async fn token(
    State(p): State<Arc<MockProvider>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(client) = authenticate(&p, &headers, &form) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    // RFC 6749 §4.1.2: a code is used once; `take` removes it, so a replay finds nothing.
    let Some(grant) = form.get("code").and_then(|c| p.codes.take(c)) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let verifier_ok = form
        .get("code_verifier")
        .is_some_and(|v| bool::from(pkce_challenge(v).as_bytes().ct_eq(grant.code_challenge.as_bytes())));
    if grant.client_id != client.cfg.client_id
        || form.get("redirect_uri") != Some(&grant.redirect_uri)
        || !verifier_ok
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let (identity, _) = &p.identities[grant.identity];
    let now = now_unix();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(p.issuer()));
    claims.insert("sub".into(), json!(subject(&client.cfg.client_id, &identity.digits())));
    claims.insert("aud".into(), json!(client.cfg.client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + 300));
    claims.insert("auth_time".into(), json!(now));
    claims.insert("nonce".into(), json!(grant.nonce));
    claims.insert("acr".into(), json!(grant.acr));
    claims.insert("amr".into(), json!(["mfa", "app"]));
    let Ok(id_token) = sign_for(&p, client, &claims, "JWT") else {
        return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error");
    };
    let access_token = random_token(32);
    let access = AccessGrant { client_id: client.cfg.client_id.clone(), identity: grant.identity };
    if p.tokens.insert(access_token.clone(), access, 300).is_err() {
        return oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
    }
    let body = json!({ "access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token });
    let mut resp = Json(body).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Signs with the mock key, then encrypts to the client's key when it registered one.
fn sign_for(p: &MockProvider, client: &Client, claims: &Map<String, Value>, typ: &str) -> Result<String, ()> {
    let jws = p.key.sign(claims, Some(typ)).map_err(|_| ())?;
    match &client.encryption_key {
        Some(jwk) => encrypt_to(jwk, &jws).map_err(|_| ()),
        None => Ok(jws),
    }
}

/// A pairwise subject: stable per client and person, meaningless elsewhere (Core §8.1).
fn subject(client_id: &str, national_number: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{client_id}|{national_number}")))
}

/// Authenticates the client by client_secret_basic or private_key_jwt (Core §9).
fn authenticate<'a>(
    p: &'a MockProvider,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<&'a Client> {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let decoded = STANDARD.decode(auth.strip_prefix("Basic ")?).ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        let unescape = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned())
        };
        let client = p.clients.get(&unescape(id)?)?;
        let expected = client.cfg.client_secret.as_deref()?;
        let ok = client.cfg.token_endpoint_auth_method == MockClientAuth::ClientSecretBasic
            && bool::from(unescape(secret)?.as_bytes().ct_eq(expected.as_bytes()));
        return ok.then_some(client);
    }
    if form.get("client_assertion_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    {
        return None;
    }
    let assertion = form.get("client_assertion")?;
    // Unverified peek at iss only to find the client's keys; everything is verified below.
    let payload = assertion.split('.').nth(1)?;
    let unverified: Map<String, Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let client = p.clients.get(unverified.get("iss")?.as_str()?)?;
    if client.cfg.token_endpoint_auth_method != MockClientAuth::PrivateKeyJwt {
        return None;
    }
    let claims = verify_with_jwks(assertion, &client.signing_keys).ok()?;
    let id = client.cfg.client_id.as_str();
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    let token_endpoint = p.endpoint("/token");
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == &token_endpoint || a == p.issuer(),
        Some(Value::Array(l)) => l.iter().any(|a| a.as_str() == Some(token_endpoint.as_str())),
        _ => false,
    };
    let exp = claims.get("exp").and_then(Value::as_i64)?;
    let jti = text("jti")?;
    if text("iss") != Some(id) || text("sub") != Some(id) || !aud_ok || exp < now_unix() {
        return None;
    }
    // RFC 7523 §3: a jti is accepted once.
    let jti_key = format!("{id}|{jti}");
    if p.used_jtis.contains(&jti_key) || p.used_jtis.insert(jti_key, (), 600).is_err() {
        return None;
    }
    if form.get("client_id").is_some_and(|c| c != id) {
        return None;
    }
    Some(client)
}

/// GET or POST /userinfo (Core §5.3) with a bearer token.
pub async fn userinfo(State(p): State<Arc<MockProvider>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(grant) = token.and_then(|t| p.tokens.get(t)) else {
        let mut resp = StatusCode::UNAUTHORIZED.into_response();
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
        return resp;
    };
    let Some(client) = p.clients.get(&grant.client_id) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let (identity, _) = &p.identities[grant.identity];
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(p.issuer()));
    claims.insert("aud".into(), json!(client.cfg.client_id));
    claims.insert("sub".into(), json!(subject(&client.cfg.client_id, &identity.digits())));
    claims.insert("given_name".into(), json!(identity.given_names));
    claims.insert("family_name".into(), json!(identity.surname));
    claims.insert("name".into(), json!(format!("{} {}", identity.given_names, identity.surname)));
    claims.insert("birthdate".into(), json!(identity.birth_date));
    claims.insert(ITSME_NATIONAL_NUMBER.into(), json!(identity.digits()));
    if let Some(email) = &identity.email {
        claims.insert("email".into(), json!(email));
        claims.insert("email_verified".into(), json!(true));
    }
    if client.encryption_key.is_none() {
        return Json(Value::Object(claims)).into_response();
    }
    match sign_for(&p, client, &claims, "JWT") {
        Ok(jwt) => ([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response(),
        Err(()) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
