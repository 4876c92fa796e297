//! Sending one request as the browser would put it on the wire: HTTP/1.1 or HTTP/2 (ALPN), TLS with
//! the system's roots (plus `--cacert`, or none checked with `--insecure`), the proxy variables, a
//! timeout, no cookies, and no redirect followed (the probe follows them itself, by the browser's
//! rules). A failure below HTTP is named with Chromium's net error, so the engine reads it as the
//! browser's capture would.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;

use crate::exchange::HeaderList;
use crate::headers::bytes_of;

/// How to connect, from the command line.
#[derive(Debug, Clone)]
pub struct Connect {
    /// PEM certificates trusted besides the system's roots.
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: Duration,
}

/// What came back: the status and the headers as bytes (one code point per byte, as the engine
/// holds them), and the HTTP version for the report.
#[derive(Debug, Clone)]
pub struct Received {
    pub status: u16,
    pub headers: HeaderList,
    pub version: String,
}

/// A request that got no HTTP response: Chromium's name for it and what the client said.
#[derive(Debug, Clone)]
pub struct NetError {
    /// `net::ERR_TIMED_OUT`, `net::ERR_CONNECTION_REFUSED`, ...
    pub net_error: String,
    pub message: String,
}

pub struct Sender {
    client: Client,
}

impl Sender {
    /// Errors are usage errors: an unreadable `--cacert`, or a TLS setup that cannot be built.
    pub fn new(connect: &Connect) -> Result<Sender, String> {
        let mut builder = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(connect.timeout)
            .connect_timeout(connect.timeout)
            .http1_title_case_headers()
            .use_rustls_tls()
            .danger_accept_invalid_certs(connect.insecure);
        if let Some(path) = &connect.cacert {
            let pem = std::fs::read(path).map_err(|e| format!("cannot read --cacert {}: {e}", path.display()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| format!("--cacert {}: {e}", path.display()))?;
            if certificates.is_empty() {
                return Err(format!("--cacert {}: no PEM certificate in it", path.display()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder.build().map_err(|e| format!("cannot set up the HTTP client: {}", chain(&e)))?;
        Ok(Sender { client })
    }

    /// Sends `method url` with exactly `headers` (no body) and reads the response head.
    pub fn send(&self, method: &str, url: &str, headers: &HeaderList) -> Result<Received, NetError> {
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| usage(format!("'{method}' is not an HTTP method")))?;
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| usage(format!("'{name}' is not a header name")))?;
            let bytes: Vec<u8> = bytes_of(value).collect();
            let value = HeaderValue::from_bytes(&bytes).map_err(|_| usage(format!("the value of {name} has a byte HTTP forbids")))?;
            map.append(name, value);
        }
        let response = self.client.request(method, url).headers(map).send().map_err(|e| classify(&e))?;
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().iter().map(|&b| char::from(b)).collect()))
            .collect();
        Ok(Received { status: response.status().as_u16(), headers, version: format!("{:?}", response.version()) })
    }
}

fn usage(message: String) -> NetError {
    NetError { net_error: "net::ERR_INVALID_ARGUMENT".to_owned(), message }
}

/// The error and its causes in one line: reqwest's own message says only "error sending request".
fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// Chromium's net error for a failed request. The client's errors are told apart by their causes'
/// kinds where they have one (timeout, refused, reset) and by their words otherwise (DNS, TLS).
fn classify(error: &reqwest::Error) -> NetError {
    let message = chain(error);
    let io_kind = {
        let mut source: Option<&dyn std::error::Error> = Some(error);
        let mut kind = None;
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                kind = Some(io.kind());
            }
            source = cause.source();
        }
        kind
    };
    let lower = message.to_ascii_lowercase();
    let name = if error.is_timeout() || io_kind == Some(std::io::ErrorKind::TimedOut) {
        "ERR_TIMED_OUT"
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        "ERR_CONNECTION_REFUSED"
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") || lower.contains("name or service not known") {
        "ERR_NAME_NOT_RESOLVED"
    } else if lower.contains("unknownissuer") || lower.contains("unknown issuer") || lower.contains("self-signed") {
        "ERR_CERT_AUTHORITY_INVALID"
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        "ERR_CERT_COMMON_NAME_INVALID"
    } else if lower.contains("expired") {
        "ERR_CERT_DATE_INVALID"
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") || lower.contains("ssl") {
        "ERR_SSL_PROTOCOL_ERROR"
    } else if matches!(io_kind, Some(std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::UnexpectedEof))
        || lower.contains("connection closed")
    {
        "ERR_CONNECTION_RESET"
    } else {
        "ERR_FAILED"
    };
    NetError { net_error: format!("net::{name}"), message }
}
