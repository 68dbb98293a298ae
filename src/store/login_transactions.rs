//! SQL of `login_transactions` (one per authorization request or portal login) and
//! `one_time_tickets` (login results handed across origins). The row types live here;
//! `authn::transaction` gives them their behaviour.
//!
//! What a protocol or a login method keeps in a transaction (its validated request, a
//! method's pending state) is stored as JSON it serialises itself ([`StoredJson`]); a value
//! that no longer parses is a [`StoreError::Corrupt`], never a default.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::sessions::{amr_from, amr_text, certificate_from, certificate_text, level};
use super::{Store, StoreError, StoreResult, flag, unix_now};
use crate::domain::{AuthContext, AuthLevel, Profile};

/// A value serialised by its owner (a protocol, a login method), stored as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredJson(String);

impl StoredJson {
    /// Serialises `value`.
    pub fn new<T: Serialize>(value: &T) -> StoreResult<Self> {
        serde_json::to_string(value).map(Self).map_err(|e| StoreError::Corrupt(format!("serialising: {e}")))
    }

    /// Reads the value back; a value that does not parse as `T` is corrupt.
    pub fn parse<T: DeserializeOwned>(&self) -> StoreResult<T> {
        serde_json::from_str(&self.0)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", std::any::type_name::<T>())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which protocol opened the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub context: AuthContext,
}

/// A login transaction as stored.
#[derive(Debug, Clone)]
pub struct LoginTransaction {
    pub id: String,
    pub protocol: Protocol,
    pub client_id: Option<String>,
    /// The validated protocol request, serialised by the protocol that opened it.
    pub request: StoredJson,
    /// The local path the browser returns to once the person is authenticated, given by
    /// the protocol that opened the transaction.
    pub resume_to: String,
    pub required_level: AuthLevel,
    pub is_forced_login: bool,
    pub login_hint: Option<String>,
    pub ui_locale: Option<String>,
    pub status: TxStatus,
    pub authentication: Option<TxAuthentication>,
    pub profile: Option<Profile>,
    /// The profiles offered to the person, serialised by the profile module.
    pub profile_offer: Option<StoredJson>,
    /// A login method's pending state, serialised by that method.
    pub method_state: Option<StoredJson>,
    pub created_at: i64,
    pub expires_at: i64,
}

const TX_SELECT: &str = "SELECT id, binding_hash, protocol, client_id, request, resume_to, required_level, \
     is_forced_login, login_hint, ui_locale, status, identity_id, session_sid, level, amr, method, auth_time, \
     certificate, profile, profile_offer, method_state, created_at, expires_at FROM login_transactions";

impl Store {
    pub async fn create_login_transaction(
        &self,
        tx: &LoginTransaction,
        binding_hash: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_transactions (id, binding_hash, protocol, client_id, request, resume_to, \
             required_level, is_forced_login, login_hint, ui_locale, status, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(tx.id.clone())
        .bind(binding_hash.to_string())
        .bind(tx.protocol.code())
        .bind(tx.client_id.clone())
        .bind(tx.request.as_str().to_string())
        .bind(tx.resume_to.clone())
        .bind(i64::from(tx.required_level.number()))
        .bind(flag(tx.is_forced_login))
        .bind(tx.login_hint.clone())
        .bind(tx.ui_locale.clone())
        .bind(tx.status.code())
        .bind(tx.created_at)
        .bind(tx.expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// A transaction with the hash of the browser binding it was opened with.
    pub async fn find_login_transaction(&self, id: &str) -> StoreResult<Option<(LoginTransaction, String)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{TX_SELECT} WHERE id = $1")))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((tx_from_row(&r)?, r.try_get("binding_hash")?))).transpose()
    }

    /// Records the authentication of a pending (or re-authenticating) transaction.
    pub async fn update_login_transaction_authenticated(
        &self,
        id: &str,
        a: &TxAuthentication,
    ) -> StoreResult<bool> {
        let done = sqlx::query(AUTHENTICATED_SQL)
            .bind(id.to_string())
            .bind(a.identity_id.clone())
            .bind(a.session_sid.clone())
            .bind(i64::from(a.context.level.number()))
            .bind(amr_text(&a.context.amr))
            .bind(a.context.method.clone())
            .bind(a.context.auth_time)
            .bind(certificate_text(a.context.certificate.as_ref())?)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn update_login_transaction_method_state(
        &self,
        id: &str,
        state: &StoredJson,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE login_transactions SET method_state = $2 WHERE id = $1 AND status = 'pending'",
        )
        .bind(id.to_string())
        .bind(state.as_str().to_string())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn update_login_transaction_profile(&self, id: &str, profile: &Profile) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE login_transactions SET profile = $2 WHERE id = $1 AND status = 'authenticated'",
        )
        .bind(id.to_string())
        .bind(StoredJson::new(profile)?.0)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The profiles offered to the person (the chooser's answer must be one of them).
    pub async fn update_login_transaction_profile_offer(
        &self,
        id: &str,
        offer: &StoredJson,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE login_transactions SET profile_offer = $2 WHERE id = $1 AND status = 'authenticated'",
        )
        .bind(id.to_string())
        .bind(offer.as_str().to_string())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Authenticated → completed, exactly once (the protocol answered the client).
    pub async fn update_login_transaction_completed(&self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE login_transactions SET status = 'completed' WHERE id = $1 AND status = 'authenticated'",
        )
        .bind(id.to_string())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a one-time ticket (only its hash).
    pub async fn create_one_time_ticket(
        &self,
        ticket_hash: &str,
        purpose: &str,
        tx_id: &str,
        payload: &StoredJson,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO one_time_tickets (ticket_hash, purpose, tx_id, payload, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(ticket_hash.to_string())
        .bind(purpose.to_string())
        .bind(tx_id.to_string())
        .bind(payload.as_str().to_string())
        .bind(unix_now())
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Redeems a ticket: marks it used (once) and returns its tx id and payload.
    pub async fn redeem_one_time_ticket(
        &self,
        ticket_hash: &str,
        purpose: &str,
        now: i64,
    ) -> StoreResult<Option<(String, StoredJson)>> {
        let done = sqlx::query(
            "UPDATE one_time_tickets SET used_at = $3 WHERE ticket_hash = $1 AND purpose = $2 \
             AND used_at IS NULL AND expires_at > $3",
        )
        .bind(ticket_hash.to_string())
        .bind(purpose.to_string())
        .bind(now)
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT tx_id, payload FROM one_time_tickets WHERE ticket_hash = $1")
            .bind(ticket_hash.to_string())
            .fetch_one(self.writer())
            .await?;
        Ok(Some((row.try_get("tx_id")?, StoredJson(row.try_get("payload")?))))
    }
}

/// Records a transaction's authentication: only while it is pending or re-authenticating (a
/// profile chosen or offered before belongs to the earlier authentication and is dropped).
pub(super) const AUTHENTICATED_SQL: &str = "UPDATE login_transactions SET status = 'authenticated', \
     identity_id = $2, session_sid = $3, level = $4, amr = $5, method = $6, auth_time = $7, certificate = $8, \
     method_state = NULL, profile = NULL, profile_offer = NULL WHERE id = $1 AND status IN ('pending', 'authenticated')";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("login transaction: {what} missing"))
}

fn tx_from_row(r: &AnyRow) -> StoreResult<LoginTransaction> {
    let protocol: String = r.try_get("protocol")?;
    let status: String = r.try_get("status")?;
    let identity_id: Option<String> = r.try_get("identity_id")?;
    let authentication = match identity_id {
        Some(identity_id) => Some(TxAuthentication {
            identity_id,
            session_sid: r
                .try_get::<Option<String>, _>("session_sid")?
                .ok_or_else(|| corrupt("session_sid"))?,
            context: AuthContext {
                level: level(r.try_get::<Option<i64>, _>("level")?.ok_or_else(|| corrupt("level"))?)?,
                amr: amr_from(&r.try_get::<Option<String>, _>("amr")?.ok_or_else(|| corrupt("amr"))?)?,
                method: r.try_get::<Option<String>, _>("method")?.ok_or_else(|| corrupt("method"))?,
                auth_time: r.try_get::<Option<i64>, _>("auth_time")?.ok_or_else(|| corrupt("auth_time"))?,
                certificate: certificate_from(r.try_get("certificate")?)?,
            },
        }),
        None => None,
    };
    let profile: Option<String> = r.try_get("profile")?;
    Ok(LoginTransaction {
        id: r.try_get("id")?,
        protocol: Protocol::from_code(&protocol)
            .ok_or_else(|| StoreError::Corrupt(format!("protocol {protocol}")))?,
        client_id: r.try_get("client_id")?,
        request: StoredJson(r.try_get("request")?),
        resume_to: r.try_get("resume_to")?,
        required_level: level(r.try_get("required_level")?)?,
        is_forced_login: r.try_get::<i64, _>("is_forced_login")? != 0,
        login_hint: r.try_get("login_hint")?,
        ui_locale: r.try_get("ui_locale")?,
        status: TxStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        authentication,
        profile: profile.map(|p| StoredJson(p).parse()).transpose()?,
        profile_offer: r.try_get::<Option<String>, _>("profile_offer")?.map(StoredJson),
        method_state: r.try_get::<Option<String>, _>("method_state")?.map(StoredJson),
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}
