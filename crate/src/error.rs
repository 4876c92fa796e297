//! The one error enum. Each variant is named exactly as Chromium's DevTools protocol names it
//! (`Network.CorsError`), so a verdict can be compared with CDP's `corsErrorStatus`. A few
//! failures that Chromium reports as plain network errors, not CORS errors, get their own names.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CorsError {
    // The CORS check (fetch spec §CORS check) on the actual response or a redirect response.
    MissingAllowOriginHeader,
    MultipleAllowOriginValues,
    InvalidAllowOriginValue,
    AllowOriginMismatch,
    WildcardOriginNotAllowed,
    InvalidAllowCredentials,
    // The same check on the preflight response, plus the preflight-only steps.
    PreflightMissingAllowOriginHeader,
    PreflightMultipleAllowOriginValues,
    PreflightInvalidAllowOriginValue,
    PreflightAllowOriginMismatch,
    PreflightWildcardOriginNotAllowed,
    PreflightInvalidAllowCredentials,
    PreflightInvalidStatus,
    PreflightDisallowedRedirect,
    InvalidAllowMethodsPreflightResponse,
    InvalidAllowHeadersPreflightResponse,
    MethodDisallowedByPreflightResponse,
    HeaderDisallowedByPreflightResponse,
    // Redirects and request modes.
    RedirectContainsCredentials,
    DisallowedByMode,
    CorsDisabledScheme,
    NoCorsRedirectModeNotFollow,
    // Local Network Access (formerly Private Network Access; local_network.rs).
    /// An insecure page called a more private address space.
    InsecureLocalNetwork,
    /// The target is not in the space the page declared (`fetch(url, {targetAddressSpace})`).
    InvalidLocalNetworkAccess,
    /// A secure page called a more private address space without the user's permission.
    LocalNetworkAccessPermissionDenied,
    // Not CORS errors in Chromium's enum: the browser fails the request as a network error.
    /// The OPTIONS itself failed below HTTP (refused, reset, TLS, DNS).
    PreflightNetworkError,
    /// More than 20 redirects (`net::ERR_TOO_MANY_REDIRECTS`).
    TooManyRedirects,
    /// A redirect while the request's redirect mode is `error`.
    RedirectModeError,
    /// A redirect `Location` that does not parse or is not HTTP(S).
    InvalidRedirectLocation,
    /// `mode: 'no-cors'` with a method other than GET, HEAD, POST: `new Request` throws.
    NoCorsMethodNotSafelisted,
}

impl CorsError {
    /// Whether this is a value of Chromium's `Network.CorsError` (as opposed to a plain network error).
    pub fn is_chromium_cors_error(self) -> bool {
        !matches!(
            self,
            CorsError::PreflightNetworkError
                | CorsError::TooManyRedirects
                | CorsError::RedirectModeError
                | CorsError::InvalidRedirectLocation
                | CorsError::NoCorsMethodNotSafelisted
        )
    }

    /// Local Network Access refusals: decided by the browser and the user, never by a response header.
    pub fn is_local_network_access(self) -> bool {
        matches!(self, CorsError::InsecureLocalNetwork | CorsError::InvalidLocalNetworkAccess | CorsError::LocalNetworkAccessPermissionDenied)
    }

    /// Chromium's `IsPreflightError()`: these get the "Response to preflight request doesn't pass
    /// access control check: " prefix in the console.
    pub fn has_preflight_prefix(self) -> bool {
        matches!(
            self,
            CorsError::PreflightMissingAllowOriginHeader
                | CorsError::PreflightMultipleAllowOriginValues
                | CorsError::PreflightInvalidAllowOriginValue
                | CorsError::PreflightAllowOriginMismatch
                | CorsError::PreflightWildcardOriginNotAllowed
                | CorsError::PreflightInvalidAllowCredentials
                | CorsError::PreflightInvalidStatus
                | CorsError::PreflightDisallowedRedirect
        )
    }
}

/// Variant names are the protocol's names, so Display is Debug.
impl std::fmt::Display for CorsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// A failed check: the error and the value Chromium reports as its failed parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub error: CorsError,
    pub failed_parameter: String,
}

impl Failure {
    pub fn new(error: CorsError, failed_parameter: impl Into<String>) -> Self {
        Failure { error, failed_parameter: failed_parameter.into() }
    }
}

