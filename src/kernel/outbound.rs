//! Every HTTP request Poort makes to another server goes through [`Outbound`]: client keys
//! (`jwks_uri`), back-channel logout, itsme, eIDAS metadata. It enforces, whatever URL a
//! client registered or a configuration names:
//!
//! - https only (plain http only when the policy allows it: demo mode and tests);
//! - no loopback, private, link-local, unique-local, CGNAT, multicast or unspecified
//!   address — checked on every address the name resolves to, at connect time (the
//!   resolver below is the only one the client uses), so DNS rebinding cannot slip an
//!   internal address in after a check (OWASP SSRF prevention);
//! - a time limit per request and a size limit on every body read (streamed, never
//!   buffered beyond the limit);
//! - no redirects followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

/// `[outbound]`: what outbound requests may reach. Unset flags follow demo mode (allowed
/// in demo mode, refused otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboundSettings {
    /// Plain `http://` targets.
    pub is_http_allowed: Option<bool>,
    /// Loopback, private and link-local targets.
    pub is_private_allowed: Option<bool>,
}

impl OutboundSettings {
    /// The policy these settings give, in or outside demo mode.
    pub fn policy(&self, is_demo: bool) -> OutboundPolicy {
        OutboundPolicy {
            is_http_allowed: self.is_http_allowed.unwrap_or(is_demo),
            is_private_allowed: self.is_private_allowed.unwrap_or(is_demo),
            ..OutboundPolicy::strict()
        }
    }
}

/// What outbound requests may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Plain `http://` allowed (demo mode, tests); otherwise https only.
    pub is_http_allowed: bool,
    /// Loopback and private addresses allowed (demo mode: the mocks run on loopback).
    pub is_private_allowed: bool,
    pub timeout: Duration,
    /// Largest body read from an answer.
    pub max_body_bytes: usize,
}

impl OutboundPolicy {
    /// Production: https to public addresses, 5 s, 256 KiB.
    pub fn strict() -> Self {
        Self {
            is_http_allowed: false,
            is_private_allowed: false,
            timeout: Duration::from_secs(5),
            max_body_bytes: 256 * 1024,
        }
    }

    /// Demo mode: the mocks and the tests' relying parties run on loopback over http.
    pub fn demo() -> Self {
        Self { is_http_allowed: true, is_private_allowed: true, ..Self::strict() }
    }
}

/// Why an outbound request was not made or not read.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("not an absolute http(s) URL")]
    BadUrl,
    #[error("only https is allowed")]
    NotHttps,
    #[error("the address is not public (loopback, private or link-local)")]
    NotPublic,
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("transport: {0}")]
    Transport(String),
}

/// The outbound HTTP client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Outbound {
    client: reqwest::Client,
    policy: OutboundPolicy,
}

/// A response whose body was read within the size limit.
#[derive(Debug)]
pub struct Fetched {
    pub status: reqwest::StatusCode,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Outbound {
    /// A client under `policy`; `trusted_ca_pem`: trust only this CA (a demo mock's).
    pub fn new(
        policy: OutboundPolicy,
        trusted_ca_pem: Option<&str>,
        user_agent: &str,
    ) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .user_agent(user_agent)
            .dns_resolver(GuardedResolver { is_private_allowed: policy.is_private_allowed });
        if let Some(pem) = trusted_ca_pem {
            builder = builder.tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes())?]);
        }
        Ok(Self { client: builder.build()?, policy })
    }

    pub fn policy(&self) -> OutboundPolicy {
        self.policy
    }

    /// Checks a URL against the policy before any request (scheme, IP-literal hosts).
    pub fn check_url(&self, url: &str) -> Result<Url, OutboundError> {
        check_url(url, self.policy)
    }

    /// `GET url`, the body read within the limit.
    pub async fn get(&self, url: &str) -> Result<Fetched, OutboundError> {
        self.get_limited(url, self.policy.max_body_bytes).await
    }

    /// `GET url`, the body read within `max_body_bytes` (at most the policy's limit).
    pub async fn get_limited(&self, url: &str, max_body_bytes: usize) -> Result<Fetched, OutboundError> {
        let url = self.check_url(url)?;
        self.read(self.client.get(url), max_body_bytes.min(self.policy.max_body_bytes)).await
    }

    /// `POST url` with a form body.
    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> Result<Fetched, OutboundError> {
        let url = self.check_url(url)?;
        self.send(self.client.post(url).form(form)).await
    }

    /// Sends a request built on [`Outbound::client`] and reads its body within the limit.
    /// The caller must have checked the URL with [`Outbound::check_url`].
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Fetched, OutboundError> {
        self.read(request, self.policy.max_body_bytes).await
    }

    async fn read(&self, request: reqwest::RequestBuilder, limit: usize) -> Result<Fetched, OutboundError> {
        let transport = |e: reqwest::Error| OutboundError::Transport(e.without_url().to_string());
        let mut response = request
            .send()
            .await
            .map_err(|e| if is_refused_address(&e) { OutboundError::NotPublic } else { transport(e) })?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(OutboundError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limit {
                return Err(OutboundError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { status, content_type, body })
    }

    /// The underlying client, for building requests passed to [`Outbound::send`].
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

fn is_refused_address(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains(REFUSED) {
            return true;
        }
        source = s.source();
    }
    false
}

const REFUSED: &str = "refused: the name resolves to a non-public address";

/// Scheme and IP-literal checks (names are checked by the resolver at connect time).
pub fn check_url(url: &str, policy: OutboundPolicy) -> Result<Url, OutboundError> {
    let url = Url::parse(url).map_err(|_| OutboundError::BadUrl)?;
    match url.scheme() {
        "https" => {}
        "http" if policy.is_http_allowed => {}
        "http" => return Err(OutboundError::NotHttps),
        _ => return Err(OutboundError::BadUrl),
    }
    if url.username() != "" || url.password().is_some() {
        return Err(OutboundError::BadUrl);
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") => {
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        }
        Some(url::Host::Domain(_)) => None,
        None => return Err(OutboundError::BadUrl),
    };
    if let Some(ip) = ip
        && !policy.is_private_allowed
        && !is_public(ip)
    {
        return Err(OutboundError::NotPublic);
    }
    Ok(url)
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT, RFC 6598
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, RFC 4193
        || (first & 0xffc0) == 0xfe80 // link local
        || first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
}

