//! `/authorize` and the "confirm on your phone" decision (OpenID Connect Core §3.1.2).
use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use super::pages::{ConfirmPage, IdentityChoice, error_page, render};
use super::{CodeGrant, Interaction, MockProvider};
use crate::authn::itsme::jose::{now_unix, random_token, verify_with_jwks};
use crate::authn::itsme::upstream::{ITSME_ACR_ADVANCED, ITSME_ACR_BASIC};

/// GET /authorize.
pub async fn show(
    State(p): State<Arc<MockProvider>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(client) = query.get("client_id").and_then(|id| p.clients.get(id)) else {
        return error_page("Unknown client_id.");
    };
    // Core §6.1 / RFC 9101 §6.3: with a request object, its parameters are the ones used.
    let params = match query.get("request") {
        Some(jwt) => match verify_request_object(&p, client, jwt) {
            Some(params) => params,
            None => return error_page("The request object is not validly signed by this client."),
        },
        None => query.clone(),
    };
    let param = |k: &str| params.get(k).map(String::as_str);
    if param("client_id") != Some(client.cfg.client_id.as_str()) {
        return error_page("client_id in the request object differs.");
    }
    let Some(redirect_uri) =
        param("redirect_uri").filter(|r| client.cfg.redirect_uris.iter().any(|u| u == r))
    else {
        // RFC 6749 §4.1.2.1: never redirect to an unregistered URI.
        return error_page("redirect_uri is not registered for this client.");
    };
    let state = param("state").map(str::to_owned);
    let fail = |error: &str| redirect_to(&p, redirect_uri, &[("error", error)], state.as_deref());
    if param("response_type") != Some("code") {
        return fail("unsupported_response_type");
    }
    if !param("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid")) {
        return fail("invalid_scope");
    }
    // RFC 7636 §4.4.1: PKCE with S256 is mandatory here.
    let (Some(challenge), Some("S256")) = (param("code_challenge"), param("code_challenge_method")) else {
        return fail("invalid_request");
    };
    let Some(nonce) = param("nonce") else {
        return fail("invalid_request");
    };
    // itsme answers with acr_basic unless acr_advanced is asked for.
    let acr = match param("acr_values") {
        Some(v) if v.split(' ').any(|a| a == ITSME_ACR_ADVANCED) => ITSME_ACR_ADVANCED,
        _ => ITSME_ACR_BASIC,
    };
    let interaction = random_token(32);
    let entry = Interaction {
        client_id: client.cfg.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.clone(),
        nonce: nonce.to_owned(),
        code_challenge: challenge.to_owned(),
        acr: acr.to_owned(),
    };
    if p.interactions.insert(interaction.clone(), entry, p.cfg.interaction_ttl_secs).is_err() {
        return fail("temporarily_unavailable");
    }
    let identities = p
        .identities
        .iter()
        .enumerate()
        .map(|(index, (i, _))| IdentityChoice {
            index,
            name: format!("{} {}", i.given_names, i.surname),
            masked: i.masked_number(),
        })
        .collect();
    let acr_label = if acr == ITSME_ACR_ADVANCED {
        "confirm with your itsme code"
    } else {
        "confirm with itsme code or fingerprint"
    };
    let page = ConfirmPage { client_id: client.cfg.client_id.clone(), acr_label, interaction, identities };
    render(StatusCode::OK, &page)
}

/// Verifies a request object against the client's registered keys (RFC 9101 §6.2).
fn verify_request_object(
    p: &MockProvider,
    client: &super::Client,
    jwt: &str,
) -> Option<HashMap<String, String>> {
    let claims = verify_with_jwks(jwt, &client.signing_keys).ok()?;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == p.issuer(),
        Some(Value::Array(l)) => l.iter().any(|a| a.as_str() == Some(p.issuer())),
        _ => false,
    };
    let iss_ok = claims.get("iss").and_then(Value::as_str) == Some(client.cfg.client_id.as_str());
    let fresh = claims.get("exp").and_then(Value::as_i64).is_some_and(|e| e >= now_unix());
    if !(aud_ok && iss_ok && fresh) {
        return None;
    }
    Some(claims.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned()))).collect())
}

/// Redirects back to the client with `state` and `iss` (RFC 9207) added.
fn redirect_to(
    p: &MockProvider,
    redirect_uri: &str,
    pairs: &[(&str, &str)],
    state: Option<&str>,
) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return error_page("redirect_uri is not a URL.");
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(state) = state {
            q.append_pair("state", state);
        }
        q.append_pair("iss", p.issuer());
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    interaction: String,
    decision: String,
    #[serde(default)]
    identity: Option<String>,
}

/// POST /authorize/decision: the tester confirmed or cancelled "in the app".
pub async fn decide(State(p): State<Arc<MockProvider>>, Form(form): Form<Decision>) -> Response {
    let Some(it) = p.interactions.take(&form.interaction) else {
        return error_page("This login request has expired or was already answered.");
    };
    if form.decision != "confirm" {
        // Core §3.1.2.6: the user refused.
        return redirect_to(&p, &it.redirect_uri, &[("error", "access_denied")], it.state.as_deref());
    }
    let Some(identity) =
        form.identity.and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < p.identities.len())
    else {
        return error_page("Choose one of the demo persons.");
    };
    let code = random_token(32);
    let grant = CodeGrant {
        client_id: it.client_id,
        redirect_uri: it.redirect_uri.clone(),
        nonce: it.nonce,
        code_challenge: it.code_challenge,
        acr: it.acr,
        identity,
    };
    if p.codes.insert(code.clone(), grant, p.cfg.code_ttl_secs).is_err() {
        return redirect_to(
            &p,
            &it.redirect_uri,
            &[("error", "temporarily_unavailable")],
            it.state.as_deref(),
        );
    }
    redirect_to(&p, &it.redirect_uri, &[("code", &code)], it.state.as_deref())
}
