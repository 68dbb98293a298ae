//! Enterprise look-up: the first step of every BTB procedure ("enter the enterprise
//! number"), public because KBO data is public. Also a small JSON API.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;

use crate::domain::{EnterpriseNumber, EnterpriseNumberError};
use crate::registry::Registry;
use crate::registry::model::{Address, Enterprise, EnterpriseStatus};
use crate::web::csrf::CsrfForm;
use crate::web::error::{ErrorPage, WebError, render};
use crate::web::page::PageCtx;

/// Longest input accepted in the number field (anything longer is not a number).
const MAX_NUMBER_INPUT: usize = 32;

/// The registry the look-up reads.
pub type RegistryState = std::sync::Arc<dyn Registry>;

pub fn router() -> Router<RegistryState> {
    Router::new()
        .route("/enterprises/lookup", post(lookup))
        .route("/enterprises/{number}", get(show))
        .route("/api/v1/enterprises/{number}", get(api_show))
}

#[derive(Deserialize)]
struct LookupForm {
    number: String,
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct EnterprisePage {
    page: PageCtx,
    name: String,
    number: String,
    legal_form: String,
    status: String,
    address: String,
}

/// Parses user input into an enterprise number, or a 400 page naming the rule.
fn parse_number(input: &str) -> Result<EnterpriseNumber, ErrorPage> {
    if input.len() > MAX_NUMBER_INPUT {
        return Err(invalid_number_page(None));
    }
    EnterpriseNumber::parse(input).map_err(|e| invalid_number_page(Some(e)))
}

fn invalid_number_page(e: Option<EnterpriseNumberError>) -> ErrorPage {
    let rule = match e {
        Some(EnterpriseNumberError::Character { .. }) => "rule.enterprise_number.character",
        Some(EnterpriseNumberError::Length { .. }) | None => "rule.enterprise_number.length",
        Some(EnterpriseNumberError::FirstDigit { .. }) => "rule.enterprise_number.first_digit",
        Some(EnterpriseNumberError::CheckDigits) => "rule.enterprise_number.check_digits",
    };
    let code = e.as_ref().map(|e| e.code()).unwrap_or("enterprise_number.length");
    ErrorPage::new(StatusCode::BAD_REQUEST, code, "error.bad_request_title", rule)
}

fn unknown_enterprise_page(number: &EnterpriseNumber) -> ErrorPage {
    ErrorPage::new(
        StatusCode::NOT_FOUND,
        "unknown_enterprise",
        "error.not_found_title",
        "error.unknown_enterprise",
    )
    .arg("number", number.formatted())
}

async fn lookup(CsrfForm(form): CsrfForm<LookupForm>) -> Result<Redirect, WebError> {
    let number = parse_number(&form.number).map_err(WebError::Page)?;
    Ok(Redirect::to(&format!("/enterprises/{}", number.as_str())))
}

async fn find(registry: &dyn Registry, input: &str) -> Result<Enterprise, WebError> {
    let number = parse_number(input).map_err(WebError::Page)?;
    registry
        .find_enterprise(&number)
        .await
        .map_err(WebError::internal)?
        .ok_or_else(|| WebError::Page(unknown_enterprise_page(&number)))
}

async fn show(
    page: PageCtx,
    State(registry): State<RegistryState>,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let enterprise = find(registry.as_ref(), &number).await?;
    let lang = page.lang();
    let status_key = if enterprise.status == EnterpriseStatus::Active {
        "enterprise.active"
    } else {
        "enterprise.stopped"
    };
    render(&EnterprisePage {
        name: enterprise.names.display(lang).to_string(),
        number: enterprise.number.formatted(),
        legal_form: enterprise.legal_form.clone(),
        status: page.t(status_key).to_string(),
        address: enterprise.address.as_ref().map(one_line).unwrap_or_else(|| "—".into()),
        page,
    })
}

/// `GET /api/v1/enterprises/{number}`: the public KBO facts as JSON.
async fn api_show(
    State(registry): State<RegistryState>,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let enterprise = find(registry.as_ref(), &number).await?;
    Ok(Json(serde_json::json!({
        "number": enterprise.number.as_str(),
        "formatted": enterprise.number.formatted(),
        "names": enterprise.names,
        "legal_form": enterprise.legal_form,
        "is_active": (enterprise.status == EnterpriseStatus::Active),
        "address": enterprise.address,
    }))
    .into_response())
}

/// `Street 12 box 3, 8820 Torhout` (country only when not Belgian).
fn one_line(a: &Address) -> String {
    let mut line = format!("{} {}", a.street, a.house_number);
    if let Some(b) = a.box_number.as_deref().filter(|b| !b.is_empty()) {
        line.push_str(&format!(" / {b}"));
    }
    line.push_str(&format!(", {} {}", a.postal_code, a.municipality));
    if !a.country.is_empty() && a.country != "BE" {
        line.push_str(&format!(", {}", a.country));
    }
    line
}