impl CorsError {
    /// Every variant, in declaration order (for reading a name back).
    pub const ALL: [CorsError; 30] = [
        CorsError::MissingAllowOriginHeader,
        CorsError::MultipleAllowOriginValues,
        CorsError::InvalidAllowOriginValue,
        CorsError::AllowOriginMismatch,
        CorsError::WildcardOriginNotAllowed,
        CorsError::InvalidAllowCredentials,
        CorsError::PreflightMissingAllowOriginHeader,
        CorsError::PreflightMultipleAllowOriginValues,
        CorsError::PreflightInvalidAllowOriginValue,
        CorsError::PreflightAllowOriginMismatch,
        CorsError::PreflightWildcardOriginNotAllowed,
        CorsError::PreflightInvalidAllowCredentials,
        CorsError::PreflightInvalidStatus,
        CorsError::PreflightDisallowedRedirect,
        CorsError::InvalidAllowMethodsPreflightResponse,
        CorsError::InvalidAllowHeadersPreflightResponse,
        CorsError::MethodDisallowedByPreflightResponse,
        CorsError::HeaderDisallowedByPreflightResponse,
        CorsError::RedirectContainsCredentials,
        CorsError::DisallowedByMode,
        CorsError::CorsDisabledScheme,
        CorsError::NoCorsRedirectModeNotFollow,
        CorsError::InsecureLocalNetwork,
        CorsError::InvalidLocalNetworkAccess,
        CorsError::LocalNetworkAccessPermissionDenied,
        CorsError::PreflightNetworkError,
        CorsError::TooManyRedirects,
        CorsError::RedirectModeError,
        CorsError::InvalidRedirectLocation,
        CorsError::NoCorsMethodNotSafelisted,
    ];

    /// The variant with this name as Chromium's DevTools protocol spells it (`corsErrorStatus.corsError`).
    pub fn from_name(name: &str) -> Option<CorsError> {
        CorsError::ALL.into_iter().find(|e| e.to_string() == name)
    }

    /// A short plain-English label: which check failed, without the values involved (the panel's
    /// list column; the console line and the explanation say the rest).
    pub fn label(self) -> &'static str {
        match self {
            CorsError::MissingAllowOriginHeader => "No Access-Control-Allow-Origin header",
            CorsError::MultipleAllowOriginValues => "Access-Control-Allow-Origin has several values",
            CorsError::InvalidAllowOriginValue => "Access-Control-Allow-Origin is not a valid origin",
            CorsError::AllowOriginMismatch => "Access-Control-Allow-Origin names another origin",
            CorsError::WildcardOriginNotAllowed => "Access-Control-Allow-Origin: * on a credentialed request",
            CorsError::InvalidAllowCredentials => "Access-Control-Allow-Credentials is not 'true'",
            CorsError::PreflightMissingAllowOriginHeader => "Preflight: no Access-Control-Allow-Origin header",
            CorsError::PreflightMultipleAllowOriginValues => "Preflight: Access-Control-Allow-Origin has several values",
            CorsError::PreflightInvalidAllowOriginValue => "Preflight: Access-Control-Allow-Origin is not a valid origin",
            CorsError::PreflightAllowOriginMismatch => "Preflight: Access-Control-Allow-Origin names another origin",
            CorsError::PreflightWildcardOriginNotAllowed => "Preflight: Access-Control-Allow-Origin: * with credentials",
            CorsError::PreflightInvalidAllowCredentials => "Preflight: Access-Control-Allow-Credentials is not 'true'",
            CorsError::PreflightInvalidStatus => "Preflight answered with a non-2xx status",
            CorsError::PreflightDisallowedRedirect => "Preflight was redirected",
            CorsError::InvalidAllowMethodsPreflightResponse => "Access-Control-Allow-Methods cannot be parsed",
            CorsError::InvalidAllowHeadersPreflightResponse => "Access-Control-Allow-Headers cannot be parsed",
            CorsError::MethodDisallowedByPreflightResponse => "Method not allowed by Access-Control-Allow-Methods",
            CorsError::HeaderDisallowedByPreflightResponse => "Header not allowed by Access-Control-Allow-Headers",
            CorsError::RedirectContainsCredentials => "Redirect to a URL with user:password@",
            CorsError::DisallowedByMode => "Cross-origin request in 'same-origin' mode",
            CorsError::CorsDisabledScheme => "The URL scheme does not support CORS",
            CorsError::NoCorsRedirectModeNotFollow => "no-cors request whose redirect mode is not 'follow'",
            CorsError::InsecureLocalNetwork => "Local Network Access: an insecure page calling a more private network",
            CorsError::InvalidLocalNetworkAccess => "Local Network Access: the target is not in the declared address space",
            CorsError::LocalNetworkAccessPermissionDenied => "Local Network Access: permission not granted",
            CorsError::PreflightNetworkError => "The preflight failed below HTTP",
            CorsError::TooManyRedirects => "Too many redirects",
            CorsError::RedirectModeError => "Redirected while redirect mode is 'error'",
            CorsError::InvalidRedirectLocation => "Redirect Location is not a valid http(s) URL",
            CorsError::NoCorsMethodNotSafelisted => "no-cors with a method other than GET, HEAD, POST",
        }
    }

    /// The label with what failed where it helps: the method or header the preflight did not allow,
    /// or the status the preflight got (`preflight_status`, when known).
    pub fn summary(self, failed_parameter: Option<&str>, preflight_status: Option<u16>) -> String {
        let parameter = failed_parameter.filter(|p| !p.is_empty());
        match (self, parameter, preflight_status) {
            (CorsError::MethodDisallowedByPreflightResponse | CorsError::HeaderDisallowedByPreflightResponse, Some(p), _) => {
                format!("{}: {p}", self.label())
            }
            (CorsError::PreflightInvalidStatus, _, Some(status)) => format!("Preflight answered {status}, not 2xx"),
            _ => self.label().to_owned(),
        }
    }
}