/// The resolver of every outbound request: resolves with the system and refuses the
/// answer when an address is not public (unless the policy allows private addresses).
struct GuardedResolver {
    is_private_allowed: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let is_private_allowed = self.is_private_allowed;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !is_private_allowed && (addrs.is_empty() || addrs.iter().any(|a| !is_public(a.ip()))) {
                return Err(REFUSED.into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "224.0.0.1",
        ] {
            assert!(!is_public(ip.parse().expect("ip")), "{ip}");
        }
        for ip in ["8.8.8.8", "193.191.245.1", "2a02:1800::1"] {
            assert!(is_public(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_request() {
        let strict = OutboundPolicy::strict();
        assert!(matches!(check_url("http://example.com/jwks", strict), Err(OutboundError::NotHttps)));
        assert!(matches!(check_url("https://127.0.0.1/jwks", strict), Err(OutboundError::NotPublic)));
        assert!(matches!(check_url("https://[::1]/jwks", strict), Err(OutboundError::NotPublic)));
        assert!(matches!(check_url("https://169.254.169.254/latest", strict), Err(OutboundError::NotPublic)));
        assert!(matches!(check_url("https://localhost/jwks", strict), Err(OutboundError::NotPublic)));
        assert!(matches!(check_url("file:///etc/passwd", strict), Err(OutboundError::BadUrl)));
        assert!(matches!(check_url("gopher://example.com/", strict), Err(OutboundError::BadUrl)));
        assert!(matches!(check_url("https://user:pw@example.com/", strict), Err(OutboundError::BadUrl)));
        assert!(check_url("https://example.com/jwks", strict).is_ok());
        assert!(check_url("http://127.0.0.1:9000/jwks", OutboundPolicy::demo()).is_ok());
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_at_connect_time() {
        let outbound =
            Outbound::new(OutboundPolicy { is_http_allowed: true, ..OutboundPolicy::strict() }, None, "test")
                .expect("client");
        // `localhost.` with a trailing dot passes the literal check and resolves to loopback.
        let err = outbound.get("http://localhost.:9/").await.expect_err("refused");
        assert!(matches!(err, OutboundError::NotPublic | OutboundError::Transport(_)), "{err}");
    }

    #[tokio::test]
    async fn a_body_larger_than_the_limit_is_not_read() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let app = axum::Router::new().route("/big", axum::routing::get(|| async { "x".repeat(10_000) }));
            axum::serve(listener, app).await.expect("serve");
        });
        let policy = OutboundPolicy { max_body_bytes: 1000, ..OutboundPolicy::demo() };
        let outbound = Outbound::new(policy, None, "test").expect("client");
        let err = outbound.get(&format!("http://{address}/big")).await.expect_err("too large");
        assert!(matches!(err, OutboundError::TooLarge(1000)), "{err}");
    }
}
