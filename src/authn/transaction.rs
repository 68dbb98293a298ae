//! The login transaction: one per authorization request (OIDC, SAML) or portal login,
//! stored in the database and bound to the browser by a cookie, so any node can serve
//! any step and the eID listener or an upstream callback can hand results back to it.
//!
//! The protocol that opens a transaction gives its serialised request and the local path
//! where the browser resumes once authenticated; the transaction knows no protocol URL.

use axum_extra::extract::cookie::CookieJar;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::session::BrowserSession;
use super::{Authn, AuthnError};
use crate::domain::{AuthLevel, Profile};
use crate::kernel::paths::is_local_path;
use crate::kernel::token::{constant_time_eq, hash_token, random_token};
use crate::store::login_transactions::StoredJson;
use crate::store::unix_now;

pub use crate::store::login_transactions::{LoginTransaction, Protocol, TxAuthentication, TxStatus};

/// The cookie binding login transactions to the browser that opened them.
pub const BINDING_COOKIE: &str = "poort_browser";

/// What a protocol asks for when it opens a transaction.
#[derive(Debug, Clone)]
pub struct NewTransaction<R> {
    pub protocol: Protocol,
    pub client_id: Option<String>,
    /// The validated protocol request, read back by the same protocol.
    pub request: R,
    /// The local path the browser goes to once authenticated (e.g. `/authorize/resume?tx=`
    /// followed by the id: `{tx}` in the path is replaced by the transaction id).
    pub resume_to: String,
    pub required_level: AuthLevel,
    /// `prompt=login` or `max_age` exceeded: an existing session does not count.
    pub is_forced_login: bool,
    pub login_hint: Option<String>,
    pub ui_locale: Option<String>,
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
    pub fn resume_path(&self) -> String {
        if is_local_path(&self.resume_to) { self.resume_to.clone() } else { "/my/session".into() }
    }

    /// The protocol's request, as it stored it. A value that no longer parses is an error.
    pub fn request<R: DeserializeOwned>(&self) -> Result<R, AuthnError> {
        Ok(self.request.parse()?)
    }

    /// The pending state the method `method` stored ([`save_method_state`]); `None` when
    /// there is none, it was cleared, or another method's state is there. A state that no
    /// longer parses is an error.
    pub fn method_state<T: DeserializeOwned>(&self, method: &str) -> Result<Option<T>, AuthnError> {
        let Some(stored) = &self.method_state else { return Ok(None) };
        let Some(envelope) = stored.parse::<Option<MethodStateEnvelope<serde_json::Value>>>()? else {
            return Ok(None);
        };
        if envelope.method != method {
            return Ok(None);
        }
        let Some(state) = envelope.state else { return Ok(None) };
        Ok(Some(StoredJson::new(&state)?.parse()?))
    }
}

/// The browser binding of this request, creating the cookie when it is missing.
pub fn ensure_binding(authn: &Authn, jar: CookieJar) -> (CookieJar, String) {
    if let Some(value) = authn.cookies().value_in(&jar, BINDING_COOKIE).filter(|v| v.len() >= 32) {
        return (jar, value);
    }
    let value = random_token(32);
    let cookie = authn.cookies().cookie(BINDING_COOKIE, value.clone());
    (jar.add(cookie), value)
}

/// Opens a transaction bound to this browser.
pub async fn begin<R: Serialize>(
    authn: &Authn,
    jar: CookieJar,
    new: NewTransaction<R>,
) -> Result<(CookieJar, LoginTransaction), AuthnError> {
    let (jar, binding) = ensure_binding(authn, jar);
    let now = unix_now();
    let id = random_token(24);
    let tx = LoginTransaction {
        resume_to: new.resume_to.replace("{tx}", &id),
        id,
        protocol: new.protocol,
        client_id: new.client_id,
        request: StoredJson::new(&new.request)?,
        required_level: new.required_level,
        is_forced_login: new.is_forced_login,
        login_hint: new.login_hint.map(|h| h.chars().take(256).collect()),
        ui_locale: new.ui_locale.map(|h| h.chars().take(64).collect()),
        status: TxStatus::Pending,
        authentication: None,
        profile: None,
        profile_offer: None,
        method_state: None,
        created_at: now,
        expires_at: now + authn.settings().login_timeout_secs,
    };
    authn.store().create_login_transaction(&tx, &hash_token(&binding)).await?;
    tracing::info!(tx.protocol = tx.protocol.code(), client.id = tx.client_id.as_deref().unwrap_or("-"), tx.required_level = %tx.required_level, "login transaction opened");
    Ok((jar, tx))
}