/// The summary of an error Chrome reported by name (CDP's `corsErrorStatus`: `corsError` and
/// `failedParameter`), for showing beside the engine's: a generic text for no name or one this
/// engine does not know.
pub fn error_summary(name: Option<&str>, failed_parameter: Option<&str>) -> String {
    match name.filter(|n| !n.is_empty()) {
        None => "No CORS error reported".to_owned(),
        Some(name) => match CorsError::from_name(name) {
            Some(error) => error.summary(failed_parameter, None),
            None => match failed_parameter.filter(|p| !p.is_empty()) {
                Some(p) => format!("Blocked by CORS ({name}: {p})"),
                None => format!("Blocked by CORS ({name})"),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_to_their_variant() {
        for error in CorsError::ALL {
            assert_eq!(CorsError::from_name(&error.to_string()), Some(error));
        }
        assert_eq!(CorsError::from_name("PreflightMissingAllowExternal"), None);
    }

    #[test]
    fn every_variant_has_a_distinct_label() {
        let labels: std::collections::HashSet<&str> = CorsError::ALL.iter().map(|e| e.label()).collect();
        assert_eq!(labels.len(), CorsError::ALL.len());
    }

    #[test]
    fn summaries_name_the_failed_method_or_header_and_the_preflight_status() {
        assert_eq!(
            CorsError::HeaderDisallowedByPreflightResponse.summary(Some("x-api-key"), None),
            "Header not allowed by Access-Control-Allow-Headers: x-api-key"
        );
        assert_eq!(
            CorsError::MethodDisallowedByPreflightResponse.summary(Some("PUT"), None),
            "Method not allowed by Access-Control-Allow-Methods: PUT"
        );
        assert_eq!(CorsError::HeaderDisallowedByPreflightResponse.summary(Some(""), None), CorsError::HeaderDisallowedByPreflightResponse.label());
        assert_eq!(CorsError::PreflightInvalidStatus.summary(Some(""), Some(404)), "Preflight answered 404, not 2xx");
        assert_eq!(CorsError::PreflightInvalidStatus.summary(None, None), "Preflight answered with a non-2xx status");
        // Other errors' parameters (an origin, a header value) are in the console line, not the label.
        assert_eq!(CorsError::AllowOriginMismatch.summary(Some("http://a.test"), Some(200)), "Access-Control-Allow-Origin names another origin");
    }

    #[test]
    fn chrome_errors_are_summarised_by_name() {
        assert_eq!(
            error_summary(Some("HeaderDisallowedByPreflightResponse"), Some("x-test")),
            "Header not allowed by Access-Control-Allow-Headers: x-test"
        );
        assert_eq!(error_summary(Some("PreflightInvalidStatus"), Some("")), "Preflight answered with a non-2xx status");
        assert_eq!(error_summary(Some("UnexpectedPrivateNetworkAccess"), None), "Blocked by CORS (UnexpectedPrivateNetworkAccess)");
        assert_eq!(error_summary(Some("SomethingNew"), Some("x")), "Blocked by CORS (SomethingNew: x)");
        assert_eq!(error_summary(None, None), "No CORS error reported");
        assert_eq!(error_summary(Some(""), None), "No CORS error reported");
    }
}
