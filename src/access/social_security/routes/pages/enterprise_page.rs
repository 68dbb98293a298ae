//! The enterprise's page: its activated qualities and the catalogue, and the activation of
//! a quality.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;

use super::{Choice, Fields, applications, number};
use crate::access::social_security::Refusal;
use crate::access::social_security::manage::AdminChoice;
use crate::access::social_security::routes::{SsPages, who};
use crate::access::social_security::settings::QualitySetting;
use crate::web::csrf::CsrfForm;
use crate::web::error::{WebError, render};
use crate::web::page::PageCtx;

struct QualityLine {
    code: String,
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "ss/enterprise.html")]
struct EnterprisePage {
    page: PageCtx,
    number: String,
    formatted: String,
    qualities: Vec<QualityLine>,
    catalogue: Vec<Choice>,
    all_applications: Vec<Choice>,
}

pub(in crate::access::social_security::routes) async fn enterprise(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}"));
    let number = number(&raw)?;
    let lang = page.lang();
    let list = state.ss.visible_qualities(&who, &number).await?;
    let qualities = list
        .iter()
        .map(|q| QualityLine {
            code: q.code.clone(),
            name: state
                .ss
                .settings()
                .quality(&q.code)
                .map(|s| s.names.get(lang).to_string())
                .unwrap_or_else(|| q.names[0].clone()),
            email: q.email.clone(),
        })
        .collect();
    let catalogue = state
        .ss
        .settings()
        .qualities
        .iter()
        .map(|q| Choice { code: q.code.clone(), name: q.names.get(lang).to_string() })
        .collect();
    let all: Vec<String> = state.ss.settings().applications.iter().map(|a| a.code.clone()).collect();
    let all_applications = applications(&state, &all, lang);
    render(&EnterprisePage {
        page,
        number: number.as_str().to_string(),
        formatted: number.formatted(),
        qualities,
        catalogue,
        all_applications,
    })
}

pub(in crate::access::social_security::routes) async fn activate(
    page: PageCtx,
    State(state): State<SsPages>,
    jar: CookieJar,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let who = who_or_login!(state, jar, page, format!("/access/enterprises/{raw}"));
    let number = number(&raw)?;
    let f = Fields(form);
    let setting: QualitySetting = state
        .ss
        .settings()
        .quality(&f.get("quality"))
        .cloned()
        .ok_or(crate::access::social_security::SsError::from(Refusal::UnknownQuality))?;
    let decision = state.ss.may_activate(&who, &number, &setting).await?;
    let admin = f.admin().unwrap_or(AdminChoice::Myself);
    state.ss.activate(&decision, &who, &setting, &f.get("identifier"), &f.get("email"), &admin).await?;
    Ok(Redirect::to(&format!("/access/enterprises/{}/qualities/{}", number.as_str(), setting.code))
        .into_response())
}
