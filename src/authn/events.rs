//! Session events: the login layer announces that a browser session ended (logout, idle
//! timeout, an administrator's action), and each protocol that handed the session to relying
//! parties tells them (OpenID Connect back-channel logout, later SAML single logout). The
//! protocols implement [`SessionListener`]; the composition root registers them, so the
//! login layer never calls a protocol.

use std::sync::Arc;

use async_trait::async_trait;

/// Something that must hear of a session's end.
#[async_trait]
pub trait SessionListener: Send + Sync {
    /// The session `sid` of `identity_id` has ended. Called once, by the request (on any
    /// node) that ended it.
    async fn session_ended(&self, sid: &str, identity_id: &str) -> anyhow::Result<()>;
}

/// Every registered listener. Cheap to clone.
#[derive(Clone, Default)]
pub struct SessionEvents(Arc<Vec<Arc<dyn SessionListener>>>);

impl std::fmt::Debug for SessionEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SessionEvents").field(&self.0.len()).finish()
    }
}

impl SessionEvents {
    pub fn new(listeners: Vec<Arc<dyn SessionListener>>) -> Self {
        Self(Arc::new(listeners))
    }

    /// Tells every listener; the first failure is returned after all were told.
    pub async fn session_ended(&self, sid: &str, identity_id: &str) -> anyhow::Result<()> {
        let mut first_error = None;
        for listener in self.0.iter() {
            if let Err(e) = listener.session_ended(sid, identity_id).await {
                tracing::error!(error = format!("{e:#}"), session.sid = %sid, "a session listener failed");
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
