//! Firefox's console line (`dom/locales/en-US/chrome/security/security.properties`, check order
//! from `nsCORSListenerProxy.cpp`) and its reason name (the `CORS…` names MDN documents). Its quotes
//! are typographic ‘ ’, `%2$S` in the Allow-Origin messages is the header's value, not the page's
//! origin, and header values are printed as UTF-8 text (a byte that is not UTF-8 becomes U+FFFD).

use std::borrow::Cow;

use super::Blocked;
use crate::error::CorsError;
use crate::headers;

/// What Firefox reports for one blocked request.
pub struct Report {
    /// Firefox's name for the failure (`CORSMissingAllowOrigin`, ...), for its CORS failures only.
    pub reason: Option<&'static str>,
    /// The console line; `None` where Firefox rejects in script and prints nothing.
    pub line: Option<String>,
}

pub fn line(b: &Blocked) -> Option<String> {
    report(b).line
}

pub fn report(b: &Blocked) -> Report {
    let status = b.response.map(|r| r.status.to_string()).unwrap_or_else(|| "(null)".to_owned());
    let response_header = |name: &str| b.response.and_then(|r| headers::get(&r.headers, name)).unwrap_or_default();
    let allow_origin = || as_text(&response_header("access-control-allow-origin")).into_owned();
    let (reason, text) = match b.failure.error {
        CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => {
            ("CORSMissingAllowOrigin", format!("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}."))
        }
        // Firefox counts header lines; one line listing several origins is just a value that does not match.
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues
            if b.response.is_some_and(|r| headers::count(&r.headers, "access-control-allow-origin") > 1) =>
        {
            ("CORSMultipleAllowOriginNotAllowed", "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).".to_owned())
        }
        CorsError::MultipleAllowOriginValues
        | CorsError::PreflightMultipleAllowOriginValues
        | CorsError::InvalidAllowOriginValue
        | CorsError::PreflightInvalidAllowOriginValue
        | CorsError::AllowOriginMismatch
        | CorsError::PreflightAllowOriginMismatch => {
            ("CORSAllowOriginNotMatchingOrigin", format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{}’).", allow_origin()))
        }
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            // The only Firefox CORS message that quotes the URL.
            return Report {
                reason: Some("CORSNotSupportingCredentials"),
                line: Some(format!(
                    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
                    b.url
                )),
            };
        }
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
            ("CORSMissingAllowCredentials", "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).".to_owned())
        }
        CorsError::PreflightInvalidStatus => ("CORSPreflightDidNotSucceed", format!("CORS preflight response did not succeed). Status code: {status}.")),
        CorsError::PreflightDisallowedRedirect => ("CORSExternalRedirectNotAllowed", "CORS request external redirect not allowed).".to_owned()),
        CorsError::InvalidAllowMethodsPreflightResponse => (
            "CORSInvalidAllowMethod",
            format!("invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Methods’).", first_bad_token(&response_header("access-control-allow-methods"))),
        ),
        CorsError::InvalidAllowHeadersPreflightResponse => (
            "CORSInvalidAllowHeader",
            format!("invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Headers’).", first_bad_token(&response_header("access-control-allow-headers"))),
        ),
        CorsError::MethodDisallowedByPreflightResponse => {
            ("CORSMethodNotFound", "Did not find method in CORS header ‘Access-Control-Allow-Methods’).".to_owned())
        }
        CorsError::HeaderDisallowedByPreflightResponse => (
            "CORSMissingAllowHeaderFromPreflight",
            format!("header ‘{}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).", as_text(&b.failure.failed_parameter)),
        ),
        CorsError::CorsDisabledScheme => ("CORSRequestNotHttp", "CORS request not http).".to_owned()),
        CorsError::PreflightNetworkError | CorsError::RedirectContainsCredentials | CorsError::TooManyRedirects | CorsError::InvalidRedirectLocation => {
            ("CORSDidNotSucceed", "CORS request did not succeed). Status code: (null).".to_owned())
        }
        // A same-origin request that leaves the origin (at once or by a redirect) is a security error,
        // naming the URL it was about to load.
        CorsError::DisallowedByMode => {
            let (document_url, slash) = b.document_url.map_or((b.page_origin, "/"), |d| (d, ""));
            let url = b.location.unwrap_or(b.url);
            return Report { reason: None, line: Some(format!("Security Error: Content at {document_url}{slash} may not load data from {url}.")) };
        }
        // Rejected by fetch() itself, with no console message; Firefox has no Local Network Access checks.
        CorsError::NoCorsRedirectModeNotFollow
        | CorsError::NoCorsMethodNotSafelisted
        | CorsError::RedirectModeError
        | CorsError::InsecureLocalNetwork
        | CorsError::InvalidLocalNetworkAccess
        | CorsError::LocalNetworkAccessPermissionDenied => return Report { reason: None, line: None },
    };
    Report {
        reason: Some(reason),
        line: Some(format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {}. (Reason: {text}", b.url)),
    }
}

/// A header value (bytes as code points, headers.rs) as Firefox prints it: decoded as UTF-8.
fn as_text(value: &str) -> Cow<'_, str> {
    if value.is_ascii() {
        return Cow::Borrowed(value);
    }
    Cow::Owned(String::from_utf8_lossy(&headers::bytes_of(value).collect::<Vec<u8>>()).into_owned())
}

/// Firefox names the first list element that is not a token; Chromium's hint is the whole value.
fn first_bad_token(value: &str) -> String {
    let bad = value.split(',').map(|e| e.trim_matches([' ', '\t'])).find(|e| !e.is_empty() && !headers::is_token(e)).unwrap_or(value);
    as_text(bad).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_print_as_utf8_text() {
        assert_eq!(as_text("http://a\u{A0}"), "http://a\u{FFFD}");
        assert_eq!(as_text("http://a\u{C2}\u{A0}"), "http://a\u{A0}");
        assert_eq!(as_text("http://a"), "http://a");
    }
}
