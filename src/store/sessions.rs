//! SQL of `browser_sessions` (single sign-on) and `login_transactions`.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{Store, StoreError, StoreResult, flag, unix_now};
use crate::authn::session::BrowserSession;
use crate::authn::transaction::{LoginTransaction, Protocol, TxAuthentication, TxStatus};
use crate::domain::AuthLevel;

fn level(n: i64) -> StoreResult<AuthLevel> {
    u16::try_from(n)
        .ok()
        .and_then(|n| AuthLevel::new(n).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("level {n}")))
}

fn amr_from(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn json_opt(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

macro_rules! session_select {
    () => {
        "SELECT sid, identity_id, level, amr, method, auth_time, created_at, last_seen_at, expires_at \
         FROM browser_sessions"
    };
}

macro_rules! tx_select {
    () => {
        "SELECT id, binding_hash, protocol, client_id, request, required_level, is_forced_login, login_hint, \
         ui_locale, status, identity_id, session_sid, level, amr, method, auth_time, profile, method_state, \
         created_at, expires_at FROM login_transactions"
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
        sqlx::query(
            "INSERT INTO browser_sessions (id_hash, sid, identity_id, level, amr, method, auth_time, created_at, \
             last_seen_at, expires_at, ended_at, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)",
        )
        .bind(id_hash.to_string())
        .bind(s.sid.clone())
        .bind(s.identity_id.clone())
        .bind(i64::from(s.level.number()))
        .bind(serde_json::to_string(&s.amr).unwrap_or_default())
        .bind(s.method.clone())
        .bind(s.auth_time)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(user_agent.map(|u| u.chars().take(200).collect::<String>()))
        .execute(self.writer())
        .await?;
        Ok(())
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

    /// A step-up: the same session reaches a new level with a fresh authentication.
    pub async fn update_browser_session_authentication(
        &self,
        sid: &str,
        level: AuthLevel,
        amr: &[String],
        method: &str,
        auth_time: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE browser_sessions SET level = $2, amr = $3, method = $4, auth_time = $5, last_seen_at = $5 \
             WHERE sid = $1",
        )
        .bind(sid.to_string())
        .bind(i64::from(level.number()))
        .bind(serde_json::to_string(amr).unwrap_or_default())
        .bind(method.to_string())
        .bind(auth_time)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn touch_browser_session(&self, sid: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE browser_sessions SET last_seen_at = $2 WHERE sid = $1")
            .bind(sid.to_string())
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
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

    pub async fn create_login_transaction(
        &self,
        tx: &LoginTransaction,
        binding_hash: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_transactions (id, binding_hash, protocol, client_id, request, required_level, \
             is_forced_login, login_hint, ui_locale, status, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tx.id.clone())
        .bind(binding_hash.to_string())
        .bind(tx.protocol.code())
        .bind(tx.client_id.clone())
        .bind(tx.request.to_string())
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
        let row = sqlx::query(concat!(tx_select!(), " WHERE id = $1"))
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
        let done = sqlx::query(
            "UPDATE login_transactions SET status = 'authenticated', identity_id = $2, session_sid = $3, \
             level = $4, amr = $5, method = $6, auth_time = $7, method_state = NULL \
             WHERE id = $1 AND status IN ('pending', 'authenticated')",
        )
        .bind(id.to_string())
        .bind(a.identity_id.clone())
        .bind(a.session_sid.clone())
        .bind(i64::from(a.level.number()))
        .bind(serde_json::to_string(&a.amr).unwrap_or_default())
        .bind(a.method.clone())
        .bind(a.auth_time)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn update_login_transaction_method_state(
        &self,
        id: &str,
        state: &serde_json::Value,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE login_transactions SET method_state = $2 WHERE id = $1 AND status = 'pending'",
        )
        .bind(id.to_string())
        .bind(state.to_string())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn update_login_transaction_profile(
        &self,
        id: &str,
        profile: &serde_json::Value,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE login_transactions SET profile = $2 WHERE id = $1 AND status = 'authenticated'",
        )
        .bind(id.to_string())
        .bind(profile.to_string())
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

    /// Removes transactions and tickets that expired before `now` (housekeeping).
    pub async fn delete_expired_login_state(&self, now: i64) -> StoreResult<u64> {
        let a = sqlx::query("DELETE FROM login_transactions WHERE expires_at < $1")
            .bind(now)
            .execute(self.writer())
            .await?
            .rows_affected();
        let b = sqlx::query("DELETE FROM one_time_tickets WHERE expires_at < $1")
            .bind(now)
            .execute(self.writer())
            .await?
            .rows_affected();
        Ok(a + b)
    }

    /// Stores a one-time ticket (only its hash).
    pub async fn create_one_time_ticket(
        &self,
        ticket_hash: &str,
        purpose: &str,
        tx_id: &str,
        payload: &serde_json::Value,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO one_time_tickets (ticket_hash, purpose, tx_id, payload, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(ticket_hash.to_string())
        .bind(purpose.to_string())
        .bind(tx_id.to_string())
        .bind(payload.to_string())
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
    ) -> StoreResult<Option<(String, serde_json::Value)>> {
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
        let payload: String = row.try_get("payload")?;
        Ok(Some((row.try_get("tx_id")?, serde_json::from_str(&payload).unwrap_or_default())))
    }
}

fn session_from_row(r: &AnyRow) -> StoreResult<BrowserSession> {
    Ok(BrowserSession {
        sid: r.try_get("sid")?,
        identity_id: r.try_get("identity_id")?,
        level: level(r.try_get("level")?)?,
        amr: amr_from(&r.try_get::<String, _>("amr")?),
        method: r.try_get("method")?,
        auth_time: r.try_get("auth_time")?,
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn tx_from_row(r: &AnyRow) -> StoreResult<LoginTransaction> {
    let protocol: String = r.try_get("protocol")?;
    let status: String = r.try_get("status")?;
    let request: String = r.try_get("request")?;
    let identity_id: Option<String> = r.try_get("identity_id")?;
    let authentication = match identity_id {
        Some(identity_id) => Some(TxAuthentication {
            identity_id,
            session_sid: r.try_get::<Option<String>, _>("session_sid")?.unwrap_or_default(),
            level: level(r.try_get::<Option<i64>, _>("level")?.unwrap_or(0))?,
            amr: amr_from(&r.try_get::<Option<String>, _>("amr")?.unwrap_or_default()),
            method: r.try_get::<Option<String>, _>("method")?.unwrap_or_default(),
            auth_time: r.try_get::<Option<i64>, _>("auth_time")?.unwrap_or(0),
        }),
        None => None,
    };
    Ok(LoginTransaction {
        id: r.try_get("id")?,
        protocol: Protocol::from_code(&protocol)
            .ok_or_else(|| StoreError::Corrupt(format!("protocol {protocol}")))?,
        client_id: r.try_get("client_id")?,
        request: serde_json::from_str(&request).map_err(|e| StoreError::Corrupt(format!("request: {e}")))?,
        required_level: level(r.try_get("required_level")?)?,
        is_forced_login: r.try_get::<i64, _>("is_forced_login")? != 0,
        login_hint: r.try_get("login_hint")?,
        ui_locale: r.try_get("ui_locale")?,
        status: TxStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        authentication,
        profile: json_opt(r.try_get("profile")?),
        method_state: json_opt(r.try_get("method_state")?),
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}
