//! The CORS-preflight: whether a request needs one and why (fetch spec §main fetch step 12 /
//! "use-CORS-preflight flag", §CORS-unsafe request-header names), and the checks on its response
//! in Chromium's order (`services/network/cors/preflight_controller.cc`, `preflight_result.cc`):
//! redirect → CORS check → ok status → parse Allow-Methods / Allow-Headers → method → headers.

use crate::access_check::check_access;
use crate::browser::Browser;
use crate::error::{CorsError, Failure};
use crate::exchange::{HeaderList, Preflight, RequestMode, Response};
use crate::headers;
use crate::method;
use crate::redact::display_value;
use crate::safelist::{self, UnsafeHeader};
use crate::warning::Warning;

/// Why a request needs a preflight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreflightNeed {
    pub required: bool,
    /// Plain-words reasons, e.g. "method PUT is not CORS-safelisted".
    pub reasons: Vec<String>,
    /// The headers that made the request non-simple, in request order.
    pub unsafe_headers: Vec<UnsafeHeader>,
    /// What `Access-Control-Request-Headers` carries: sorted, lower-cased, de-duplicated.
    pub unsafe_header_names: Vec<String>,
}

/// Decides whether a CORS request (already known to be cross-origin, mode `cors`) needs a preflight.
pub fn need(normalized_method: &str, request_headers: &HeaderList, mode: RequestMode) -> PreflightNeed {
    let (unsafe_headers, unsafe_header_names) = safelist::unsafe_headers(request_headers);
    let mut reasons = Vec::new();
    if mode == RequestMode::CorsWithForcedPreflight {
        reasons.push("the request forces a preflight (an XMLHttpRequest with upload listeners, or a streaming body)".to_owned());
    }
    if !method::is_cors_safelisted(normalized_method) {
        reasons.push(format!("method {normalized_method} is not CORS-safelisted"));
    }
    for header in &unsafe_headers {
        let name = header.name.to_ascii_lowercase();
        // Names recovered from a preflight's Access-Control-Request-Headers carry no value.
        reasons.push(if header.value.is_empty() {
            value_unseen_reason(&name)
        } else {
            format!("header {name}: {} is not CORS-safelisted", display_value(&header.name, &header.value))
        });
    }
    PreflightNeed { required: !reasons.is_empty(), reasons, unsafe_headers, unsafe_header_names }
}

/// Why a header known only by name (from the preflight's `Access-Control-Request-Headers`) needed a
/// preflight. A safelisted name was announced for its value, which the capture did not see: say so
/// rather than call the name unsafe.
fn value_unseen_reason(name: &str) -> String {
    match safelist::safelisted_name(name) {
        Some(_) => format!("header {name} has a value that is not CORS-safelisted (the browser's preflight announced it; the value was not captured)"),
        None => format!("header {name} is not CORS-safelisted"),
    }
}

/// An observed preflight is proof that the browser wanted one: its `Access-Control-Request-Headers`
/// names what the browser judged CORS-unsafe, whatever the names. A safelisted name with an unsafe
/// value (`Content-Language: @`, a 200-byte `Accept-Language`) is announced too, and a request its
/// preflight stopped never shows its headers to webRequest, so the names alone must count.
pub fn add_announced(need: &mut PreflightNeed, observed: &Preflight) {
    if headers::get(&observed.request_headers, "access-control-request-method").is_none() {
        return; // Not a CORS preflight as captured (or its headers were not seen): no evidence.
    }
    let announced = headers::get(&observed.request_headers, "access-control-request-headers")
        .and_then(|value| headers::parse_name_list(&value).ok())
        .unwrap_or_default();
    for name in announced {
        if need.unsafe_header_names.contains(&name) {
            continue;
        }
        need.reasons.push(value_unseen_reason(&name));
        need.unsafe_headers.push(UnsafeHeader {
            name: name.clone(),
            value: String::new(),
            reason: "the browser's preflight announced it".to_owned(),
        });
        need.unsafe_header_names.push(name);
    }
    crate::order::sort_unique(&mut need.unsafe_header_names);
    if need.reasons.is_empty() {
        need.reasons.push(
            "the browser sent a preflight although the captured method and headers are CORS-safelisted (an \
             XMLHttpRequest with upload listeners, or a header value the capture did not see)"
                .to_owned(),
        );
    }
    need.required = true;
}

