//! Authentication: the login transaction, browser sessions, and one folder per
//! login method. A method proves who someone is and hands an [`Authenticated`] to
//! [`complete`], which links the identity, opens or upgrades the session and records
//! the result in the transaction — in one database transaction.
//!
//! The shared pieces sit at this level ([`context::Authn`], [`transaction`],
//! [`session`], [`identity`], [`events`], [`methods`], the login page in [`routes`]); each
//! method folder uses them and never another method (except `my_keys`, the page that
//! manages the password and passkey keys).

pub mod context;
pub mod eid;
pub mod eidas;
pub mod events;
pub mod identity;
pub mod itsme;
pub mod jobs;
pub mod methods;
pub mod my_keys;
pub mod passkey;
pub mod password;
pub mod routes;
pub mod session;
pub mod settings;
pub mod test_login;
pub mod transaction;

use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;

pub use context::Authn;

use crate::domain::{AuthContext, AuthLevel, CertificateFacts, NationalNumber};
use crate::kernel::token::{hash_token, random_token};
use crate::registry::RegistryError;
use crate::store::sessions::{BrowserSession, LoginCompletion, SessionChange};
use crate::store::{StoreError, unix_now};
use crate::web::error::{ErrorPage, WebError};
use transaction::{TxAuthentication, TxStatus};

/// The level a session needs to change a person's digital keys (eID or itsme): a password
/// cannot be used to change itself, as in CSAM.
pub const CHANGE_LEVEL: AuthLevel = AuthLevel::ITSME;

/// Who a method says logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityClaim {
    /// A person with a Belgian national register or BIS number.
    National { number: NationalNumber, given_names: String, surname: String },
    /// A foreign eIDAS identity (PersonIdentifier `XX/BE/…`).
    Foreign { eidas_identifier: String, given_names: String, surname: String, birth_date: Option<time::Date> },
}

/// A finished authentication, as a method hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    pub identity: IdentityClaim,
    pub level: AuthLevel,
    pub amr: Vec<String>,
    /// The method's code ([`methods::LoginMethod::id`]).
    pub method: &'static str,
    /// The eID card's authentication certificate (card logins only).
    pub certificate: Option<CertificateFacts>,
}

/// Why a login step cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum AuthnError {
    #[error("login transaction not found")]
    TransactionNotFound,
    #[error("login transaction expired")]
    TransactionExpired,
    #[error("login transaction belongs to another browser")]
    WrongBrowser,
    #[error("login transaction already used")]
    AlreadyUsed,
    #[error("level {reached} does not meet the required {required}")]
    InsufficientLevel { tx_id: String, required: AuthLevel, reached: AuthLevel },
    #[error("the person is not known to the register")]
    UnknownPerson,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("a session listener failed: {0:#}")]
    Listener(anyhow::Error),
}

impl AuthnError {
    /// The translated page for this error.
    pub fn page(&self) -> Option<ErrorPage> {
        let page = |status, code, msg| Some(ErrorPage::new(status, code, "authn.error_title", msg));
        match self {
            AuthnError::TransactionNotFound | AuthnError::TransactionExpired | AuthnError::WrongBrowser => {
                page(StatusCode::BAD_REQUEST, "login_expired", "authn.tx_expired")
            }
            AuthnError::AlreadyUsed => page(StatusCode::CONFLICT, "login_used", "authn.tx_used"),
            AuthnError::UnknownPerson => {
                page(StatusCode::FORBIDDEN, "unknown_person", "authn.unknown_person")
            }
            AuthnError::InsufficientLevel { .. }
            | AuthnError::Store(_)
            | AuthnError::Registry(_)
            | AuthnError::Listener(_) => None,
        }
    }
}

impl IntoResponse for AuthnError {
    fn into_response(self) -> Response {
        if let AuthnError::InsufficientLevel { tx_id, .. } = &self {
            // Step-up: back to the login page, which offers the stronger keys.
            return Redirect::to(&format!("{}&stepup=1", transaction::login_url(tx_id))).into_response();
        }
        match self.page() {
            Some(page) => page.into_response(),
            None => WebError::internal(self).into_response(),
        }
    }
}

