//! What a verdict says beside its failure: facts about the capture, checks that did not apply, what
//! browsers tolerate today. The code names each by its variant (nothing matches on words); the
//! JSON carries its message, as plain text, as it always has.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone)]
pub enum Warning {
    /// The browser reported a failure, yet every check passes on the capture.
    FailedButChecksPass,
    /// The browser reported success, yet a captured header fails a check.
    SucceededButChecksFail,
    /// Fetch's `no-cors` mode: no CORS checks, an opaque response.
    NoCorsMode,
    SameOrigin,
    DataUrl,
    /// Every URL of the redirect chain is same-origin: tainting stayed "basic".
    SameOriginChain,
    /// The request's headers were not captured; the preflight's names stood in.
    HeadersFromPreflight,
    /// Redirect mode `manual`: an opaque-redirect response, not followed.
    RedirectModeManual,
    /// The `Origin` the browser sent after a redirect is not what the engine expected.
    OriginAfterRedirect { redirect: usize, sent: String, expected: String },
    /// No final response and no failed check: failed below HTTP, cancelled, or missed.
    NoFinalResponse,
    /// A preflight was needed but none was captured (cached, or hidden from the capture).
    PreflightNotCaptured,
    AnnouncedMethodDiffers { announced: String, method: String },
    /// More than one header is missing from `Access-Control-Allow-Headers`; Chromium names one.
    SeveralHeadersNotAllowed(Vec<String>),
    /// `Access-Control-Allow-Headers: *` let `Authorization` through, as browsers still do but the
    /// Fetch standard does not (fetch spec §CORS-preflight fetch, step 7.6; Firefox warns).
    AuthorizationUnderWildcard,
    /// A warning read back from JSON (a verdict written earlier): its message only.
    Text(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::FailedButChecksPass => f.write_str(
                "The browser reported a failure, but every CORS check passes on what was captured: the cause is likely not \
                 CORS (a network error, a blocked or cancelled request, mixed content) or something the capture did not see.",
            ),
            Warning::SucceededButChecksFail => f.write_str(
                "The browser reported success, but the captured headers fail a CORS check: the capture may be incomplete \
                 (e.g. a cached preflight or a header added after capture).",
            ),
            Warning::NoCorsMode => f.write_str(
                "mode 'no-cors': CORS checks do not apply, and script gets an opaque response (status 0, no headers, no body).",
            ),
            Warning::SameOrigin => f.write_str("The request is same-origin: CORS does not apply."),
            Warning::DataUrl => f.write_str("data: URLs are fetched without CORS."),
            Warning::SameOriginChain => {
                f.write_str("Every URL in the redirect chain is same-origin with the page: CORS does not apply.")
            }
            Warning::HeadersFromPreflight => f.write_str(
                "The request's own headers were not captured; the CORS-unsafe header names were taken from the preflight's \
                 Access-Control-Request-Headers.",
            ),
            Warning::RedirectModeManual => f.write_str(
                "redirect mode 'manual': script gets an opaque-redirect response and the redirect is not followed.",
            ),
            Warning::OriginAfterRedirect { redirect, sent, expected } => {
                write!(f, "After redirect {redirect} the browser sent Origin: {sent}, where the engine expected {expected}.")
            }
            Warning::NoFinalResponse => f.write_str(
                "No final response was captured and no earlier check failed: the request may have failed below HTTP, \
                 been cancelled, or the capture missed it.",
            ),
            Warning::PreflightNotCaptured => f.write_str(
                "This request needed a preflight, but no OPTIONS was captured: it was served from the browser's preflight \
                 cache, or the capture could not see it. The rest of the exchange was checked.",
            ),
            Warning::AnnouncedMethodDiffers { announced, method } => {
                write!(f, "The preflight announced method {announced}, but the request's method is {method}.")
            }
            Warning::SeveralHeadersNotAllowed(headers) => write!(
                f,
                "Several request headers are not allowed: {}. Chromium names only one of them (which one follows an \
                 internal order); allow all of them.",
                headers.join(", ")
            ),
            Warning::AuthorizationUnderWildcard => f.write_str(
                "Access-Control-Allow-Headers: * does not cover Authorization under the Fetch standard; Chromium, Firefox \
                 and Safari still allow it today (Firefox warns that it will stop). List Authorization explicitly.",
            ),
            Warning::Text(text) => f.write_str(text),
        }
    }
}

/// Two warnings are equal when they say the same (a warning read back from JSON equals the one written).
impl PartialEq for Warning {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for Warning {}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Warning {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Warning::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_its_message_in_json_and_reads_back_equal() {
        let warning = Warning::SeveralHeadersNotAllowed(vec!["x-a".into(), "x-b".into()]);
        let json = serde_json::to_string(&warning).unwrap();
        assert!(json.starts_with("\"Several request headers are not allowed: x-a, x-b."), "{json}");
        let back: Warning = serde_json::from_str(&json).unwrap();
        assert_eq!(back, warning);
    }
}
