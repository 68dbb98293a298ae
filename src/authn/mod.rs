//! Authentication: the login transaction, browser sessions, and one folder per
//! login method. A method proves who someone is and hands an [`Authenticated`] to
//! [`complete`], which links the identity, opens or upgrades the session and records
//! the result in the transaction.

pub mod eid;
pub mod eidas;
pub mod identity;
pub mod itsme;
pub mod methods;
pub mod my_keys;
pub mod passkey;
pub mod password;
pub mod routes;
pub mod session;
pub mod test_login;
pub mod transaction;

use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::{AuthLevel, NationalNumber};
use crate::registry::RegistryError;
use crate::startup::AppState;
use crate::store::{StoreError, unix_now};
use crate::web::error::{ErrorPage, WebError};

/// Which digital key was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Eid,
    Itsme,
    Eidas,
    Password,
    Passkey,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Eid => "eid",
            Method::Itsme => "itsme",
            Method::Eidas => "eidas",
            Method::Password => "password",
            Method::Passkey => "passkey",
        }
    }
}

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
    pub method: Method,
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
            AuthnError::InsufficientLevel { .. } | AuthnError::Store(_) | AuthnError::Registry(_) => None,
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
/// says where the browser goes next.
pub async fn complete(
    state: &AppState,
    jar: CookieJar,
    tx_id: &str,
    auth: Authenticated,
) -> Result<(CookieJar, Redirect), AuthnError> {
    let tx = transaction::load(state, &jar, tx_id).await?;
    if !matches!(tx.status, transaction::TxStatus::Pending | transaction::TxStatus::Authenticated) {
        return Err(AuthnError::AlreadyUsed);
    }
    let identity = identity::resolve(state, &auth.identity).await.inspect_err(|e| {
        if matches!(e, AuthnError::UnknownPerson) {
            tracing::warn!(
                login.method = auth.method.code(),
                "login refused: person unknown to the register"
            );
        }
    })?;
    if !auth.level.satisfies(tx.required_level) {
        tracing::info!(login.method = auth.method.code(), login.level = %auth.level, tx.required_level = %tx.required_level, "step-up needed");
        return Err(AuthnError::InsufficientLevel {
            tx_id: tx.id.clone(),
            required: tx.required_level,
            reached: auth.level,
        });
    }
    let (jar, sid) = match session::current(state, &jar).await? {
        Some(s) if s.identity_id == identity.id => {
            // Step-up or re-authentication keeps the session (and its sid).
            state
                .store()
                .update_browser_session_authentication(
                    &s.sid,
                    auth.level,
                    &auth.amr,
                    auth.method.code(),
                    unix_now(),
                )
                .await?;
            (jar, s.sid)
        }
        other => {
            if let Some(old) = other {
                session::end(state, &old.sid).await?;
            }
            let (jar, s) =
                session::start(state, jar, &identity.id, auth.level, &auth.amr, auth.method.code(), None)
                    .await?;
            (jar, s.sid)
        }
    };
    let result = transaction::TxAuthentication {
        identity_id: identity.id.clone(),
        session_sid: sid,
        level: auth.level,
        amr: auth.amr.clone(),
        method: auth.method.code().to_string(),
        auth_time: unix_now(),
    };
    if !state.store().update_login_transaction_authenticated(&tx.id, &result).await? {
        return Err(AuthnError::AlreadyUsed);
    }
    state
        .store()
        .create_audit_event(
            "login.success",
            Some(&identity.id),
            tx.client_id.as_deref(),
            &serde_json::json!({ "method": auth.method.code(), "level": auth.level.number(), "amr": auth.amr }),
        )
        .await?;
    tracing::info!(login.method = auth.method.code(), login.level = %auth.level, identity.id = %identity.id, "login succeeded");
    Ok((jar, Redirect::to(&tx.resume_url())))
}

/// `n` random bytes, base64url (for handles, cookies, ids).
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a handle, base64url: what the database stores instead of the handle.
pub fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        assert_ne!(hash_token(&a), a);
        assert!(constant_time_eq(&hash_token(&a), &hash_token(&a)));
    }
}
