//! The eIDAS login on the main listener (SAML bindings §3.5, HTTP-POST both ways):
//!
//! - `GET /login/eidas/start?tx=ID`: signed `AuthnRequest`, a page whose form (a visible
//!   Continue button, no script) posts it to the node.
//! - `POST /login/eidas/acs`: the node's answer. A cross-site POST: the browser does not send
//!   our SameSite=Lax cookies, so the transaction is found by the `RelayState` (tx id +
//!   random) and checked against the stored pending request; then the browser is sent
//!   (303) to `/login/eidas/finish` with a one-time ticket.
//! - `GET /login/eidas/finish?tx=ID&ticket=T`: same-site, the browser-binding cookie is
//!   present: the login transaction is completed.
//! - `GET /login/eidas/metadata`: our signed SAML metadata.

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use time::OffsetDateTime;

use std::sync::Arc;

use super::pending::{self, ID, Lookup, Ticket};
use super::refusal::Refusal;
use super::{
    AuthnParams, EidasError, EidasIdentity, EidasRuntime, Loa, StoreReplayGuard, build_authn_request,
};
use crate::authn::methods::{LoginMethod, MethodEntry};
use crate::authn::transaction::{self, LoginTransaction};
use crate::authn::{Authenticated, Authn, IdentityClaim};
use crate::domain::{AuthLevel, NationalNumber};
use crate::web::error::render;
use crate::web::page::PageCtx;

/// The routes' state: the login layer and the service provider.
#[derive(Clone, Debug)]
pub struct EidasState {
    pub authn: Authn,
    pub eidas: Arc<EidasRuntime>,
}

pub fn router() -> Router<EidasState> {
    Router::new()
        .route("/login/eidas/start", get(start))
        .route("/login/eidas/acs", post(acs))
        .route("/login/eidas/finish", get(finish))
        .route("/login/eidas/metadata", get(metadata))
}

/// The login page entry: eIDAS reaches at most Level450 (eIDAS high); shown unavailable
/// while the node's metadata cannot be read.
pub struct EidasMethod(pub std::sync::Arc<EidasRuntime>);

impl LoginMethod for EidasMethod {
    fn id(&self) -> &'static str {
        ID
    }

    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry> {
        loa_for(tx.required_level)?;
        Some(MethodEntry {
            id: ID,
            title_key: "eidas.method_title",
            text_key: "eidas.method_text",
            level: AuthLevel::ITSME,
            unavailable_key: (!self.0.is_node_ready()).then_some("eidas.node_unavailable"),
            start_url: format!(
                "/login/eidas/start?tx={}",
                form_urlencoded::byte_serialize(tx.id.as_bytes()).collect::<String>()
            ),
        })
    }
}

/// The eIDAS level to request for a transaction's required FAS level; `None` when eIDAS
/// cannot reach it (Level500 needs the Belgian eID card).
pub(crate) fn loa_for(required: AuthLevel) -> Option<Loa> {
    if required > AuthLevel::EIDAS_HIGH {
        None
    } else if required >= AuthLevel::EIDAS_HIGH {
        Some(Loa::High)
    } else if required >= AuthLevel::EIDAS_SUBSTANTIAL {
        Some(Loa::Substantial)
    } else {
        Some(Loa::Low)
    }
}

#[derive(Deserialize)]
struct TxQuery {
    tx: String,
}

#[derive(Template)]
#[template(path = "eidas_post.html")]
struct PostPage {
    page: PageCtx,
    action_url: String,
    saml_request: String,
    relay_state: String,
    is_mock: bool,
}

async fn start(
    State(EidasState { authn: state, eidas: rt }): State<EidasState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<TxQuery>,
) -> Result<Response, Refusal> {
    let refuse = |e| Refusal::new(page.clone(), Some(q.tx.clone()), e);
    let tx = transaction::load(&state, &jar, &q.tx).await.map_err(Refusal::authn)?;
    let loa = loa_for(tx.required_level).ok_or_else(|| refuse(EidasError::LevelUnreachable))?;
    if !rt.is_node_ready() {
        return Err(refuse(EidasError::NodeUnavailable));
    }
    let now = OffsetDateTime::now_utc();
    let params = AuthnParams { loa, requested_country: None };
    let (form, request) = build_authn_request(&rt.sp(), &params, now).map_err(refuse)?;
    let relay_state = pending::save_request(&state, &tx.id, request).await.map_err(Refusal::authn)?;
    tracing::info!(login.method = "eidas", eidas.loa = loa.as_str(), "eIDAS request sent to the node");
    Ok(render(&PostPage {
        page,
        action_url: form.action_url,
        saml_request: form.saml_request_b64,
        relay_state,
        is_mock: rt.is_mock,
    })?)
}

