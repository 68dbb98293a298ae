//! Browser sessions: single sign-on across relying parties. The cookie holds a random
//! value; the database holds only its SHA-256 hash. Sessions end on logout, after an
//! idle period, and at an absolute lifetime (OWASP ASVS V3.3); whoever ends one tells the
//! [`SessionEvents`](super::events::SessionEvents) listeners.

use axum_extra::extract::cookie::CookieJar;

use super::{Authn, AuthnError};
use crate::domain::AuthContext;
use crate::kernel::token::{hash_token, random_token};
use crate::store::unix_now;

pub use crate::store::sessions::BrowserSession;

pub const SESSION_COOKIE: &str = "poort_session";

/// The session behind this browser's cookie, if it is live.
pub async fn current(authn: &Authn, jar: &CookieJar) -> Result<Option<BrowserSession>, AuthnError> {
    let Some(value) = authn.cookies().value_in(jar, SESSION_COOKIE) else {
        return Ok(None);
    };
    if value.len() < 32 || value.len() > 64 {
        return Ok(None);
    }
    let now = unix_now();
    let Some(session) = authn.store().find_browser_session(&hash_token(&value), now).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at > authn.settings().idle_timeout_secs {
        // Only the request that ends it (on any node) tells the relying parties, as the
        // portal logout does.
        if authn.store().end_browser_session(&session.sid).await? {
            authn
                .events()
                .session_ended(&session.sid, &session.identity_id)
                .await
                .map_err(AuthnError::Listener)?;
        }
        tracing::info!(session.sid = %session.sid, "session ended after being idle");
        return Ok(None);
    }
    if now - session.last_seen_at > 60 {
        authn.store().touch_browser_session(&session.sid, now).await?;
    }
    Ok(Some(session))
}

/// A new session of `identity_id` authenticated as `context` (not yet stored).
pub fn new_session(authn: &Authn, identity_id: &str, context: &AuthContext) -> BrowserSession {
    let now = unix_now();
    BrowserSession {
        sid: random_token(16),
        identity_id: identity_id.to_string(),
        level: context.level,
        amr: context.amr.clone(),
        method: context.method.clone(),
        auth_time: context.auth_time,
        certificate: context.certificate.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + authn.settings().max_lifetime_secs,
    }
}

/// Ends a session and tells the listeners (logout, an ended session on `/my/sessions`).
/// Returns whether it was live.
pub async fn end(authn: &Authn, session: &BrowserSession) -> Result<bool, AuthnError> {
    let is_ended = authn.store().end_browser_session(&session.sid).await?;
    if is_ended {
        authn
            .events()
            .session_ended(&session.sid, &session.identity_id)
            .await
            .map_err(AuthnError::Listener)?;
    }
    Ok(is_ended)
}

/// Removes the session cookie from the browser.
pub fn clear_cookie(authn: &Authn, jar: CookieJar) -> CookieJar {
    jar.remove(authn.cookies().removal(SESSION_COOKIE))
}

pub async fn list_for_identity(authn: &Authn, identity_id: &str) -> Result<Vec<BrowserSession>, AuthnError> {
    Ok(authn.store().find_browser_sessions_of_identity(identity_id, unix_now()).await?)
}
