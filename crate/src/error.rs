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
    // Local Network Access (formerly Private Network Access).
    InsecureLocalNetwork,
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
