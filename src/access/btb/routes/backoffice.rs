//! The back office's pages (contact-centre staff, Level450+): the queue, a request, the
//! upload of the signed document, approve or reject.

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::exception::pdf_response;
use super::{BtbState, render_at, who_at};
use crate::access::btb::backoffice::Approval;
use crate::access::btb::exception::RequestedDesignation;
use crate::access::btb::{BtbError, Refusal, Who};
use crate::store::btb_requests::RequestRow;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;
use crate::web::request::CsrfCookie;
use crate::web::shell::WebShell;

async fn staff(
    state: &BtbState,
    jar: &CookieJar,
    page: &PageCtx,
    next: &str,
) -> Result<Result<Who, Response>, WebError> {
    who_at(state, jar, page, next, state.btb.settings().back_office_level).await
}

macro_rules! staff_or_login {
    ($state:expr, $jar:expr, $page:expr, $next:expr) => {
        match staff(&$state, &$jar, &$page, &$next).await? {
            Ok(w) => w,
            Err(redirect) => return Ok(redirect),
        }
    };
}

#[derive(Deserialize, Default)]
pub(super) struct Search {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    all: String,
}

#[derive(Template)]
#[template(path = "btb/backoffice_queue.html")]
struct QueuePage {
    page: PageCtx,
    requests: Vec<RequestRow>,
    ticket: String,
    enterprise: String,
    error: Option<String>,
}

pub(super) async fn queue(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Query(q): Query<Search>,
) -> Result<Response, WebError> {
    let who = staff_or_login!(state, jar, page, "/backoffice");
    let decision = state.btb.may_decide_requests(&who).await?;
    match state.btb.queue(&decision, &q.ticket, &q.enterprise, q.all.is_empty()).await {
        Ok(requests) => {
            render(&QueuePage { page, requests, ticket: q.ticket, enterprise: q.enterprise, error: None })
        }
        Err(BtbError::Refused(r)) => {
            let error = Some(page.t(r.message_key()).to_string());
            render_at(
                r.status(),
                &QueuePage { page, requests: Vec::new(), ticket: q.ticket, enterprise: q.enterprise, error },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "btb/backoffice_request.html")]
struct RequestPage {
    page: PageCtx,
    r: RequestRow,
    d: RequestedDesignation,
    enterprise_name: String,
    head_name: String,
    is_change: bool,
    notice: Option<String>,
    error: Option<String>,
    /// The id of the field the error is about ("": the request as a whole).
    error_field: &'static str,
}

async fn render_request(
    state: &BtbState,
    page: PageCtx,
    ticket: &str,
    notice: Option<String>,
    refusal: Option<Refusal>,
) -> Result<Response, WebError> {
    let r = state.btb.store().find_btb_request(ticket).await?.ok_or(Refusal::RequestUnknown)?;
    let d: RequestedDesignation = serde_json::from_str(&r.form).map_err(WebError::internal)?;
    let enterprise =
        crate::domain::EnterpriseNumber::parse(&r.enterprise_number).map_err(WebError::internal)?;
    let enterprise_name = state.btb.enterprise_name(&enterprise, page.lang()).await;
    let head = crate::domain::NationalNumber::parse(&d.head).map_err(WebError::internal)?;
    let head_name = state.btb.person_name(&head).await?;
    let is_change = state.btb.current_head(&enterprise).await?.is_some();
    let status = refusal.map(Refusal::status).unwrap_or(http::StatusCode::OK);
    let error_field = match refusal {
        Some(Refusal::NotPdf | Refusal::DocumentTooLarge) => "document",
        Some(Refusal::ReasonMissing) => "reason",
        _ => "",
    };
    let error = refusal.map(|x| page.t(x.message_key()).to_string());
    let template =
        RequestPage { page, r, d, enterprise_name, head_name, is_change, notice, error, error_field };
    render_at(status, &template)
}

pub(super) async fn request(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
) -> Result<Response, WebError> {
    let who = staff_or_login!(state, jar, page, format!("/backoffice/requests/{ticket}"));
    state.btb.may_decide_requests(&who).await?;
    render_request(&state, page, &ticket, None, None).await
}

pub(super) async fn signed(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
) -> Result<Response, WebError> {
    let who = staff_or_login!(state, jar, page, format!("/backoffice/requests/{ticket}"));
    state.btb.may_decide_requests(&who).await?;
    let bytes = state.btb.signed_document(&ticket).await?;
    Ok(pdf_response(bytes, &format!("{ticket}-signed.pdf")))
}

/// `POST …/document` (multipart: `csrf`, `document`).
pub(super) async fn upload(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
    Extension(shell): Extension<WebShell>,
    Extension(cookie): Extension<CsrfCookie>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let who = staff_or_login!(state, jar, page, format!("/backoffice/requests/{ticket}"));
    let decision = state.btb.may_decide_requests(&who).await?;
    let mut csrf = String::new();
    let mut document = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return render_request(&state, page, &ticket, None, Some(Refusal::DocumentTooLarge)).await;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let Ok(bytes) = field.bytes().await else {
            return render_request(&state, page, &ticket, None, Some(Refusal::DocumentTooLarge)).await;
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "document" => document = bytes.to_vec(),
            _ => {}
        }
    }
    if cookie.0.is_empty() || !shell.csrf().is_valid(&cookie.0, &csrf) {
        return Err(WebError::Csrf);
    }
    match state.btb.upload_document(&decision, &ticket, &document).await {
        Ok(()) => Ok(Redirect::to(&format!("/backoffice/requests/{ticket}")).into_response()),
        Err(BtbError::Refused(r)) => render_request(&state, page, &ticket, None, Some(r)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct Empty {}

pub(super) async fn approve(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let who = staff_or_login!(state, jar, page, format!("/backoffice/requests/{ticket}"));
    let decision = state.btb.may_decide_requests(&who).await?;
    match state.btb.approve(&decision, &ticket).await {
        Ok(Approval::Designated) => {
            let notice = Some(page.t("btb.backoffice.approved").to_string());
            render_request(&state, page, &ticket, notice, None).await
        }
        Ok(Approval::AwaitingSecond) => {
            let notice = Some(page.t("btb.backoffice.awaiting_second").to_string());
            render_request(&state, page, &ticket, notice, None).await
        }
        Err(BtbError::Refused(r)) => render_request(&state, page, &ticket, None, Some(r)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct RejectForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn reject(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<Response, WebError> {
    let who = staff_or_login!(state, jar, page, format!("/backoffice/requests/{ticket}"));
    let decision = state.btb.may_decide_requests(&who).await?;
    match state.btb.reject(&decision, &ticket, &form.reason).await {
        Ok(()) => {
            let notice = Some(page.t("btb.backoffice.rejected").to_string());
            render_request(&state, page, &ticket, notice, None).await
        }
        Err(BtbError::Refused(r)) => render_request(&state, page, &ticket, None, Some(r)).await,
        Err(e) => Err(e.into()),
    }
}
