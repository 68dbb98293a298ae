//! `POST /my/keys/account|password|email`: the username and password, and the address
//! codes are sent to. Rule violations re-render the page naming the rule (422).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::MyKeysState;
use super::{Owner, account_changer, changer, render_keys};
use crate::authn::password::PasswordError;
use crate::authn::password::keys::KeyRefusal;
use crate::web::csrf::CsrfForm;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

#[derive(Deserialize)]
pub(super) struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    email: String,
}

/// The page again, naming the broken rule.
async fn refused(
    state: &MyKeysState,
    page: PageCtx,
    owner: &Owner,
    refusal: &KeyRefusal,
) -> Result<Response, WebError> {
    let policy = state.password().policy();
    let args = match refusal {
        KeyRefusal::Policy(v) => v.args(policy),
        _ => Vec::new(),
    };
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let error = Some(page.tr.fmt(refusal.key(), &args));
    render_keys(state, page, owner, StatusCode::UNPROCESSABLE_ENTITY, None, error).await
}

fn hash_error(e: PasswordError) -> WebError {
    match e {
        PasswordError::Overloaded => {
            WebError::Page(crate::web::error::ErrorPage::for_status(StatusCode::SERVICE_UNAVAILABLE))
        }
        e => WebError::internal(e),
    }
}

async fn audit(state: &MyKeysState, owner: &Owner, kind: &str) {
    let detail = serde_json::json!({ "method": owner.session.method, "level": owner.session.level.number() });
    if let Err(e) = state.store().create_audit_event(kind, Some(&owner.identity.id), None, &detail).await {
        tracing::warn!(error = %e, "audit event not written");
    }
}

/// Where an account change ends: on success an audit event (when `event` names one) and
/// the keys page with `done`; on a refusal the page again, naming the broken rule.
async fn outcome<T>(
    state: &MyKeysState,
    page: PageCtx,
    owner: &Owner,
    result: Result<T, KeyRefusal>,
    event: Option<&str>,
    done: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => {
            if let Some(kind) = event {
                audit(state, owner, kind).await;
            }
            Ok(Redirect::to(&format!("/my/keys?done={done}")).into_response())
        }
        Err(refusal) => refused(state, page, owner, &refusal).await,
    }
}

pub(super) async fn create(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    let owner = match changer(&state, &jar, page.clone()).await? {
        Ok(owner) => owner,
        Err(response) => return Ok(response),
    };
    if owner.account.is_some() {
        return Err(WebError::bad_request("password.keys.already_has_account"));
    }
    let number = owner.national_number.clone().unwrap_or_default();
    let result = state
        .password()
        .create_account(&number, &form.username, &form.password, &form.password_confirm, &form.email)
        .await
        .map_err(hash_error)?;
    outcome(&state, page, &owner, result, Some("keys.password_created"), "account").await
}

pub(super) async fn change_password(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    let (owner, account) = match account_changer(&state, &jar, page.clone()).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let result = state
        .password()
        .change_password(&account, &form.password, &form.password_confirm)
        .await
        .map_err(hash_error)?;
    outcome(&state, page, &owner, result, Some("keys.password_changed"), "password").await
}

pub(super) async fn set_email(
    page: PageCtx,
    State(state): State<MyKeysState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    let (owner, account) = match account_changer(&state, &jar, page.clone()).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let result = state.password().set_email(&account, &form.email).await.map_err(WebError::internal)?;
    outcome(&state, page, &owner, result, None, "email").await
}
