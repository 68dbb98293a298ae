//! The main listener's side of the eID login: the login-page entry and
//! `GET /login/eid/complete?ticket=…`, which redeems the one-time ticket issued by the eID
//! TLS listener and completes the login transaction.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::ticket::{self, TicketError};
use super::tls_routes::RefusedPage;
use crate::authn::methods::{LoginMethod, MethodEntry};
use crate::authn::transaction::{LoginTransaction, login_url};
use crate::authn::{Authenticated, Authn, AuthnError, IdentityClaim};
use crate::domain::AuthLevel;
use crate::store::unix_now;
use crate::web::error::WebError;
use crate::web::page::PageCtx;

/// RFC 8176 §2: `hwk` (proof of possession of a hardware-secured key), `sc` (smart card),
/// `pin` (the card's PIN unlocks the key).
pub const AMR: [&str; 3] = ["hwk", "sc", "pin"];

/// The method's code.
pub const ID: &str = "eid";

pub(super) fn router() -> Router<Authn> {
    Router::new().route("/login/eid/complete", get(complete))
}

/// The login page's entry: a link to the eID TLS listener.
pub(super) struct EidMethod {
    pub public_url: String,
}

impl LoginMethod for EidMethod {
    fn id(&self) -> &'static str {
        ID
    }

    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry> {
        Some(MethodEntry {
            id: ID,
            title_key: "eid.method_title",
            text_key: "eid.method_text",
            level: AuthLevel::EID,
            unavailable_key: None,
            start_url: format!("{}/eid/login?tx={}", self.public_url, tx.id),
        })
    }
}

#[derive(Deserialize)]
struct CompleteQuery {
    ticket: String,
}

async fn complete(
    State(state): State<Authn>,
    page: PageCtx,
    jar: CookieJar,
    Query(query): Query<CompleteQuery>,
) -> Response {
    let redeemed = match ticket::redeem(state.store(), &query.ticket, unix_now()).await {
        Ok(r) => r,
        Err(TicketError::Store(e)) => return WebError::from(e).into_response(),
        Err(TicketError::Invalid) => {
            tracing::warn!(eid.refusal = "eid.ticket_invalid", "eID ticket unknown, used or expired");
            return RefusedPage::respond(page, StatusCode::BAD_REQUEST, "eid.ticket_invalid", "/".into());
        }
    };
    let masked = redeemed.national_number.masked();
    let auth = Authenticated {
        identity: IdentityClaim::National {
            number: redeemed.national_number,
            given_names: redeemed.given_names,
            surname: redeemed.surname,
        },
        level: AuthLevel::EID,
        amr: AMR.iter().map(|s| s.to_string()).collect(),
        method: ID,
        certificate: Some(redeemed.certificate),
    };
    match crate::authn::complete(&state, jar, &redeemed.tx_id, auth).await {
        Ok((jar, redirect)) => (jar, redirect).into_response(),
        Err(AuthnError::UnknownPerson) => {
            tracing::info!(person.nrn_masked = %masked, eid.refusal = "eid.unknown_person", "eID card of a person unknown to the register");
            let retry = login_url(&redeemed.tx_id);
            RefusedPage::respond(page, StatusCode::FORBIDDEN, "eid.unknown_person", retry)
        }
        Err(e) => e.into_response(),
    }
}
