//! Local Network Access (the WICG proposal Chromium ships since 142, successor of Private Network
//! Access): which address space the page and the target are in, and whether Chromium lets the page
//! reach the target. Chromium 156: `services/network/local_network_access_checker.cc` (the order of
//! the checks) and `public/cpp/ip_address_space_util.cc` (IP ranges, comparisons).
//!
//! A capture rarely knows both spaces: webRequest reports no `ip` for a request that LNA stopped, and
//! a page may be declared public by policy or `--ip-address-space-overrides`, which no IP shows. So the
//! network error Chromium reports for an LNA refusal counts as evidence too, and every guess is said.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::error::{CorsError, Failure};
use crate::exchange::{AddressSpace, Exchange, Outcome, Permission};
use crate::network_failure::NetworkFailure;
use crate::origin::{Origin, ParsedUrl};

/// The network error webRequest (and DevTools, for a preflight) reports when LNA stopped a request.
pub const BLOCKED_NET_ERROR: &str = "net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS";

/// Chromium's non-public ranges (`NonPublicAddressSpaceMap`); everything else is public.
pub fn space_of_ip(ip: IpAddr) -> AddressSpace {
    match ip {
        IpAddr::V4(v4) => space_of_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => space_of_v4(v4),
            None if v6 == Ipv6Addr::LOCALHOST => AddressSpace::Loopback,
            // fc00::/7 unique-local, fe80::/10 link-local.
            None if (v6.segments()[0] & 0xfe00) == 0xfc00 || (v6.segments()[0] & 0xffc0) == 0xfe80 => AddressSpace::Local,
            None => AddressSpace::Public,
        },
    }
}

fn space_of_v4(v4: Ipv4Addr) -> AddressSpace {
    let [a, b, ..] = v4.octets();
    match (a, b) {
        (127, _) => AddressSpace::Loopback,
        (10, _) | (192, 168) | (169, 254) => AddressSpace::Local,
        (172, 16..=31) => AddressSpace::Local,
        _ => AddressSpace::Public,
    }
}

/// The space of an IP address as captured (`"127.0.0.1"`, `"::1"`, `"[::1]"`); `None` when it is not one.
pub fn space_of_ip_text(text: &str) -> Option<AddressSpace> {
    let bare = text.trim().trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().ok().map(space_of_ip)
}

/// What the URL alone says (Chromium's `GetAddressSpaceFromUrl`): an IP literal, `localhost` and
/// `*.localhost` (always loopback), `*.local` (mDNS, the local network). Other names need their IP.
pub fn space_of_host(host: &str) -> Option<AddressSpace> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if let Some(space) = space_of_ip_text(&host) {
        return Some(space);
    }
    if host == "localhost" || host.ends_with(".localhost") {
        Some(AddressSpace::Loopback)
    } else if host.ends_with(".local") {
        Some(AddressSpace::Local)
    } else {
        None
    }
}

/// `IsLessPublicAddressSpaceLNA`: loopback and local count as one, so a local page may call loopback.
pub fn is_less_public(target: AddressSpace, page: AddressSpace) -> bool {
    let rank = |space| if space == AddressSpace::Public { 1 } else { 0 };
    rank(target) < rank(page)
}

/// What the engine knows about the request's Local Network Access, and how it knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalNetwork {
    /// The page's address space, when known or implied.
    pub page: Option<AddressSpace>,
    /// The target's address space, when known or implied.
    pub target: Option<AddressSpace>,
    pub secure_context: bool,
    /// The target is more private than the page: Chromium asks the user (secure page) or refuses (insecure page).
    pub local_network_request: bool,
    /// The page's permission, as given or as the outcome implies.
    pub permission: Option<Permission>,
    /// The target answered the request: LNA let it through (a browser or policy without it, or the permission).
    #[serde(default)]
    pub answered: bool,
    /// What was assumed, in plain words.
    pub because: Vec<String>,
}

