//! The pages of the username/password login, on the main listener:
//!
//! | route | what |
//! | --- | --- |
//! | `GET /login/password?tx=ID` | username + password form (fields `username`, `password`) |
//! | `POST /login/password` | checks them; on success → the second-factor page |
//! | `GET /login/password/otp?tx=ID[&factor=app\|email\|card]` | choose a factor, enter its code |
//! | `POST /login/password/otp/email` | sends a code by e-mail |
//! | `POST /login/password/otp` | checks the code (field `otp`) → `authn::complete` |
//! | `GET /demo/outbox` | demo mode only: the mails Poort sent |
//!
//! Every form carries `csrf` and `tx`; nothing needs JavaScript.

mod factor_step;
mod outbox;
mod password_step;

use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::login::CardChallenge;
use crate::authn::methods::MethodEntry;
use crate::authn::transaction::LoginTransaction;
use crate::domain::AuthLevel;
use crate::startup::AppState;
use crate::web::error::WebError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/password", get(password_step::show).post(password_step::submit))
        .route("/login/password/otp", get(factor_step::show).post(factor_step::submit))
        .route("/login/password/otp/email", post(factor_step::send_email))
        .route("/demo/outbox", get(outbox::show))
}

/// The login page entry, when the method is enabled.
pub fn method_entry(state: &AppState, tx: &LoginTransaction) -> Option<MethodEntry> {
    state.password().is_enabled().then(|| MethodEntry {
        id: "password",
        title_key: "password.method_title",
        text_key: "password.method_text",
        level: AuthLevel::PASSWORD_WITH_APP,
        start_url: format!("/login/password?tx={}", tx.id),
    })
}

/// What the method keeps in the transaction between the two steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingLogin {
    method: String,
    account_id: String,
    username: String,
    verified_at: i64,
    #[serde(default)]
    card: Option<CardChallenge>,
    #[serde(default)]
    is_email_sent: bool,
}

/// The second step must follow the password within this many seconds.
const SECOND_STEP_SECS: i64 = 600;

impl PendingLogin {
    fn from_tx(tx: &LoginTransaction) -> Option<Self> {
        let pending: Self = serde_json::from_value(tx.method_state.clone()?).ok()?;
        (pending.method == "password" && crate::store::unix_now() - pending.verified_at < SECOND_STEP_SECS)
            .then_some(pending)
    }

    fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// A rendered page with a status and optionally Retry-After (429 throttled, 503 busy).
fn page_response(status: StatusCode, html: String, retry_after: Option<i64>) -> Response {
    let mut response = (status, Html(html)).into_response();
    if let Some(secs) = retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

fn render_to_string<T: askama::Template>(t: &T) -> Result<String, WebError> {
    t.render().map_err(|e| WebError::Internal(anyhow::anyhow!("template: {e}")))
}

fn not_enabled() -> WebError {
    WebError::not_found("error.not_found")
}

async fn audit_refusal(
    state: &AppState,
    account: Option<&crate::store::password::PasswordAccount>,
    reason: &str,
) {
    let identity_id =
        match account.and_then(|a| crate::domain::NationalNumber::parse(&a.national_number).ok()) {
            Some(number) => {
                state.store().find_identity_by_national_number(&number).await.ok().flatten().map(|i| i.id)
            }
            None => None,
        };
    let detail = serde_json::json!({ "method": "password", "reason": reason });
    if let Err(e) =
        state.store().create_audit_event("login.refused", identity_id.as_deref(), None, &detail).await
    {
        tracing::warn!(error = %e, "audit event not written");
    }
}
