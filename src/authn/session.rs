//! Browser sessions: single sign-on across relying parties. The cookie holds a random
//! value; the database holds only its SHA-256 hash. Sessions end on logout, after an
//! idle period, and at an absolute lifetime (OWASP ASVS V3.3).

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::{AuthnError, hash_token, random_token};
use crate::domain::AuthLevel;
use crate::startup::AppState;
use crate::store::unix_now;

pub const SESSION_COOKIE: &str = "poort_session";

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
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// The session behind this browser's cookie, if it is live.
pub async fn current(state: &AppState, jar: &CookieJar) -> Result<Option<BrowserSession>, AuthnError> {
    let Some(value) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    if value.len() < 32 || value.len() > 64 {
        return Ok(None);
    }
    let now = unix_now();
    let Some(session) = state.store().find_browser_session(&hash_token(&value), now).await? else {
        return Ok(None);
    };
    let idle = state.settings().session.idle_timeout_secs;
    if now - session.last_seen_at > idle {
        // Only the request that ends it (on any node) tells the relying parties, by
        // back-channel logout, as the portal logout does.
        if state.store().end_browser_session(&session.sid).await? {
            crate::protocol::oidc::endpoints::backchannel::session_ended(
                state,
                &session.sid,
                &session.identity_id,
            )
            .await?;
        }
        tracing::info!(session.sid = %session.sid, "session ended after being idle");
        return Ok(None);
    }
    if now - session.last_seen_at > 60 {
        state.store().touch_browser_session(&session.sid, now).await?;
    }
    Ok(Some(session))
}

/// Opens a new session and returns the jar with its cookie.
pub async fn start(
    state: &AppState,
    jar: CookieJar,
    identity_id: &str,
    level: AuthLevel,
    amr: &[String],
    method: &str,
    user_agent: Option<&str>,
) -> Result<(CookieJar, BrowserSession), AuthnError> {
    let now = unix_now();
    let value = random_token(32);
    let session = BrowserSession {
        sid: random_token(16),
        identity_id: identity_id.to_string(),
        level,
        amr: amr.to_vec(),
        method: method.to_string(),
        auth_time: now,
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.settings().session.max_lifetime_secs,
    };
    state.store().create_browser_session(&hash_token(&value), &session, user_agent).await?;
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(state.is_cookie_secure())
        .same_site(SameSite::Lax)
        .build();
    Ok((jar.add(cookie), session))
}

/// Ends a session (logout). Returns whether it was live.
pub async fn end(state: &AppState, sid: &str) -> Result<bool, AuthnError> {
    Ok(state.store().end_browser_session(sid).await?)
}

/// Removes the session cookie from the browser.
pub fn clear_cookie(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(SESSION_COOKIE).path("/"))
}

pub async fn list_for_identity(
    state: &AppState,
    identity_id: &str,
) -> Result<Vec<BrowserSession>, AuthnError> {
    Ok(state.store().find_browser_sessions_of_identity(identity_id, unix_now()).await?)
}
