//! `GET|POST /saml/sso`: accept an AuthnRequest, open the login transaction, and continue
//! at `GET /saml/sso/start` (single sign-on with a live session, `IsPassive`, or the login
//! page). `GET /saml/idp-initiated`: the same without a request, for service providers
//! that allow unsolicited responses.

use axum::extract::{Form, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::resume::send_failure;
use super::{Incoming, MessageForm, RESUME_PATH, TxQuery};
use crate::authn::session;
use crate::authn::transaction::{self, NewTransaction, Protocol, TxStatus};
use crate::domain::AuthLevel;
use crate::protocol::saml::authn_request::{self, RequestError, required_level};
use crate::protocol::saml::request::{SamlRequest, name_id_format};
use crate::protocol::saml::sp::{NameIdFormat, ServiceProvider};
use crate::protocol::saml::state::SamlState;
use crate::web::error::{ErrorPage, WebError};
use crate::web::page::PageCtx;

/// The error page of a request that cannot be answered to its service provider.
pub fn refused(e: &RequestError) -> Response {
    tracing::info!(saml.error = e.code(), reason = %e, "SAML AuthnRequest refused");
    ErrorPage::new(StatusCode::BAD_REQUEST, e.code(), "saml.error_title", "saml.error_text")
        .arg("detail", e.to_string())
        .into_response()
}

pub async fn redirect_binding(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    RawQuery(raw): RawQuery,
) -> Response {
    match Incoming::from_query(raw).and_then(Incoming::request_only) {
        Ok(m) => accept(&state, page, jar, &m).await,
        Err(e) => refused(&e),
    }
}

pub async fn post_binding(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    Form(form): Form<MessageForm>,
) -> Response {
    match Incoming::from_form(form).and_then(Incoming::request_only) {
        Ok(m) => accept(&state, page, jar, &m).await,
        Err(e) => refused(&e),
    }
}

/// Every check on the request, then the transaction.
async fn accept(state: &SamlState, page: PageCtx, jar: CookieJar, m: &Incoming) -> Response {
    let parsed = match authn_request::decode(m.binding, &m.message).and_then(authn_request::parse) {
        Ok(p) => p,
        Err(e) => return refused(&e),
    };
    let sp = match state.store().find_saml_sp::<ServiceProvider>(&parsed.issuer).await {
        Ok(Some(sp)) => sp,
        Ok(None) => return refused(&RequestError::UnknownSp),
        Err(e) => return WebError::from(e).into_response(),
    };
    let idp = &state.idp;
    let settings = idp.settings();
    let acs_url = match m
        .signature()
        .and_then(|signature| authn_request::verify(&parsed, &sp, signature))
        .and_then(|_| {
            authn_request::check(
                &parsed,
                &sp,
                &idp.sso_url(),
                OffsetDateTime::now_utc(),
                Duration::seconds(i64::try_from(settings.request_max_age_secs).unwrap_or(600)),
                Duration::seconds(i64::try_from(settings.clock_skew_secs).unwrap_or(60)),
            )
        }) {
        Ok(acs) => acs,
        Err(e) => return refused(&e),
    };
    // One answer per request ID, on every node (replay of a captured request).
    let keep_until = parsed.issue_instant.unix_timestamp()
        + i64::try_from(settings.request_max_age_secs + 2 * settings.clock_skew_secs).unwrap_or(3600);
    match state.store().create_seen_saml_request(&sp.entity_id, &parsed.id, keep_until).await {
        Ok(true) => {}
        Ok(false) => return refused(&RequestError::Replayed),
        Err(e) => return WebError::from(e).into_response(),
    }
    // From here on the ACS is trusted: refusals are SAML responses to it.
    let format = name_id_format(parsed.name_id_format.as_deref(), &sp);
    let request = SamlRequest::from_parsed(
        &parsed,
        acs_url,
        m.relay_state.clone(),
        format.unwrap_or(NameIdFormat::Transient),
    );
    let refusal = match format {
        None => Some(("InvalidNameIDPolicy", "this NameID format is not issued")),
        Some(_) if parsed.has_unknown_context => {
            Some(("NoAuthnContext", "none of the requested authentication contexts is offered"))
        }
        Some(_) => None,
    };
    if let Some((status, message)) = refusal {
        return send_failure(state, page, &sp, &request, "Requester", status, message);
    }
    tracing::info!(saml.sp = %sp.entity_id, saml.request_id = %parsed.id, "SAML AuthnRequest accepted");
    open(state, jar, &sp, request).await
}

/// Opens the login transaction and continues at `/saml/sso/start`.
async fn open(state: &SamlState, jar: CookieJar, sp: &ServiceProvider, request: SamlRequest) -> Response {
    let floor = sp.settings.required_level.and_then(|l| AuthLevel::new(l).ok()).unwrap_or(AuthLevel::LOW);
    let required = required_level(request.requested.as_ref()).map_or(floor, |l| l.max(floor));
    let new = NewTransaction {
        protocol: Protocol::Saml,
        client_id: Some(sp.entity_id.clone()),
        is_forced_login: request.is_forced,
        request,
        resume_to: RESUME_PATH.into(),
        required_level: required,
        login_hint: None,
        ui_locale: None,
    };
    match transaction::begin(state, jar, new).await {
        Ok((jar, tx)) => (jar, Redirect::to(&format!("/saml/sso/start?tx={}", tx.id))).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// Single sign-on with a live session that meets the level (unless `ForceAuthn`); else
/// `IsPassive` answers `NoPassive`; else the login page.
pub async fn start(
    State(state): State<SamlState>,
    page: PageCtx,
    jar: CookieJar,
    Query(q): Query<TxQuery>,
) -> Response {
    match start_tx(&state, page, &jar, &q.tx).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn start_tx(
    state: &SamlState,
    page: PageCtx,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<Response, WebError> {
    let tx = transaction::load(state, jar, tx_id).await?;
    if tx.protocol != Protocol::Saml {
        return Ok(refused(&RequestError::Invalid("not a SAML login")));
    }
    match tx.status {
        TxStatus::Pending => {}
        TxStatus::Authenticated => return Ok(Redirect::to(&tx.resume_path()).into_response()),
        TxStatus::Completed | TxStatus::Failed => return Err(crate::authn::AuthnError::AlreadyUsed.into()),
    }
    let request: SamlRequest = tx.request()?;
    let usable = session::current(state, jar).await?.filter(|s| s.level.satisfies(tx.required_level));
    match usable.filter(|_| !tx.is_forced_login) {
        Some(s) => {
            let tx = transaction::authenticate_with_session(state, &tx, &s).await?;
            Ok(Redirect::to(&tx.resume_path()).into_response())
        }
        None if request.is_passive => {
            let Some(sp) = state.store().find_saml_sp::<ServiceProvider>(&request.sp_entity_id).await? else {
                return Ok(refused(&RequestError::UnknownSp));
            };
            transaction::finish(state, &tx.id).await.ok();
            Ok(send_failure(
                state,
                page,
                &sp,
                &request,
                "Responder",
                "NoPassive",
                "no session meets the request",
            ))
        }
        None => Ok(Redirect::to(&tx.login_url()).into_response()),
    }
}

#[derive(Deserialize)]
pub struct IdpInitiatedQuery {
    sp: String,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// `GET /saml/idp-initiated?sp=ENTITY_ID[&RelayState=…]`: an unsolicited response to the
/// service provider's default ACS, for those registered with `--allow-idp-initiated`.
pub async fn idp_initiated(
    State(state): State<SamlState>,
    jar: CookieJar,
    Query(q): Query<IdpInitiatedQuery>,
) -> Response {
    if q.relay_state.as_ref().is_some_and(|r| r.len() > super::MAX_RELAY_STATE) {
        return refused(&RequestError::Invalid("RelayState is too long"));
    }
    let sp = match state.store().find_saml_sp::<ServiceProvider>(&q.sp).await {
        Ok(Some(sp)) if sp.settings.allows_idp_initiated => sp,
        Ok(_) => return refused(&RequestError::UnknownSp),
        Err(e) => return WebError::from(e).into_response(),
    };
    let Some(acs) = sp.acs_for(None, None).map(|e| e.location.clone()) else {
        return refused(&RequestError::UnknownAcs);
    };
    let request = SamlRequest::unsolicited(&sp, acs, q.relay_state);
    open(&state, jar, &sp, request).await
}
