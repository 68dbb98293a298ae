//! A login shortcut for automated tests: pick a person from the demo register and a level.
//! It exists only when demo mode is on AND `demo.is_test_login_enabled` is set (never in
//! the shipped demo configuration), and every page says so.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::methods::{Installed, LoginMethod, MethodEntry};
use super::transaction::LoginTransaction;
use super::{Authenticated, Authn, IdentityClaim, complete};
use crate::domain::{AuthLevel, NationalNumber};
use crate::web::csrf::CsrfForm;
use crate::web::error::WebError;

/// The method's code; its logins carry amr `["test"]`.
pub const ID: &str = "test";

struct TestLogin;

impl LoginMethod for TestLogin {
    fn id(&self) -> &'static str {
        ID
    }

    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry> {
        Some(MethodEntry {
            id: ID,
            title_key: "authn.test_login_title",
            text_key: "authn.test_login_text",
            level: AuthLevel::LOW,
            unavailable_key: None,
            start_url: format!("/login?tx={}#test-login", tx.id),
        })
    }
}

/// The method when demo mode and the test login are both on (settings validation refuses
/// the test login outside demo mode).
pub fn install(authn: &Authn, is_enabled: bool) -> Option<Installed> {
    (is_enabled && authn.is_demo()).then(|| Installed {
        method: Arc::new(TestLogin),
        router: Router::new().route("/demo/test-login", post(test_login)).with_state(authn.clone()),
        side: Vec::new(),
    })
}

#[derive(Deserialize)]
struct TestLoginForm {
    tx: String,
    national_number: String,
    level: u16,
}

async fn test_login(
    State(authn): State<Authn>,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<TestLoginForm>,
) -> Result<Response, WebError> {
    let number =
        NationalNumber::parse(&form.national_number).map_err(|_| WebError::bad_request("error.bad_form"))?;
    let level = AuthLevel::new(form.level).map_err(|_| WebError::bad_request("error.bad_form"))?;
    let auth = Authenticated {
        identity: IdentityClaim::National { number, given_names: String::new(), surname: String::new() },
        level,
        amr: vec!["test".into()],
        method: ID,
        certificate: None,
    };
    match complete(&authn, jar, &form.tx, auth).await {
        Ok((jar, redirect)) => Ok((jar, redirect).into_response()),
        Err(e) => Ok(e.into_response()),
    }
}
