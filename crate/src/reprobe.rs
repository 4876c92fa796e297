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
    // The extension's own OPTIONS is exempt from Local Network Access; the page's requests are not.
    // What the capture showed of it carries over, so the probe is never judged more kindly than the page.
    let mut request = captured.request.clone();
    if let Some(lna) = crate::local_network::assess_exchange(captured) {
        request.initiator_address_space = lna.page;
        request.target_address_space = lna.target;
        request.secure_context = Some(lna.secure_context);
        request.local_network_permission = lna.permission;
    }
    Exchange { request, preflight: Some(preflight), redirects: Vec::new(), response: None, outcome: Outcome::Unknown, net_error: None }
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

/// What Chrome decided when "Verify with Chrome" sent the request again (CDP's
/// `Network.loadingFailed.corsErrorStatus` and what the debugger saw).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChromeVerdict {
    pub outcome: VerifyOutcome,
    #[serde(default)]
    pub cors_error: Option<String>,
    #[serde(default)]
    pub failed_parameter: Option<String>,
    #[serde(default)]
    pub preflight_status: Option<u16>,
    #[serde(default)]
    pub error_text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyOutcome {
    /// The preflight passed; the actual request was stopped before it left.
    Passed,
    Blocked,
    NetworkError,
    /// The tab no longer shows the page the request came from.
    PageMoved,
    NotSent,
}

/// Chrome's answer in plain words, beside the engine's verdict on the captured exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReading {
    pub headline: String,
    pub tone: Tone,
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Good,
    Bad,
    Unknown,
}

/// Reads Chrome's verdict for the user, comparing it with the verdict on what was captured: a
/// difference means the server answers differently now (fixed, or broken another way).
pub fn verify_reading(chrome: &ChromeVerdict, captured: &Verdict) -> VerifyReading {
    let said = |text: &Option<String>| text.as_deref().filter(|t| !t.is_empty()).map(|t| format!(": {t}")).unwrap_or_default();
    let chrome_summary = crate::error::error_summary(chrome.cors_error.as_deref(), chrome.failed_parameter.as_deref());
    let (headline, tone) = match chrome.outcome {
        VerifyOutcome::Blocked => (format!("Chrome blocks it now: {chrome_summary}"), Tone::Bad),
        VerifyOutcome::Passed => {
            ("Chrome now lets this request through CORS (it stopped the actual request before sending it).".to_owned(), Tone::Good)
        }
        VerifyOutcome::NetworkError => {
            (format!("Chrome got no usable answer{} (a network error, not CORS).", said(&chrome.error_text)), Tone::Unknown)
        }
        VerifyOutcome::PageMoved => {
            ("The tab has left the page this request came from: reload it, then verify again.".to_owned(), Tone::Unknown)
        }
        VerifyOutcome::NotSent => (
            format!("Chrome did not send the request{} (a Content Security Policy or mixed-content block?).", said(&chrome.error_text)),
            Tone::Unknown,
        ),
    };
    let mut details = Vec::new();
    if let Some(status) = chrome.preflight_status {
        details.push(format!("Its preflight was answered {status}."));
    }
    let captured_error = captured.error.map(|e| e.to_string());
    let same_error = captured_error.as_deref() == chrome.cors_error.as_deref().filter(|e| !e.is_empty())
        && captured.failed_parameter.as_deref().unwrap_or("") == chrome.failed_parameter.as_deref().unwrap_or("");
    match chrome.outcome {
        VerifyOutcome::Blocked if same_error => details.push("The diagnosis of the captured request agrees.".to_owned()),
        VerifyOutcome::Blocked | VerifyOutcome::Passed if captured.error.is_some() => details.push(format!(
            "The captured request failed with: {}. The server answers differently now.",
            captured.summary
        )),
        VerifyOutcome::Blocked => details.push("The captured request was allowed: the server answers differently now.".to_owned()),
        _ => {}
    }
    VerifyReading { headline, tone, details }
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

    fn chrome(outcome: VerifyOutcome, error: Option<&str>, parameter: &str) -> ChromeVerdict {
        ChromeVerdict {
            outcome,
            cors_error: error.map(str::to_owned),
            failed_parameter: Some(parameter.to_owned()),
            preflight_status: Some(404),
            error_text: None,
        }
    }

    #[test]
    fn a_verification_reads_in_plain_words_beside_the_captured_verdict() {
        let verdict = check(&blocked_put()).unwrap();
        let agree = verify_reading(&chrome(VerifyOutcome::Blocked, Some("PreflightInvalidStatus"), ""), &verdict);
        assert_eq!(agree.tone, Tone::Bad);
        assert!(agree.headline.starts_with("Chrome blocks it now: ") && !agree.headline.contains("PreflightInvalidStatus"), "{}", agree.headline);
        assert_eq!(agree.details, ["Its preflight was answered 404.", "The diagnosis of the captured request agrees."]);
        let fixed = verify_reading(&chrome(VerifyOutcome::Passed, None, ""), &verdict);
        assert_eq!(fixed.tone, Tone::Good);
        assert!(fixed.details[1].starts_with("The captured request failed with: ") && fixed.details[1].ends_with("differently now."), "{:?}", fixed.details);
        let other = verify_reading(&chrome(VerifyOutcome::Blocked, Some("HeaderDisallowedByPreflightResponse"), "x-test"), &verdict);
        assert!(other.details[1].contains("differently now"), "{:?}", other.details);
        for name in ["PreflightInvalidStatus", "HeaderDisallowedByPreflightResponse", "corsErrorStatus"] {
            assert!(!format!("{other:?}").contains(name), "no enum names in the words: {other:?}");
        }
    }
}