/// Loads a transaction for the browser that opened it; expired or foreign ones are refused.
pub async fn load(authn: &Authn, jar: &CookieJar, id: &str) -> Result<LoginTransaction, AuthnError> {
    if id.is_empty() || id.len() > 64 {
        return Err(AuthnError::TransactionNotFound);
    }
    let (tx, binding_hash) =
        authn.store().find_login_transaction(id).await?.ok_or(AuthnError::TransactionNotFound)?;
    let binding = authn.cookies().value_in(jar, BINDING_COOKIE).unwrap_or_default();
    if !constant_time_eq(&hash_token(&binding), &binding_hash) {
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
pub async fn load_unbound(authn: &Authn, id: &str) -> Result<LoginTransaction, AuthnError> {
    if id.is_empty() || id.len() > 64 {
        return Err(AuthnError::TransactionNotFound);
    }
    let (tx, _) = authn.store().find_login_transaction(id).await?.ok_or(AuthnError::TransactionNotFound)?;
    if tx.expires_at <= unix_now() {
        return Err(AuthnError::TransactionExpired);
    }
    Ok(tx)
}

/// A method's pending state, tagged with the method that wrote it.
#[derive(serde::Serialize, serde::Deserialize)]
struct MethodStateEnvelope<T> {
    method: String,
    state: Option<T>,
}

/// Stores the pending state of `method` (itsme state/nonce/PKCE verifier, eIDAS request
/// id…); `None` clears it, so a replayed callback finds nothing.
pub async fn save_method_state<T: Serialize>(
    authn: &Authn,
    tx_id: &str,
    method: &str,
    value: Option<&T>,
) -> Result<(), AuthnError> {
    let envelope = MethodStateEnvelope { method: method.to_string(), state: value };
    updated(authn.store().update_login_transaction_method_state(tx_id, &StoredJson::new(&envelope)?).await?)
}

/// Single sign-on: an existing session authenticates the transaction.
pub async fn authenticate_with_session(
    authn: &Authn,
    tx: &LoginTransaction,
    session: &BrowserSession,
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
        context: session.context(),
    };
    updated(authn.store().update_login_transaction_authenticated(&tx.id, &auth).await?)?;
    let mut tx = tx.clone();
    tx.status = TxStatus::Authenticated;
    tx.authentication = Some(auth);
    Ok(tx)
}

/// Records the profile the person chose for this transaction.
pub async fn set_profile(authn: &Authn, tx_id: &str, profile: &Profile) -> Result<(), AuthnError> {
    updated(authn.store().update_login_transaction_profile(tx_id, profile).await?)
}

/// Records the profiles offered to the person, serialised by the profile module.
pub async fn set_profile_offer(authn: &Authn, tx_id: &str, offer: &StoredJson) -> Result<(), AuthnError> {
    updated(authn.store().update_login_transaction_profile_offer(tx_id, offer).await?)
}

/// Authenticated → completed, exactly once. `false` when it was already completed.
pub async fn finish(authn: &Authn, tx_id: &str) -> Result<bool, AuthnError> {
    Ok(authn.store().update_login_transaction_completed(tx_id).await?)
}

/// A guarded update changed its row, or the transaction had moved on (already used).
fn updated(is_changed: bool) -> Result<(), AuthnError> {
    if is_changed { Ok(()) } else { Err(AuthnError::AlreadyUsed) }
}
