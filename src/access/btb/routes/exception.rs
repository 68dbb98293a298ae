//! The exception procedure's pages: the form (the representative, the enterprise, the head
//! form and the activation terms), the finalisation page with the ticket and the request
//! document to download.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

use super::{BtbState, render_at, who};
use crate::access::btb::exception::RepresentativeForm;
use crate::access::btb::procedure::{DesignationForm, HeadChoice};
use crate::access::btb::{BtbError, Refusal};
use crate::access::grants;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

#[derive(Deserialize, Default, Clone)]
pub(super) struct Fields {
    #[serde(default)]
    rep_national_number: String,
    #[serde(default)]
    rep_first_name: String,
    #[serde(default)]
    rep_last_name: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    enterprise_email: String,
    #[serde(default)]
    head: String,
    #[serde(default)]
    head_national_number: String,
    #[serde(default)]
    head_email: String,
    #[serde(default)]
    head_phone: String,
    #[serde(default)]
    requester_email: String,
    #[serde(default)]
    requester_phone: String,
    #[serde(default)]
    terms: String,
    #[serde(default)]
    step: String,
}

#[derive(Template)]
#[template(path = "btb/exception_form.html")]
struct FormPage {
    page: PageCtx,
    me: String,
    f: Fields,
    error: Option<String>,
    /// The id of the field the error is about ("": the form as a whole).
    error_field: &'static str,
}

/// The field a refusal of the request form is about, so the error is shown next to it.
fn error_field(r: Refusal, f: &Fields) -> &'static str {
    let is_other = f.head == "other";
    match r {
        Refusal::BadNationalNumber
            if crate::domain::NationalNumber::parse(&f.rep_national_number).is_err() =>
        {
            "rep_national_number"
        }
        Refusal::MissingName if f.rep_first_name.trim().is_empty() => "rep_first_name",
        Refusal::MissingName | Refusal::NamesDoNotMatch => "rep_last_name",
        Refusal::NotLegalRepresentative => "rep_national_number",
        Refusal::BadEnterpriseNumber
        | Refusal::EnterpriseUnknown
        | Refusal::EnterpriseStopped
        | Refusal::RepresentativeHasEid => "enterprise",
        Refusal::BadNationalNumber | Refusal::PersonUnknown if is_other => "head_national_number",
        Refusal::NotEmployeeOrRepresentative if is_other => "head_national_number",
        _ => super::contact_field(r, &f.enterprise_email, &f.head_email, &f.head_phone),
    }
}

pub(super) async fn form(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, "/btb/exception").await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let me = state.btb.person_name(&who.person).await?;
    render(&FormPage {
        page,
        me,
        f: Fields { head: "self".into(), ..Fields::default() },
        error: None,
        error_field: "",
    })
}

pub(super) async fn submit(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, "/btb/exception").await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let rep = RepresentativeForm {
        national_number: f.rep_national_number.clone(),
        first_name: f.rep_first_name.clone(),
        last_name: f.rep_last_name.clone(),
    };
    let form = DesignationForm {
        enterprise_email: f.enterprise_email.clone(),
        head: if f.head == "other" {
            HeadChoice::Other { national_number: f.head_national_number.clone() }
        } else {
            HeadChoice::Myself
        },
        head_email: f.head_email.clone(),
        head_phone: f.head_phone.clone(),
        requester_email: f.requester_email.clone(),
        requester_phone: f.requester_phone.clone(),
        is_phone_optional: false,
    };
    let me = state.btb.person_name(&who.person).await?;
    if f.step == "edit" {
        return render(&FormPage { page, me, f, error: None, error_field: "" });
    }
    let plan = match state.btb.check_exception(&who, &f.enterprise, &rep, &form).await {
        Ok(plan) => plan,
        Err(BtbError::Refused(r)) => {
            let error = Some(page.t(r.message_key()).to_string());
            let error_field = error_field(r, &f);
            return render_at(r.status(), &FormPage { page, me, f, error, error_field });
        }
        Err(e) => return Err(e.into()),
    };
    let confirm = |page: PageCtx, f: Fields, error: Option<String>, head_name: String| ConfirmPage {
        enterprise_number: plan.enterprise.formatted(),
        representative: plan.representative.formatted(),
        head_name,
        head_number: crate::domain::NationalNumber::parse(&plan.designation.head)
            .map(|n| n.formatted())
            .unwrap_or_default(),
        page,
        f,
        error,
    };
    let head_name = match crate::domain::NationalNumber::parse(&plan.designation.head) {
        Ok(n) => state.btb.person_name(&n).await?,
        Err(_) => String::new(),
    };
    if f.step != "confirm" {
        return render(&confirm(page, f, None, head_name));
    }
    match state.btb.file_exception(&who, &f.enterprise, &rep, &form, f.terms == "yes").await {
        Ok(ticket) => Ok(Redirect::to(&format!("/btb/exception/{ticket}")).into_response()),
        Err(BtbError::Refused(Refusal::TermsNotAccepted)) => {
            let error = Some(page.t(Refusal::TermsNotAccepted.message_key()).to_string());
            render_at(Refusal::TermsNotAccepted.status(), &confirm(page, f, error, head_name))
        }
        Err(BtbError::Refused(r)) => {
            let error = Some(page.t(r.message_key()).to_string());
            let error_field = error_field(r, &f);
            render_at(r.status(), &FormPage { page, me, f, error, error_field })
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "btb/exception_confirm.html")]
struct ConfirmPage {
    page: PageCtx,
    enterprise_number: String,
    representative: String,
    head_name: String,
    head_number: String,
    f: Fields,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "btb/exception_filed.html")]
struct FiledPage {
    page: PageCtx,
    ticket: String,
}

pub(super) async fn filed(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, &format!("/btb/exception/{ticket}")).await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let row = state.btb.request_for(&who, &ticket, false).await?;
    render(&FiledPage { page, ticket: row.ticket })
}

/// A PDF download.
pub(super) fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /btb/exception/{ticket}/document.pdf`: for the requester and the back office.
pub(super) async fn document(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(ticket): Path<String>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, &format!("/btb/exception/{ticket}")).await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let live = state.btb.store().find_live_access_grants_of_person(&who.person).await?;
    let row = state.btb.request_for(&who, &ticket, grants::is_back_office(&live)).await?;
    let bytes = state.btb.request_document(&row, page.lang()).await?;
    Ok(pdf_response(bytes, &format!("{}.pdf", row.ticket)))
}

impl From<Refusal> for WebError {
    fn from(r: Refusal) -> Self {
        BtbError::Refused(r).into()
    }
}
