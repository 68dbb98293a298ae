//! The routes of the eID TLS listener: `GET /eid/login?tx=ID` reads the card check of the
//! connection and either hands the identity to the main listener with a one-time ticket
//! or explains the refusal.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::StatusCode;
use serde::Deserialize;

use super::listener::EidOutcome;
use super::ticket;
use super::verify::EidRefusal;
use crate::authn::transaction::{self, TxStatus};
use crate::authn::{Authn, AuthnError};
use crate::store::unix_now;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;
use crate::web::{Limits, WebShell};

/// The whole HTTP application of the eID TLS listener (the same shell layers as the main one).
pub fn tls_router(authn: Authn, shell: WebShell, limits: Limits) -> Router {
    let pages = Router::new()
        .route("/eid/login", get(login))
        .with_state(authn)
        // The pages here link the style sheet and the language switch on this origin.
        .merge(crate::web::pages::assets::router());
    // Another origin than the main listener's: its pages are not moved to the public origin.
    crate::web::layers(pages, Router::new(), shell, limits, None, None)
}

#[derive(Deserialize)]
struct LoginQuery {
    tx: String,
}

/// A refusal with a way back to the login page; shared with the main listener's routes.
#[derive(Template)]
#[template(path = "eid/refused.html")]
pub(super) struct RefusedPage {
    pub page: PageCtx,
    pub code: &'static str,
    pub title: &'static str,
    pub message: &'static str,
    pub retry_url: String,
}

impl RefusedPage {
    pub fn respond(page: PageCtx, status: StatusCode, code: &'static str, retry_url: String) -> Response {
        let title = page.t("eid.refused_title");
        // Every refusal code is also the catalogue key of its explanation.
        let message = page.t(code);
        match render(&RefusedPage { page, code, title, message, retry_url }) {
            Ok(html) => (status, html).into_response(),
            Err(e) => e.into_response(),
        }
    }
}

/// Login transaction ids are random URL-safe handles.
fn is_tx_id_shaped(tx: &str) -> bool {
    (1..=64).contains(&tx.len()) && tx.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn login(
    State(state): State<Authn>,
    page: PageCtx,
    outcome: Option<Extension<EidOutcome>>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let main = state.public_url().to_string();
    if !is_tx_id_shaped(&query.tx) {
        return Err(WebError::bad_request("eid.transaction_unknown"));
    }
    let tx_id = query.tx;
    let retry_url = format!("{main}{}", transaction::login_url(&tx_id));
    let now = unix_now();
    // No browser binding here (another origin): it is checked when the ticket is redeemed.
    let is_open = match transaction::load_unbound(&state, &tx_id).await {
        Ok(tx) => matches!(tx.status, TxStatus::Pending | TxStatus::Authenticated),
        Err(AuthnError::TransactionNotFound | AuthnError::TransactionExpired) => false,
        Err(e) => return Err(e.into()),
    };
    if !is_open {
        tracing::info!(
            eid.refusal = "eid.transaction_unknown",
            "eID login for an unknown or finished transaction"
        );
        let home = format!("{main}/");
        return Ok(RefusedPage::respond(page, StatusCode::BAD_REQUEST, "eid.transaction_unknown", home));
    }
    let outcome = outcome.map(|Extension(o)| o).unwrap_or(Err(EidRefusal::NoCertificate));
    match outcome {
        Err(refusal) => {
            metrics::counter!("poort_eid_logins_total", "outcome" => refusal.code()).increment(1);
            Ok(RefusedPage::respond(page, StatusCode::FORBIDDEN, refusal.code(), retry_url))
        }
        Ok(card) => {
            let ticket = ticket::issue(state.store(), &tx_id, &card, now).await?;
            metrics::counter!("poort_eid_logins_total", "outcome" => "ticket").increment(1);
            tracing::info!(person.nrn_masked = %card.national_number.masked(), card.serial = %card.serial_hex, "eID card accepted; ticket issued");
            Ok(Redirect::to(&format!("{main}/login/eid/complete?ticket={ticket}")).into_response())
        }
    }
}
