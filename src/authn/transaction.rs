//! The login transaction: one per authorization request (OIDC, SAML) or portal login,
//! stored in the database and bound to the browser by a cookie, so any node can serve
//! any step and the eID listener or an upstream callback can hand results back to it.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::{Deserialize, Serialize};

use super::{AuthnError, hash_token, random_token};
use crate::domain::AuthLevel;
use crate::startup::AppState;
use crate::store::unix_now;

/// The cookie binding login transactions to the browser that opened them.
pub const BINDING_COOKIE: &str = "poort_browser";

/// Which protocol opened the transaction (and so where the login resumes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Oidc,
    Saml,
    /// A login on Poort's own pages (My digital keys, session management).
    Portal,
}

impl Protocol {
    pub fn code(self) -> &'static str {
        match self {
            Protocol::Oidc => "oidc",
            Protocol::Saml => "saml",
            Protocol::Portal => "portal",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "oidc" => Some(Protocol::Oidc),
            "saml" => Some(Protocol::Saml),
            "portal" => Some(Protocol::Portal),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    Pending,
    Authenticated,
    Completed,
    Failed,
}

impl TxStatus {
    pub fn code(self) -> &'static str {
        match self {
            TxStatus::Pending => "pending",
            TxStatus::Authenticated => "authenticated",
            TxStatus::Completed => "completed",
            TxStatus::Failed => "failed",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(TxStatus::Pending),
            "authenticated" => Some(TxStatus::Authenticated),
            "completed" => Some(TxStatus::Completed),
            "failed" => Some(TxStatus::Failed),
            _ => None,
        }
    }
}

/// The result of the authentication step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxAuthentication {
    pub identity_id: String,
    pub session_sid: String,
    pub level: AuthLevel,
    pub amr: Vec<String>,
    pub method: String,
    pub auth_time: i64,
}

