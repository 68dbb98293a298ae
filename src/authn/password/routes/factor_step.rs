//! Step 2: `GET/POST /login/password/otp` — choose an enrolled factor and enter its code.

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
use crate::authn::password::{Factor, PasswordService};
use crate::authn::transaction::{self, LoginTransaction};
use crate::authn::{Authenticated, IdentityClaim, complete};
use crate::domain::NationalNumber;
use crate::store::password::PasswordAccount;
use crate::web::csrf::CsrfForm;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

struct FactorView {
    code: &'static str,
    title_key: &'static str,
    is_sufficient: bool,
}

#[derive(Template)]
#[template(path = "password_factor.html")]
struct FactorPage {
    page: PageCtx,
    tx_id: String,
    factors: Vec<FactorView>,
    current: String,
    card_label: String,
    card_position: i64,
    is_email_sent: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct FactorQuery {
    tx: String,
    factor: Option<String>,
}

/// The transaction and its pending login, or the browser goes back to step 1.
async fn pending(
    state: &PasswordState,
    jar: &CookieJar,
    tx_id: &str,
) -> Result<Result<(LoginTransaction, PendingLogin, PasswordAccount), Response>, WebError> {
    let tx = transaction::load(state, jar, tx_id).await?;
    let restart = Redirect::to(&format!("/login/password?tx={}", tx.id)).into_response();
    let Some(pending) = PendingLogin::from_tx(&tx)? else {
        return Ok(Err(restart));
    };
    match state.store().find_password_account_by_username(&pending.username).await? {
        Some(account) if account.id == pending.account_id => Ok(Ok((tx, pending, account))),
        _ => Ok(Err(restart)),
    }
}

async fn views(
    service: &PasswordService,
    account: &PasswordAccount,
    tx: &LoginTransaction,
) -> Result<Vec<FactorView>, WebError> {
    Ok(service
        .factors(account)
        .await
        .map_err(WebError::internal)?
        .into_iter()
        .map(|f| FactorView {
            code: f.code(),
            title_key: match f {
                Factor::App => "password.factor.app",
                Factor::Email => "password.factor.email",
                Factor::Card => "password.factor.card",
            },
            is_sufficient: f.level().satisfies(tx.required_level),
        })
        .collect())
}

/// How the page answers: status, an error message and Retry-After.
struct Answer {
    status: StatusCode,
    error: Option<String>,
    retry_after: Option<i64>,
}

impl Answer {
    fn ok() -> Self {
        Self { status: StatusCode::OK, error: None, retry_after: None }
    }