#[derive(Deserialize)]
struct AcsForm {
    #[serde(rename = "SAMLResponse", default)]
    saml_response: String,
    #[serde(rename = "RelayState", default)]
    relay_state: String,
}

/// The assertion consumer service. Not a `CsrfForm`: the node posts it cross-site; the
/// RelayState and the signed InResponseTo bind it to our own request instead.
async fn acs(
    State(EidasState { authn: state, eidas: rt }): State<EidasState>,
    page: PageCtx,
    form: Result<Form<AcsForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return Refusal::new(page, None, EidasError::Malformed("not a form")).into_response();
    };
    let Some(tx_id) = pending::tx_of_relay_state(&form.relay_state) else {
        return Refusal::new(page, None, EidasError::RelayStateMismatch).into_response();
    };
    let refuse = |e| Refusal::new(page.clone(), Some(tx_id.to_string()), e).into_response();
    let stored = match pending::find(&state, tx_id).await {
        Ok(Lookup::Found(stored)) => stored,
        Ok(Lookup::Missing) => return refuse(EidasError::RelayStateMismatch),
        Ok(Lookup::Expired) => return refuse(EidasError::Expired),
        Err(e) => return Refusal::authn(e).into_response(),
    };
    let guard = StoreReplayGuard(state.store().clone());
    let now = OffsetDateTime::now_utc();
    let who = super::validate_response(
        &rt.sp(),
        &form.saml_response,
        &form.relay_state,
        &stored.request,
        now,
        &guard,
    )
    .await;
    let who = match who {
        Ok(who) => who,
        Err(e) => return refuse(e),
    };
    match pending::save_ticket(&state, tx_id, *stored, who).await {
        Ok(ticket) => Redirect::to(&format!(
            "/login/eidas/finish?tx={}&ticket={}",
            form_urlencoded::byte_serialize(tx_id.as_bytes()).collect::<String>(),
            ticket.as_str()
        ))
        .into_response(),
        Err(e) => Refusal::authn(e).into_response(),
    }
}

#[derive(Deserialize)]
struct FinishQuery {
    tx: String,
    ticket: String,
}

async fn finish(
    State(EidasState { authn: state, .. }): State<EidasState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<FinishQuery>,
) -> Result<Response, Refusal> {
    let refuse = |e| Refusal::new(page.clone(), Some(q.tx.clone()), e);
    let tx = transaction::load(&state, &jar, &q.tx).await.map_err(Refusal::authn)?;
    let who = pending::take_ticket(&state, &tx, &Ticket::from(q.ticket.clone()))
        .await
        .map_err(Refusal::authn)?
        .ok_or_else(|| refuse(EidasError::Replayed))?;
    let auth = authenticated(who).map_err(refuse)?;
    let (jar, redirect) = crate::authn::complete(&state, jar, &tx.id, auth).await.map_err(Refusal::authn)?;
    Ok((jar, redirect).into_response())
}

/// What the login transaction receives: a Belgian PersonIdentifier is a national number;
/// anyone else is a foreign identity (matched to the BIS register by `complete`).
pub(crate) fn authenticated(who: EidasIdentity) -> Result<Authenticated, EidasError> {
    let level = AuthLevel::from_eidas_assertion(&who.loa).ok_or(EidasError::InsufficientLoa)?;
    let identity = match &who.national_number_if_belgian {
        Some(number) => IdentityClaim::National {
            number: NationalNumber::parse(number)
                .map_err(|_| EidasError::InvalidAttribute("PersonIdentifier"))?,
            given_names: who.given_name,
            surname: who.family_name,
        },
        None => IdentityClaim::Foreign {
            eidas_identifier: who.person_identifier,
            given_names: who.given_name,
            surname: who.family_name,
            birth_date: Some(who.birth_date),
        },
    };
    Ok(Authenticated { identity, level, amr: vec!["eidas".into()], method: ID, certificate: None })
}

async fn metadata(State(EidasState { eidas: rt, .. }): State<EidasState>) -> Response {
    let mut response = (StatusCode::OK, super::sp_metadata_xml(&rt.sp())).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/samlmetadata+xml"));
    response
}
