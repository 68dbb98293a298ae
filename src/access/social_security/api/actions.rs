//! The actions as JSON calls.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

use super::{SsApiState, api_error, who_and_enterprise};
use crate::access::btb::api::{ApiError, ApiJson, Caller};
use crate::access::social_security::Refusal;
use crate::access::social_security::manage::{AccountForm, AdminChoice, PersonForm, PlaceForm};
use crate::access::social_security::rules::Action;
use crate::store::access_grants::GrantRole;

/// A person to appoint, with an optional new username and password.
#[derive(Debug, Deserialize)]
pub(super) struct PersonBody {
    #[serde(flatten)]
    person: PersonForm,
    #[serde(default)]
    username: String,
    #[serde(default)]
    username_confirm: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

impl PersonBody {
    fn account(&self) -> Option<AccountForm> {
        (!self.username.is_empty()).then(|| AccountForm {
            username: self.username.clone(),
            username_confirm: self.username_confirm.clone(),
            password: self.password.clone(),
            password_confirm: self.password_confirm.clone(),
        })
    }
}

/// `"myself"` or a person.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum AdminBody {
    Keyword(String),
    Person(Box<PersonBody>),
}

impl AdminBody {
    fn choice(self, lang: crate::domain::Language) -> Result<AdminChoice, ApiError> {
        match self {
            AdminBody::Keyword(k) if k == "myself" => Ok(AdminChoice::Myself),
            AdminBody::Keyword(_) => {
                Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "btb.api.bad_body", lang))
            }
            AdminBody::Person(p) => {
                let account = p.account().map(Box::new);
                Ok(AdminChoice::Person { person: Box::new(p.person), account })
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ActivationBody {
    quality: String,
    #[serde(default)]
    identifier: String,
    email: String,
    admin: AdminBody,
}

fn created(id: &str) -> Response {
    (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response()
}

/// `POST …/qualities`: activate a quality.
pub(super) async fn activate(
    State(state): State<SsApiState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ActivationBody>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let (who, number) = who_and_enterprise(&caller, &raw)?;
    let fail = |e| api_error(e, lang);
    let setting =
        state.ss.settings().quality(&body.quality).cloned().ok_or(fail(Refusal::UnknownQuality.into()))?;
    let decision = state.ss.may_activate(&who, &number, &setting).await.map_err(fail)?;
    let admin = body.admin.choice(lang)?;
    let id = state
        .ss
        .activate(&decision, &who, &setting, &body.identifier, &body.email, &admin)
        .await
        .map_err(fail)?;
    Ok(created(&id))
}

/// Appoints `role` at the place of the path (quality, subdivision or site).
async fn appoint(
    state: &SsApiState,
    caller: &Caller,
    raw: &str,
    code: &str,
    places: (Option<&str>, Option<&str>),
    (role, action): (GrantRole, Action),
    body: &PersonBody,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let (who, number) = who_and_enterprise(caller, raw)?;
    let fail = |e| api_error(e, lang);
    let quality = state.ss.quality(&number, code).await.map_err(fail)?;
    let (sub, site) = match places.0 {
        None => (None, None),
        Some(s) => {
            let (sub, site) = state.ss.places(&quality, s, places.1).await.map_err(fail)?;
            (Some(sub), site)
        }
    };
    let decision =
        state.ss.may_manage(&who, &quality, sub.as_ref(), site.as_ref(), action).await.map_err(fail)?;
    let account = body.account();
    let id = state
        .ss
        .appoint(&decision, &quality, (sub.as_ref(), site.as_ref()), role, &body.person, account.as_ref())
        .await
        .map_err(fail)?;
    if role == GrantRole::LocalAdmin {
        // The previous local admin is replaced (a co-local admin stays).
        for g in state.ss.store().find_ss_grants_of_quality(&quality.id).await.map_err(|e| fail(e.into()))? {
            if g.role == GrantRole::LocalAdmin && g.grant_id != id {
                state.ss.remove(&decision, &g).await.map_err(fail)?;
            }
        }
    }
    Ok(created(&id))
}

pub(super) async fn change_local_admin(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    appoint(
        &state,
        &caller,
        &raw,
        &code,
        (None, None),
        (GrantRole::LocalAdmin, Action::AppointLocalAdmin),
        &body,
    )
    .await
}

pub(super) async fn add_co_local_admin(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    appoint(
        &state,
        &caller,
        &raw,
        &code,
        (None, None),
        (GrantRole::CoLocalAdmin, Action::ManageQuality),
        &body,
    )
    .await
}

pub(super) async fn add_subdivision_admin(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code, sub)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    let places = (Some(sub.as_str()), None);
    appoint(
        &state,
        &caller,
        &raw,
        &code,
        places,
        (GrantRole::SubdivisionAdmin, Action::ManageSubdivision),
        &body,
    )
    .await
}

pub(super) async fn add_site_admin(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code, sub, site)): Path<(String, String, String, String)>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    let places = (Some(sub.as_str()), Some(site.as_str()));
    appoint(&state, &caller, &raw, &code, places, (GrantRole::SubdivisionAdmin, Action::ManageSite), &body)
        .await
}