impl From<AuthnError> for WebError {
    fn from(e: AuthnError) -> Self {
        match e.page() {
            Some(page) => WebError::Page(page),
            None => WebError::internal(e),
        }
    }
}

/// Hands a finished authentication to the login transaction `tx_id` of this browser and
/// says where the browser goes next. The session, the transaction and the audit event are
/// written in one database transaction, so a transaction that moved on meanwhile (a second
/// tab, a replayed callback) leaves no session behind.
pub async fn complete(
    authn: &Authn,
    jar: CookieJar,
    tx_id: &str,
    auth: Authenticated,
) -> Result<(CookieJar, Redirect), AuthnError> {
    let tx = transaction::load(authn, &jar, tx_id).await?;
    if !matches!(tx.status, TxStatus::Pending | TxStatus::Authenticated) {
        return Err(AuthnError::AlreadyUsed);
    }
    let identity = identity::resolve(authn, &auth.identity).await.inspect_err(|e| {
        if matches!(e, AuthnError::UnknownPerson) {
            tracing::warn!(login.method = auth.method, "login refused: person unknown to the register");
        }
    })?;
    if !auth.level.satisfies(tx.required_level) {
        tracing::info!(login.method = auth.method, login.level = %auth.level, tx.required_level = %tx.required_level, "step-up needed");
        return Err(AuthnError::InsufficientLevel {
            tx_id: tx.id.clone(),
            required: tx.required_level,
            reached: auth.level,
        });
    }
    let now = unix_now();
    let context = AuthContext {
        auth_time: now,
        level: auth.level,
        amr: auth.amr.clone(),
        method: auth.method.into(),
        certificate: auth.certificate.clone(),
    };
    let current = session::current(authn, &jar).await?;
    let detail = serde_json::json!({ "method": auth.method, "level": auth.level.number(), "amr": auth.amr });
    let (jar, sid, replaced, is_done) = match current {
        // Step-up or re-authentication keeps the session and its sid, with a new cookie value.
        Some(s) if s.identity_id == identity.id => {
            let value = random_token(32);
            let result =
                TxAuthentication { identity_id: identity.id.clone(), session_sid: s.sid.clone(), context };
            let change = LoginCompletion {
                tx_id: &tx.id,
                client_id: tx.client_id.as_deref(),
                auth: &result,
                session: SessionChange::Raise { new_id_hash: &hash_token(&value) },
                audit_detail: &detail,
            };
            let is_done = authn.store().complete_login(&change).await?;
            let jar =
                if is_done { jar.add(authn.cookies().cookie(session::SESSION_COOKIE, value)) } else { jar };
            (jar, s.sid, None, is_done)
        }
        other => {
            let value = random_token(32);
            let session = session::new_session(authn, &identity.id, &context);
            let result = TxAuthentication {
                identity_id: identity.id.clone(),
                session_sid: session.sid.clone(),
                context,
            };
            let replaced: Option<BrowserSession> = other;
            let change = LoginCompletion {
                tx_id: &tx.id,
                client_id: tx.client_id.as_deref(),
                auth: &result,
                session: SessionChange::Open {
                    id_hash: &hash_token(&value),
                    session: &session,
                    user_agent: None,
                    replaces: replaced.as_ref().map(|s| s.sid.as_str()),
                },
                audit_detail: &detail,
            };
            let is_done = authn.store().complete_login(&change).await?;
            let jar =
                if is_done { jar.add(authn.cookies().cookie(session::SESSION_COOKIE, value)) } else { jar };
            (jar, session.sid, replaced, is_done)
        }
    };
    if !is_done {
        return Err(AuthnError::AlreadyUsed);
    }
    if let Some(old) = replaced {
        // Another person's session in this browser ended: its relying parties hear of it.
        authn.events().session_ended(&old.sid, &old.identity_id).await.map_err(AuthnError::Listener)?;
    }
    tracing::info!(login.method = auth.method, login.level = %auth.level, identity.id = %identity.id, session.sid = %sid, "login succeeded");
    Ok((jar, Redirect::to(&tx.resume_path())))
}