/// What a protocol asks for when it opens a transaction.
#[derive(Debug, Clone)]
pub struct NewTransaction {
    pub protocol: Protocol,
    pub client_id: Option<String>,
    /// The validated protocol request (for a portal login: `{"return_to": "/my/keys"}`).
    pub request: serde_json::Value,
    pub required_level: AuthLevel,
    /// `prompt=login` or `max_age` exceeded: an existing session does not count.
    pub is_forced_login: bool,
    pub login_hint: Option<String>,
    pub ui_locale: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LoginTransaction {
    pub id: String,
    pub protocol: Protocol,
    pub client_id: Option<String>,
    pub request: serde_json::Value,
    pub required_level: AuthLevel,
    pub is_forced_login: bool,
    pub login_hint: Option<String>,
    pub ui_locale: Option<String>,
    pub status: TxStatus,
    pub authentication: Option<TxAuthentication>,
    pub profile: Option<serde_json::Value>,
    pub method_state: Option<serde_json::Value>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// The login page of a transaction.
pub fn login_url(tx_id: &str) -> String {
    format!("/login?tx={tx_id}")
}

impl LoginTransaction {
    pub fn login_url(&self) -> String {
        login_url(&self.id)
    }

    /// Where the browser goes once the person is authenticated.
    pub fn resume_url(&self) -> String {
        match self.protocol {
            Protocol::Oidc => format!("/authorize/resume?tx={}", self.id),
            Protocol::Saml => format!("/saml/resume?tx={}", self.id),
            Protocol::Portal => self
                .request
                .get("return_to")
                .and_then(|v| v.as_str())
                .filter(|p| crate::web::pages::assets::is_local_path(p))
                .unwrap_or("/my/session")
                .to_string(),
        }
    }
}

/// The browser binding of this request, creating the cookie when it is missing.
pub fn ensure_binding(state: &AppState, jar: CookieJar) -> (CookieJar, String) {
    if let Some(value) = jar.get(BINDING_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() >= 32) {
        return (jar, value);
    }
    let value = random_token(32);
    let cookie = Cookie::build((BINDING_COOKIE, value.clone()))
        .path("/")
        .http_only(true)
        .secure(state.is_cookie_secure())
        .same_site(SameSite::Lax)
        .build();
    (jar.add(cookie), value)
}

/// Opens a transaction bound to this browser.
pub async fn begin(
    state: &AppState,
    jar: CookieJar,
    new: NewTransaction,
) -> Result<(CookieJar, LoginTransaction), AuthnError> {
    let (jar, binding) = ensure_binding(state, jar);
    let now = unix_now();
    let tx = LoginTransaction {
        id: random_token(24),
        protocol: new.protocol,
        client_id: new.client_id,
        request: new.request,
        required_level: new.required_level,
        is_forced_login: new.is_forced_login,
        login_hint: new.login_hint.map(|h| h.chars().take(256).collect()),
        ui_locale: new.ui_locale.map(|h| h.chars().take(64).collect()),
        status: TxStatus::Pending,
        authentication: None,
        profile: None,
        method_state: None,
        created_at: now,
        expires_at: now + state.settings().session.login_timeout_secs,
    };
    state.store().create_login_transaction(&tx, &hash_token(&binding)).await?;
    tracing::info!(tx.protocol = tx.protocol.code(), client.id = tx.client_id.as_deref().unwrap_or("-"), tx.required_level = %tx.required_level, "login transaction opened");
    Ok((jar, tx))
}

/// Loads a transaction for the browser that opened it; expired or foreign ones are refused.
pub async fn load(state: &AppState, jar: &CookieJar, id: &str) -> Result<LoginTransaction, AuthnError> {
    if id.is_empty() || id.len() > 64 {
        return Err(AuthnError::TransactionNotFound);
    }
    let (tx, binding_hash) =
        state.store().find_login_transaction(id).await?.ok_or(AuthnError::TransactionNotFound)?;
    let binding = jar.get(BINDING_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if !super::constant_time_eq(&hash_token(&binding), &binding_hash) {
        return Err(AuthnError::WrongBrowser);
    }
    if tx.expires_at <= unix_now() {
        return Err(AuthnError::TransactionExpired);
    }
    Ok(tx)
}

/// Loads a transaction without the browser binding, for a step that cannot carry the
/// cookie (a cross-site POST). The caller must have verified a secret bound to the
/// transaction (e.g. a RelayState or a one-time ticket) first.
pub async fn load_unbound(state: &AppState, id: &str) -> Result<LoginTransaction, AuthnError> {
    let (tx, _) = state.store().find_login_transaction(id).await?.ok_or(AuthnError::TransactionNotFound)?;
    if tx.expires_at <= unix_now() {
        return Err(AuthnError::TransactionExpired);
    }
    Ok(tx)
}

/// Stores a method's pending state (itsme state/nonce/PKCE verifier, eIDAS request id…).
pub async fn save_method_state(
    state: &AppState,
    tx_id: &str,
    value: &serde_json::Value,
) -> Result<(), AuthnError> {
    updated(state.store().update_login_transaction_method_state(tx_id, value).await?)
}

/// Single sign-on: an existing session authenticates the transaction.
pub async fn authenticate_with_session(
    state: &AppState,
    tx: &LoginTransaction,
    session: &super::session::BrowserSession,
) -> Result<LoginTransaction, AuthnError> {
    if !session.level.satisfies(tx.required_level) {
        return Err(AuthnError::InsufficientLevel {
            tx_id: tx.id.clone(),
            required: tx.required_level,
            reached: session.level,
        });
    }
    let auth = TxAuthentication {
        identity_id: session.identity_id.clone(),
        session_sid: session.sid.clone(),
        level: session.level,
        amr: session.amr.clone(),
        method: session.method.clone(),
        auth_time: session.auth_time,
    };
    updated(state.store().update_login_transaction_authenticated(&tx.id, &auth).await?)?;
    let mut tx = tx.clone();
    tx.status = TxStatus::Authenticated;
    tx.authentication = Some(auth);
    Ok(tx)
}

pub async fn set_profile(
    state: &AppState,
    tx_id: &str,
    profile: &serde_json::Value,
) -> Result<(), AuthnError> {
    updated(state.store().update_login_transaction_profile(tx_id, profile).await?)
}

/// Authenticated → completed, exactly once. `false` when it was already completed.
pub async fn finish(state: &AppState, tx_id: &str) -> Result<bool, AuthnError> {
    Ok(state.store().update_login_transaction_completed(tx_id).await?)
}

/// A guarded update changed its row, or the transaction had moved on (already used).
fn updated(is_changed: bool) -> Result<(), AuthnError> {
    if is_changed { Ok(()) } else { Err(AuthnError::AlreadyUsed) }
}
