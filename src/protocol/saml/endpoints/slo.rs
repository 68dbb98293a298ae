//! `GET|POST /saml/slo`: a service provider's signed `LogoutRequest` ends the browser
//! session that gave it the NameID (and SessionIndex) it names — found by those values, so
//! a cross-site POST without cookies works too — which tells the session's OpenID clients
//! (back-channel logout) and, through the browser, the session's other SAML service providers
//! (`propagate.rs`); the signed `LogoutResponse` goes to the SP's `SingleLogoutService` over
//! the binding the request came by (or the other one when the SP has only that). A
//! `SAMLResponse` here is a service provider's answer to our own LogoutRequest.

use axum::extract::{Form, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::{Duration, OffsetDateTime};

use super::sso::refused;
use super::{Incoming, MessageForm};
use crate::authn::session;
use crate::kernel::saml::signing::signed_redirect_query;
use crate::kernel::saml::xml::BINDING_POST;
use crate::protocol::saml::authn_request::{
    self, Binding, RedirectSignature, RequestError, SignedMessage, verify_message,
};
use crate::protocol::saml::logout::{self, LogoutRequest};
use crate::protocol::saml::propagation::{self, Finish};
use crate::protocol::saml::sp::{BINDING_REDIRECT, ServiceProvider};
use crate::protocol::saml::state::SamlState;
use crate::web::error::WebError;
use crate::web::form_post::form_post;
use crate::web::page::PageCtx;

pub async fn redirect_binding(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Response {
    match Incoming::from_query(raw) {
        Ok(m) => handle(&state, page, jar, &m).await,
        Err(e) => refused(&e),
    }
}

pub async fn post_binding(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    Form(form): Form<MessageForm>,
) -> Response {
    match Incoming::from_form(form) {
        Ok(m) => handle(&state, page, jar, &m).await,
        Err(e) => refused(&e),
    }
}

async fn handle(state: &SamlState, page: PageCtx, jar: CookieJar, m: &Incoming) -> Response {
    if m.is_response {
        return super::propagate::answered(state, m).await;
    }
    let request = match authn_request::decode(m.binding, &m.message).and_then(logout::parse) {
        Ok(r) => r,
        Err(e) => return refused(&e),
    };
    let sp = match state.store().find_saml_sp::<ServiceProvider>(&request.issuer).await {
        Ok(Some(sp)) => sp,
        Ok(None) => return refused(&RequestError::UnknownSp),
        Err(e) => return WebError::from(e).into_response(),
    };
    if let Err(e) = m.signature().and_then(|signature| trust(state, &request, &sp, signature)) {
        return refused(&e);
    }
    // Where the answer goes: the SP's logout endpoint for this binding, else the other one.
    let (binding_uri, other) = match m.binding {
        Binding::Redirect => (BINDING_REDIRECT, BINDING_POST),
        Binding::Post => (BINDING_POST, BINDING_REDIRECT),
    };
    let Some(endpoint) = sp.slo_for(binding_uri).or_else(|| sp.slo_for(other)).cloned() else {
        return refused(&RequestError::Invalid("the service provider has no SingleLogoutService"));
    };
    // The person asked to log out: this browser's session cookie goes too.
    let jar = session::clear_cookie(state, jar);
    let relay_state = m.relay_state.as_deref();
    let respond = |status: &str| {
        let response = answer(
            state,
            page.clone(),
            &endpoint.binding,
            &endpoint.location,
            &request.id,
            (status, None),
            relay_state,
        );
        (jar.clone(), response).into_response()
    };
    let sids = match end_sessions(state, &sp, &request).await {
        Ok(sids) => sids,
        Err(e) => {
            tracing::error!(error = %e, "SAML logout could not end the session");
            return respond("Responder");
        }
    };
    // The session's other service providers are told first, through the browser; the last
    // one sends it back for our answer.
    let finish = Finish::Respond {
        sp_entity_id: sp.entity_id.clone(),
        in_response_to: request.id.clone(),
        relay_state: m.relay_state.clone(),
        binding: endpoint.binding.clone(),
    };
    match propagation::begin(state.store(), &sids, Some(&sp.entity_id), finish).await {
        Ok(Some(first)) => return (jar, Redirect::to(&first)).into_response(),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "SAML logout not propagated to the other service providers"),
    }
    respond("Success")
}

/// The signature is required for a logout (SAML profiles §4.4.4.1), and the request fresh
/// and meant for us.
fn trust(
    state: &SamlState,
    request: &LogoutRequest,
    sp: &ServiceProvider,
    signature: Option<RedirectSignature<'_>>,
) -> Result<(), RequestError> {
    let message = SignedMessage {
        xml: &request.xml,
        root: "LogoutRequest",
        id: &request.id,
        issuer: &request.issuer,
        has_enveloped_signature: request.has_enveloped_signature,
    };
    if !verify_message(&message, sp, signature)? {
        return Err(RequestError::Unsigned);
    }
    if request.destination.as_deref().is_some_and(|d| d != state.idp.slo_url()) {
        return Err(RequestError::WrongDestination);
    }
    let settings = state.idp.settings();
    let now = OffsetDateTime::now_utc();
    let skew = Duration::seconds(i64::try_from(settings.clock_skew_secs).unwrap_or(60));
    let max_age = Duration::seconds(i64::try_from(settings.request_max_age_secs).unwrap_or(600));
    if request.issue_instant > now + skew || now - request.issue_instant > max_age + skew {
        return Err(RequestError::Stale);
    }
    Ok(())
}

/// Ends the session(s) that gave this NameID to this SP (only the one of the SessionIndex,
/// when named). Returns the sessions it named (their participants are told next).
async fn end_sessions(
    state: &SamlState,
    sp: &ServiceProvider,
    request: &LogoutRequest,
) -> anyhow::Result<Vec<String>> {
    let mut ended = 0;
    let mut sids = Vec::new();
    for (sid, index) in state.store().find_saml_participant_session(&sp.entity_id, &request.name_id).await? {
        if !request.session_indexes.is_empty() && !request.session_indexes.contains(&index) {
            continue;
        }
        if let Some(s) = state.store().find_browser_session_by_sid(&sid).await?
            && session::end(state, &s).await?
        {
            ended += 1;
        }
        sids.push(sid);
    }
    tracing::info!(saml.sp = %sp.entity_id, sessions.ended = ended, "SAML single logout");
    Ok(sids)
}

/// The signed LogoutResponse over `binding`.
pub(super) fn answer(
    state: &SamlState,
    page: PageCtx,
    binding: &str,
    location: &str,
    in_response_to: &str,
    status: (&str, Option<&str>),
    relay_state: Option<&str>,
) -> Response {
    let idp = &state.idp;
    let id = logout::response_id();
    let now = OffsetDateTime::now_utc();
    let fail = |e: String| {
        tracing::error!(error = %e, "a SAML logout response could not be signed");
        http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
    };
    if binding == BINDING_POST {
        let xml = logout::response_xml(
            idp.entity_id(),
            location,
            in_response_to,
            status,
            &id,
            &idp.key().template(&id),
            now,
        );
        let signed = match idp.key().sign(&xml) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        let mut fields = vec![("SAMLResponse".to_string(), STANDARD.encode(signed))];
        if let Some(r) = relay_state {
            fields.push(("RelayState".to_string(), r.to_string()));
        }
        return form_post(page, location, fields);
    }
    let xml = logout::response_xml(idp.entity_id(), location, in_response_to, status, &id, "", now);
    match signed_redirect_query("SAMLResponse", &xml, relay_state, idp.key()) {
        Ok(query) => {
            let separator = if location.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{location}{separator}{query}")).into_response()
        }
        Err(e) => fail(e),
    }
}
