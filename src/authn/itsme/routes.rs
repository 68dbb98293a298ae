//! `GET /login/itsme/start?tx=ID` and `GET /login/itsme/callback`: the browser's round trip
//! through itsme, between the login page and `authn::complete`.
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use std::sync::Arc;

use serde::Deserialize;

use super::ItsmeService;
use super::refusal::{self, Refusal};
use super::upstream::{CallbackParams, PendingLogin, StartParams, UpstreamError, finish, start};
use crate::authn::methods::{LoginMethod, MethodEntry};
use crate::authn::transaction::{self, LoginTransaction};
use crate::authn::{Authenticated, Authn, AuthnError, IdentityClaim, complete};
use crate::domain::AuthLevel;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

/// The method's code.
pub const ID: &str = "itsme";

/// The level itsme reaches (both itsme acr values map to it by default).
const ITSME_LEVEL: AuthLevel = AuthLevel::ITSME;

/// The routes' state: the login layer and the itsme client.
#[derive(Clone, Debug)]
pub struct ItsmeState {
    pub authn: Authn,
    pub itsme: Arc<ItsmeService>,
}

pub fn router() -> Router<ItsmeState> {
    Router::new().route("/login/itsme/start", get(start_login)).route("/login/itsme/callback", get(callback))
}

/// The login page entry.
pub struct ItsmeMethod(pub Arc<ItsmeService>);

impl LoginMethod for ItsmeMethod {
    fn id(&self) -> &'static str {
        ID
    }

    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry> {
        let level = self
            .0
            .config()
            .acr_map
            .values()
            .filter_map(|l| AuthLevel::new(*l).ok())
            .max()
            .unwrap_or(ITSME_LEVEL);
        Some(MethodEntry {
            id: ID,
            title_key: "itsme.title",
            text_key: "itsme.text",
            level,
            unavailable_key: None,
            start_url: format!("/login/itsme/start?tx={}", tx.id),
        })
    }
}

#[derive(Deserialize)]
struct StartQuery {
    tx: String,
}

async fn start_login(
    State(ItsmeState { authn: state, itsme }): State<ItsmeState>,
    jar: CookieJar,
    page: PageCtx,
    Query(query): Query<StartQuery>,
) -> Result<Response, WebError> {
    let tx = transaction::load(&state, &jar, &query.tx).await?;
    let provider = match itsme.provider().await {
        Ok(provider) => provider,
        Err(e) => return Ok(refuse(&page, &e, Some(&tx.id))),
    };
    let params = StartParams {
        requested_level: tx.required_level.number(),
        login_hint: tx.login_hint.clone(),
        ui_locale: Some(tx.ui_locale.clone().unwrap_or_else(|| page.lang_code().to_owned())),
        state_prefix: Some(tx.id.clone()),
    };
    let (url, pending) = match start(&provider, itsme.config(), &params) {
        Ok(started) => started,
        Err(e) => return Ok(refuse(&page, &e, Some(&tx.id))),
    };
    transaction::save_method_state(&state, &tx.id, ID, Some(&pending)).await?;
    tracing::info!(login.method = "itsme", upstream.issuer = %provider.metadata.issuer, "redirecting to the upstream provider");
    Ok(Redirect::to(url.as_str()).into_response())
}

async fn callback(
    State(ItsmeState { authn: state, itsme }): State<ItsmeState>,
    jar: CookieJar,
    page: PageCtx,
    Query(params): Query<CallbackParams>,
) -> Result<Response, WebError> {
    // `state` is `<tx id>.<random>`; the whole value is compared in constant time in `finish`.
    let Some((tx_id, _)) = params.state.as_deref().and_then(|s| s.split_once('.')) else {
        return Ok(refuse(&page, &UpstreamError::StateMismatch, None));
    };
    let tx = transaction::load(&state, &jar, tx_id).await?;
    let Some(pending) = tx.method_state::<PendingLogin>(ID)? else {
        return Ok(refuse(&page, &UpstreamError::StateMismatch, Some(&tx.id)));
    };
    // One callback per redirect: a replayed or concurrent callback finds nothing.
    transaction::save_method_state::<PendingLogin>(&state, &tx.id, ID, None).await?;
    let provider = match itsme.provider().await {
        Ok(provider) => provider,
        Err(e) => return Ok(refuse(&page, &e, Some(&tx.id))),
    };
    let identity = match finish(itsme.http(), &provider, itsme.config(), &pending, &params).await {
        Ok(identity) => identity,
        Err(e) => return Ok(refuse(&page, &e, Some(&tx.id))),
    };
    let Some(number) = identity.national_number else {
        return Ok(refuse(&page, &UpstreamError::MissingClaim("national_number"), Some(&tx.id)));
    };
    let Ok(level) = AuthLevel::new(identity.level) else {
        return Ok(refuse(&page, &UpstreamError::UnknownAcr, Some(&tx.id)));
    };
    let auth = Authenticated {
        identity: IdentityClaim::National {
            number,
            given_names: identity.given_names,
            surname: identity.surname,
        },
        level,
        // RFC 8176: multi-factor, confirmed in a mobile app.
        amr: vec!["mfa".into(), "app".into()],
        method: ID,
        certificate: None,
    };
    match complete(&state, jar, &tx.id, auth).await {
        Ok((jar, redirect)) => Ok((jar, redirect).into_response()),
        Err(AuthnError::UnknownPerson) => Ok(refusal::render(&page, Refusal::UnknownPerson, Some(&tx.id))),
        Err(e) => Ok(e.into_response()),
    }
}

fn refuse(page: &PageCtx, e: &UpstreamError, tx_id: Option<&str>) -> Response {
    let refusal = Refusal::from_upstream(e);
    // What a browser (or an attacker replaying callbacks) can cause is routine: INFO. What
    // points at the upstream or our configuration needs an operator: WARN.
    let is_browser_caused = matches!(
        e,
        UpstreamError::StateMismatch
            | UpstreamError::LoginExpired
            | UpstreamError::UserCancelled
            | UpstreamError::MissingCode
            | UpstreamError::CallbackIssuerMismatch
            | UpstreamError::LevelUnreachable
    );
    if is_browser_caused {
        tracing::info!(
            login.method = "itsme",
            upstream.error = e.code(),
            refusal = refusal.code(),
            "itsme login refused"
        );
    } else {
        tracing::warn!(
            login.method = "itsme",
            upstream.error = e.code(),
            refusal = refusal.code(),
            "itsme login refused"
        );
    }
    refusal::render(page, refusal, tx_id)
}
