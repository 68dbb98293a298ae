//! SQL of `browser_sessions` (single sign-on). The login transactions are in
//! `login_transactions.rs`.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::login_transactions::TxAuthentication;
use super::{Store, StoreError, StoreResult, unix_now};
use crate::domain::{AuthContext, AuthLevel, CertificateFacts};

/// A live browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSession {
    /// Public session id (OIDC `sid`); not the cookie value.
    pub sid: String,
    pub identity_id: String,
    pub level: AuthLevel,
    pub amr: Vec<String>,
    pub method: String,
    pub auth_time: i64,
    /// The eID certificate of the latest authentication, when it was a card login.
    pub certificate: Option<CertificateFacts>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

impl BrowserSession {
    /// How the person authenticated in this session.
    pub fn context(&self) -> AuthContext {
        AuthContext {
            auth_time: self.auth_time,
            level: self.level,
            amr: self.amr.clone(),
            method: self.method.clone(),
            certificate: self.certificate.clone(),
        }
    }
}

/// What a finished login does to the browser's session.
#[derive(Debug)]
pub enum SessionChange<'a> {
    /// The same person's live session (`TxAuthentication::session_sid`) reaches the new
    /// level with a fresh authentication: it keeps its `sid` (relying parties see one
    /// session) but gets a new cookie value, stored as `new_id_hash` (OWASP ASVS 3.2.1: a
    /// value captured before the step-up is worth nothing after it).
    Raise { new_id_hash: &'a str },
    /// A new session under the hash of its cookie value; `replaces` is this browser's
    /// session of another person, which ends.
    Open {
        id_hash: &'a str,
        session: &'a BrowserSession,
        user_agent: Option<&'a str>,
        replaces: Option<&'a str>,
    },
}

/// Everything [`Store::complete_login`] writes.
#[derive(Debug)]
pub struct LoginCompletion<'a> {
    pub tx_id: &'a str,
    pub client_id: Option<&'a str>,
    pub auth: &'a TxAuthentication,
    pub session: SessionChange<'a>,
    /// The audit event's detail (never secrets or full numbers).
    pub audit_detail: &'a serde_json::Value,
}

pub(super) fn level(n: i64) -> StoreResult<AuthLevel> {
    u16::try_from(n)
        .ok()
        .and_then(|n| AuthLevel::new(n).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("level {n}")))
}

pub(super) fn amr_from(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("amr: {e}")))
}

pub(super) fn amr_text(amr: &[String]) -> String {
    serde_json::Value::from(amr.to_vec()).to_string()
}

/// The `certificate` column: JSON of the facts, NULL without a card.
pub(super) fn certificate_text(certificate: Option<&CertificateFacts>) -> StoreResult<Option<String>> {
    certificate
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("certificate: {e}")))
}

/// A stored `certificate` column; a value that does not parse is corrupt.
pub(super) fn certificate_from(text: Option<String>) -> StoreResult<Option<CertificateFacts>> {
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("certificate: {e}")))
}

macro_rules! session_select {
    () => {
        "SELECT sid, identity_id, level, amr, method, auth_time, certificate, created_at, last_seen_at, \
         expires_at FROM browser_sessions"
    };
}

impl Store {
    /// Stores a new session under the hash of its cookie value.
    pub async fn create_browser_session(
        &self,
        id_hash: &str,
        s: &BrowserSession,
        user_agent: Option<&str>,
    ) -> StoreResult<()> {
        insert_session(self.writer(), id_hash, s, user_agent).await
    }

