//! The browser's round of a session's SAML service providers after a logout
//! (`propagation.rs` holds the rules): `GET /saml/slo/continue?chain=…` sends our signed
//! `LogoutRequest` to the next one over the binding it offers (Redirect preferred), and its
//! `LogoutResponse` comes back to `/saml/slo` ([`answered`]); when none is left, the
//! browser goes where the logout began.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use time::OffsetDateTime;

use super::Incoming;
use super::slo::answer;
use super::sso::refused;
use crate::kernel::saml::signing::signed_redirect_query;
use crate::kernel::saml::xml::BINDING_POST;
use crate::protocol::saml::authn_request::{self, RequestError, SignedMessage, verify_message};
use crate::protocol::saml::propagation::{
    Awaiting, Chain, Finish, Outgoing, continue_path, parse_answer, request_id, request_xml,
};
use crate::protocol::saml::sp::{BINDING_REDIRECT, ServiceProvider};
use crate::protocol::saml::state::SamlState;
use crate::web::error::WebError;
use crate::web::form_post::form_post;
use crate::web::page::PageCtx;

#[derive(Deserialize)]
pub struct ChainQuery {
    chain: String,
}

const UNKNOWN: RequestError =
    RequestError::Invalid("this logout is unknown or has expired; you are logged out");

pub async fn next(State(state): State<SamlState>, page: PageCtx, Query(q): Query<ChainQuery>) -> Response {
    step(&state, page, &q.chain).await.unwrap_or_else(IntoResponse::into_response)
}

async fn load(state: &SamlState, id: &str) -> Result<Option<(String, Chain)>, WebError> {
    let Some(json) = state.store().find_saml_logout(id).await? else { return Ok(None) };
    let chain =
        serde_json::from_str(&json).map_err(|e| WebError::Internal(anyhow::anyhow!("SAML logout: {e}")))?;
    Ok(Some((json, chain)))
}

/// Saves `chain` if nobody advanced it meanwhile.
async fn save(state: &SamlState, id: &str, before: &str, chain: &Chain) -> Result<bool, WebError> {
    let json = serde_json::to_string(chain).map_err(|e| WebError::Internal(e.into()))?;
    Ok(state.store().update_saml_logout(id, before, &json).await?)
}

async fn step(state: &SamlState, page: PageCtx, id: &str) -> Result<Response, WebError> {
    let Some((before, mut chain)) = load(state, id).await? else { return Ok(refused(&UNKNOWN)) };
    // The previous service provider never answered (the person came back by hand): it
    // counts as not confirmed.
    if let Some(a) = chain.awaiting.take() {
        chain.failed.push(a.sp_entity_id);
    }
    while !chain.remaining.is_empty() {
        let p = chain.remaining.remove(0);
        let sp = state.store().find_saml_sp::<ServiceProvider>(&p.sp_entity_id).await?;
        let Some((sp, endpoint)) = sp.and_then(|sp| {
            let e = sp.slo_for(BINDING_REDIRECT).or_else(|| sp.slo_for(BINDING_POST)).cloned();
            e.map(|e| (sp, e))
        }) else {
            chain.failed.push(p.sp_entity_id);
            continue;
        };
        let request_id = request_id();
        chain.awaiting =
            Some(Awaiting { sp_entity_id: sp.entity_id.clone(), request_id: request_id.clone() });
        if !save(state, id, &before, &chain).await? {
            return Ok(refused(&RequestError::Invalid("this logout step was already taken")));
        }
        let idp = &state.idp;
        let now = OffsetDateTime::now_utc();
        let outgoing = |signature: &str| {
            request_xml(&Outgoing {
                idp_entity_id: idp.entity_id(),
                destination: &endpoint.location,
                participant: &p,
                id: &request_id,
                signature,
                now,
            })
        };
        tracing::info!(saml.sp = %sp.entity_id, "SAML LogoutRequest sent through the browser");
        if endpoint.binding == BINDING_POST {
            let signed = idp.key().sign(&outgoing(&idp.key().template(&request_id))).map_err(signing)?;
            let fields = vec![
                ("SAMLRequest".to_string(), STANDARD.encode(signed)),
                ("RelayState".to_string(), id.to_string()),
            ];
            return Ok(form_post(page, &endpoint.location, fields));
        }
        let query =
            signed_redirect_query("SAMLRequest", &outgoing(""), Some(id), idp.key()).map_err(signing)?;
        let separator = if endpoint.location.contains('?') { '&' } else { '?' };
        return Ok(Redirect::to(&format!("{}{separator}{query}", endpoint.location)).into_response());
    }
    state.store().delete_saml_logout(id).await?;
    finish(state, page, &chain).await
}

