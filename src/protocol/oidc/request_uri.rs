//! Request objects passed by reference (OIDC Core §6.2): `request_uri` names a URL the client
//! registered in `request_uris` (its fragment may differ per request), Poort fetches the
//! object through the guarded outbound client (https and public addresses only outside
//! demo mode, [`MAX_BYTES`], no redirects) and verifies it exactly as a `request` passed by
//! value (`authorize_request::request_object`: signature with the client's keys, `iss`,
//! `aud`, `exp`, single-use `jti`). Distinct from PAR's `urn:ietf:params:oauth:request_uri:`
//! handles.
//!
//! OIDC Core §6.2 lets an OP cache the object under its URL (a client changes the fragment
//! when it changes the object); [`RequestUriCache`] keeps a few for a short time, so a
//! client's server is not fetched twice for one request (a retried redirect).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::protocol::oidc::client::Client;

/// The largest request object read from a `request_uri`.
pub const MAX_BYTES: usize = 32 * 1024;
/// The longest a fetched object is kept.
pub const CACHE_TTL: Duration = Duration::from_secs(60);
/// The most objects kept (oldest evicted first when full).
pub const CACHE_ENTRIES: usize = 256;

/// OIDC Core §6.2 / OIDC Registration §2: the URL without its fragment must be one of the
/// client's `request_uris` without theirs.
pub fn is_registered(client: &Client, request_uri: &str) -> bool {
    let base = |u: &str| u.split('#').next().unwrap_or(u).to_owned();
    let wanted = base(request_uri);
    url::Url::parse(request_uri).is_ok() && client.request_uris.iter().any(|r| base(r) == wanted)
}

/// A fetched request object, trimmed; `None` when it is not a compact JWS-shaped string.
pub fn object_of(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let is_compact = text.split('.').count() == 3
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    is_compact.then(|| text.to_owned())
}

/// Request objects fetched recently, per (client, URL with fragment).
#[derive(Default)]
pub struct RequestUriCache {
    entries: Mutex<HashMap<(String, String), (Instant, String)>>,
}

impl std::fmt::Debug for RequestUriCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestUriCache(..)")
    }
}

impl RequestUriCache {
    pub fn get(&self, client_id: &str, uri: &str) -> Option<String> {
        let entries = self.entries.lock().ok()?;
        let (at, object) = entries.get(&(client_id.to_owned(), uri.to_owned()))?;
        (at.elapsed() < CACHE_TTL).then(|| object.clone())
    }

    pub fn put(&self, client_id: &str, uri: &str, object: &str) {
        let Ok(mut entries) = self.entries.lock() else { return };
        entries.retain(|_, (at, _)| at.elapsed() < CACHE_TTL);
        if entries.len() >= CACHE_ENTRIES
            && let Some(oldest) = entries.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert((client_id.to_owned(), uri.to_owned()), (Instant::now(), object.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_uri_matches_a_registered_one_whatever_its_fragment() {
        let mut c = crate::protocol::oidc::client::tests::test_client();
        c.request_uris = vec!["https://rp.example/req.jwt#a".into()];
        assert!(is_registered(&c, "https://rp.example/req.jwt#b"));
        assert!(is_registered(&c, "https://rp.example/req.jwt"));
        assert!(!is_registered(&c, "https://rp.example/other.jwt#a"));
        assert!(!is_registered(&c, "https://rp.example/req.jwt?x=1"));
        c.request_uris.clear();
        assert!(!is_registered(&c, "https://rp.example/req.jwt"));
    }

    #[test]
    fn only_a_compact_jws_is_taken_as_an_object() {
        assert_eq!(object_of(b" aGVhZA.cGF5.c2ln\n").as_deref(), Some("aGVhZA.cGF5.c2ln"));
        assert_eq!(object_of(b"<html>error</html>"), None);
        assert_eq!(object_of(b"a.b"), None);
        assert_eq!(object_of(&[0xff, 0xfe]), None);
    }

    #[test]
    fn the_cache_keeps_an_object_per_client_and_url() {
        let cache = RequestUriCache::default();
        cache.put("rp", "https://rp/r#1", "a.b.c");
        assert_eq!(cache.get("rp", "https://rp/r#1").as_deref(), Some("a.b.c"));
        assert_eq!(cache.get("rp", "https://rp/r#2"), None);
        assert_eq!(cache.get("other", "https://rp/r#1"), None);
        for i in 0..CACHE_ENTRIES + 5 {
            cache.put("rp", &format!("https://rp/r#{i}x"), "a.b.c");
        }
        assert!(cache.entries.lock().unwrap().len() <= CACHE_ENTRIES);
    }
}