    fn error(status: StatusCode, error: String, retry_after: Option<i64>) -> Self {
        Self { status, error: Some(error), retry_after }
    }
}

/// Renders the page for `factor`, choosing a token-card code when needed.
async fn render_factor(
    state: &PasswordState,
    page: PageCtx,
    (tx, mut pending, account): (&LoginTransaction, PendingLogin, &PasswordAccount),
    factor: Option<Factor>,
    answer: Answer,
) -> Result<Response, WebError> {
    let factors = views(state.password(), account, tx).await?;
    let usable: Vec<&FactorView> = factors.iter().filter(|f| f.is_sufficient).collect();
    // One usable factor: no need to choose.
    let factor =
        factor.filter(|f| factors.iter().any(|v| v.code == f.code() && v.is_sufficient)).or_else(|| {
            match usable.as_slice() {
                [only] => Factor::parse(only.code),
                _ => None,
            }
        });
    if factor == Some(Factor::Card) && pending.card.is_none() {
        pending.card = state.password().card_challenge(account).await.map_err(WebError::internal)?;
        pending.save(state, &tx.id).await?;
    }
    let html = render_to_string(&FactorPage {
        tx_id: tx.id.clone(),
        current: factor.map(|f| f.code()).unwrap_or_default().to_string(),
        card_label: pending
            .card
            .as_ref()
            .map(|c| {
                page.tr.fmt(
                    "password.factor.card_label",
                    &[("position", &c.position.to_string()), ("serial", &c.serial)],
                )
            })
            .unwrap_or_default(),
        card_position: pending.card.as_ref().map(|c| c.position).unwrap_or_default(),
        is_email_sent: pending.is_email_sent,
        factors,
        error: answer.error,
        page,
    })?;
    Ok(page_response(answer.status, html, answer.retry_after))
}

pub(super) async fn show(
    page: PageCtx,
    State(state): State<PasswordState>,
    jar: CookieJar,
    Query(q): Query<FactorQuery>,
) -> Result<Response, WebError> {
    if !state.password().is_enabled() {
        return Err(not_enabled());
    }
    let (tx, pending, account) = match pending(&state, &jar, &q.tx).await? {
        Ok(found) => found,
        Err(restart) => return Ok(restart),
    };
    let factor = q.factor.as_deref().and_then(Factor::parse);
    render_factor(&state, page, (&tx, pending, &account), factor, Answer::ok()).await
}

#[derive(Deserialize)]
pub(super) struct TxForm {
    tx: String,
}

/// `POST /login/password/otp/email`: sends (or re-sends) a code by e-mail.
pub(super) async fn send_email(
    page: PageCtx,
    State(state): State<PasswordState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<TxForm>,
) -> Result<Response, WebError> {
    if !state.password().is_enabled() {
        return Err(not_enabled());
    }
    let (tx, mut pending, account) = match pending(&state, &jar, &form.tx).await? {
        Ok(found) => found,
        Err(restart) => return Ok(restart),
    };
    let is_sent = state.password().send_email_code(&account, &tx.id).await.map_err(WebError::internal)?;
    if !is_sent {
        let answer = Answer::error(
            StatusCode::TOO_MANY_REQUESTS,
            page.t("password.login.too_many_codes").to_string(),
            None,
        );
        return render_factor(&state, page, (&tx, pending, &account), Some(Factor::Email), answer).await;
    }
    pending.is_email_sent = true;
    pending.save(&state, &tx.id).await?;
    Ok(Redirect::to(&format!("/login/password/otp?tx={}&factor=email", tx.id)).into_response())
}

#[derive(Deserialize)]
pub(super) struct CodeForm {
    tx: String,
    factor: String,
    #[serde(default)]
    otp: String,
}

/// `POST /login/password/otp`: checks the code and completes the login.
pub(super) async fn submit(
    page: PageCtx,
    State(state): State<PasswordState>,
    jar: CookieJar,
    ClientAddr(client): ClientAddr,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let service = state.password();
    if !service.is_enabled() {
        return Err(not_enabled());
    }
    let (tx, mut pending, account) = match pending(&state, &jar, &form.tx).await? {
        Ok(found) => found,
        Err(restart) => return Ok(restart),
    };
    let Some(factor) = Factor::parse(&form.factor) else {
        return Err(WebError::bad_request("error.bad_form"));
    };
    let otp: String = form.otp.chars().take(16).collect();
    let check = service.check_factor(&account, factor, &tx.id, pending.card.as_ref(), &otp, client).await;
    match check {
        Ok(Check::Accepted(factor)) => {
            let number = NationalNumber::parse(&account.national_number).map_err(WebError::internal)?;
            let auth = Authenticated {
                identity: IdentityClaim::National {
                    number,
                    given_names: String::new(),
                    surname: String::new(),
                },
                level: factor.level(),
                amr: factor.amr(),
                method: super::ID,
                certificate: None,
            };
            Ok(match complete(&state, jar, &tx.id, auth).await {
                Ok((jar, redirect)) => (jar, redirect).into_response(),
                Err(e) => e.into_response(),
            })
        }
        Ok(Check::Refused) => {
            audit_refusal(&state, Some(&account), factor.code()).await;
            if factor == Factor::Card {
                // A wrong card code uses up the challenge: the next try asks another number.
                pending.card = None;
                pending.save(&state, &tx.id).await?;
            }
            let answer = Answer::error(
                StatusCode::UNAUTHORIZED,
                page.t("password.login.wrong_code").to_string(),
                None,
            );
            render_factor(&state, page, (&tx, pending, &account), Some(factor), answer).await
        }
        Ok(Check::Throttled { retry_after }) => {
            let error = page.tr.fmt("password.login.throttled", &[("secs", &retry_after.to_string())]);
            let answer = Answer::error(StatusCode::TOO_MANY_REQUESTS, error, Some(retry_after));
            render_factor(&state, page, (&tx, pending, &account), Some(factor), answer).await
        }
        Err(e) => Err(WebError::internal(e)),
    }
}
