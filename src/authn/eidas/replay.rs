//! One-time use of assertions (SAML profiles §4.1.4.5: the SP must keep the IDs of bearer
//! assertions until their `NotOnOrAfter` to refuse replays).

use std::collections::HashMap;
use std::sync::Mutex;

use time::OffsetDateTime;

/// Remembers assertion IDs until they expire. The production guard is database-backed
/// ([`super::StoreReplayGuard`]), so a replay is refused whichever node receives it.
#[async_trait::async_trait]
pub trait ReplayGuard: Send + Sync {
    /// Records `assertion_id` (valid until `expires_at`); `Ok(false)` if it was already
    /// seen, in which case the assertion must be refused. `Err` when the guard cannot tell.
    async fn first_use(
        &self,
        assertion_id: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, String>;
}

/// A process-local guard, for unit tests (several instances need the shared store).
#[derive(Debug, Default)]
pub struct InMemoryReplayGuard {
    seen: Mutex<HashMap<String, OffsetDateTime>>,
}

#[async_trait::async_trait]
impl ReplayGuard for InMemoryReplayGuard {
    async fn first_use(
        &self,
        assertion_id: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, String> {
        let mut seen = match self.seen.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        seen.retain(|_, exp| *exp > now);
        if seen.contains_key(assertion_id) {
            return Ok(false);
        }
        seen.insert(assertion_id.to_string(), expires_at);
        Ok(true)
    }
}

/// The database-backed guard: one row per accepted assertion until it expires, shared by
/// every node (`store::eidas`).
#[derive(Debug, Clone)]
pub struct StoreReplayGuard(pub crate::store::Store);

#[async_trait::async_trait]
impl ReplayGuard for StoreReplayGuard {
    async fn first_use(
        &self,
        assertion_id: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, String> {
        self.0
            .create_seen_eidas_assertion(assertion_id, expires_at.unix_timestamp(), now.unix_timestamp())
            .await
            .map_err(|e| e.to_string())
    }
}
