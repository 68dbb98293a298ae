//! The client's address: the TCP peer, or — only when the peer is one of
//! `server.trusted_proxies` — the right-most address in `X-Forwarded-For` that is not a
//! trusted proxy (each proxy appends the address it saw, so everything left of the first
//! untrusted hop may be forged by the client). One helper, used wherever Poort keys
//! something on the client address (password throttling).

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;

use crate::web::shell::WebShell;

/// An address range such as `10.0.0.0/8` or `::1/128` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| format!("{s:?} is not an IP address or CIDR"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("{s:?}: bad prefix"))?
            }
            None => max,
        };
        Ok(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl TryFrom<String> for Cidr {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Cidr> for String {
    fn from(c: Cidr) -> Self {
        c.to_string()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:a.b.c.d`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The client address of a request from `peer` carrying the `X-Forwarded-For` header
/// values `forwarded_for` (in order). The header is read only when `peer` is trusted.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[Cidr],
) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    let hops: Vec<&str> = forwarded_for.into_iter().flat_map(|v| v.split(',')).collect();
    for hop in hops.iter().rev() {
        let hop = hop.trim();
        let Some(ip) = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        else {
            break; // garbage: keep the last address a trusted proxy vouched for
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    client
}

/// Extractor: the client address of this request (see [`client_address`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
        let forwarded_for = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        let trusted =
            parts.extensions.get::<WebShell>().map(|s| s.trusted_proxies().to_vec()).unwrap_or_default();
        Ok(Self(client_address(peer, forwarded_for, &trusted)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn proxies() -> Vec<Cidr> {
        ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"].map(|c| Cidr::parse(c).expect("cidr")).to_vec()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        assert_eq!(client_address(ip("127.0.0.1"), ["203.0.113.9"], &[]), ip("127.0.0.1"));
    }

    #[test]
    fn a_spoofed_header_from_an_untrusted_peer_is_ignored() {
        assert_eq!(client_address(ip("198.51.100.7"), ["203.0.113.9"], &proxies()), ip("198.51.100.7"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_counts() {
        assert_eq!(client_address(ip("127.0.0.1"), ["203.0.113.9"], &proxies()), ip("203.0.113.9"));
    }

    #[test]
    fn through_a_chain_of_proxies_the_right_most_untrusted_address_counts() {
        // The client forged "1.2.3.4"; the edge proxy 10.0.0.2 appended the real client,
        // the inner proxy 10.0.0.3 appended the edge proxy, the peer is 127.0.0.1.
        let header = ["1.2.3.4, 203.0.113.9", "10.0.0.2"];
        assert_eq!(client_address(ip("127.0.0.1"), header, &proxies()), ip("203.0.113.9"));
    }

    #[test]
    fn when_every_hop_is_trusted_the_left_most_one_counts() {
        assert_eq!(client_address(ip("127.0.0.1"), ["10.0.0.5, 10.0.0.2"], &proxies()), ip("10.0.0.5"));
    }

    #[test]
    fn a_garbage_hop_stops_the_walk_at_the_last_trusted_address() {
        assert_eq!(client_address(ip("127.0.0.1"), ["203.0.113.9, nonsense"], &proxies()), ip("127.0.0.1"));
        assert_eq!(client_address(ip("127.0.0.1"), Vec::<&str>::new(), &proxies()), ip("127.0.0.1"));
    }

    #[test]
    fn ipv4_mapped_peers_and_ipv6_ranges_match() {
        assert_eq!(client_address(ip("::ffff:127.0.0.1"), ["203.0.113.9"], &proxies()), ip("203.0.113.9"));
        assert_eq!(client_address(ip("fd12::1"), ["[2001:db8::1]:443"], &proxies()), ip("2001:db8::1"));
    }

    #[test]
    fn a_bad_cidr_is_refused() {
        for bad in ["10.0.0.0/33", "nonsense", "::/129", "10.0.0.0/x"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Cidr::parse("10.1.2.3").expect("bare").to_string(), "10.1.2.3/32");
    }
}