pub(super) async fn add_site_user(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code, sub, site)): Path<(String, String, String, String)>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Response, ApiError> {
    let places = (Some(sub.as_str()), Some(site.as_str()));
    appoint(&state, &caller, &raw, &code, places, (GrantRole::SiteUser, Action::ManageSite), &body).await
}

#[derive(Debug, Deserialize)]
pub(super) struct PlaceBody {
    #[serde(rename = "type")]
    type_code: String,
    #[serde(default)]
    identifier: String,
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    applications: Vec<String>,
    admin: Option<AdminBody>,
}

async fn add_place(
    state: &SsApiState,
    caller: &Caller,
    raw: &str,
    code: &str,
    subdivision: Option<&str>,
    body: PlaceBody,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let (who, number) = who_and_enterprise(caller, raw)?;
    let fail = |e| api_error(e, lang);
    let quality = state.ss.quality(&number, code).await.map_err(fail)?;
    let sub = match subdivision {
        None => None,
        Some(s) => Some(state.ss.places(&quality, s, None).await.map_err(fail)?.0),
    };
    let action = if sub.is_some() { Action::ManageSubdivision } else { Action::ManageQuality };
    let decision = state.ss.may_manage(&who, &quality, sub.as_ref(), None, action).await.map_err(fail)?;
    let admin = body.admin.map(|a| a.choice(lang)).transpose()?;
    let form = PlaceForm {
        type_code: body.type_code,
        identifier: body.identifier,
        name: body.name,
        email: body.email,
        applications: body.applications,
        admin,
    };
    let id = state.ss.add_place(&decision, &who, &quality, sub.as_ref(), &form).await.map_err(fail)?;
    Ok(created(&id))
}

pub(super) async fn add_subdivision(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<PlaceBody>,
) -> Result<Response, ApiError> {
    add_place(&state, &caller, &raw, &code, None, body).await
}

pub(super) async fn add_site(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code, sub)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<PlaceBody>,
) -> Result<Response, ApiError> {
    add_place(&state, &caller, &raw, &code, Some(&sub), body).await
}

/// `DELETE …/users/{grant}`: end a role, decided at the role's own place.
pub(super) async fn remove(
    State(state): State<SsApiState>,
    caller: Caller,
    Path((raw, code, grant)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let lang = caller.lang;
    let (who, number) = who_and_enterprise(&caller, &raw)?;
    let fail = |e| api_error(e, lang);
    let quality = state.ss.quality(&number, &code).await.map_err(fail)?;
    let g = state.ss.grant(&quality, &grant).await.map_err(fail)?;
    let (sub, site) = state.ss.places_of(&quality, &g).await.map_err(fail)?;
    let action = match (&sub, &site, g.role) {
        (_, Some(_), _) => Action::ManageSite,
        (Some(_), None, _) => Action::ManageSubdivision,
        (None, None, GrantRole::LocalAdmin) => Action::AppointLocalAdmin,
        (None, None, _) => Action::ManageQuality,
    };
    let decision =
        state.ss.may_manage(&who, &quality, sub.as_ref(), site.as_ref(), action).await.map_err(fail)?;
    state.ss.remove(&decision, &g).await.map_err(fail)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
