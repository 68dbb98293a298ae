//! Step 1: `GET/POST /login/password` — username and password.

use askama::Template;
use axum::extract::{Query, State};

use crate::web::client_addr::ClientAddr;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::PasswordState;
use super::{PendingLogin, audit_refusal, not_enabled, page_response, render_to_string};
use crate::authn::password::login::Check;
use crate::authn::password::{PasswordError, password_only_amr};
use crate::authn::{Authenticated, IdentityClaim, complete, transaction};
use crate::domain::{AuthLevel, NationalNumber};
use crate::web::csrf::CsrfForm;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

#[derive(Deserialize)]
pub(super) struct TxQuery {
    tx: String,
}

#[derive(Template)]
#[template(path = "password_login.html")]
struct LoginForm {
    page: PageCtx,
    tx_id: String,
    username: String,
    error: Option<String>,
}

pub(super) async fn show(
    page: PageCtx,
    State(state): State<PasswordState>,
    jar: CookieJar,
    Query(q): Query<TxQuery>,
) -> Result<Response, WebError> {
    if !state.password().is_enabled() {
        return Err(not_enabled());
    }
    let tx = transaction::load(&state, &jar, &q.tx).await?;
    let html = render_to_string(&LoginForm { page, tx_id: tx.id, username: String::new(), error: None })?;
    Ok(page_response(StatusCode::OK, html, None))
}

#[derive(Deserialize)]
pub(super) struct Credentials {
    tx: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn submit(
    page: PageCtx,
    State(state): State<PasswordState>,
    jar: CookieJar,
    ClientAddr(client): ClientAddr,
    CsrfForm(form): CsrfForm<Credentials>,
) -> Result<Response, WebError> {
    let service = state.password();
    if !service.is_enabled() {
        return Err(not_enabled());
    }
    let tx = transaction::load(&state, &jar, &form.tx).await?;
    let refuse = |page: PageCtx, status: StatusCode, key: &str, args: &[(&str, &str)], retry: Option<i64>| {
        let error = Some(page.tr.fmt(key, args));
        let html = render_to_string(&LoginForm {
            page,
            tx_id: tx.id.clone(),
            username: form.username.clone(),
            error,
        })?;
        Ok::<_, WebError>(page_response(status, html, retry))
    };
    let username: String = form.username.chars().take(64).collect();
    // Not truncated (a prefix must never match); the body limit bounds its size.
    let password = form.password.clone();
    let account = match service.check_password(&username, &password, client).await {
        Ok(Check::Accepted(account)) => account,
        Ok(Check::Refused) => {
            let account = state.store().find_password_account_by_username(&username).await?;
            audit_refusal(&state, account.as_ref(), "password").await;
            return refuse(page, StatusCode::UNAUTHORIZED, "password.login.refused", &[], None);
        }
        Ok(Check::Throttled { retry_after }) => {
            let secs = retry_after.to_string();
            return refuse(
                page,
                StatusCode::TOO_MANY_REQUESTS,
                "password.login.throttled",
                &[("secs", &secs)],
                Some(retry_after),
            );
        }
        Err(PasswordError::Overloaded) => {
            tracing::warn!("password login refused: hashing pool saturated");
            let retry = i64::try_from(service.overload_retry_after()).unwrap_or(1);
            return refuse(page, StatusCode::SERVICE_UNAVAILABLE, "password.login.busy", &[], Some(retry));
        }
        Err(e) => return Err(WebError::internal(e)),
    };
    let factors = service.factors(&account).await.map_err(WebError::internal)?;
    if factors.is_empty() && service.settings().is_password_alone_allowed {
        let number = NationalNumber::parse(&account.national_number).map_err(WebError::internal)?;
        let auth = Authenticated {
            identity: IdentityClaim::National { number, given_names: String::new(), surname: String::new() },
            level: AuthLevel::LOW,
            amr: password_only_amr(),
            method: super::ID,
            certificate: None,
        };
        return Ok(match complete(&state, jar, &tx.id, auth).await {
            Ok((jar, redirect)) => (jar, redirect).into_response(),
            Err(e) => e.into_response(),
        });
    }
    let pending = PendingLogin {
        account_id: account.id.clone(),
        username: account.username.clone(),
        verified_at: crate::store::unix_now(),
        card: None,
        is_email_sent: false,
    };
    pending.save(&state, &tx.id).await?;
    Ok(Redirect::to(&format!("/login/password/otp?tx={}", tx.id)).into_response())
}
