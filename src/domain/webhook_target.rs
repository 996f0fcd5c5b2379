//! Where a webhook may be sent (server-side request forgery): an `http(s)` URL
//! whose addresses are all public, unless the settings allow loopback or
//! private networks (tests, a receiver on the same host or LAN). Link-local
//! addresses, the cloud metadata address and unspecified addresses are never
//! allowed. The check runs on the addresses the host resolves to, at
//! subscription time and again before every attempt (DNS can change), and the
//! attempt connects to the address that was checked.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::Url;

/// Which non-public addresses a deployment allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    pub allow_loopback: bool,
    pub allow_private: bool,
}

/// Why a target is refused: the rule it breaks (also the `errors[].code`
/// message of a 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not an absolute `http://` or `https://` URL with a host.
    NotHttp,
    /// A user name or password in the URL.
    Credentials,
    /// The host does not resolve.
    Unresolvable(String),
    /// One of the resolved addresses is not allowed.
    Address(IpAddr, AddressRule),
}

/// The address ranges that are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRule {
    /// 169.254.169.254: the cloud instance metadata service.
    Metadata,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// 0.0.0.0/8, `::`.
    Unspecified,
    /// 127.0.0.0/8, `::1` (unless `WEBHOOK_ALLOW_LOOPBACK`).
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 (unless `WEBHOOK_ALLOW_PRIVATE`).
    Private,
    /// Multicast and broadcast.
    Multicast,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotHttp => f.write_str("must be an absolute http:// or https:// URL with a host"),
            Self::Credentials => f.write_str("must not carry a user name or password"),
            Self::Unresolvable(host) => write!(f, "the host {host} does not resolve"),
            Self::Address(ip, rule) => write!(f, "resolves to {ip}, {}", rule.describe()),
        }
    }
}

impl AddressRule {
    fn describe(self) -> &'static str {
        match self {
            Self::Metadata => "the cloud metadata address, which webhooks may never reach",
            Self::LinkLocal => "a link-local address, which webhooks may never reach",
            Self::Unspecified => "an unspecified address, which webhooks may never reach",
            Self::Loopback => "a loopback address (allowed only with WEBHOOK_ALLOW_LOOPBACK=true)",
            Self::Private => "a private network address (allowed only with WEBHOOK_ALLOW_PRIVATE=true)",
            Self::Multicast => "a multicast or broadcast address, which webhooks may never reach",
        }
    }
}

/// A URL that may be a webhook target as far as its form goes; its addresses are
/// checked with [`check_address`] once resolved.
#[derive(Debug, Clone)]
pub struct TargetUrl {
    pub url: Url,
    pub host: String,
    pub port: u16,
}

/// Parses `text` as a target URL: `http` or `https`, a host, no credentials.
pub fn parse_url(text: &str) -> Result<TargetUrl, Refusal> {
    let url = Url::parse(text.trim()).map_err(|_| Refusal::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::NotHttp);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Credentials);
    }
    let host = match url.host() {
        Some(url::Host::Domain(domain)) if !domain.is_empty() => domain.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => return Err(Refusal::NotHttp),
    };
    let port = url.port_or_known_default().ok_or(Refusal::NotHttp)?;
    Ok(TargetUrl { url, host, port })
}

/// Whether `ip` may be reached under `policy`.
pub fn check_address(ip: IpAddr, policy: AddressPolicy) -> Result<(), Refusal> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    let rule = match ip {
        IpAddr::V4(v4) => v4_rule(v4),
        IpAddr::V6(v6) => v6_rule(v6),
    };
    match rule {
        None => Ok(()),
        Some(AddressRule::Loopback) if policy.allow_loopback => Ok(()),
        Some(AddressRule::Private) if policy.allow_private => Ok(()),
        Some(rule) => Err(Refusal::Address(ip, rule)),
    }
}

fn v4_rule(ip: Ipv4Addr) -> Option<AddressRule> {
    let [a, b, ..] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        Some(AddressRule::Metadata)
    } else if ip.is_link_local() {
        Some(AddressRule::LinkLocal)
    } else if a == 0 {
        Some(AddressRule::Unspecified)
    } else if ip.is_loopback() {
        Some(AddressRule::Loopback)
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some(AddressRule::Private)
    } else if ip.is_multicast() || ip.is_broadcast() {
        Some(AddressRule::Multicast)
    } else {
        None
    }
}

fn v6_rule(ip: Ipv6Addr) -> Option<AddressRule> {
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Some(AddressRule::Unspecified)
    } else if ip.is_loopback() {
        Some(AddressRule::Loopback)
    } else if first & 0xffc0 == 0xfe80 {
        Some(AddressRule::LinkLocal)
    } else if first & 0xfe00 == 0xfc00 {
        Some(AddressRule::Private)
    } else if ip.is_multicast() {
        Some(AddressRule::Multicast)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(ip: &str, policy: AddressPolicy) -> Option<AddressRule> {
        match check_address(ip.parse().unwrap(), policy) {
            Ok(()) => None,
            Err(Refusal::Address(_, rule)) => Some(rule),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn metadata_link_local_and_unspecified_are_never_allowed() {
        let open = AddressPolicy { allow_loopback: true, allow_private: true };
        assert_eq!(refused("169.254.169.254", open), Some(AddressRule::Metadata));
        assert_eq!(refused("169.254.10.1", open), Some(AddressRule::LinkLocal));
        assert_eq!(refused("fe80::1", open), Some(AddressRule::LinkLocal));
        assert_eq!(refused("0.0.0.0", open), Some(AddressRule::Unspecified));
        assert_eq!(refused("::", open), Some(AddressRule::Unspecified));
        assert_eq!(refused("::ffff:169.254.169.254", open), Some(AddressRule::Metadata));
    }

    #[test]
    fn loopback_and_private_only_when_allowed() {
        let strict = AddressPolicy::default();
        assert_eq!(refused("127.0.0.1", strict), Some(AddressRule::Loopback));
        assert_eq!(refused("::1", strict), Some(AddressRule::Loopback));
        assert_eq!(refused("10.1.2.3", strict), Some(AddressRule::Private));
        assert_eq!(refused("100.64.0.1", strict), Some(AddressRule::Private));
        assert_eq!(refused("fd00::1", strict), Some(AddressRule::Private));
        assert_eq!(refused("127.0.0.1", AddressPolicy { allow_loopback: true, allow_private: false }), None);
        assert_eq!(refused("93.184.216.34", strict), None);
    }

    #[test]
    fn urls_are_http_with_a_host_and_no_credentials() {
        assert_eq!(parse_url("https://example.kz/hook").unwrap().port, 443);
        assert_eq!(parse_url("http://[::1]:8080/").unwrap().host, "::1");
        assert_eq!(parse_url("ftp://example.kz").unwrap_err(), Refusal::NotHttp);
        assert_eq!(parse_url("not a url").unwrap_err(), Refusal::NotHttp);
        assert_eq!(parse_url("https://user:pw@example.kz").unwrap_err(), Refusal::Credentials);
    }
}
