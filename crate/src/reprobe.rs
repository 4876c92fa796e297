//! Asking the server again about a captured request, without sending the request itself:
//! "Send a live preflight" (the extension's own `OPTIONS`, carrying the page's `Origin` and the
//! `Access-Control-Request-*` headers the browser would send, fetch spec §CORS-preflight fetch
//! steps 1–5) and "Verify with Chrome" (the page sends the request again under the debugger, which
//! stops it once its preflight has passed). What to send and how the answer becomes an exchange
//! are CORS knowledge, so they live here; the extension only carries them out (docs/live-probe.md).

use serde::{Deserialize, Serialize};

use crate::exchange::{CredentialsMode, Exchange, HeaderList, Outcome, Preflight, Request, Response};
use crate::verdict::Verdict;

/// The preflight to send: what the browser would put in its `OPTIONS` for this request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeRequest {
    pub url: String,
    /// `Origin`: the page's origin.
    pub origin: String,
    /// `Access-Control-Request-Method`: the request's method.
    pub method: String,
    /// `Access-Control-Request-Headers`: the CORS-unsafe names, sorted and comma-joined; empty
    /// when there are none (the header is then not sent).
    pub headers: String,
    /// The three as the preflight's own header lines, in the order the browser writes them: what
    /// the extension sets on its `OPTIONS`, and what "Copy as curl" sends.
    pub request_headers: HeaderList,
}

impl ProbeRequest {
    /// The preflight for `request`, whose CORS-unsafe header names (sorted, lower-cased) are `unsafe_names`.
    pub fn new(request: &Request, unsafe_names: &[String]) -> ProbeRequest {
        let headers = unsafe_names.join(",");
        let mut request_headers = vec![
            ("Origin".to_owned(), request.origin.clone()),
            ("Access-Control-Request-Method".to_owned(), request.method.clone()),
        ];
        if !headers.is_empty() {
            request_headers.push(("Access-Control-Request-Headers".to_owned(), headers.clone()));
        }
        ProbeRequest { url: request.url.clone(), origin: request.origin.clone(), method: request.method.clone(), headers, request_headers }
    }
}

/// The preflight the browser would send for `exchange`.
pub fn probe_request(exchange: &Exchange, verdict: &Verdict) -> ProbeRequest {
    ProbeRequest::new(&exchange.request, &verdict.unsafe_header_names)
}

/// What came back for the probe's `OPTIONS`, as the extension observed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeAnswer {
    /// The request headers as sent (the extension's own, rewritten to the preflight's).
    pub request_headers: HeaderList,
    /// `None` when no HTTP response came back.
    pub status: Option<u16>,
    pub headers: HeaderList,
    /// The network error, when the `OPTIONS` failed below HTTP.
    pub error: Option<String>,
}

/// The captured exchange with the probe's `OPTIONS` as its preflight and nothing after it: the
/// verdict on it says whether the preflight passes today.
pub fn probe_exchange(captured: &Exchange, answer: &ProbeAnswer) -> Exchange {
    let preflight = match answer.status {
        Some(status) => Preflight {
            request_headers: answer.request_headers.clone(),
            response: Some(Response { status, headers: answer.headers.clone() }),
            net_error: None,
        },
        None => Preflight {
            request_headers: answer.request_headers.clone(),
            response: None,
            net_error: Some(answer.error.clone().unwrap_or_else(|| "net::ERR_FAILED".to_owned())),
        },
    };
    Exchange {
        request: captured.request.clone(),
        preflight: Some(preflight),
        redirects: Vec::new(),
        response: None,
        outcome: Outcome::Unknown,
    }
}

/// The request "Verify with Chrome" has the page send again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRequest {
    pub url: String,
    pub method: String,
    pub origin: String,
    /// The headers the page's script set.
    pub headers: HeaderList,
    /// fetch's `credentials`: `omit`, `same-origin` or `include`.
    pub credentials: CredentialsMode,
}

/// A value no safelist accepts (over 128 bytes, fetch spec §CORS-safelisted request-header), so
/// that Chrome announces the header again when only its name was captured.
const UNSAFE_PLACEHOLDER_LEN: usize = 129;

/// The captured request as the page would send it again: its credentials mode as captured, else
/// as the verdict inferred it, else fetch's default. A request blocked at its preflight never sent
/// its headers, so only their names are known (from the `OPTIONS`): each gets a value that keeps
/// it CORS-unsafe, so Chrome's preflight announces exactly those names again.
pub fn verify_request(exchange: &Exchange, verdict: &Verdict) -> VerifyRequest {
    let request = &exchange.request;
    let credentials = match request.credentials_mode {
        CredentialsMode::Unknown => verdict.inferred.credentials_mode.unwrap_or(CredentialsMode::SameOrigin),
        known => known,
    };
    let headers = if request.headers.is_empty() {
        verdict.unsafe_header_names.iter().map(|name| (name.clone(), "x".repeat(UNSAFE_PLACEHOLDER_LEN))).collect()
    } else {
        request.headers.clone()
    };
    VerifyRequest { url: request.url.clone(), method: request.method.clone(), origin: request.origin.clone(), headers, credentials }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    fn blocked_put() -> Exchange {
        serde_json::from_value(serde_json::json!({
            "request": {"method": "PUT", "url": "http://api.test/x?a=1", "origin": "http://app.test"},
            "preflight": {
                "request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-test,content-type"]],
                "response": {"status": 404, "headers": [["Access-Control-Allow-Origin", "http://app.test"]]}
            },
            "outcome": "failed"
        }))
        .unwrap()
    }

    #[test]
    fn the_probe_announces_what_the_browser_announced() {
        let exchange = blocked_put();
        let verdict = check(&exchange).unwrap();
        let probe = probe_request(&exchange, &verdict);
        assert_eq!(probe.headers, "content-type,x-test");
        assert_eq!(probe.request_headers.last().unwrap(), &("Access-Control-Request-Headers".to_owned(), "content-type,x-test".to_owned()));
        assert_eq!((probe.method.as_str(), probe.origin.as_str()), ("PUT", "http://app.test"));
    }

    #[test]
    fn a_probe_answer_is_judged_as_the_preflight() {
        let exchange = blocked_put();
        let answer = ProbeAnswer {
            request_headers: vec![("Access-Control-Request-Method".into(), "PUT".into()), ("Access-Control-Request-Headers".into(), "content-type,x-test".into())],
            status: Some(204),
            headers: vec![
                ("Access-Control-Allow-Origin".into(), "http://app.test".into()),
                ("Access-Control-Allow-Methods".into(), "PUT".into()),
                ("Access-Control-Allow-Headers".into(), "content-type".into()),
            ],
            error: None,
        };
        let verdict = check(&probe_exchange(&exchange, &answer)).unwrap();
        assert_eq!(verdict.failed_parameter.as_deref(), Some("x-test"));
        let refused = ProbeAnswer { error: Some("net::ERR_CONNECTION_REFUSED".into()), ..ProbeAnswer::default() };
        let verdict = check(&probe_exchange(&exchange, &refused)).unwrap();
        assert_eq!(verdict.failed_parameter.as_deref(), Some("net::ERR_CONNECTION_REFUSED"));
    }

    #[test]
    fn verify_resends_unseen_headers_as_unsafe_values() {
        let exchange = blocked_put();
        let verdict = check(&exchange).unwrap();
        let again = verify_request(&exchange, &verdict);
        assert_eq!(again.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["content-type", "x-test"]);
        assert!(again.headers.iter().all(|(_, v)| v.len() > 128));
        assert_eq!(again.credentials, CredentialsMode::SameOrigin);
    }
}
