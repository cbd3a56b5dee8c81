//! Who is on the other end: the client's address, as the socket saw it or, behind a
//! reverse proxy the operator trusts, as that proxy reports it in `X-Forwarded-For`.
//!
//! Throttling counts per client address, so the address must not be forgeable: the
//! header is read only when the connection comes from a trusted proxy, and then from the
//! right, skipping trusted hops, so a client cannot prepend addresses of its own choosing.

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The header reverse proxies append the client address to.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// One address or a network (`10.0.0.0/8`, `::1`) whose connections are proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Network, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or network (10.0.0.0/8, ::1)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?} has a prefix length outside 0..={max}"))?,
        };
        Ok(Network { addr, prefix })
    }
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:1.2.3.4`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<Network>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address for a connection from `peer` carrying `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // Every X-Forwarded-For header, in order, as one list; hops are appended.
        let mut hops: Vec<IpAddr> = Vec::new();
        for value in headers.get_all(FORWARDED_FOR) {
            let Ok(value) = value.to_str() else {
                return peer;
            };
            for hop in value.split(',') {
                match hop.trim().parse::<IpAddr>() {
                    Ok(ip) => hops.push(canonical(ip)),
                    // A garbled list cannot be trusted past this point.
                    Err(_) => return peer,
                }
            }
        }
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

/// The client's address ("unknown" when served without socket information).
pub struct ClientAddr(pub String);

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    TrustedProxies: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ci| {
                    TrustedProxies::from_ref(state)
                        .client(ci.0.ip(), &parts.headers)
                        .to_string()
                })
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(FORWARDED_FOR, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(list.iter().map(|n| n.parse().expect("network")).collect())
    }

    #[test]
    fn networks_parse_and_match() {
        let net: Network = "10.1.0.0/16".parse().expect("parses");
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")));
        let one: Network = "::1".parse().expect("parses");
        assert!(one.contains(ip("::1")) && !one.contains(ip("::2")));
        let all: Network = "0.0.0.0/0".parse().expect("parses");
        assert!(all.contains(ip("203.0.113.9")));
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("example.org".parse::<Network>().is_err());
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let h = forwarded(&["198.51.100.7"]);
        assert_eq!(
            TrustedProxies::default().client(ip("127.0.0.1"), &h),
            ip("127.0.0.1")
        );
        let trusted = proxies(&["127.0.0.1"]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        assert_eq!(trusted.client(ip("192.0.2.1"), &h), ip("192.0.2.1"));
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        // The client forged the first entry; the proxies appended the rest.
        let h = forwarded(&["1.2.3.4, 198.51.100.7", "10.0.0.5"]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Every hop trusted: the leftmost is as far as anyone can tell.
        let h = forwarded(&["10.0.0.9, 10.0.0.5"]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("10.0.0.9"));
        // A garbled list is ignored.
        let h = forwarded(&["198.51.100.7, not-an-ip"]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }
}
