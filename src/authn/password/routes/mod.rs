//! The pages of the username/password login, on the main listener:
//!
//! | route | what |
//! | --- | --- |
//! | `GET /login/password?tx=ID` | username + password form (fields `username`, `password`) |
//! | `POST /login/password` | checks them; on success → the second-factor page |
//! | `GET /login/password/otp?tx=ID[&factor=app\|email\|card]` | choose a factor, enter its code |
//! | `POST /login/password/otp/email` | sends a code by e-mail |
//! | `POST /login/password/otp` | checks the code (field `otp`) → `authn::complete` |
//!
//! Every form carries `csrf` and `tx`; nothing needs JavaScript.

mod factor_step;
mod password_step;

use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::PasswordService;
use super::login::CardChallenge;
use crate::authn::Authn;
use crate::authn::methods::{LoginMethod, MethodEntry};
use crate::authn::transaction::LoginTransaction;
use crate::domain::AuthLevel;
use crate::web::error::WebError;

/// The method's code.
pub const ID: &str = "password";

/// The routes' state: the login layer and the password service. Derefs to [`Authn`].
#[derive(Clone, Debug)]
pub struct PasswordState {
    pub authn: Authn,
    pub password: PasswordService,
}

impl std::ops::Deref for PasswordState {
    type Target = Authn;
    fn deref(&self) -> &Authn {
        &self.authn
    }
}

impl PasswordState {
    pub fn password(&self) -> &PasswordService {
        &self.password
    }
}

/// The login pages.
pub fn router() -> Router<PasswordState> {
    Router::new()
        .route("/login/password", get(password_step::show).post(password_step::submit))
        .route("/login/password/otp", get(factor_step::show).post(factor_step::submit))
        .route("/login/password/otp/email", post(factor_step::send_email))
}

/// The login page entry.
pub struct PasswordMethod;

impl LoginMethod for PasswordMethod {
    fn id(&self) -> &'static str {
        ID
    }

    fn entry(&self, tx: &LoginTransaction) -> Option<MethodEntry> {
        Some(MethodEntry {
            id: ID,
            title_key: "password.method_title",
            text_key: "password.method_text",
            level: AuthLevel::PASSWORD_WITH_APP,
            unavailable_key: None,
            start_url: format!("/login/password?tx={}", tx.id),
        })
    }
}

/// What the method keeps in the transaction between the two steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingLogin {
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
    /// The password step of this transaction, if it happened less than ten minutes ago.
    fn from_tx(tx: &LoginTransaction) -> Result<Option<Self>, crate::authn::AuthnError> {
        Ok(tx
            .method_state::<Self>(ID)?
            .filter(|pending| crate::store::unix_now() - pending.verified_at < SECOND_STEP_SECS))
    }

    /// Stores this step in the transaction.
    async fn save(&self, authn: &Authn, tx_id: &str) -> Result<(), crate::authn::AuthnError> {
        crate::authn::transaction::save_method_state(authn, tx_id, ID, Some(self)).await
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
    state: &Authn,
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
