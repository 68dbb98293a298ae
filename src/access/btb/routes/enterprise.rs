//! The enterprise's BTB page and its changes, and "Your entities".

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;

use super::{BtbState, render_at, who};
use crate::access::btb::entities::Entity;
use crate::access::btb::manage::EnterpriseView;
use crate::access::btb::{BtbError, Refusal, Who};
use crate::domain::EnterpriseNumber;
use crate::store::access_audit::AuditRow;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

struct AuditLine {
    at: String,
    kind: String,
    actor: String,
    capacity: String,
    domain: String,
    subject: String,
}

fn format_time(at: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

fn audit_line(r: &AuditRow) -> AuditLine {
    AuditLine {
        at: format_time(r.at),
        kind: r.kind.clone(),
        actor: r.actor.clone().unwrap_or_else(|| "-".into()),
        capacity: r.capacity.clone(),
        domain: r.domain_code.clone().unwrap_or_default(),
        subject: r.subject.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "btb/enterprise.html")]
struct EnterprisePage {
    page: PageCtx,
    v: EnterpriseView,
    capacity: &'static str,
    notice: Option<String>,
    error: Option<String>,
    /// The id of the field the error is about ("" when it is about the page): the error is
    /// shown next to that field, which is marked invalid and described by it.
    error_field: String,
    audit: Vec<AuditLine>,
}

async fn render_enterprise(
    state: &BtbState,
    page: PageCtx,
    who: &Who,
    number: &EnterpriseNumber,
    status: StatusCode,
    notice: Option<String>,
    error: Option<(String, String)>,
) -> Result<Response, WebError> {
    let right = state.btb.may_view(who, number).await?;
    let v = state.btb.view(&right, page.lang()).await?;
    let audit = match state.btb.may_read_audit(who, number).await {
        Ok(right) => state.btb.audit_trail(&right, 50).await?.iter().map(audit_line).collect(),
        Err(BtbError::Refused(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let (error, error_field) = match error {
        Some((message, field)) => (Some(message), field),
        None => (None, String::new()),
    };
    let capacity = right.capacity().code();
    render_at(status, &EnterprisePage { page, v, capacity, notice, error, error_field, audit })
}

fn path_number(raw: &str) -> Result<EnterpriseNumber, WebError> {
    EnterpriseNumber::parse(raw).map_err(|_| WebError::from(BtbError::Refused(Refusal::BadEnterpriseNumber)))
}

macro_rules! who_or_login {
    ($state:expr, $jar:expr, $page:expr, $next:expr) => {
        match who(&$state, &$jar, &$page, &$next).await? {
            Ok(w) => w,
            Err(redirect) => return Ok(redirect),
        }
    };
}

pub(super) async fn show(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    render_enterprise(&state, page, &who, &number, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub(super) struct PersonForm {
    #[serde(default)]
    national_number: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    step: String,
}

#[derive(Template)]
#[template(path = "btb/add_confirm.html")]
struct AddConfirmPage {
    page: PageCtx,
    action: String,
    title_key: &'static str,
    name: String,
    number: String,
    national_number: String,
    email: String,
    back: String,
}

/// After a change: back to the page (303), or the page with the refusal at its status.
async fn outcome(
    state: &BtbState,
    page: PageCtx,
    who: &Who,
    number: &EnterpriseNumber,
    result: Result<(), BtbError>,
    anchor: &str,
    field: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/btb/enterprises/{}{anchor}", number.as_str())).into_response()),
        Err(BtbError::Refused(r))
            if r != Refusal::NotManager
                && r != Refusal::NotRegistered
                && r != Refusal::LevelTooLow
                && r != Refusal::UnknownDomain =>
        {
            // A co-head's e-mail is refused at its own field.
            let field =
                if r == Refusal::BadEmail && field == "co-head-number" { "co-head-email" } else { field };
            let error = Some((page.t(r.message_key()).to_string(), field.to_string()));
            render_enterprise(state, page, who, number, r.status(), None, error).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn add_co_head(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    let decision = state.btb.may_manage_heads(&who, &number).await?;
    if form.step != "add" {
        // Show the person's name before confirming.
        let result = state.btb.find_person(&form.national_number).await;
        return match result {
            Ok(person) => render(&AddConfirmPage {
                action: format!("/btb/enterprises/{}/co-heads", number.as_str()),
                title_key: "btb.enterprise.add_co_head",
                name: person.full_name(),
                number: person.number.formatted(),
                national_number: person.number.as_str().to_string(),
                email: form.email,
                back: format!("/btb/enterprises/{}", number.as_str()),
                page,
            }),
            Err(e) => outcome(&state, page, &who, &number, Err(e), "", "co-head-number").await,
        };
    }
    let email = Some(form.email.as_str()).filter(|e| !e.trim().is_empty());
    let result = state.btb.add_co_head(&decision, &form.national_number, email).await.map(|_| ());
    outcome(&state, page, &who, &number, result, "#heads", "co-head-number").await
}

pub(super) async fn remove_co_head(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    let decision = state.btb.may_manage_heads(&who, &number).await?;
    let result = state.btb.remove_co_head(&decision, &form.national_number).await;
    outcome(&state, page, &who, &number, result, "#heads", "").await
}

pub(super) async fn add_access_manager(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    let decision = state.btb.may_manage_domain(&who, &number, &code).await?;
    if form.step != "add" {
        let result = state.btb.find_person(&form.national_number).await;
        return match result {
            Ok(person) => render(&AddConfirmPage {
                action: format!("/btb/enterprises/{}/domains/{code}/access-managers", number.as_str()),
                title_key: "btb.enterprise.add_access_manager",
                name: person.full_name(),
                number: person.number.formatted(),
                national_number: person.number.as_str().to_string(),
                email: String::new(),
                back: format!("/btb/enterprises/{}#domain-{code}", number.as_str()),
                page,
            }),
            Err(e) => outcome(&state, page, &who, &number, Err(e), "", &format!("am-{code}")).await,
        };
    }
    let result = state.btb.add_access_manager(&decision, &form.national_number).await.map(|_| ());
    let field = format!("am-{code}");
    outcome(&state, page, &who, &number, result, &format!("#domain-{code}"), &field).await
}

pub(super) async fn remove_access_manager(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    let decision = state.btb.may_manage_domain(&who, &number, &code).await?;
    let result = state.btb.remove_access_manager(&decision, &form.national_number).await;
    outcome(&state, page, &who, &number, result, &format!("#domain-{code}"), "").await
}

#[derive(Deserialize)]
pub(super) struct EmailForm {
    #[serde(default)]
    email: String,
}

pub(super) async fn set_domain_email(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    let decision = state.btb.may_manage_domain(&who, &number, &code).await?;
    let result = state.btb.set_domain_email(&decision, &form.email).await;
    let field = format!("email-{code}");
    outcome(&state, page, &who, &number, result, &format!("#domain-{code}"), &field).await
}

pub(super) async fn remove_domain_email(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
    Path((raw, code)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmailForm>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/btb/enterprises/{raw}"));
    let number = path_number(&raw)?;
    let decision = state.btb.may_manage_domain(&who, &number, &code).await?;
    let result = state.btb.remove_domain_email(&decision).await;
    outcome(&state, page, &who, &number, result, &format!("#domain-{code}"), "").await
}

#[derive(Template)]
#[template(path = "btb/entities.html")]
struct EntitiesPage {
    page: PageCtx,
    name: String,
    entities: Vec<Entity>,
}

pub(super) async fn entities(
    page: PageCtx,
    State(state): State<BtbState>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, "/my/entities");
    let name = state.btb.person_name(&who.person).await?;
    let entities = state.btb.entities(&who.person, page.lang()).await?;
    render(&EntitiesPage { page, name, entities })
}
