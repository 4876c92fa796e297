//! Failures that read as CORS in the page (`TypeError: Failed to fetch`) but are not: the request
//! was refused by the page's own rules, an extension, or the network. Named from Chromium's net
//! error (`net/base/net_error_list.h`) as webRequest or DevTools reported it, or from the exchange
//! itself (mixed content), and never turned into a CORS error.

use serde::{Deserialize, Serialize};

use crate::exchange::Exchange;
use crate::origin::{Origin, ParsedUrl};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkFailure {
    /// An HTTPS page calling `http://`: Chromium blocks it before any request exists.
    MixedContent,
    /// The page's Content-Security-Policy (`connect-src`) refused the URL.
    ContentSecurityPolicy,
    /// An extension (an ad or privacy blocker) or a policy blocked the request.
    BlockedByClient,
    NameNotResolved,
    ConnectionRefused,
    ConnectionReset,
    Tls,
    TimedOut,
    /// The page (an AbortController, a navigation) or the browser cancelled it.
    Cancelled,
    /// A port browsers never connect to (`net::ERR_UNSAFE_PORT`).
    UnsafePort,
}

impl NetworkFailure {
    /// The failure a net error names; `None` for `net::ERR_FAILED` (what every CORS refusal reports) and
    /// errors that say nothing a person can act on.
    pub fn from_net_error(error: &str) -> Option<NetworkFailure> {
        let name = error.trim().strip_prefix("net::").unwrap_or(error.trim());
        Some(match name {
            "ERR_BLOCKED_BY_CSP" => NetworkFailure::ContentSecurityPolicy,
            "ERR_BLOCKED_BY_CLIENT" | "ERR_BLOCKED_BY_ADMINISTRATOR" => NetworkFailure::BlockedByClient,
            "ERR_NAME_NOT_RESOLVED" | "ERR_NAME_RESOLUTION_FAILED" => NetworkFailure::NameNotResolved,
            "ERR_CONNECTION_REFUSED" | "ERR_ADDRESS_UNREACHABLE" => NetworkFailure::ConnectionRefused,
            "ERR_CONNECTION_RESET" | "ERR_CONNECTION_CLOSED" | "ERR_EMPTY_RESPONSE" | "ERR_CONNECTION_ABORTED" => NetworkFailure::ConnectionReset,
            "ERR_TIMED_OUT" | "ERR_CONNECTION_TIMED_OUT" => NetworkFailure::TimedOut,
            "ERR_ABORTED" => NetworkFailure::Cancelled,
            "ERR_UNSAFE_PORT" => NetworkFailure::UnsafePort,
            _ if name.starts_with("ERR_CERT_") || name.starts_with("ERR_SSL_") => NetworkFailure::Tls,
            _ => return None,
        })
    }

