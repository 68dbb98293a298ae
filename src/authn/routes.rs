//! The login page (every digital key), the portal login, the session page and logout.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::methods::{MethodEntry, Methods};
use super::transaction::{self, NewTransaction, Protocol};
use super::{Authn, AuthnError, session};
use crate::domain::AuthLevel;
use crate::kernel::paths::is_local_path;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

/// The login page's state: the login layer and the configured methods.
#[derive(Clone, Debug)]
pub struct LoginPages {
    pub authn: Authn,
    pub methods: Methods,
}

pub fn router() -> Router<LoginPages> {
    Router::new()
        .route("/login", get(login))
        .route("/logout", post(logout))
        .route("/my/session", get(my_session))
        .route("/api/v1/me", get(me))
}

#[derive(Deserialize)]
struct LoginQuery {
    tx: Option<String>,
    next: Option<String>,
    level: Option<u16>,
    stepup: Option<u8>,
}

/// A key as the page shows it.
struct KeyView {
    entry: MethodEntry,
    is_sufficient: bool,
    /// "high", "substantial" or "low" (eIDAS vocabulary, translated).
    level_key: &'static str,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    tx_id: String,
    keys: Vec<KeyView>,
    required_level: String,
    is_step_up: bool,
    is_test_login: bool,
}

/// `GET /login?tx=ID` shows the keys; `GET /login?next=/path` opens a portal login.
async fn login(
    page: PageCtx,
    State(state): State<LoginPages>,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let Some(tx_id) = q.tx else {
        return portal_login(&state.authn, jar, q.next, q.level).await;
    };
    let tx = transaction::load(&state.authn, &jar, &tx_id).await?;
    let keys = state
        .methods
        .available(&tx)
        .into_iter()
        .map(|entry| KeyView {
            is_sufficient: entry.level.satisfies(tx.required_level),
            level_key: match entry.level.eidas_name() {
                "high" => "authn.level_high",
                "substantial" => "authn.level_substantial",
                _ => "authn.level_low",
            },
            entry,
        })
        .collect();
    render(&LoginPage {
        tx_id: tx.id.clone(),
        keys,
        required_level: tx.required_level.to_string(),
        is_step_up: q.stepup.is_some(),
        is_test_login: state.methods.has(super::test_login::ID),
        page,
    })
}

async fn portal_login(
    state: &Authn,
    jar: CookieJar,
    next: Option<String>,
    level: Option<u16>,
) -> Result<Response, WebError> {
    let next = next.filter(|n| is_local_path(n) && n.len() < 512).unwrap_or_else(|| "/my/session".into());
    let required = level.and_then(|l| AuthLevel::new(l).ok()).unwrap_or(AuthLevel::LOW);
    if let Some(s) = session::current(state, &jar).await?
        && s.level.satisfies(required)
    {
        return Ok(Redirect::to(&next).into_response());
    }
    let (jar, tx) = transaction::begin(
        state,
        jar,
        NewTransaction {
            protocol: Protocol::Portal,
            client_id: None,
            request: (),
            resume_to: next,
            required_level: required,
            is_forced_login: false,
            login_hint: None,
            ui_locale: None,
        },
    )
    .await?;
    Ok((jar, Redirect::to(&tx.login_url())).into_response())
}

#[derive(Template)]
#[template(path = "my_session.html")]
struct SessionPage {
    page: PageCtx,
    name: String,
    number: String,
    level: String,
    method: String,
}

async fn my_session(
    page: PageCtx,
    State(LoginPages { authn: state, .. }): State<LoginPages>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let Some(s) = session::current(&state, &jar).await? else {
        return Ok(Redirect::to("/login?next=/my/session").into_response());
    };
    let identity =
        state.store().find_identity(&s.identity_id).await?.ok_or(AuthnError::TransactionNotFound)?;
    render(&SessionPage {
        name: identity.full_name(),
        number: identity
            .national_number
            .as_ref()
            .map(|n| n.masked())
            .or(identity.eidas_identifier.clone())
            .unwrap_or_default(),
        level: s.level.fas_urn(),
        method: s.method.clone(),
        page,
    })
}

/// `GET /api/v1/me`: who this browser is logged in as (for the portal and tests).
async fn me(
    State(LoginPages { authn: state, .. }): State<LoginPages>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let Some(s) = session::current(&state, &jar).await? else {
        let body = serde_json::json!({ "error": "not_logged_in", "message": "no session" });
        return Ok((StatusCode::UNAUTHORIZED, Json(body)).into_response());
    };
    let identity =
        state.store().find_identity(&s.identity_id).await?.ok_or(AuthnError::TransactionNotFound)?;
    Ok(Json(serde_json::json!({
        "identity_id": identity.id,
        "given_names": identity.given_names,
        "surname": identity.surname,
        "national_number_masked": identity.national_number.as_ref().map(|n| n.masked()),
        "eidas_identifier": identity.eidas_identifier,
        "sid": s.sid,
        "acr": s.level.fas_urn(),
        "level": s.level.number(),
        "amr": s.amr,
        "method": s.method,
        "auth_time": s.auth_time,
    }))
    .into_response())
}

#[derive(Deserialize)]
struct LogoutForm {}

/// Ends this browser's session (the portal's own logout; OIDC RP-initiated logout has its own endpoint).
async fn logout(
    State(LoginPages { authn: state, .. }): State<LoginPages>,
    jar: CookieJar,
    CsrfForm(_form): CsrfForm<LogoutForm>,
) -> Result<Response, WebError> {
    let mut to = "/".to_string();
    if let Some(s) = session::current(&state, &jar).await? {
        // Relying parties of the session hear of it (back-channel logout), and those only
        // the browser can reach are visited on the way out.
        session::end(&state, &s).await?;
        state
            .store()
            .create_audit_event("logout", Some(&s.identity_id), None, &serde_json::json!({}))
            .await?;
        if let Some(first) = state.events().front_channel(&s.sid, "/").await {
            to = first;
        }
    }
    Ok((session::clear_cookie(&state, jar), Redirect::to(&to)).into_response())
}
