//! What to send to repeat an exchange by hand ("Copy as curl"): the preflight as the browser sent
//! it (or, when it was not captured, as the browser would send it: Fetch §CORS-preflight fetch
//! steps 1–5), and the actual request with the `Origin` the browser adds (Fetch §HTTP-network-or-
//! cache fetch, "append a request `Origin` header"). Built from the exchange given, so a redacted
//! exchange gives a redacted replay.

use serde::{Deserialize, Serialize};

use crate::exchange::{Exchange, HeaderList};
use crate::headers;
use crate::reprobe::ProbeRequest;
use crate::verdict::Verdict;

/// The value of a header known only by name: announced in the preflight's
/// Access-Control-Request-Headers, but the actual request that would carry it was never sent.
pub const NOT_CAPTURED: &str = "<not captured>";

/// Headers the network stack writes itself: a hand-made request gets its own.
const STACK_HEADERS: [&str; 4] = ["host", "connection", "content-length", "accept-encoding"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// `None` when the request needed no preflight and none was captured.
    pub preflight: Option<ReplayRequest>,
    pub actual: ReplayRequest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayRequest {
    pub method: String,
    pub url: String,
    pub headers: HeaderList,
}

pub fn replay(exchange: &Exchange, verdict: Option<&Verdict>) -> Replay {
    let request = &exchange.request;
    let announced: &[String] = verdict.map_or(&[], |v| &v.unsafe_header_names);
    let preflight_needed = verdict.is_some_and(|v| v.preflight_required);
    let preflight = match &exchange.preflight {
        Some(p) if p.request_headers.iter().any(|(name, _)| !is_stack_header(name)) => Some(without_stack_headers(&p.request_headers)),
        Some(_) => Some(ProbeRequest::new(request, announced).request_headers),
        None if preflight_needed => Some(ProbeRequest::new(request, announced).request_headers),
        None => None,
    }
    .map(|headers| ReplayRequest { method: "OPTIONS".to_owned(), url: request.url.clone(), headers });

    let mut headers = without_stack_headers(&request.headers);
    if headers::get(&headers, "origin").is_none() {
        headers.insert(0, ("Origin".to_owned(), request.origin.clone()));
    }
    for name in announced {
        if headers::get(&headers, name).is_none() {
            headers.push((name.clone(), NOT_CAPTURED.to_owned()));
        }
    }
    Replay { preflight, actual: ReplayRequest { method: request.method.clone(), url: request.url.clone(), headers } }
}

fn is_stack_header(name: &str) -> bool {
    STACK_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

fn without_stack_headers(headers: &HeaderList) -> HeaderList {
    headers.iter().filter(|(name, _)| !is_stack_header(name)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay_of(json: &str) -> Replay {
        let exchange: Exchange = serde_json::from_str(json).unwrap();
        let verdict = crate::check(&exchange).unwrap();
        replay(&exchange, Some(&verdict))
    }

    fn names(headers: &HeaderList) -> Vec<&str> {
        headers.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn a_captured_preflight_is_replayed_as_sent_without_stack_headers() {
        let r = replay_of(
            r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["X-Test", "1"]]},
                "preflight": {"request_headers": [["Host", "api.test"], ["Origin", "http://app.test"],
                    ["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-test"], ["Accept-Encoding", "gzip"]],
                    "response": {"status": 404, "headers": []}}}"#,
        );
        let p = r.preflight.unwrap();
        assert_eq!((p.method.as_str(), p.url.as_str()), ("OPTIONS", "http://api.test/x"));
        assert_eq!(names(&p.headers), ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]);
    }

    #[test]
    fn an_unseen_preflight_is_written_as_the_browser_would_send_it() {
        let r = replay_of(r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["X-B", "1"], ["X-A", "2"]]}}"#);
        let p = r.preflight.unwrap();
        assert_eq!(
            p.headers,
            [
                ("Origin".to_owned(), "http://app.test".to_owned()),
                ("Access-Control-Request-Method".to_owned(), "PUT".to_owned()),
                ("Access-Control-Request-Headers".to_owned(), "x-a,x-b".to_owned()),
            ]
        );
    }

    #[test]
    fn the_actual_request_gets_its_origin_and_the_announced_names() {
        // Blocked at its preflight: the page's headers were not captured, only their names were announced.
        let exchange: Exchange = serde_json::from_str(
            r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["Content-Length", "2"]]},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-test"]],
                    "response": {"status": 404, "headers": []}}}"#,
        )
        .unwrap();
        let mut verdict = crate::check(&exchange).unwrap();
        verdict.unsafe_header_names = vec!["x-test".to_owned()];
        let r = replay(&exchange, Some(&verdict));
        assert_eq!(r.actual.method, "PUT");
        assert_eq!(r.actual.headers, [("Origin".to_owned(), "http://app.test".to_owned()), ("x-test".to_owned(), NOT_CAPTURED.to_owned())]);
    }

    #[test]
    fn a_simple_request_needs_no_preflight_and_keeps_its_own_origin_header() {
        let r = replay_of(r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["origin", "http://app.test"], ["Accept", "*/*"]]}}"#);
        assert_eq!(r.preflight, None);
        assert_eq!(names(&r.actual.headers), ["origin", "Accept"]);
    }
}
