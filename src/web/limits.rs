//! Admission control of the main listener:
//!
//! - a **per-address request rate** on the endpoints anyone can call without credentials
//!   (`/authorize`, `/par`, `/token`, `/register`, the login pages): a token bucket per
//!   client address (`web::client_addr`, proxy-aware), answered `429 Too Many Requests`
//!   with `Retry-After` when empty. The buckets live in each node's memory: each node
//!   protects its own capacity (brute-force throttles on accounts are in the database and
//!   shared by every node).
//! - a **concurrency bound**: beyond `max_concurrent_requests` requests in flight, new ones
//!   are answered `503` with `Retry-After` at once instead of queueing without bound, so
//!   admitted requests keep a bounded latency under overload.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::Semaphore;

use super::client_addr::ClientAddr;
use crate::kernel::ConfigError;

/// `[limits]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitSettings {
    /// Requests per minute one address may make to the unauthenticated endpoints.
    pub rate_per_minute: u32,
    /// How many such requests an address may make at once before the rate applies.
    pub burst: u32,
    /// Requests in flight on this node beyond which new ones get 503.
    pub max_concurrent_requests: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self { rate_per_minute: 1200, burst: 300, max_concurrent_requests: 1024 }
    }
}

impl LimitSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.rate_per_minute == 0 || self.burst == 0 {
            return Err(ConfigError::invalid("limits.rate_per_minute", "rate and burst must be at least 1"));
        }
        if self.max_concurrent_requests == 0 {
            return Err(ConfigError::invalid("limits.max_concurrent_requests", "must be at least 1"));
        }
        Ok(())
    }
}

/// Paths (or prefixes ending in `/`) rate-limited per address.
const LIMITED: &[&str] =
    &["/authorize", "/par", "/token", "/register", "/login", "/login/", "/demo/test-login"];

fn is_limited(path: &str) -> bool {
    LIMITED.iter().any(|p| if p.ends_with('/') { path.starts_with(p) } else { path == *p })
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The per-address buckets and the in-flight bound of one node.
#[derive(Debug)]
pub struct Admission {
    per_second: f64,
    burst: f64,
    shards: Vec<Mutex<HashMap<IpAddr, Bucket>>>,
    in_flight: Arc<Semaphore>,
}

const SHARDS: usize = 16;
/// Addresses tracked per shard before idle (full) buckets are dropped.
const SHARD_CAPACITY: usize = 10_000;

impl Admission {
    pub fn new(settings: &LimitSettings) -> Self {
        Self {
            per_second: f64::from(settings.rate_per_minute) / 60.0,
            burst: f64::from(settings.burst),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            in_flight: Arc::new(Semaphore::new(settings.max_concurrent_requests)),
        }
    }

    /// Takes a token for `ip`; `Err(seconds to wait)` when its bucket is empty.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let shard = &self.shards[shard_of(ip)];
        let mut buckets = shard.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= SHARD_CAPACITY {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < burst);
        }
        let bucket = buckets.entry(ip).or_insert(Bucket { tokens: self.burst, at: now });
        let refilled = bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = refilled.min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

fn shard_of(ip: IpAddr) -> usize {
    let last = match ip {
        IpAddr::V4(v4) => v4.octets()[3],
        IpAddr::V6(v6) => v6.octets()[15],
    };
    usize::from(last) % SHARDS
}

/// A refusal software can parse (RFC 6749 §5.2 shape on the protocol endpoints) and a person
/// can read (a short page elsewhere), with `Retry-After`.
fn refuse(path: &str, status: StatusCode, retry_after: u64) -> Response {
    let is_protocol = matches!(path, "/token" | "/par" | "/register");
    let mut response = if is_protocol {
        let body = serde_json::json!({
            "error": "temporarily_unavailable",
            "error_description": format!("too many requests; try again in {retry_after} seconds"),
        });
        (status, axum::Json(body)).into_response()
    } else {
        let html = format!(
            "<!DOCTYPE html><html lang=\"en\"><title>Poort</title><main><h1>Poort</h1><p>Too many requests. \
             Please try again in {retry_after} seconds. / Te veel aanvragen. Probeer opnieuw over \
             {retry_after} seconden.</p></main></html>"
        );
        (status, axum::response::Html(html)).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// The middleware: the in-flight bound for every request, the rate for the limited paths.
pub async fn admit(
    State(admission): State<Arc<Admission>>,
    addr: ClientAddr,
    req: Request,
    next: Next,
) -> Response {
    let Ok(_permit) = admission.in_flight.clone().try_acquire_owned() else {
        metrics::counter!("poort_requests_shed_total").increment(1);
        return refuse(req.uri().path(), StatusCode::SERVICE_UNAVAILABLE, 1);
    };
    if is_limited(req.uri().path())
        && let Err(wait) = admission.take(addr.0, Instant::now())
    {
        metrics::counter!("poort_requests_rate_limited_total").increment(1);
        tracing::info!(http.path = req.uri().path(), "request rate limit reached for a client address");
        return refuse(req.uri().path(), StatusCode::TOO_MANY_REQUESTS, wait);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn an_address_gets_its_burst_then_the_rate() {
        let a = Admission::new(&LimitSettings { rate_per_minute: 60, burst: 3, max_concurrent_requests: 1 });
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let other: IpAddr = "203.0.113.10".parse().expect("ip");
        let t0 = Instant::now();
        assert!((0..3).all(|_| a.take(ip, t0).is_ok()));
        assert_eq!(a.take(ip, t0), Err(1), "empty: wait a second for the next token");
        assert!(a.take(other, t0).is_ok(), "another address has its own bucket");
        assert!(a.take(ip, t0 + Duration::from_millis(1100)).is_ok(), "one token per second comes back");
        assert!(a.take(ip, t0 + Duration::from_millis(1100)).is_err());
    }

    #[test]
    fn only_the_unauthenticated_endpoints_are_rate_limited() {
        for p in
            ["/authorize", "/token", "/par", "/register", "/login", "/login/password", "/demo/test-login"]
        {
            assert!(is_limited(p), "{p}");
        }
        for p in ["/", "/userinfo", "/jwks", "/healthz", "/my/keys", "/loginx"] {
            assert!(!is_limited(p), "{p}");
        }
    }
}
