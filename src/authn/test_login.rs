//! A login shortcut for automated tests: pick a person from the demo register and a level.
//! It exists only when demo mode is on AND `demo.is_test_login_enabled` is set (never in
//! the shipped demo configuration), and every page says so.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::methods::MethodEntry;
use super::transaction::LoginTransaction;
use super::{Authenticated, IdentityClaim, Method, complete};
use crate::domain::{AuthLevel, NationalNumber};
use crate::startup::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::WebError;

pub fn is_enabled(state: &AppState) -> bool {
    state.settings().demo.is_enabled && state.settings().demo.is_test_login_enabled
}

pub fn router() -> Router<AppState> {
    Router::new().route("/demo/test-login", post(test_login))
}

pub fn method_entry(state: &AppState, tx: &LoginTransaction) -> Option<MethodEntry> {
    is_enabled(state).then(|| MethodEntry {
        id: "test",
        title_key: "authn.test_login_title",
        text_key: "authn.test_login_text",
        level: AuthLevel::LOW,
        start_url: format!("/login?tx={}#test-login", tx.id),
    })
}

#[derive(Deserialize)]
struct TestLoginForm {
    tx: String,
    national_number: String,
    level: u16,
}

async fn test_login(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<TestLoginForm>,
) -> Result<Response, WebError> {
    if !is_enabled(&state) {
        return Err(WebError::not_found("error.not_found"));
    }
    let number =
        NationalNumber::parse(&form.national_number).map_err(|_| WebError::bad_request("error.bad_form"))?;
    let level = AuthLevel::new(form.level).map_err(|_| WebError::bad_request("error.bad_form"))?;
    let auth = Authenticated {
        identity: IdentityClaim::National { number, given_names: String::new(), surname: String::new() },
        level,
        amr: vec!["test".into()],
        method: Method::Password,
    };
    match complete(&state, jar, &form.tx, auth).await {
        Ok((jar, redirect)) => Ok((jar, redirect).into_response()),
        Err(e) => Ok(e.into_response()),
    }
}