/// What the actual request asks the preflight to allow.
pub struct PreflightAsk<'a> {
    pub method: &'a str,
    pub unsafe_header_names: &'a [String],
    /// The value of the `Origin` header the preflight carried (`"null"` when tainted or opaque).
    pub origin: &'a str,
    /// The *actual* request's credentials mode is `include` (the preflight itself has no credentials).
    pub credentials: bool,
    pub forced: bool,
}

/// The outcome of a preflight that passed: any warnings the browser would print.
#[derive(Debug, Default)]
pub struct PreflightPass {
    pub warnings: Vec<Warning>,
}

/// A failed preflight: the error, plus every header the response would need to allow
/// (Chromium names only one of them).
#[derive(Debug)]
pub struct PreflightFailure {
    pub failure: Failure,
    pub missing_headers: Vec<String>,
}

impl From<Failure> for PreflightFailure {
    fn from(failure: Failure) -> Self {
        PreflightFailure { failure, missing_headers: Vec::new() }
    }
}

/// A 3xx with a `Location` is a redirect; a 3xx without one is just a non-ok status.
pub fn is_redirect(response: &Response) -> bool {
    matches!(response.status, 301 | 302 | 303 | 307 | 308) && headers::get(&response.headers, "location").is_some()
}

/// Fetch's ok status: 200 to 299.
pub fn is_ok_status(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The preflight check with Chromium's rules.
pub fn evaluate(response: &Response, ask: &PreflightAsk) -> Result<PreflightPass, PreflightFailure> {
    evaluate_as(response, ask, Browser::Chromium)
}

/// The preflight check in `browser`'s order: Chromium refuses a redirect, then checks the CORS headers,
/// then the status; Firefox checks the CORS headers of any response first, the redirect's too
/// (`nsCORSListenerProxy` runs its check before it looks at the redirect); Safari checks the status,
/// a redirect's included, before the CORS headers.
pub fn evaluate_as(response: &Response, ask: &PreflightAsk, browser: Browser) -> Result<PreflightPass, PreflightFailure> {
    let access = || check_access(&response.headers, ask.origin, ask.credentials).map_err(|f| f.on_preflight());
    let redirect = || if is_redirect(response) { Err(Failure::new(CorsError::PreflightDisallowedRedirect, "")) } else { Ok(()) };
    let status = || if is_ok_status(response.status) { Ok(()) } else { Err(Failure::new(CorsError::PreflightInvalidStatus, "")) };
    match browser {
        Browser::Chromium => redirect().and_then(|()| access()).and_then(|()| status()),
        Browser::Firefox => access().and_then(|()| redirect()).and_then(|()| status()),
        // A redirect's status is not ok either: Safari reports it as such.
        Browser::Safari => status().and_then(|()| access()),
    }?;
    let allow_methods = parse_list(&response.headers, "access-control-allow-methods", CorsError::InvalidAllowMethodsPreflightResponse, false)?;
    let allow_headers = parse_list(&response.headers, "access-control-allow-headers", CorsError::InvalidAllowHeadersPreflightResponse, true)?;
    let mut pass = PreflightPass::default();
    check_method(ask, allow_methods)?;
    check_headers(ask, &allow_headers, &mut pass)?;
    Ok(pass)
}

fn parse_list(headers: &HeaderList, name: &str, error: CorsError, lower_case: bool) -> Result<Option<Vec<String>>, PreflightFailure> {
    let Some(value) = headers::get(headers, name) else { return Ok(None) };
    let parsed = if lower_case { headers::parse_name_list(&value) } else { headers::parse_token_list(&value) };
    // Chromium reports no failed parameter for an unparsable list.
    parsed.map(Some).map_err(|_| Failure::new(error, "").into())
}

fn check_method(ask: &PreflightAsk, allow_methods: Option<Vec<String>>) -> Result<(), PreflightFailure> {
    // Without Allow-Methods, a forced preflight still allows the request's own method (fetch spec
    // §CORS-preflight fetch step 7.3).
    let allow_methods = match allow_methods {
        None if ask.forced => vec![ask.method.to_owned()],
        other => other.unwrap_or_default(),
    };
    let allowed = method::is_cors_safelisted(ask.method)
        || allow_methods.iter().any(|m| m == ask.method)
        || (!ask.credentials && allow_methods.iter().any(|m| m == "*"));
    if allowed {
        Ok(())
    } else {
        Err(Failure::new(CorsError::MethodDisallowedByPreflightResponse, ask.method).into())
    }
}

fn check_headers(ask: &PreflightAsk, allow_headers: &Option<Vec<String>>, pass: &mut PreflightPass) -> Result<(), PreflightFailure> {
    let allow_headers = allow_headers.as_deref().unwrap_or(&[]);
    let wildcard = !ask.credentials && allow_headers.iter().any(|h| h == "*");
    let missing: Vec<String> = ask
        .unsafe_header_names
        .iter()
        .filter(|name| !wildcard && !allow_headers.contains(name))
        .cloned()
        .collect();
    if let Some(first) = missing.first() {
        return Err(PreflightFailure {
            failure: Failure::new(CorsError::HeaderDisallowedByPreflightResponse, first.clone()),
            missing_headers: missing,
        });
    }
    if wildcard && ask.unsafe_header_names.iter().any(|n| n == "authorization") && !allow_headers.iter().any(|h| h == "authorization") {
        // Spec: a network error. Chromium (feature CorsNonWildcardRequestHeadersSupport off),
        // Firefox (pref on since 115) and Safari let it through; Firefox warns.
        pass.warnings.push(Warning::AuthorizationUnderWildcard);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    const ORIGIN: &str = "https://app.example.com";

    fn ask<'a>(method: &'a str, names: &'a [String], credentials: bool) -> PreflightAsk<'a> {
        PreflightAsk { method, unsafe_header_names: names, origin: ORIGIN, credentials, forced: false }
    }

    fn error_of(status: u16, pairs: &[(&str, &str)], ask: &PreflightAsk) -> Option<(CorsError, String)> {
        evaluate(&Response { status, headers: h(pairs) }, ask).err().map(|f| (f.failure.error, f.failure.failed_parameter))
    }

    #[test]
    fn need_explains_each_reason() {
        let need = need("PUT", &h(&[("Content-Type", "application/json"), ("Authorization", "Bearer secret")]), RequestMode::Cors);
        assert!(need.required);
        assert_eq!(need.reasons[0], "method PUT is not CORS-safelisted");
        assert_eq!(need.reasons[1], "header content-type: application/json is not CORS-safelisted");
        // Known by name only: a safelisted name is not called unsafe, its unseen value is.
        let names_only = super::need("POST", &h(&[("Content-Type", ""), ("X-Test", "")]), RequestMode::Cors);
        assert_eq!(
            names_only.reasons,
            [
                "header content-type has a value that is not CORS-safelisted (the browser's preflight announced it; the value was not captured)",
                "header x-test is not CORS-safelisted",
            ]
        );
        assert!(!need.reasons[2].contains("secret"), "Authorization values are redacted");
        assert_eq!(need.unsafe_header_names, vec!["authorization", "content-type"]);
        assert!(!super::need("GET", &h(&[("Accept", "*/*")]), RequestMode::Cors).required);
        assert!(super::need("GET", &[].to_vec(), RequestMode::CorsWithForcedPreflight).required);
    }

    #[test]
    fn chromium_order_access_before_status() {
        let names = vec![];
        let a = ask("PUT", &names, false);
        assert_eq!(error_of(404, &[], &a), Some((CorsError::PreflightMissingAllowOriginHeader, "".into())));
        assert_eq!(error_of(404, &[("Access-Control-Allow-Origin", "*")], &a), Some((CorsError::PreflightInvalidStatus, "".into())));
        assert_eq!(
            error_of(302, &[("Location", "https://x/"), ("Access-Control-Allow-Origin", "*")], &a),
            Some((CorsError::PreflightDisallowedRedirect, "".into()))
        );
    }

    #[test]
    fn firefox_checks_the_headers_of_a_redirect_and_safari_the_status_first() {
        let names = vec![];
        let a = ask("PUT", &names, false);
        let response = |status, headers: &[(&str, &str)]| Response { status, headers: h(headers) };
        let error = |r: &Response, browser| evaluate_as(r, &a, browser).err().map(|f| f.failure.error);
        let bare_redirect = response(301, &[("Location", "https://x/")]);
        assert_eq!(error(&bare_redirect, Browser::Firefox), Some(CorsError::PreflightMissingAllowOriginHeader));
        assert_eq!(error(&bare_redirect, Browser::Chromium), Some(CorsError::PreflightDisallowedRedirect));
        let allowed_redirect = response(301, &[("Location", "https://x/"), ("Access-Control-Allow-Origin", "*")]);
        assert_eq!(error(&allowed_redirect, Browser::Firefox), Some(CorsError::PreflightDisallowedRedirect));
        let not_found = response(404, &[]);
        assert_eq!(error(&not_found, Browser::Safari), Some(CorsError::PreflightInvalidStatus));
        assert_eq!(error(&not_found, Browser::Firefox), Some(CorsError::PreflightMissingAllowOriginHeader));
    }

    #[test]
    fn methods_are_case_sensitive_and_wildcard_needs_no_credentials() {
        let names = vec![];
        let acao = ("Access-Control-Allow-Origin", ORIGIN);
        let acac = ("Access-Control-Allow-Credentials", "true");
        assert_eq!(
            error_of(204, &[acao, ("Access-Control-Allow-Methods", "PATCH")], &ask("patch", &names, false)),
            Some((CorsError::MethodDisallowedByPreflightResponse, "patch".into()))
        );
        assert_eq!(error_of(204, &[acao, ("Access-Control-Allow-Methods", "*")], &ask("patch", &names, false)), None);
        assert_eq!(
            error_of(204, &[acao, acac, ("Access-Control-Allow-Methods", "*")], &ask("PUT", &names, true)),
            Some((CorsError::MethodDisallowedByPreflightResponse, "PUT".into()))
        );
        assert_eq!(
            error_of(204, &[acao, ("Access-Control-Allow-Methods", "GET POST")], &ask("PUT", &names, false)),
            Some((CorsError::InvalidAllowMethodsPreflightResponse, "".into()))
        );
    }

    #[test]
    fn headers_missing_and_authorization_wildcard_warning() {
        let names = vec!["authorization".to_string(), "x-b".to_string()];
        let acao = ("Access-Control-Allow-Origin", ORIGIN);
        let methods = ("Access-Control-Allow-Methods", "PUT");
        let err = evaluate(&Response { status: 200, headers: h(&[acao, methods, ("Access-Control-Allow-Headers", "X-A")]) }, &ask("PUT", &names, false)).unwrap_err();
        assert_eq!(err.failure.error, CorsError::HeaderDisallowedByPreflightResponse);
        assert_eq!(err.missing_headers, names);
        let pass = evaluate(&Response { status: 200, headers: h(&[acao, methods, ("Access-Control-Allow-Headers", "*")]) }, &ask("PUT", &names, false)).unwrap();
        assert_eq!(pass.warnings.len(), 1);
    }
}
