//! Which captured lines a failed verdict is about, so a header table can mark them: the headers
//! and status the failing check read, and in which part of the exchange (the preflight or the
//! actual request). Each mark stands for one step of the Fetch standard's CORS algorithm as
//! Chromium runs it (`services/network/cors/cors_url_loader.cc`, `preflight_controller.cc`,
//! `preflight_result.cc`, `cors.cc`).

use serde::{Deserialize, Serialize};

use crate::error::CorsError;
use crate::verdict::{Stage, Verdict};

const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
const ALLOW_CREDENTIALS: &str = "Access-Control-Allow-Credentials";
const ALLOW_METHODS: &str = "Access-Control-Allow-Methods";
const ALLOW_HEADERS: &str = "Access-Control-Allow-Headers";
const REQUEST_METHOD: &str = "Access-Control-Request-Method";
const REQUEST_HEADERS: &str = "Access-Control-Request-Headers";
const LOCATION: &str = "Location";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    /// Where the failing check looked: `preflight` (the OPTIONS and its response) or `actual`.
    pub part: Part,
    /// Request header names to mark, lower-cased.
    pub request: Vec<String>,
    /// Response header names to mark, lower-cased.
    pub response: Vec<String>,
    /// Whether the response's status is what failed.
    pub status: bool,
    /// Response headers the check requires, in their usual spelling: a table that lacks one shows
    /// it as missing.
    pub expect_missing: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Preflight,
    Actual,
}