fn signing(e: String) -> WebError {
    WebError::Internal(anyhow::anyhow!("SAML LogoutRequest signing: {e}"))
}

/// Every service provider was told: the browser goes where the logout began.
async fn finish(state: &SamlState, page: PageCtx, chain: &Chain) -> Result<Response, WebError> {
    if !chain.failed.is_empty() {
        tracing::warn!(saml.failed = ?chain.failed, "SAML logout not confirmed by every service provider");
    }
    match &chain.finish {
        Finish::Url { to } => Ok(Redirect::to(to).into_response()),
        Finish::Respond { sp_entity_id, in_response_to, relay_state, binding } => {
            let Some(sp) = state.store().find_saml_sp::<ServiceProvider>(sp_entity_id).await? else {
                return Ok(refused(&RequestError::UnknownSp));
            };
            let Some(endpoint) = sp.slo_for(binding).or_else(|| sp.slo.first()).cloned() else {
                return Ok(refused(&RequestError::Invalid(
                    "the service provider has no SingleLogoutService",
                )));
            };
            let location = endpoint.location.clone();
            Ok(answer(
                state,
                page,
                &endpoint.binding,
                &location,
                in_response_to,
                chain.status(),
                relay_state.as_deref(),
            ))
        }
    }
}

/// A service provider's `LogoutResponse` to our `LogoutRequest`: it must answer the request
/// awaiting its answer in the logout its `RelayState` names; a bad signature or an error
/// status counts as not confirmed, and the round goes on.
pub async fn answered(state: &SamlState, m: &Incoming) -> Response {
    match record(state, m).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn record(state: &SamlState, m: &Incoming) -> Result<Response, WebError> {
    let parsed = match authn_request::decode(m.binding, &m.message).and_then(parse_answer) {
        Ok(a) => a,
        Err(e) => return Ok(refused(&e)),
    };
    let Some(id) = m.relay_state.as_deref() else {
        return Ok(refused(&RequestError::Invalid("a LogoutResponse without the RelayState of our request")));
    };
    let Some((before, mut chain)) = load(state, id).await? else { return Ok(refused(&UNKNOWN)) };
    let awaited = chain
        .awaiting
        .as_ref()
        .is_some_and(|a| a.request_id == parsed.in_response_to && a.sp_entity_id == parsed.issuer);
    if !awaited {
        return Ok(refused(&RequestError::Invalid("the LogoutResponse does not answer our LogoutRequest")));
    }
    let Some(sp) = state.store().find_saml_sp::<ServiceProvider>(&parsed.issuer).await? else {
        return Ok(refused(&RequestError::UnknownSp));
    };
    let message = SignedMessage {
        xml: &parsed.xml,
        root: "LogoutResponse",
        id: &parsed.id,
        issuer: &parsed.issuer,
        has_enveloped_signature: parsed.has_enveloped_signature,
    };
    // SAML profiles §4.4.4.2: the front-channel LogoutResponse must be signed.
    let is_signed = m.signature().and_then(|s| verify_message(&message, &sp, s)).unwrap_or(false);
    let is_for_us = parsed.destination.as_deref().is_none_or(|d| d == state.idp.slo_url());
    let is_confirmed = is_signed && is_for_us && parsed.status == "Success";
    if !is_confirmed {
        tracing::info!(
            saml.sp = %sp.entity_id,
            saml.status = %parsed.status,
            saml.signed = is_signed,
            "SAML LogoutResponse does not confirm the logout"
        );
        chain.failed.push(sp.entity_id.clone());
    }
    chain.awaiting = None;
    if !save(state, id, &before, &chain).await? {
        return Ok(refused(&RequestError::Invalid("this logout step was already taken")));
    }
    Ok(Redirect::to(&continue_path(id)).into_response())
}
