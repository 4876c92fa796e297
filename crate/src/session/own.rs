//! The extension's own requests in a page's tab. "Verify with Chrome" has the tab send a captured
//! request again (extension/background/verify.js); webRequest and DevTools then report it as the
//! page's, with its preflight. The service worker says so just before sending it
//! (`Session::expect_own_request`); the first matching request of the tab to finish is marked as
//! the extension's own, its preflight (as matching.rs matched it) leaves the preflight cost, and
//! the report leaves both out. The mark stays on the record, so DevTools' copy of the same request
//! (har.rs ties it to the record) does not come back as an exchange of its own.

use serde::{Deserialize, Serialize};

use crate::method;

use super::assemble::Flight;

/// How long after it was announced an own request can still start (ms): Verify gives up after
/// 15 s (verify.js).
const WINDOW_MS: f64 = 20_000.0;
/// The worker's clock and webRequest's timestamps may disagree by this much (ms).
const SLACK_MS: f64 = 1_000.0;
/// Announced requests kept per tab; the oldest go first.
const MAX_EXPECTED: usize = 16;

/// A request the extension announced it will have the tab send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnRequest {
    pub method: String,
    pub url: String,
    /// When it was announced (ms since the epoch).
    pub at: f64,
}

/// Announces one own request; those whose window passed are dropped.
pub fn expect(expected: &mut Vec<OwnRequest>, method: &str, url: &str, now: f64) {
    expected.retain(|o| o.at + WINDOW_MS >= now);
    expected.push(OwnRequest { method: method::normalize(method).to_owned(), url: url.to_owned(), at: now });
    if expected.len() > MAX_EXPECTED {
        expected.remove(0);
    }
}

/// Whether `flight`, a finished request of the tab, is an announced own request. A request
/// webRequest saw uses the announcement up; a copy built from DevTools' records alone does not,
/// since webRequest's report of the same request may follow and replace it (har.rs).
pub fn claim(expected: &mut Vec<OwnRequest>, flight: &Flight) -> bool {
    let method = flight.first_method();
    let found = expected.iter().position(|o| {
        o.url == flight.hops[0].url && o.method == method && flight.began + SLACK_MS >= o.at && flight.began <= o.at + WINDOW_MS
    });
    let Some(index) = found else { return false };
    if !flight.devtools_only {
        expected.remove(index);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::event::RawEvent;

    fn flight(method: &str, url: &str, began: f64) -> Flight {
        let raw: RawEvent = serde_json::from_value(serde_json::json!({
            "event": "onBeforeRequest", "requestId": "1", "url": url, "method": method, "tabId": 3, "timeStamp": began,
        }))
        .unwrap();
        Flight::new(&raw.validate().unwrap(), 1, began)
    }

    #[test]
    fn an_announced_request_is_claimed_once_within_its_window() {
        let mut expected = Vec::new();
        expect(&mut expected, "put", "http://api.test/x", 1_000.0);
        assert!(!claim(&mut expected, &flight("PUT", "http://api.test/other", 1_010.0)), "another URL");
        assert!(!claim(&mut expected, &flight("DELETE", "http://api.test/x", 1_010.0)), "another method");
        assert!(!claim(&mut expected, &flight("PUT", "http://api.test/x", -500.0)), "started before it was announced");
        assert!(!claim(&mut expected, &flight("PUT", "http://api.test/x", 1_000.0 + WINDOW_MS + 1.0)), "too late");
        let mut devtools = flight("PUT", "http://api.test/x", 1_010.0);
        devtools.devtools_only = true;
        assert!(claim(&mut expected, &devtools), "DevTools' copy is the extension's too");
        assert!(claim(&mut expected, &flight("PUT", "http://api.test/x", 1_010.0)), "and so is webRequest's");
        assert!(!claim(&mut expected, &flight("PUT", "http://api.test/x", 1_020.0)), "the page's next identical request is the page's");
    }

    #[test]
    fn announcements_expire_and_are_bounded() {
        let mut expected = Vec::new();
        expect(&mut expected, "PUT", "http://api.test/old", 0.0);
        expect(&mut expected, "PUT", "http://api.test/new", WINDOW_MS + 1.0);
        assert_eq!(expected.len(), 1);
        for i in 0..40 {
            expect(&mut expected, "PUT", &format!("http://api.test/{i}"), WINDOW_MS + 2.0);
        }
        assert_eq!(expected.len(), MAX_EXPECTED);
        assert_eq!(expected.last().unwrap().url, "http://api.test/39");
    }
}