/// Gathers the spaces: the input's own, else from the captured IPs, else from the URL; an LNA
/// network error implies what the capture could not see (the page is public to Chromium).
pub fn assess(exchange: &Exchange, url: &ParsedUrl, page_origin: Option<&Origin>) -> LocalNetwork {
    let request = &exchange.request;
    let mut because = Vec::new();
    let secure_context = request.secure_context.unwrap_or_else(|| page_origin.is_some_and(Origin::is_potentially_trustworthy));
    let mut page = request
        .initiator_address_space
        .or_else(|| request.initiator_ip.as_deref().and_then(space_of_ip_text))
        .or_else(|| page_origin.and_then(|o| space_of_host(&o.host)));
    let mut target = request
        .target_address_space
        .or_else(|| request.target_ip.as_deref().and_then(space_of_ip_text))
        .or_else(|| space_of_host(&url.host));
    let lna_error = [exchange.net_error.as_deref(), exchange.preflight.as_ref().and_then(|p| p.net_error.as_deref())]
        .into_iter()
        .flatten()
        .any(|e| e == BLOCKED_NET_ERROR);
    if lna_error {
        if target.is_none() {
            target = Some(AddressSpace::Local);
            because.push("the target's address space is not in the capture; Chromium's refusal means it is loopback or local, and local was assumed".to_owned());
        }
        if page != Some(AddressSpace::Public) && request.initiator_address_space.is_none() {
            page = Some(AddressSpace::Public);
            because.push(format!(
                "Chromium refused the request with {BLOCKED_NET_ERROR}, so it treats the page as public (its own IP may say otherwise: a policy or --ip-address-space-overrides can declare it)"
            ));
        }
    }
    let local_network_request = matches!((page, target), (Some(p), Some(t)) if is_less_public(t, p));
    // An answer to the request means LNA let it through; one to its preflight means the permission was there
    // (a live probe's answer is the extension's, exempt from LNA: it comes as a preflight and proves nothing).
    // A failure with nothing back and no network error of its own is what a refusal looks like.
    let answered = exchange.outcome == Outcome::Succeeded || exchange.response.is_some() || !exchange.redirects.is_empty();
    let preflight_answered = exchange.preflight.as_ref().is_some_and(|p| p.response.is_some());
    let failed_below_http = [exchange.net_error.as_deref(), exchange.preflight.as_ref().and_then(|p| p.net_error.as_deref())]
        .into_iter()
        .flatten()
        .any(|e| NetworkFailure::from_net_error(e).is_some());
    let permission = request.local_network_permission.or_else(|| {
        if !(local_network_request && secure_context) {
            return None;
        }
        match exchange.outcome {
            _ if lna_error => Some(Permission::Denied),
            _ if answered || preflight_answered => Some(Permission::Granted),
            Outcome::Failed if !failed_below_http => Some(Permission::Denied),
            _ => None,
        }
    });
    if request.local_network_permission.is_none() && permission.is_some() {
        because.push("the capture does not show the page's local network permission; it was read from the outcome".to_owned());
    }
    LocalNetwork { page, target, secure_context, local_network_request, permission, answered: answered && !lna_error, because }
}

/// `assess` for an exchange as given (a live probe judges its answer as the page would be judged).
pub fn assess_exchange(exchange: &Exchange) -> Option<LocalNetwork> {
    let url = ParsedUrl::parse(&exchange.request.url).ok()?;
    let origin = crate::origin::parse_serialized_origin(&exchange.request.origin).ok()?;
    Some(assess(exchange, &url, origin.as_ref()))
}

/// The LNA step, in Chromium's order: a declared `targetAddressSpace` that the target does not
/// match, then (for a local network request) an insecure page, then the permission.
pub fn check(lna: &LocalNetwork, declared: Option<AddressSpace>) -> Option<Failure> {
    if let (Some(declared), Some(target)) = (declared, lna.target) {
        if declared != target {
            return Some(Failure::new(CorsError::InvalidLocalNetworkAccess, ""));
        }
    }
    if !lna.local_network_request || lna.answered {
        return None;
    }
    if !lna.secure_context {
        return Some(Failure::new(CorsError::InsecureLocalNetwork, ""));
    }
    match lna.permission {
        Some(Permission::Granted) | None => None,
        Some(Permission::Denied | Permission::Prompt) => Some(Failure::new(CorsError::LocalNetworkAccessPermissionDenied, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_fall_in_chromiums_ranges() {
        for (ip, space) in [
            ("127.0.0.1", AddressSpace::Loopback),
            ("127.9.9.9", AddressSpace::Loopback),
            ("::1", AddressSpace::Loopback),
            ("[::ffff:127.0.0.1]", AddressSpace::Loopback),
            ("10.1.2.3", AddressSpace::Local),
            ("172.16.0.1", AddressSpace::Local),
            ("172.31.255.255", AddressSpace::Local),
            ("192.168.1.1", AddressSpace::Local),
            ("169.254.169.254", AddressSpace::Local),
            ("fd00::1", AddressSpace::Local),
            ("fe80::1", AddressSpace::Local),
            ("172.32.0.1", AddressSpace::Public),
            ("8.8.8.8", AddressSpace::Public),
            ("2001:db8::1", AddressSpace::Public),
        ] {
            assert_eq!(space_of_ip_text(ip), Some(space), "{ip}");
        }
        assert_eq!(space_of_ip_text("not an ip"), None);
    }

    #[test]
    fn hosts_say_what_they_can() {
        assert_eq!(space_of_host("localhost"), Some(AddressSpace::Loopback));
        assert_eq!(space_of_host("api.localhost"), Some(AddressSpace::Loopback));
        assert_eq!(space_of_host("printer.local"), Some(AddressSpace::Local));
        assert_eq!(space_of_host("[::1]"), Some(AddressSpace::Loopback));
        assert_eq!(space_of_host("example.com"), None);
    }

    #[test]
    fn only_public_pages_meet_lna() {
        use AddressSpace::*;
        assert!(is_less_public(Loopback, Public) && is_less_public(Local, Public));
        // Chromium 156 collapses local and loopback: a local page may call loopback.
        assert!(!is_less_public(Loopback, Local) && !is_less_public(Local, Loopback));
        assert!(!is_less_public(Public, Public) && !is_less_public(Public, Loopback));
    }
}