    /// The list's one-line reason.
    pub fn label(self) -> &'static str {
        match self {
            NetworkFailure::MixedContent => "Mixed content: an HTTPS page calling http://",
            NetworkFailure::ContentSecurityPolicy => "Refused by the page's Content-Security-Policy",
            NetworkFailure::BlockedByClient => "Blocked by an extension (ad or privacy blocker)",
            NetworkFailure::NameNotResolved => "The host name does not resolve (DNS)",
            NetworkFailure::ConnectionRefused => "Connection refused: nothing listens there",
            NetworkFailure::ConnectionReset => "The connection was closed or reset",
            NetworkFailure::Tls => "TLS failed (certificate or handshake)",
            NetworkFailure::TimedOut => "Timed out",
            NetworkFailure::Cancelled => "Cancelled before it finished",
            NetworkFailure::UnsafePort => "A port browsers refuse to use",
        }
    }

    /// What happened and what to do, in plain words (`url`: the request's URL).
    pub fn explain(self, url: &ParsedUrl, page_origin: &str) -> (String, String, String) {
        let host = url.host_header();
        let (what, details, todo): (String, String, &str) = match self {
            NetworkFailure::MixedContent => (
                format!("Mixed content: the HTTPS page {page_origin} may not call http://{host}."),
                "Chromium blocks an HTTPS page's requests to plain http:// before anything is sent, so no server ever saw it and no CORS check ran.".to_owned(),
                "Call the API over https://. For a device on the local network that has no certificate, declare it with fetch(url, {targetAddressSpace: 'local'}), which lets a secure page reach it over http once the user grants local network access.",
            ),
            NetworkFailure::ContentSecurityPolicy => (
                format!("The page's Content-Security-Policy refused {host}."),
                "The page's own policy (connect-src, or default-src) does not list this origin, so the browser refused the request before sending it. The API server is not involved.".to_owned(),
                "Add the API's origin to connect-src in the Content-Security-Policy the page is served with (header or <meta>).",
            ),
            NetworkFailure::BlockedByClient => (
                "An extension or a policy blocked the request (net::ERR_BLOCKED_BY_CLIENT).".to_owned(),
                "An ad blocker, a privacy extension or an administrator's rule stopped the request inside the browser; it never left it. URLs containing words like ads, track, analytics or beacon are typical targets.".to_owned(),
                "Try with extensions disabled (a guest window): if it works, allow the site in the blocker, or rename the path.",
            ),
            NetworkFailure::NameNotResolved => (
                format!("The host {host} does not resolve."),
                "DNS found no address for this name, so no connection was made. It is a typo, a name only another network knows, or a DNS record that does not exist yet.".to_owned(),
                "Check the URL's host name and its DNS record.",
            ),
            NetworkFailure::ConnectionRefused => (
                format!("Nothing accepts connections at {host}."),
                "The address answered, but no server listens on that port (or a firewall rejected it). The request never reached an application, so no header could have been read.".to_owned(),
                "Start the server, or fix the port in the URL.",
            ),
            NetworkFailure::ConnectionReset => (
                format!("The connection to {host} was closed before a response came."),
                "The server or something in between (proxy, load balancer) dropped the connection without an HTTP answer: a crash, a protocol mismatch (http to an https port), or a size limit.".to_owned(),
                "Look at the server's and the proxy's logs for this request.",
            ),
            NetworkFailure::Tls => (
                format!("The TLS connection to {host} failed."),
                "The certificate is not trusted, expired or for another name, or the handshake failed. The request was never sent.".to_owned(),
                "Open the URL in a tab to see the certificate error, and serve a valid certificate.",
            ),
            NetworkFailure::TimedOut => (
                format!("{host} did not answer in time."),
                "No response came before the timeout: the host is unreachable, filtered by a firewall, or the server is stuck.".to_owned(),
                "Check that the host is reachable from this machine and that the server responds.",
            ),
            NetworkFailure::Cancelled => (
                "The request was cancelled.".to_owned(),
                "The page aborted it (an AbortController, a timeout in its code) or navigated away before it finished. Nothing failed on the server's side.".to_owned(),
                "If it was not meant to be cancelled, look at the page's timeout or abort logic.",
            ),
            NetworkFailure::UnsafePort => (
                format!("Browsers never connect to the port of {host}."),
                "The port is on the browser's list of ports reserved for other protocols (SMTP, FTP, ...); the request is refused before any connection.".to_owned(),
                "Serve the API on another port.",
            ),
        };
        (what, format!("{details} This is not CORS: no response header changes it."), todo.to_owned())
    }
}

/// The failure a request that got nothing back met, when the capture says which.
pub fn classify(exchange: &Exchange, url: &ParsedUrl, page_origin: Option<&Origin>) -> Option<NetworkFailure> {
    let nothing_back = exchange.response.is_none() && exchange.redirects.is_empty();
    let named = exchange.net_error.as_deref().and_then(NetworkFailure::from_net_error);
    let mixed = page_origin.is_some_and(|o| o.scheme == "https")
        && url.scheme == "http"
        && url.origin().is_some_and(|o| !o.is_potentially_trustworthy())
        && exchange.request.declared_target_address_space.is_none();
    match named {
        Some(failure) => Some(failure),
        None if nothing_back && mixed && exchange.outcome != crate::exchange::Outcome::Succeeded => Some(NetworkFailure::MixedContent),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_errors_name_their_failure() {
        assert_eq!(NetworkFailure::from_net_error("net::ERR_BLOCKED_BY_CLIENT"), Some(NetworkFailure::BlockedByClient));
        assert_eq!(NetworkFailure::from_net_error("net::ERR_CERT_AUTHORITY_INVALID"), Some(NetworkFailure::Tls));
        assert_eq!(NetworkFailure::from_net_error("net::ERR_SSL_PROTOCOL_ERROR"), Some(NetworkFailure::Tls));
        assert_eq!(NetworkFailure::from_net_error("net::ERR_CONNECTION_REFUSED"), Some(NetworkFailure::ConnectionRefused));
        // What every CORS refusal reports says nothing by itself.
        assert_eq!(NetworkFailure::from_net_error("net::ERR_FAILED"), None);
        assert_eq!(NetworkFailure::from_net_error(""), None);
    }
}