/// The marks for a verdict that names an error; `None` when nothing failed (or nothing could be named).
pub fn marks(verdict: &Verdict) -> Option<Marks> {
    let error = verdict.error?;
    let part = match verdict.stage {
        Some(Stage::Preflight | Stage::RedirectPreflight) => Part::Preflight,
        _ => Part::Actual,
    };
    let (request, response, status): (&[&str], &[&str], bool) = match error {
        // Fetch §CORS check steps 1–3 (Chromium `cors::CheckAccess`): the response must carry exactly
        // one Access-Control-Allow-Origin, `*` or the request's origin.
        CorsError::MissingAllowOriginHeader
        | CorsError::MultipleAllowOriginValues
        | CorsError::InvalidAllowOriginValue
        | CorsError::AllowOriginMismatch
        | CorsError::PreflightMissingAllowOriginHeader
        | CorsError::PreflightMultipleAllowOriginValues
        | CorsError::PreflightInvalidAllowOriginValue
        | CorsError::PreflightAllowOriginMismatch => (&[], &[ALLOW_ORIGIN], false),
        // Fetch §CORS check step 4: a credentialed request may not get `*` as its allowed origin;
        // the fix is either a named origin or no credentials, so both headers are marked.
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            (&[], &[ALLOW_ORIGIN, ALLOW_CREDENTIALS], false)
        }
        // Fetch §CORS check steps 5–6: with credentials, Access-Control-Allow-Credentials must be `true`.
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => (&[], &[ALLOW_CREDENTIALS], false),
        // Fetch §CORS-preflight fetch step 7 (Chromium `PreflightController`): the preflight's status
        // must be an ok status (2xx).
        CorsError::PreflightInvalidStatus => (&[], &[], true),
        // Fetch §CORS-preflight fetch steps 7.1–7.5 (Chromium `PreflightResult::Create` and
        // `EnsureAllowedCrossOriginMethod`): Access-Control-Allow-Methods must parse and list the
        // method the preflight announced in Access-Control-Request-Method.
        CorsError::InvalidAllowMethodsPreflightResponse | CorsError::MethodDisallowedByPreflightResponse => {
            (&[REQUEST_METHOD], &[ALLOW_METHODS], false)
        }
        // The same steps for headers (`EnsureAllowedCrossOriginHeaders`): Access-Control-Allow-Headers
        // must parse and list every header announced in Access-Control-Request-Headers.
        CorsError::InvalidAllowHeadersPreflightResponse | CorsError::HeaderDisallowedByPreflightResponse => {
            (&[REQUEST_HEADERS], &[ALLOW_HEADERS], false)
        }
        // Fetch §HTTP-redirect fetch and §CORS-preflight fetch (a preflight may not be redirected;
        // Chromium `CorsURLLoader::OnReceiveRedirect`): the redirect's Location is what failed.
        CorsError::PreflightDisallowedRedirect
        | CorsError::RedirectContainsCredentials
        | CorsError::NoCorsRedirectModeNotFollow
        | CorsError::TooManyRedirects
        | CorsError::RedirectModeError
        | CorsError::InvalidRedirectLocation => (&[], &[LOCATION], false),
        // Decided before or below HTTP (request mode, scheme, Local Network Access, a network
        // error): no captured header is at fault.
        CorsError::DisallowedByMode
        | CorsError::CorsDisabledScheme
        | CorsError::InsecureLocalNetwork
        | CorsError::InvalidLocalNetworkAccess
        | CorsError::LocalNetworkAccessPermissionDenied
        | CorsError::PreflightNetworkError
        | CorsError::NoCorsMethodNotSafelisted => (&[], &[], false),
    };
    let lower = |names: &[&str]| names.iter().map(|n| n.to_ascii_lowercase()).collect();
    Some(Marks {
        part,
        request: lower(request),
        response: lower(response),
        status,
        expect_missing: response.iter().filter(|n| n.starts_with("Access-Control-Allow-")).map(|n| (*n).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::Exchange;

    fn verdict(json: &str) -> Verdict {
        let exchange: Exchange = serde_json::from_str(json).unwrap();
        crate::check(&exchange).unwrap()
    }

    const PUT: &str = r#""request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["X-Api-Key", "1"]]}"#;

    #[test]
    fn a_missing_allow_origin_marks_the_actual_response_and_is_expected() {
        let v = verdict(r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test"},
            "response": {"status": 200, "headers": []}}"#);
        let m = marks(&v).unwrap();
        assert_eq!(m.part, Part::Actual);
        assert_eq!(m.response, ["access-control-allow-origin"]);
        assert_eq!(m.expect_missing, ["Access-Control-Allow-Origin"]);
        assert!(m.request.is_empty() && !m.status);
    }

    #[test]
    fn a_preflight_status_marks_the_preflight_status_only() {
        let v = verdict(&format!(
            r#"{{{PUT}, "preflight": {{"response": {{"status": 404, "headers": [["Access-Control-Allow-Origin", "*"]]}}}}}}"#
        ));
        assert_eq!(v.error, Some(CorsError::PreflightInvalidStatus));
        let m = marks(&v).unwrap();
        assert_eq!(m.part, Part::Preflight);
        assert!(m.status);
        assert!(m.response.is_empty() && m.expect_missing.is_empty());
    }

    #[test]
    fn a_disallowed_header_marks_the_announcement_and_the_allow_list() {
        let v = verdict(&format!(
            r#"{{{PUT}, "preflight": {{"response": {{"status": 204, "headers": [["Access-Control-Allow-Origin", "*"],
                ["Access-Control-Allow-Methods", "PUT"]]}}}}}}"#
        ));
        assert_eq!(v.error, Some(CorsError::HeaderDisallowedByPreflightResponse));
        let m = marks(&v).unwrap();
        assert_eq!(m.part, Part::Preflight);
        assert_eq!(m.request, ["access-control-request-headers"]);
        assert_eq!(m.response, ["access-control-allow-headers"]);
        assert_eq!(m.expect_missing, ["Access-Control-Allow-Headers"]);
    }

    #[test]
    fn a_preflight_without_allow_origin_marks_only_that_header() {
        let v = verdict(&format!(r#"{{{PUT}, "preflight": {{"response": {{"status": 204, "headers": []}}}}}}"#));
        assert_eq!(v.error, Some(CorsError::PreflightMissingAllowOriginHeader));
        let m = marks(&v).unwrap();
        assert_eq!((m.part, m.response, m.request), (Part::Preflight, vec!["access-control-allow-origin".to_owned()], vec![]));
    }

    #[test]
    fn a_wildcard_with_credentials_marks_both_headers() {
        let v = verdict(r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test", "credentials_mode": "include"},
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}"#);
        assert_eq!(v.error, Some(CorsError::WildcardOriginNotAllowed));
        let m = marks(&v).unwrap();
        assert_eq!(m.response, ["access-control-allow-origin", "access-control-allow-credentials"]);
        assert_eq!(m.expect_missing, ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"]);
    }

    #[test]
    fn an_allowed_verdict_has_no_marks() {
        let v = verdict(r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test"},
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}"#);
        assert!(v.allowed);
        assert_eq!(marks(&v), None);
    }
}
