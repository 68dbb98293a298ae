//! The pages of BTB, on the main listener (every form carries `csrf`; nothing needs
//! JavaScript):
//!
//! | route | what |
//! | --- | --- |
//! | `GET /btb` | what BTB is; the standard and the exception procedure |
//! | `GET,POST /btb/designate` | standard procedure, step 1: the enterprise number |
//! | `GET,POST /btb/designate/{number}` | the form, the confirmation (`step` = review, edit, confirm), the result |
//! | `GET /btb/enterprises/{number}` | the enterprise's BTB page |
//! | `POST /btb/enterprises/{number}/co-heads[/remove]` | add (`step` = lookup, add) or remove a co-head |
//! | `POST /btb/enterprises/{number}/domains/{code}/access-managers[/remove]` | add or remove an access manager |
//! | `POST /btb/enterprises/{number}/domains/{code}/email[/remove]` | set or remove the domain e-mail |
//! | `GET /my/entities` | the enterprises the person holds a role in |

mod backoffice;
mod designate;
mod enterprise;
mod exception;

use askama::Template;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;

use super::{Btb, BtbError, Refusal, Who};
use crate::authn::{Authn, session};
use crate::web::error::{ErrorPage, WebError};
use crate::web::page::PageCtx;

/// The pages' state: the login layer (sessions) and the BTB service.
#[derive(Clone, Debug)]
pub struct BtbState {
    pub authn: Authn,
    pub btb: Btb,
}

/// `upload_limit`: the largest body the signed-document upload accepts (`btb.upload_max_bytes`
/// plus room for the form).
pub fn router(upload_limit: usize) -> Router<BtbState> {
    Router::new()
        .route("/btb", get(designate::landing))
        .route("/btb/designate", get(designate::start).post(designate::submit_number))
        .route("/btb/designate/{number}", get(designate::form).post(designate::submit_form))
        .route("/btb/enterprises/{number}", get(enterprise::show))
        .route("/btb/enterprises/{number}/co-heads", post(enterprise::add_co_head))
        .route("/btb/enterprises/{number}/co-heads/remove", post(enterprise::remove_co_head))
        .route(
            "/btb/enterprises/{number}/domains/{code}/access-managers",
            post(enterprise::add_access_manager),
        )
        .route(
            "/btb/enterprises/{number}/domains/{code}/access-managers/remove",
            post(enterprise::remove_access_manager),
        )
        .route("/btb/enterprises/{number}/domains/{code}/email", post(enterprise::set_domain_email))
        .route("/btb/enterprises/{number}/domains/{code}/email/remove", post(enterprise::remove_domain_email))
        .route("/my/entities", get(enterprise::entities))
        .route("/btb/exception", get(exception::form).post(exception::submit))
        .route("/btb/exception/{ticket}", get(exception::filed))
        .route("/btb/exception/{ticket}/document.pdf", get(exception::document))
        .route("/backoffice", get(backoffice::queue))
        .route("/backoffice/requests/{ticket}", get(backoffice::request))
        .route("/backoffice/requests/{ticket}/signed.pdf", get(backoffice::signed))
        .route(
            "/backoffice/requests/{ticket}/document",
            post(backoffice::upload).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/backoffice/requests/{ticket}/approve", post(backoffice::approve))
        .route("/backoffice/requests/{ticket}/reject", post(backoffice::reject))
}

/// The logged-in person with a national number, or where to send the browser: the portal
/// login at the level BTB needs (`next` = the page asked for).
pub(super) async fn who(
    state: &BtbState,
    jar: &CookieJar,
    page: &PageCtx,
    next: &str,
) -> Result<Result<Who, Response>, WebError> {
    who_at(state, jar, page, next, state.btb.settings().required_level).await
}

/// Like [`who`], logging in at `level` when there is no session.
pub(super) async fn who_at(
    state: &BtbState,
    jar: &CookieJar,
    page: &PageCtx,
    next: &str,
    level: crate::domain::AuthLevel,
) -> Result<Result<Who, Response>, WebError> {
    let level = level.number();
    let login = || {
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}&level={level}")).into_response()
    };
    let Some(session) = session::current(&state.authn, jar).await? else { return Ok(Err(login())) };
    let identity = state.authn.store().find_identity(&session.identity_id).await?;
    let Some(person) = identity.and_then(|i| i.national_number) else {
        return Err(WebError::Page(refusal_page(Refusal::PersonUnknown)));
    };
    Ok(Ok(Who {
        person,
        level: session.level,
        session_ref: format!("session:{}", session.sid),
        language: page.lang(),
    }))
}

/// The translated page of a refusal.
pub(super) fn refusal_page(refusal: Refusal) -> ErrorPage {
    let title =
        if refusal.status() == StatusCode::NOT_FOUND { "error.not_found_title" } else { "btb.refused_title" };
    ErrorPage::new(refusal.status(), refusal.code(), title, refusal.message_key())
}

impl From<BtbError> for WebError {
    fn from(e: BtbError) -> Self {
        match e {
            BtbError::Refused(r) => WebError::Page(refusal_page(r)),
            other => WebError::internal(other),
        }
    }
}

/// Renders a template at `status`.
pub(super) fn render_at<T: Template>(status: StatusCode, template: &T) -> Result<Response, WebError> {
    let mut response = crate::web::error::render(template)?;
    *response.status_mut() = status;
    Ok(response)
}

/// The contact field an e-mail or phone refusal is about, on the forms that ask for the
/// enterprise's e-mail, the head's e-mail and phone and the requester's (designation and
/// exception procedure); "" for any other refusal.
fn contact_field(r: Refusal, enterprise_email: &str, head_email: &str, head_phone: &str) -> &'static str {
    use crate::access::btb::rules::{parse_email, parse_phone};
    match r {
        Refusal::BadEmail if parse_email(enterprise_email).is_err() => "enterprise_email",
        Refusal::BadEmail if parse_email(head_email).is_err() => "head_email",
        Refusal::BadEmail => "requester_email",
        Refusal::BadPhone if parse_phone(head_phone).is_err() => "head_phone",
        Refusal::BadPhone => "requester_phone",
        _ => "",
    }
}
