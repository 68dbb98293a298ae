//! `GET|POST /userinfo` (OIDC Core §5.3) with a Bearer (RFC 6750 §2.1) or DPoP
//! (RFC 9449 §7.1) access token in the `Authorization` header, or — `POST` only — a Bearer
//! token as the `access_token` parameter of a form body (RFC 6750 §2.2, pyoidc's default).
//! Never in the query string (RFC 6750 §2.3: URLs end up in logs and histories).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};

use crate::protocol::oidc::OidcState;
use crate::protocol::oidc::endpoints::token::issue;
use crate::protocol::oidc::endpoints::{
    bearer, dpop_proof, header_str, json_no_store, parse_form, server_error,
};
use crate::protocol::oidc::error::{ErrorCode, OAuthError};
use crate::protocol::oidc::tokens::{self, TokenContext};
use crate::store::unix_now;

/// RFC 6750 §3 / RFC 9449 §7.1: the challenge names the scheme the client should use.
fn challenge(scheme: &str, error: Option<(ErrorCode, &str)>) -> Response {
    let (status, value) = match error {
        None => (StatusCode::UNAUTHORIZED, format!("{scheme} realm=\"poort\"")),
        // RFC 9449 §7.1: a bad proof at a resource is 401, like a bad token.
        Some((ErrorCode::InvalidDpopProof, description)) => (
            StatusCode::UNAUTHORIZED,
            format!(
                "{scheme} realm=\"poort\", error=\"invalid_dpop_proof\", error_description=\"{description}\""
            ),
        ),
        Some((code, description)) => (
            StatusCode::from_u16(code.default_status()).unwrap_or(StatusCode::UNAUTHORIZED),
            format!(
                "{scheme} realm=\"poort\", error=\"{}\", error_description=\"{description}\"",
                code.as_str()
            ),
        ),
    };
    let mut response = match error {
        Some((code, description)) => OAuthError::new(code, description).into_response(),
        None => status.into_response(),
    };
    *response.status_mut() = status;
    if scheme == "DPoP" {
        let v = format!("{value}, algs=\"ES256 RS256 PS256\"");
        if let Ok(v) = HeaderValue::from_str(&v) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
    } else if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// Where the request carries its access token: `(scheme, token)`, `Ok(None)` when nowhere.
fn presented(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<(String, String)>, &'static str> {
    let in_query =
        uri.query().is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "access_token"));
    if in_query {
        return Err(
            "the access token is not accepted in the query string; send it in the Authorization header",
        );
    }
    let in_body = if *method == Method::POST && !body.is_empty() {
        let form = parse_form(headers, body).map_err(|_| "the body must be a form with one access_token")?;
        form.get("access_token").cloned()
    } else {
        None
    };
    let in_header = header_str(headers, "authorization").map(|h| match h.split_once(' ') {
        Some((scheme, token)) => (scheme.to_string(), token.to_string()),
        None => (h.to_string(), String::new()),
    });
    match (in_header, in_body) {
        // RFC 6750 §2: one method per request.
        (Some(_), Some(_)) => Err("the access token was sent in the header and in the body; send it once"),
        (Some(h), None) => Ok(Some(h)),
        (None, Some(token)) => Ok(Some(("Bearer".into(), token))),
        (None, None) => Ok(None),
    }
}

