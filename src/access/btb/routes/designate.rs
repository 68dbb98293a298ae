//! The standard procedure's pages: the enterprise number, the form, the confirmation with
//! the activation terms, and "Head access manager designated!".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::{BtbState, render_at, who};
use crate::access::btb::capability::EnterpriseFacts;
use crate::access::btb::procedure::{DesignationForm, DesignationPlan, HeadChoice};
use crate::access::btb::{BtbError, Refusal, Who};
use crate::domain::EnterpriseNumber;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

#[derive(Template)]
#[template(path = "btb/landing.html")]
struct LandingPage {
    page: PageCtx,
}

pub(super) async fn landing(page: PageCtx) -> Result<Response, WebError> {
    render(&LandingPage { page })
}

#[derive(Template)]
#[template(path = "btb/designate_start.html")]
struct StartPage {
    page: PageCtx,
    name: String,
    number: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct StartQuery {
    #[serde(default)]
    enterprise: String,
}

pub(super) async fn start(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Query(q): Query<StartQuery>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, "/btb/designate").await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let name = state.btb.person_name(&who.person).await?;
    render(&StartPage { page, name, number: q.enterprise, error: None })
}

#[derive(Deserialize)]
pub(super) struct NumberForm {
    #[serde(default)]
    enterprise: String,
}

/// Re-renders the first step with a refusal (its own status).
async fn start_refused(
    state: &BtbState,
    page: PageCtx,
    who: &Who,
    number: String,
    refusal: Refusal,
) -> Result<Response, WebError> {
    let name = state.btb.person_name(&who.person).await?;
    let error = Some(page.t(refusal.message_key()).to_string());
    render_at(refusal.status(), &StartPage { page, name, number, error })
}

pub(super) async fn submit_number(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<NumberForm>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, "/btb/designate").await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let Ok(number) = EnterpriseNumber::parse(&form.enterprise) else {
        return start_refused(&state, page, &who, form.enterprise, Refusal::BadEnterpriseNumber).await;
    };
    match state.btb.may_designate(&who, &number).await {
        Ok(_) => Ok(Redirect::to(&format!("/btb/designate/{}", number.as_str())).into_response()),
        Err(BtbError::Refused(r)) => start_refused(&state, page, &who, form.enterprise, r).await,
        Err(e) => Err(e.into()),
    }
}

/// The form's fields (also carried, hidden, by the confirmation page).
#[derive(Deserialize, Default, Clone)]
pub(super) struct Fields {
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
    step: String,
    #[serde(default)]
    terms: String,
}

impl Fields {
    fn to_form(&self) -> DesignationForm {
        DesignationForm {
            enterprise_email: self.enterprise_email.clone(),
            head: if self.head == "other" {
                HeadChoice::Other { national_number: self.head_national_number.clone() }
            } else {
                HeadChoice::Myself
            },
            head_email: self.head_email.clone(),
            head_phone: self.head_phone.clone(),
            requester_email: self.requester_email.clone(),
            requester_phone: self.requester_phone.clone(),
            is_phone_optional: false,
        }
    }
}

/// The enterprise as the form shows it (read-only, from the register).
struct EnterpriseLines {
    number: String,
    formatted: String,
    name: String,
    address: String,
}

fn lines(number: &EnterpriseNumber, about: &EnterpriseFacts, page: &PageCtx) -> EnterpriseLines {
    let e = about.enterprise.as_ref();
    EnterpriseLines {
        number: number.as_str().to_string(),
        formatted: number.formatted(),
        name: e.map(|e| e.names.display(page.lang()).to_string()).unwrap_or_default(),
        address: e
            .and_then(|e| e.address.as_ref())
            .map(|a| format!("{} {}, {} {}", a.street, a.house_number, a.postal_code, a.municipality))
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "btb/designate_form.html")]
struct FormPage {
    page: PageCtx,
    enterprise: EnterpriseLines,
    me: String,
    me_number: String,
    current_head: Option<String>,
    is_head: bool,
    f: Fields,
    error: Option<String>,
    /// The id of the field the error is about ("": the form as a whole).
    error_field: &'static str,
}

/// The field a refusal of the form is about, so the error is shown next to it.
fn error_field(r: Refusal, f: &Fields) -> &'static str {
    match r {
        Refusal::BadNationalNumber
        | Refusal::PersonUnknown
        | Refusal::NotEmployeeOrRepresentative
        | Refusal::AlreadyHead
            if f.head == "other" =>
        {
            "head_national_number"
        }
        _ => super::contact_field(r, &f.enterprise_email, &f.head_email, &f.head_phone),
    }
}

