//! Authenticator app enrolment (QR code, confirmed by a first code) and token cards
//! (shown once, printable).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::MyKeysState;
use super::{account_changer, changer, render_keys};
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

#[derive(Deserialize)]
pub(super) struct EmptyForm {}

#[derive(Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    otp: String,
}

#[derive(Template)]
#[template(path = "my_keys_app.html")]
struct AppPage {
    page: PageCtx,
    secret: String,
    qr: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "my_keys_card.html")]
struct CardPage {
    page: PageCtx,
    serial: String,
    codes: Vec<(usize, String)>,
}

pub(super) async fn start_app(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(_form): CsrfForm<EmptyForm>,
) -> Result<Response, WebError> {
    let owner = match changer(&state, &jar, page).await? {
        Ok(owner) => owner,
        Err(response) => return Ok(response),
    };
    let Some(account) = owner.account else {
        return Err(WebError::bad_request("password.keys.no_account"));
    };
    state.password().start_app_enrolment(&account).await.map_err(WebError::internal)?;
    Ok(Redirect::to("/my/keys/app").into_response())
}

async fn enrolment_page(
    state: &MyKeysState,
    page: PageCtx,
    jar: &CookieJar,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, WebError> {
    let owner = match changer(state, jar, page.clone()).await? {
        Ok(owner) => owner,
        Err(response) => return Ok(response),
    };
    let Some(account) = owner.account else {
        return Ok(Redirect::to("/my/keys").into_response());
    };
    let Some(enrolment) = state.password().app_enrolment(&account).await.map_err(WebError::internal)? else {
        return Ok(Redirect::to("/my/keys").into_response());
    };
    let mut response =
        render(&AppPage { page, secret: enrolment.secret_base32, qr: enrolment.qr_data_uri, error })?;
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn show_enrolment(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    enrolment_page(&state, page, &jar, StatusCode::OK, None).await
}

pub(super) async fn confirm_app(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let (owner, account) = match account_changer(&state, &jar, page.clone()).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    match state.password().confirm_app(&account, &form.otp).await.map_err(WebError::internal)? {
        Ok(()) => {
            let detail = serde_json::json!({ "method": owner.session.method });
            state
                .store()
                .create_audit_event("keys.app_enrolled", Some(&owner.identity.id), None, &detail)
                .await?;
            Ok(Redirect::to("/my/keys?done=app").into_response())
        }
        Err(refusal) => {
            let error = Some(page.t(refusal.key()).to_string());
            enrolment_page(&state, page, &jar, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
    }
}

pub(super) async fn remove_app(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(_form): CsrfForm<EmptyForm>,
) -> Result<Response, WebError> {
    let owner = match changer(&state, &jar, page.clone()).await? {
        Ok(owner) => owner,
        Err(response) => return Ok(response),
    };
    if let Some(account) = &owner.account {
        state.password().remove_app(account).await.map_err(WebError::internal)?;
    }
    let notice = Some(page.t("password.keys.app_removed").to_string());
    let owner = match super::owner(&state, &jar).await? {
        Ok(owner) => owner,
        Err(response) => return Ok(response),
    };
    render_keys(&state, page, &owner, StatusCode::OK, notice, None).await
}

/// Orders a new card and shows it once (the codes are stored only as HMACs).
pub(super) async fn order_card(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(_form): CsrfForm<EmptyForm>,
) -> Result<Response, WebError> {
    let (owner, account) = match account_changer(&state, &jar, page.clone()).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let card = state.password().order_token_card(&account).await.map_err(WebError::internal)?;
    let detail = serde_json::json!({ "method": owner.session.method });
    state.store().create_audit_event("keys.card_ordered", Some(&owner.identity.id), None, &detail).await?;
    let codes = card.codes.into_iter().enumerate().map(|(i, c)| (i + 1, c)).collect();
    render(&CardPage { page, serial: card.serial, codes })
}