pub async fn userinfo(
    State(state): State<OidcState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (scheme, token) = match presented(&method, &uri, &headers, &body) {
        Ok(Some(found)) => found,
        Ok(None) => return challenge("Bearer", None),
        Err(why) => return challenge("Bearer", Some((ErrorCode::InvalidRequest, why))),
    };
    let scheme = if scheme.eq_ignore_ascii_case("dpop") {
        "DPoP"
    } else if scheme.eq_ignore_ascii_case("bearer") {
        "Bearer"
    } else {
        return challenge("Bearer", Some((ErrorCode::InvalidRequest, "unsupported authorization scheme")));
    };
    let token = token.trim();
    let facts = match bearer::resolve(&state, token).await {
        Ok(Some(f)) => f,
        Ok(None) => {
            return challenge(scheme, Some((ErrorCode::InvalidToken, "the access token is not valid")));
        }
        Err(e) => return e.into_response(),
    };
    // RFC 9449 §7.1: a bound token needs the DPoP scheme and a proof with its key and `ath`.
    match (&facts.jkt, scheme) {
        (Some(jkt), "DPoP") => {
            let htu = state.oidc().endpoint("userinfo");
            match dpop_proof::check(&state, &headers, method.as_str(), &htu, Some(token), Some(jkt)).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return challenge(
                        "DPoP",
                        Some((ErrorCode::InvalidDpopProof, "a DPoP proof is required")),
                    );
                }
                Err(_) => {
                    return challenge(
                        "DPoP",
                        Some((ErrorCode::InvalidDpopProof, "the DPoP proof is not valid")),
                    );
                }
            }
        }
        (Some(_), _) => {
            return challenge("DPoP", Some((ErrorCode::InvalidToken, "this token must be used with DPoP")));
        }
        (None, "DPoP") => {
            return challenge("Bearer", Some((ErrorCode::InvalidToken, "this token is not DPoP-bound")));
        }
        (None, _) => {}
    }
    let Some(grant_id) = facts.grant_id.as_deref().filter(|_| facts.has_scope("openid")) else {
        return challenge(scheme, Some((ErrorCode::InsufficientScope, "the openid scope is required")));
    };
    match claims(&state, grant_id, &facts.scope).await {
        Ok((body, None)) => json_no_store(StatusCode::OK, body),
        Ok((body, Some(alg))) => signed(&state, body, alg),
        Err(e) => e.into_response(),
    }
}

/// OIDC Core §5.3.2: a client registered with `userinfo_signed_response_alg` gets the
/// claims as a JWT signed by Poort (`iss` and `aud` added), `application/jwt`.
fn signed(state: &OidcState, mut body: serde_json::Value, alg: crate::protocol::oidc::keys::Alg) -> Response {
    let aud = body.get("aud").cloned();
    if let Some(obj) = body.as_object_mut() {
        obj.insert("iss".into(), serde_json::json!(state.oidc().issuer()));
        obj.entry("aud").or_insert(aud.unwrap_or_default());
    }
    match state.oidc().keys().sign(&body, alg, "JWT") {
        Ok(jwt) => {
            let mut response = (StatusCode::OK, jwt).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/jwt"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => server_error(e).into_response(),
    }
}

async fn claims(
    state: &OidcState,
    grant_id: &str,
    scopes: &[String],
) -> Result<(serde_json::Value, Option<crate::protocol::oidc::keys::Alg>), OAuthError> {
    let store = state.store();
    let invalid = || OAuthError::new(ErrorCode::InvalidToken, "the access token is not valid");
    let grant = store.find_oidc_grant::<crate::protocol::oidc::authorize_request::AuthorizationRequest, crate::protocol::oidc::grant::GrantAuth>(grant_id).await.map_err(server_error)?.ok_or_else(invalid)?;
    let client = store
        .find_oidc_client::<crate::protocol::oidc::client::Client>(&grant.client_id)
        .await
        .map_err(server_error)?
        .ok_or_else(invalid)?;
    let gs = issue::grant_subject(state, &grant).await?;
    let provider = state.oidc();
    let ctx = TokenContext {
        issuer: provider.issuer(),
        client: &client,
        subject: &gs.subject,
        session: &gs.session,
        profile: &gs.profile,
        scopes,
        claims: &gs.request.claims,
        nonce: None,
        now: unix_now(),
        pairwise_pepper: provider.pairwise_pepper(),
    };
    let mut body = tokens::userinfo_claims(&ctx);
    if client.userinfo_alg.is_some() {
        body.insert("aud".into(), serde_json::json!(client.id));
    }
    Ok((serde_json::Value::Object(body), client.userinfo_alg))
}
