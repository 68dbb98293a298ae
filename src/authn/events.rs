//! Session events: the login layer announces that a browser session ended (logout, idle
//! timeout, an administrator's action), and each protocol that handed the session to relying
//! parties tells them (OpenID Connect back-channel logout). Relying parties only the browser
//! can reach (SAML front-channel single logout) are visited through a [`FrontChannel`] after a
//! browser's logout. The protocols implement both traits; the composition root registers
//! them, so the login layer never calls a protocol.

use std::sync::Arc;

use async_trait::async_trait;

/// Something that must hear of a session's end.
#[async_trait]
pub trait SessionListener: Send + Sync {
    /// The session `sid` of `identity_id` has ended. Called once, by the request (on any
    /// node) that ended it.
    async fn session_ended(&self, sid: &str, identity_id: &str) -> anyhow::Result<()>;
}

/// A protocol whose relying parties only the browser can reach (SAML front-channel single
/// logout): after a browser's session ended, the browser visits them before going on.
#[async_trait]
pub trait FrontChannel: Send + Sync {
    /// Where the browser goes first to tell the relying parties of the ended session `sid`;
    /// the last of them sends it on to `then` (a path or URL). `None`: nobody to tell.
    async fn start(&self, sid: &str, then: &str) -> anyhow::Result<Option<String>>;
}

/// Every registered listener. Cheap to clone.
#[derive(Clone, Default)]
pub struct SessionEvents {
    listeners: Arc<Vec<Arc<dyn SessionListener>>>,
    front_channel: Option<Arc<dyn FrontChannel>>,
}

impl std::fmt::Debug for SessionEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionEvents")
            .field("listeners", &self.listeners.len())
            .field("front_channel", &self.front_channel.is_some())
            .finish()
    }
}

impl SessionEvents {
    pub fn new(
        listeners: Vec<Arc<dyn SessionListener>>,
        front_channel: Option<Arc<dyn FrontChannel>>,
    ) -> Self {
        Self { listeners: Arc::new(listeners), front_channel }
    }

    /// After a browser's session `sid` ended: where the browser must go to tell the relying
    /// parties only it can reach, before `then`. A failure is logged and skipped: the
    /// session is over either way, and the person is not kept from leaving.
    pub async fn front_channel(&self, sid: &str, then: &str) -> Option<String> {
        let channel = self.front_channel.as_ref()?;
        match channel.start(sid, then).await {
            Ok(first) => first,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), session.sid = %sid, "front-channel logout not started");
                None
            }
        }
    }

    /// Tells every listener; the first failure is returned after all were told.
    pub async fn session_ended(&self, sid: &str, identity_id: &str) -> anyhow::Result<()> {
        let mut first_error = None;
        for listener in self.listeners.iter() {
            if let Err(e) = listener.session_ended(sid, identity_id).await {
                tracing::error!(error = format!("{e:#}"), session.sid = %sid, "a session listener failed");
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
