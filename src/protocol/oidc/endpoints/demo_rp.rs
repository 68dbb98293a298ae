//! `/demo-rp`: a demo relying party served by Poort itself (demo mode only). It logs in
//! through the normal flow like any application would: PKCE S256, `state`, `nonce`, the
//! code exchanged at `/token` over HTTP with its client secret, the id_token verified
//! against `/jwks`, then `/userinfo`; the page shows what the application received.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::code::new_handle;
use crate::protocol::oidc::pkce::s256_challenge;
use crate::protocol::oidc::provider::DEMO_RP_CLIENT_ID;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

const COOKIE: &str = "poort_demo_rp";

pub fn router() -> Router<OidcState> {
    Router::new()
        .route("/demo-rp", get(start))
        .route("/demo-rp/login", get(login))
        .route("/demo-rp/callback", get(callback))
}

#[derive(Template)]
#[template(path = "demo_rp.html")]
struct DemoPage {
    page: PageCtx,
    id_token: Option<String>,
    userinfo: Option<String>,
    roles: Vec<String>,
    /// The `chosen_profile` claim in one line: kind – enterprise – places.
    profile: Option<String>,
    error: Option<String>,
}

fn demo_only(state: &OidcState) -> Result<&str, WebError> {
    state.oidc().demo_rp_secret().ok_or_else(|| WebError::not_found("error.not_found"))
}

/// An HMAC of `value` under the demo relying party's own secret (its state cookie).
fn sign(state: &OidcState, value: &str) -> String {
    let key = state.oidc().demo_rp_secret().unwrap_or_default();
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length works for HMAC");
    mac.update(b"demo-rp-cookie:");
    mac.update(value.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

async fn start(State(state): State<OidcState>, page: PageCtx) -> Result<Response, WebError> {
    demo_only(&state)?;
    render(&DemoPage { page, profile: None, id_token: None, userinfo: None, roles: Vec::new(), error: None })
}

/// Starts a login: state, nonce and PKCE verifier in a signed cookie, then `/authorize`.
async fn login(State(state): State<OidcState>, jar: CookieJar) -> Result<Response, WebError> {
    demo_only(&state)?;
    let (st, nonce, verifier) = (new_handle(), new_handle(), new_handle());
    let value = format!("{st}.{nonce}.{verifier}");
    let cookie = Cookie::build((COOKIE, format!("{value}.{}", sign(&state, &value))))
        .path("/demo-rp")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.cookies().is_secure)
        .build();
    let redirect_uri = format!("{}/demo-rp/callback", state.public_url());
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", DEMO_RP_CLIENT_ID)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", "openid profile email egovnrn roles certificateInfo")
        .append_pair("state", &st)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &s256_challenge(&verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair("prompt", "select_account")
        .finish();
    Ok((jar.add(cookie), Redirect::to(&format!("/authorize?{query}"))).into_response())
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<OidcState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<Callback>,
) -> Result<Response, WebError> {
    let secret = demo_only(&state)?.to_string();
    let result = finish(&state, &jar, &q, &secret).await;
    let jar = jar.remove(Cookie::build(COOKIE).path("/demo-rp"));
    let view = match result {
        Ok((id_token, userinfo)) => {
            let roles = userinfo["roles"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            let chosen = &userinfo["chosen_profile"];
            let profile = chosen["kind"].as_str().map(|kind| {
                let mut parts = vec![kind.to_string()];
                if let Some(e) = chosen["enterprise"]["name"].as_str() {
                    parts.push(format!(
                        "{e} ({})",
                        chosen["enterprise"]["number"].as_str().unwrap_or_default()
                    ));
                }
                for place in ["quality", "subdivision", "site"] {
                    if let Some(n) = chosen[place]["name"].as_str() {
                        parts.push(format!("{place} {n}"));
                    }
                }
                parts.join(" – ")
            });
            DemoPage {
                page,
                profile,
                id_token: serde_json::to_string_pretty(&id_token).ok(),
                userinfo: serde_json::to_string_pretty(&userinfo).ok(),
                roles,
                error: None,
            }
        }
        Err(e) => DemoPage {
            page,
            profile: None,
            id_token: None,
            userinfo: None,
            roles: Vec::new(),
            error: Some(e),
        },
    };
    Ok((jar, render(&view)?).into_response())
}

/// Everything an application must check, in order. Errors are short texts for the page.
async fn finish(
    state: &OidcState,
    jar: &CookieJar,
    q: &Callback,
    secret: &str,
) -> Result<(Value, Value), String> {
    if let Some(e) = &q.error {
        return Err(format!("the provider answered {e}"));
    }
    let cookie = jar.get(COOKIE).map(|c| c.value().to_string()).ok_or("no login in progress")?;
    let (value, mac) = cookie.rsplit_once('.').ok_or("bad cookie")?;
    if !crate::kernel::token::constant_time_eq(&sign(state, value), mac) {
        return Err("bad cookie".into());
    }
    let mut parts = value.split('.');
    let (st, nonce, verifier) = match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c)) => (a, b, c),
        _ => return Err("bad cookie".into()),
    };
    if q.state.as_deref() != Some(st) {
        return Err("state does not match".into());
    }
    let base = state.public_url();
    if q.iss.as_deref() != Some(state.oidc().issuer()) {
        return Err("iss does not match (RFC 9207)".into());
    }
    let code = q.code.as_deref().ok_or("no code")?;
    let http = state.oidc().outbound().client();
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let redirect_uri = format!("{base}/demo-rp/callback");
    let tokens: Value = http
        .post(format!("{base}/token"))
        .basic_auth(enc(DEMO_RP_CLIENT_ID), Some(enc(secret)))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .map_err(|_| "token endpoint unreachable")?
        .json()
        .await
        .map_err(|_| "token response is not JSON")?;
    let id_token = tokens["id_token"].as_str().ok_or("no id_token")?;
    let access_token = tokens["access_token"].as_str().ok_or("no access_token")?;
    let jwks: jsonwebtoken::jwk::JwkSet = http
        .get(format!("{base}/jwks"))
        .send()
        .await
        .map_err(|_| "jwks unreachable")?
        .json()
        .await
        .map_err(|_| "jwks is not JSON")?;
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| "malformed id_token")?;
    let jwk = header.kid.as_deref().and_then(|k| jwks.find(k)).ok_or("unknown signing key")?;
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).map_err(|_| "unusable key")?;
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[DEMO_RP_CLIENT_ID]);
    validation.set_issuer(&[state.oidc().issuer()]);
    let claims: Value = jsonwebtoken::decode::<Value>(id_token, &key, &validation)
        .map_err(|_| "the id_token does not verify")?
        .claims;
    if claims["nonce"].as_str() != Some(nonce) {
        return Err("nonce does not match".into());
    }
    let userinfo: Value = http
        .get(format!("{base}/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|_| "userinfo unreachable")?
        .json()
        .await
        .map_err(|_| "userinfo is not JSON")?;
    Ok((claims, userinfo))
}
