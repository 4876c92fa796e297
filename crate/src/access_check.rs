//! The CORS check (fetch spec §CORS check) on one response: `Access-Control-Allow-Origin` and,
//! for credentialed requests, `Access-Control-Allow-Credentials`. It runs on the preflight
//! response, on every redirect response and on the final response. The failure is classified
//! as Chromium's `CheckAccess` does (`services/network/public/cpp/cors/cors.cc`), so the error
//! name and failed parameter match DevTools.

use crate::error::{CorsError, Failure};
use crate::exchange::HeaderList;
use crate::headers;

/// Which part of the check failed, independent of where the response came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessProblem {
    MissingAllowOrigin,
    MultipleAllowOriginValues,
    InvalidAllowOriginValue,
    AllowOriginMismatch,
    WildcardWithCredentials,
    InvalidAllowCredentials,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessFailure {
    pub problem: AccessProblem,
    /// Chromium's failed parameter: the offending header value, or "" when absent.
    pub hint: String,
}

impl AccessFailure {
    fn new(problem: AccessProblem, hint: impl Into<String>) -> Self {
        AccessFailure { problem, hint: hint.into() }
    }

    /// The error as reported on the actual (or a redirect) response.
    pub fn on_response(&self) -> Failure {
        let error = match self.problem {
            AccessProblem::MissingAllowOrigin => CorsError::MissingAllowOriginHeader,
            AccessProblem::MultipleAllowOriginValues => CorsError::MultipleAllowOriginValues,
            AccessProblem::InvalidAllowOriginValue => CorsError::InvalidAllowOriginValue,
            AccessProblem::AllowOriginMismatch => CorsError::AllowOriginMismatch,
            AccessProblem::WildcardWithCredentials => CorsError::WildcardOriginNotAllowed,
            AccessProblem::InvalidAllowCredentials => CorsError::InvalidAllowCredentials,
        };
        Failure::new(error, self.hint.clone())
    }

    /// The same failure on a preflight response.
    pub fn on_preflight(&self) -> Failure {
        let error = match self.problem {
            AccessProblem::MissingAllowOrigin => CorsError::PreflightMissingAllowOriginHeader,
            AccessProblem::MultipleAllowOriginValues => CorsError::PreflightMultipleAllowOriginValues,
            AccessProblem::InvalidAllowOriginValue => CorsError::PreflightInvalidAllowOriginValue,
            AccessProblem::AllowOriginMismatch => CorsError::PreflightAllowOriginMismatch,
            AccessProblem::WildcardWithCredentials => CorsError::PreflightWildcardOriginNotAllowed,
            AccessProblem::InvalidAllowCredentials => CorsError::PreflightInvalidAllowCredentials,
        };
        Failure::new(error, self.hint.clone())
    }
}

/// Runs the CORS check. `request_origin` is the serialized origin the browser sent in `Origin`
/// (`"null"` for opaque or tainted origins); `credentials` is true for credentials mode `include`.
pub fn check_access(response_headers: &HeaderList, request_origin: &str, credentials: bool) -> Result<(), AccessFailure> {
    let Some(allow_origin) = headers::get(response_headers, "access-control-allow-origin") else {
        return Err(AccessFailure::new(AccessProblem::MissingAllowOrigin, ""));
    };
    if allow_origin == "*" {
        // The wildcard is a wildcard only without credentials (fetch spec §CORS protocol and credentials).
        if credentials {
            return Err(AccessFailure::new(AccessProblem::WildcardWithCredentials, ""));
        }
        return Ok(());
    }
    if allow_origin != request_origin {
        // Compared byte for byte; Chromium then tells the shapes apart only to word the message.
        let problem = if allow_origin.contains([' ', ',']) {
            AccessProblem::MultipleAllowOriginValues
        } else if allow_origin != "null" && !crate::origin::is_valid_url_for_acao(&allow_origin) {
            AccessProblem::InvalidAllowOriginValue
        } else {
            AccessProblem::AllowOriginMismatch
        };
        return Err(AccessFailure::new(problem, allow_origin));
    }
    if credentials {
        let allow_credentials = headers::get(response_headers, "access-control-allow-credentials");
        if allow_credentials.as_deref() != Some("true") {
            return Err(AccessFailure::new(AccessProblem::InvalidAllowCredentials, allow_credentials.unwrap_or_default()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessProblem::*;

    const ORIGIN: &str = "https://app.example.com";

    fn run(pairs: &[(&str, &str)], credentials: bool) -> Result<(), (AccessProblem, String)> {
        let h: HeaderList = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        check_access(&h, ORIGIN, credentials).map_err(|f| (f.problem, f.hint))
    }

    #[test]
    fn classification_follows_chromium() {
        assert_eq!(run(&[], false), Err((MissingAllowOrigin, "".into())));
        assert_eq!(run(&[("Access-Control-Allow-Origin", "*")], false), Ok(()));
        assert_eq!(run(&[("Access-Control-Allow-Origin", "*")], true), Err((WildcardWithCredentials, "".into())));
        assert_eq!(run(&[("Access-Control-Allow-Origin", ORIGIN)], false), Ok(()));
        assert_eq!(
            run(&[("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Origin", ORIGIN)], false),
            Err((MultipleAllowOriginValues, format!("{ORIGIN}, {ORIGIN}")))
        );
        assert_eq!(run(&[("Access-Control-Allow-Origin", "app.example.com")], false), Err((InvalidAllowOriginValue, "app.example.com".into())));
        assert_eq!(run(&[("Access-Control-Allow-Origin", "https://app.example.com/")], false), Err((AllowOriginMismatch, "https://app.example.com/".into())));
        assert_eq!(run(&[("Access-Control-Allow-Origin", "null")], false), Err((AllowOriginMismatch, "null".into())));
        assert_eq!(run(&[("Access-Control-Allow-Origin", "")], false), Err((InvalidAllowOriginValue, "".into())));
    }

    #[test]
    fn credentials_need_exactly_true() {
        let acao = ("Access-Control-Allow-Origin", ORIGIN);
        assert_eq!(run(&[acao], true), Err((InvalidAllowCredentials, "".into())));
        assert_eq!(run(&[acao, ("Access-Control-Allow-Credentials", "True")], true), Err((InvalidAllowCredentials, "True".into())));
        assert_eq!(run(&[acao, ("Access-Control-Allow-Credentials", "true")], true), Ok(()));
        assert_eq!(run(&[acao, ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Credentials", "true")], true), Err((InvalidAllowCredentials, "true, true".into())));
    }

    #[test]
    fn null_origin_matches_literal_null() {
        let h: HeaderList = vec![("Access-Control-Allow-Origin".into(), "null".into())];
        assert!(check_access(&h, "null", false).is_ok());
    }
}