    /// The live session behind a cookie hash (not ended, not expired).
    pub async fn find_browser_session(&self, id_hash: &str, now: i64) -> StoreResult<Option<BrowserSession>> {
        let row = sqlx::query(concat!(
            session_select!(),
            " WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > $2"
        ))
        .bind(id_hash.to_string())
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| session_from_row(&r)).transpose()
    }

    pub async fn find_browser_session_by_sid(&self, sid: &str) -> StoreResult<Option<BrowserSession>> {
        let row = sqlx::query(concat!(session_select!(), " WHERE sid = $1 AND ended_at IS NULL"))
            .bind(sid.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| session_from_row(&r)).transpose()
    }

    /// Live sessions of a person, newest first.
    pub async fn find_browser_sessions_of_identity(
        &self,
        identity_id: &str,
        now: i64,
    ) -> StoreResult<Vec<BrowserSession>> {
        let rows = sqlx::query(concat!(
            session_select!(),
            " WHERE identity_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY created_at DESC"
        ))
        .bind(identity_id.to_string())
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(session_from_row).collect()
    }

    pub async fn touch_browser_session(&self, sid: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE browser_sessions SET last_seen_at = $2 WHERE sid = $1")
            .bind(sid.to_string())
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Finishes a login in one database transaction: the browser session is opened (or the
    /// same person's session raised to the new level), an older session of another person
    /// in this browser is ended, the login transaction records the result — only if it is
    /// still pending or authenticated — and the audit trail says so. `false` (and nothing
    /// written) when the transaction had moved on.
    pub async fn complete_login(&self, c: &LoginCompletion<'_>) -> StoreResult<bool> {
        let now = c.auth.context.auth_time;
        let mut tx = self.writer().begin().await?;
        match &c.session {
            SessionChange::Raise { new_id_hash } => {
                sqlx::query(
                    "UPDATE browser_sessions SET level = $2, amr = $3, method = $4, auth_time = $5, \
                     last_seen_at = $5, certificate = $6, id_hash = $7 WHERE sid = $1",
                )
                .bind(c.auth.session_sid.clone())
                .bind(i64::from(c.auth.context.level.number()))
                .bind(amr_text(&c.auth.context.amr))
                .bind(c.auth.context.method.clone())
                .bind(now)
                .bind(certificate_text(c.auth.context.certificate.as_ref())?)
                .bind(new_id_hash.to_string())
                .execute(&mut *tx)
                .await?;
            }
            SessionChange::Open { id_hash, session, user_agent, replaces } => {
                if let Some(old) = replaces {
                    sqlx::query(
                        "UPDATE browser_sessions SET ended_at = $2 WHERE sid = $1 AND ended_at IS NULL",
                    )
                    .bind(old.to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                insert_session(&mut *tx, id_hash, session, *user_agent).await?;
            }
        }
        let done = sqlx::query(super::login_transactions::AUTHENTICATED_SQL)
            .bind(c.tx_id.to_string())
            .bind(c.auth.identity_id.clone())
            .bind(c.auth.session_sid.clone())
            .bind(i64::from(c.auth.context.level.number()))
            .bind(amr_text(&c.auth.context.amr))
            .bind(c.auth.context.method.clone())
            .bind(now)
            .bind(certificate_text(c.auth.context.certificate.as_ref())?)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        super::identities::insert_audit_event(
            &mut *tx,
            "login.success",
            Some(&c.auth.identity_id),
            c.client_id,
            c.audit_detail,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn end_browser_session(&self, sid: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE browser_sessions SET ended_at = $2 WHERE sid = $1 AND ended_at IS NULL")
                .bind(sid.to_string())
                .bind(unix_now())
                .execute(self.writer())
                .await?;
        Ok(done.rows_affected() > 0)
    }
}

fn session_from_row(r: &AnyRow) -> StoreResult<BrowserSession> {
    Ok(BrowserSession {
        sid: r.try_get("sid")?,
        identity_id: r.try_get("identity_id")?,
        level: level(r.try_get("level")?)?,
        amr: amr_from(&r.try_get::<String, _>("amr")?)?,
        method: r.try_get("method")?,
        auth_time: r.try_get("auth_time")?,
        certificate: certificate_from(r.try_get("certificate")?)?,
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

/// Inserts a session through `executor` (the writer pool or an open transaction).
async fn insert_session<'e, E>(
    executor: E,
    id_hash: &str,
    s: &BrowserSession,
    user_agent: Option<&str>,
) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO browser_sessions (id_hash, sid, identity_id, level, amr, method, auth_time, created_at, \
             last_seen_at, expires_at, ended_at, user_agent, certificate) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12)",
    )
    .bind(id_hash.to_string())
    .bind(s.sid.clone())
    .bind(s.identity_id.clone())
    .bind(i64::from(s.level.number()))
    .bind(amr_text(&s.amr))
    .bind(s.method.clone())
    .bind(s.auth_time)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(s.expires_at)
    .bind(user_agent.map(|u| u.chars().take(200).collect::<String>()))
    .bind(certificate_text(s.certificate.as_ref())?)
    .execute(executor)
    .await?;
    Ok(())
}