#[derive(Template)]
#[template(path = "btb/designate_confirm.html")]
struct ConfirmPage {
    page: PageCtx,
    enterprise: EnterpriseLines,
    plan_head_name: String,
    plan_head_number: String,
    f: Fields,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "btb/designated.html")]
struct DonePage {
    page: PageCtx,
    enterprise: EnterpriseLines,
    head_name: String,
    head_email: String,
    is_self: bool,
}

/// Everything a step of the form needs: the person, the decision's facts and the form page.
async fn form_page(
    state: &BtbState,
    page: PageCtx,
    who: &Who,
    number: &EnterpriseNumber,
    about: &EnterpriseFacts,
    f: Fields,
    error: Option<Refusal>,
) -> Result<Response, WebError> {
    let current = state.btb.current_head(number).await?;
    let me = state.btb.person_name(&who.person).await?;
    let status = error.map(Refusal::status).unwrap_or(StatusCode::OK);
    let error_field = error.map(|r| error_field(r, &f)).unwrap_or("");
    let error = error.map(|r| page.t(r.message_key()).to_string());
    let template = FormPage {
        enterprise: lines(number, about, &page),
        me,
        me_number: who.person.formatted(),
        is_head: about.standing.is_head,
        current_head: current.map(|c| c.name),
        f,
        error,
        error_field,
        page,
    };
    render_at(status, &template)
}

/// The number in the path, or the first step's page with the refusal.
fn path_number(raw: &str) -> Result<EnterpriseNumber, WebError> {
    EnterpriseNumber::parse(raw).map_err(|_| WebError::from(BtbError::Refused(Refusal::BadEnterpriseNumber)))
}

pub(super) async fn form(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, &format!("/btb/designate/{raw}")).await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let number = path_number(&raw)?;
    let (_, about) = match state.btb.may_designate(&who, &number).await {
        Ok(d) => d,
        Err(BtbError::Refused(r)) => return start_refused(&state, page, &who, raw, r).await,
        Err(e) => return Err(e.into()),
    };
    let f = Fields { head: "self".into(), ..Fields::default() };
    form_page(&state, page, &who, &number, &about, f, None).await
}

pub(super) async fn submit_form(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(raw): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let who = match who(&state, &jar, &page, &format!("/btb/designate/{raw}")).await? {
        Ok(w) => w,
        Err(redirect) => return Ok(redirect),
    };
    let number = path_number(&raw)?;
    let (decision, about) = match state.btb.may_designate(&who, &number).await {
        Ok(d) => d,
        Err(BtbError::Refused(r)) => return start_refused(&state, page, &who, raw, r).await,
        Err(e) => return Err(e.into()),
    };
    if f.step == "edit" {
        return form_page(&state, page, &who, &number, &about, f, None).await;
    }
    let plan: DesignationPlan = match state.btb.check_designation(&who, &number, &about, &f.to_form()).await {
        Ok(plan) => plan,
        Err(BtbError::Refused(r)) => return form_page(&state, page, &who, &number, &about, f, Some(r)).await,
        Err(e) => return Err(e.into()),
    };
    if f.step != "confirm" {
        let template = ConfirmPage {
            enterprise: lines(&number, &about, &page),
            plan_head_name: plan.head.full_name(),
            plan_head_number: plan.head.number.formatted(),
            f,
            error: None,
            page,
        };
        return render_at(StatusCode::OK, &template);
    }
    let terms = f.terms == "yes";
    match state.btb.designate(&decision, &plan, terms, "standard", page.lang()).await {
        Ok(done) => render(&DonePage {
            enterprise: lines(&number, &about, &page),
            head_name: done.head_name,
            head_email: done.head_email,
            is_self: plan.is_self,
            page,
        }),
        Err(BtbError::Refused(Refusal::TermsNotAccepted)) => {
            let error = Some(page.t(Refusal::TermsNotAccepted.message_key()).to_string());
            let template = ConfirmPage {
                enterprise: lines(&number, &about, &page),
                plan_head_name: plan.head.full_name(),
                plan_head_number: plan.head.number.formatted(),
                f,
                error,
                page,
            };
            render_at(StatusCode::BAD_REQUEST, &template)
        }
        Err(BtbError::Refused(r)) => form_page(&state, page, &who, &number, &about, f, Some(r)).await,
        Err(e) => Err(e.into()),
    }
}
