//! Firefox's console line (`dom/locales/en-US/chrome/security/security.properties`, check order
//! from `nsCORSListenerProxy.cpp`). Its quotes are typographic ‘ ’, and `%2$S` in the
//! Allow-Origin messages is the header's value, not the page's origin.

use super::Blocked;
use crate::error::CorsError;
use crate::headers;

pub fn line(b: &Blocked) -> Option<String> {
    let status = b.response.map(|r| r.status.to_string()).unwrap_or_else(|| "(null)".to_owned());
    let response_header = |name: &str| b.response.and_then(|r| headers::get(&r.headers, name)).unwrap_or_default();
    let allow_origin = || response_header("access-control-allow-origin");
    let hint = &b.failure.failed_parameter;
    let reason = match b.failure.error {
        CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => {
            format!("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.")
        }
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues
            if b.response.is_some_and(|r| headers::count(&r.headers, "access-control-allow-origin") > 1) =>
        {
            "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).".to_owned()
        }
        CorsError::MultipleAllowOriginValues
        | CorsError::PreflightMultipleAllowOriginValues
        | CorsError::InvalidAllowOriginValue
        | CorsError::PreflightInvalidAllowOriginValue
        | CorsError::AllowOriginMismatch
        | CorsError::PreflightAllowOriginMismatch => {
            format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{}’).", allow_origin())
        }
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            // The only Firefox CORS message that quotes the URL.
            return Some(format!(
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
                b.url
            ));
        }
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
            "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).".to_owned()
        }
        CorsError::PreflightInvalidStatus => format!("CORS preflight response did not succeed). Status code: {status}."),
        CorsError::PreflightDisallowedRedirect => "CORS request external redirect not allowed).".to_owned(),
        CorsError::InvalidAllowMethodsPreflightResponse => {
            format!("invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Methods’).", first_bad_token(&response_header("access-control-allow-methods")))
        }
        CorsError::InvalidAllowHeadersPreflightResponse => {
            format!("invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Headers’).", first_bad_token(&response_header("access-control-allow-headers")))
        }
        CorsError::MethodDisallowedByPreflightResponse => "Did not find method in CORS header ‘Access-Control-Allow-Methods’).".to_owned(),
        CorsError::HeaderDisallowedByPreflightResponse => format!(
            "header ‘{hint}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."
        ),
        CorsError::CorsDisabledScheme => "CORS request not http).".to_owned(),
        CorsError::PreflightNetworkError
        | CorsError::RedirectContainsCredentials
        | CorsError::TooManyRedirects
        | CorsError::InvalidRedirectLocation => "CORS request did not succeed). Status code: (null).".to_owned(),
        // Client-side rejections: Firefox throws without a CORS console message.
        CorsError::DisallowedByMode
        | CorsError::NoCorsRedirectModeNotFollow
        | CorsError::NoCorsMethodNotSafelisted
        | CorsError::RedirectModeError => return Some("TypeError: NetworkError when attempting to fetch resource.".to_owned()),
        // Firefox has no Local Network Access checks.
        CorsError::InsecureLocalNetwork | CorsError::InvalidLocalNetworkAccess | CorsError::LocalNetworkAccessPermissionDenied => return None,
    };
    Some(format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {}. (Reason: {reason}",
        b.url
    ))
}

/// Firefox names the first list element that is not a token; Chromium's hint is the whole value.
fn first_bad_token(value: &str) -> String {
    value
        .split(',')
        .map(|e| e.trim_matches([' ', '\t']))
        .find(|e| !e.is_empty() && !headers::is_token(e))
        .unwrap_or(value)
        .to_owned()
}
