//! Client public keys from a registered `jwks_uri` (RFC 7591 §2, RFC 7523): fetched through
//! the guarded outbound client (https, public addresses, 64 KiB, 5 s), cached per client
//! for [`TTL`], fetched again early only when a token names a `kid` the cached set lacks
//! (at most once per [`REFRESH_FLOOR`]). Concurrent requests for one client share one fetch,
//! so unauthenticated front-channel requests cannot make Poort fetch more than that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;

use crate::kernel::outbound::{Outbound, OutboundError};

/// How long a fetched key set is used.
pub const TTL: Duration = Duration::from_secs(300);
/// The shortest time between two fetches for one client (an unknown `kid`).
pub const REFRESH_FLOOR: Duration = Duration::from_secs(30);
/// The largest key set read.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;
/// Clients whose keys are kept at once.
const MAX_ENTRIES: usize = 1000;

#[derive(Default)]
struct Entry {
    fetched_at: Option<Instant>,
    keys: Option<Arc<JwkSet>>,
}

/// The per-client cache.
#[derive(Default)]
pub struct JwksCache {
    entries: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Entry>>>>,
}

impl std::fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwksCache(..)")
    }
}

impl JwksCache {
    /// The key set of `client_id` at `uri`, containing `kid` when one is named and the
    /// provider has it. `None` when it cannot be fetched (logged once per fetch).
    pub async fn keys(
        &self,
        outbound: &Outbound,
        client_id: &str,
        uri: &str,
        kid: Option<&str>,
    ) -> Option<Arc<JwkSet>> {
        let slot = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if entries.len() >= MAX_ENTRIES && !entries.contains_key(client_id) {
                entries.clear();
            }
            entries.entry(client_id.to_string()).or_default().clone()
        };
        let mut entry = slot.lock().await;
        let age = entry.fetched_at.map(|at| at.elapsed());
        let has_kid = |keys: &JwkSet| kid.is_none_or(|k| keys.find(k).is_some());
        let is_fresh = age.is_some_and(|a| a < TTL);
        let may_refresh = age.is_none_or(|a| a >= REFRESH_FLOOR);
        if let Some(keys) = &entry.keys
            && is_fresh
            && (has_kid(keys) || !may_refresh)
        {
            return Some(keys.clone());
        }
        if !may_refresh {
            return entry.keys.clone();
        }
        entry.fetched_at = Some(Instant::now());
        match fetch(outbound, uri).await {
            Ok(keys) => {
                entry.keys = Some(Arc::new(keys));
            }
            Err(e) => {
                tracing::warn!(client.id = %client_id, error = %e, "the client's jwks_uri could not be used");
                entry.keys = None;
            }
        }
        entry.keys.clone()
    }
}

#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("not a JWK set")]
    NotJwks,
}

async fn fetch(outbound: &Outbound, uri: &str) -> Result<JwkSet, FetchError> {
    let fetched = outbound.get_limited(uri, MAX_JWKS_BYTES).await?;
    if !fetched.status.is_success() {
        return Err(FetchError::Status(fetched.status.as_u16()));
    }
    serde_json::from_slice(&fetched.body).map_err(|_| FetchError::NotJwks)
}
