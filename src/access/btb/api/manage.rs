//! The pages' actions as JSON calls for a person's `btb:manage` token.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

use super::{ApiError, ApiJson, ApiState, Caller};
use crate::access::btb::procedure::{DesignationForm, HeadChoice};
use crate::access::btb::{BtbError, Refusal};
use crate::domain::EnterpriseNumber;

fn enterprise(raw: &str, caller: &Caller) -> Result<EnterpriseNumber, ApiError> {
    EnterpriseNumber::parse(raw).map_err(|_| ApiError::refused(Refusal::BadEnterpriseNumber, caller.lang))
}

/// `"head": "self"` or `"head": {"national_number", "email", "phone"}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum HeadBody {
    Keyword(String),
    Person { national_number: String, email: String, phone: String },
}

#[derive(Debug, Deserialize)]
pub(super) struct Contact {
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) phone: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct DesignationBody {
    head: HeadBody,
    enterprise_email: String,
    #[serde(default)]
    terms_accepted: bool,
    /// The requester's contact (required when the head is another person; for `"self"`
    /// it is the head's contact, else the enterprise e-mail is used).
    requester: Option<Contact>,
}

/// `POST /api/btb/v1/enterprises/{number}/designation` (the standard procedure).
pub(super) async fn designation(
    State(state): State<ApiState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<DesignationBody>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let (decision, about) = state.btb.may_designate(&who, &number).await.map_err(fail)?;
    let requester = body.requester.unwrap_or(Contact { email: String::new(), phone: String::new() });
    let form = match body.head {
        HeadBody::Keyword(k) if k == "self" => DesignationForm {
            enterprise_email: body.enterprise_email.clone(),
            head: HeadChoice::Myself,
            head_email: if requester.email.is_empty() {
                body.enterprise_email.clone()
            } else {
                requester.email.clone()
            },
            head_phone: requester.phone.clone(),
            requester_email: String::new(),
            requester_phone: String::new(),
            is_phone_optional: true,
        },
        HeadBody::Keyword(_) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "btb.api.bad_body", lang));
        }
        HeadBody::Person { national_number, email, phone } => DesignationForm {
            enterprise_email: body.enterprise_email.clone(),
            head: HeadChoice::Other { national_number },
            head_email: email,
            head_phone: phone,
            requester_email: requester.email.clone(),
            requester_phone: requester.phone.clone(),
            is_phone_optional: false,
        },
    };
    let mut plan = state.btb.check_designation(&who, &number, &about, &form).await.map_err(fail)?;
    if plan.is_self && plan.head_phone.is_empty() {
        plan.head_phone = requester.phone;
    }
    let done =
        state.btb.designate(&decision, &plan, body.terms_accepted, "standard", lang).await.map_err(fail)?;
    let body = serde_json::json!({
        "enterprise": number.as_str(),
        "registered": true,
        "head": { "national_number": plan.head.number.as_str(), "name": done.head_name, "email": done.head_email },
        "replaced": done.replaced.map(|r| r.as_str().to_string()),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct PersonBody {
    national_number: String,
    #[serde(default)]
    email: Option<String>,
}

pub(super) async fn add_co_head(
    State(state): State<ApiState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let decision = state.btb.may_manage_heads(&who, &number).await.map_err(fail)?;
    let name =
        state.btb.add_co_head(&decision, &body.national_number, body.email.as_deref()).await.map_err(fail)?;
    let person = state.btb.find_person(&body.national_number).await.map_err(fail)?;
    let body = serde_json::json!({ "national_number": person.number.as_str(), "name": name, "role": "co_head_access_manager" });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub(super) async fn remove_co_head(
    State(state): State<ApiState>,
    caller: Caller,
    Path((raw, person)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let decision = state.btb.may_manage_heads(&who, &number).await.map_err(fail)?;
    state.btb.remove_co_head(&decision, &person).await.map_err(fail)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) async fn add_access_manager(
    State(state): State<ApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let decision = state.btb.may_manage_domain(&who, &number, &code).await.map_err(fail)?;
    let name = state.btb.add_access_manager(&decision, &body.national_number).await.map_err(fail)?;
    let person = state.btb.find_person(&body.national_number).await.map_err(fail)?;
    let body = serde_json::json!({ "national_number": person.number.as_str(), "name": name, "domain": code });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub(super) async fn remove_access_manager(
    State(state): State<ApiState>,
    caller: Caller,
    Path((raw, code, person)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let decision = state.btb.may_manage_domain(&who, &number, &code).await.map_err(fail)?;
    state.btb.remove_access_manager(&decision, &person).await.map_err(fail)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct EmailBody {
    email: String,
}

pub(super) async fn set_domain_email(
    State(state): State<ApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<EmailBody>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let decision = state.btb.may_manage_domain(&who, &number, &code).await.map_err(fail)?;
    state.btb.set_domain_email(&decision, &body.email).await.map_err(fail)?;
    Ok(Json(serde_json::json!({ "domain": code, "email": body.email.trim() })).into_response())
}

pub(super) async fn remove_domain_email(
    State(state): State<ApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let who = caller.manager()?;
    let number = enterprise(&raw, &caller)?;
    let fail = |e: BtbError| ApiError::from_btb(e, lang);
    let decision = state.btb.may_manage_domain(&who, &number, &code).await.map_err(fail)?;
    state.btb.remove_domain_email(&decision).await.map_err(fail)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
