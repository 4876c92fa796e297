//! Plain-words explanation of a verdict: what failed and the offending value, what the browser
//! sent first, why a preflight was needed, findings that are "not really CORS", and the browser
//! differences that matter for this exchange. Every captured value shown here is redacted where
//! it could be a secret; the panel renders all of it as text.

use std::borrow::Cow;


use crate::browser::Browser;
use crate::error::CorsError;
use crate::exchange::{AddressSpace, Exchange, HeaderList, Response};
use crate::headers;
use crate::origin::ParsedUrl;
use crate::redact::display_value;
use crate::verdict::{Explanation, Finding, FindingKind, HttpText, MaxAgeReading, Stage, Verdict};
use crate::warning::Warning;

/// The context of the failing check, which the verdict alone does not carry.
pub struct FailedAt<'a> {
    pub response: Option<&'a Response>,
    pub location: Option<&'a str>,
    /// The Origin header the failing request carried ("null" after a tainting redirect).
    pub origin_sent: Option<&'a str>,
}

/// Where another browser's rules, run on the same exchange, decide otherwise (check.rs).
pub struct BrowserDifference {
    pub browser: Browser,
    /// The error those rules stop at, and where; `None` where they let the request through.
    pub error: Option<CorsError>,
    pub stage: Option<Stage>,
}

/// `url` is the request's URL as the engine parsed it (parsed once per verdict: it is the costliest
/// step of a check in the size-optimised wasm build).
pub fn explain(exchange: &Exchange, url: &ParsedUrl, verdict: &Verdict, failed: &FailedAt, others: &[BrowserDifference]) -> Explanation {
    let request = &exchange.request;
    let path = &url.path_and_query;
    let method = crate::method::normalize(&request.method);
    let status_of = |r: Option<&Response>| r.map(|r| format!("{} {}", r.status, reason_phrase(r.status)));
    let header_of = |name: &str| failed.response.and_then(|r| headers::get(&r.headers, name));
    let origin = &request.origin;
    let (summary, details) = match (verdict.error, verdict.allowed) {
        (None, true) if !verdict.cors_applies => (
            "Allowed: CORS does not apply to this request.".to_owned(),
            verdict.warnings.first().map(ToString::to_string).unwrap_or_default(),
        ),
        (None, true) => ("Allowed: every CORS check passes.".to_owned(), String::new()),
        (None, false) if verdict.network_failure.is_some() => {
            let (summary, details, _) = verdict.network_failure.map(|f| f.explain(url, origin)).unwrap_or_default();
            (summary, details)
        }
        (None, false) => (
            "The request failed, but not at a CORS check the capture shows.".to_owned(),
            "Nothing captured fails a CORS check. Look at the network error, a cancelled request, mixed content, or \
             an ad blocker; or repeat the request with the preflight cache empty so the preflight is captured."
                .to_owned(),
        ),
        (Some(error), _) => describe(error, verdict, failed, &Describe { declared_space: request.declared_target_address_space, url, method, path, origin, status: status_of(failed.response), header_of: &header_of }),
    };
    let mut explanation = Explanation { summary, details, ..Explanation::default() };
    if let (Some(error), Some(response)) = (verdict.error, failed.response) {
        explanation.responder = crate::responder::identify(response);
        if let Some(responder) = &explanation.responder {
            // A layer in front wrote this error status itself: the app-side causes (a route, auth) do not apply.
            let status_is_the_cause = response.status >= 400
                && matches!(error, CorsError::PreflightInvalidStatus | CorsError::PreflightMissingAllowOriginHeader | CorsError::MissingAllowOriginHeader);
            explanation.details = match &responder.answered_by {
                Some(hop) if hop.layer != crate::responder::Layer::App && status_is_the_cause => format!(
                    "{} got {} {} with no Access-Control-Allow-Origin header. {}",
                    if verdict.stage == Some(Stage::Preflight) { format!("The preflight OPTIONS {path}") } else { format!("{method} {path}") },
                    response.status,
                    reason_phrase(response.status),
                    responder.sentence
                ),
                _ => format!("{} {}", explanation.details, responder.sentence).trim_start().to_owned(),
            };
        }
    }
    explanation.preflight_http = preflight_text(exchange, url, method);
    if verdict.preflight_required {
        explanation.avoid_preflight = avoid_preflight(exchange, verdict, method);
    }
    explanation.findings = findings(exchange, verdict, failed);
    explanation.browser_differences = browser_differences(verdict, others);
    explanation.client_fix = client_fix(exchange, url, verdict, method);
    explanation
}

struct Describe<'a> {
    declared_space: Option<AddressSpace>,
    url: &'a ParsedUrl<'a>,
    method: &'a str,
    path: &'a str,
    origin: &'a str,
    status: Option<String>,
    header_of: &'a dyn Fn(&str) -> Option<Cow<'a, str>>,
}

/// Said of every Local Network Access refusal: the fix is never a header.
const NO_SERVER_FIX: &str = "No response header fixes this, and Access-Control-Allow-Private-Network no longer does anything. \
     CORS Lens's live preflight is exempt from Local Network Access (an extension's request), so it can pass where the page fails; \
     Verify with Chrome runs in the page and gives the real answer.";

fn describe(error: CorsError, verdict: &Verdict, failed: &FailedAt, d: &Describe) -> (String, String) {
    let (method, path, origin) = (d.method, d.path, d.origin);
    let lna = verdict.local_network.as_ref();
    let space = lna.and_then(|l| l.target).map_or("unknown", AddressSpace::name);
    let declared = d.declared_space;
    let status = d.status.clone().unwrap_or_else(|| "no response".to_owned());
    let status_code = failed.response.map_or(0, |r| r.status);
    let on = match verdict.stage {
        Some(Stage::Preflight | Stage::RedirectPreflight) => format!("the preflight OPTIONS {path}"),
        Some(Stage::Redirect) => format!("the redirect from {method} {path}"),
        _ => format!("{method} {path}"),
    };
    let hint = verdict.failed_parameter.clone().unwrap_or_default();
    match error {
        CorsError::PreflightInvalidStatus => {
            let why = preflight_status_cause(status_code);
            (
                format!("The preflight OPTIONS {path} got {status}: the browser needs a 2xx answer."),
                format!("Your server answered the preflight OPTIONS {path} with {status}: {why}"),
            )
        }
        CorsError::PreflightMissingAllowOriginHeader if status_code >= 300 => (
            format!("The preflight OPTIONS {path} got {status} without CORS headers."),
            format!(
                "Your server answered the preflight OPTIONS {path} with {status} and no Access-Control-Allow-Origin header: {} \
                 Chromium and Firefox report the missing header because they check it before the status.",
                preflight_status_cause(status_code)
            ),
        ),
        CorsError::PreflightMissingAllowOriginHeader | CorsError::MissingAllowOriginHeader => {
            let detail = if status_code >= 400 {
                format!(
                    "Your server answered {on} with {status} and no Access-Control-Allow-Origin header. The browser reports the missing header, \
                     but the {status} is the first thing to look at: an error handler, proxy or auth layer answered without CORS headers."
                )
            } else {
                format!("Your server answered {on} with {status} but no Access-Control-Allow-Origin header, so the browser may not let {origin} read it.")
            };
            (format!("No Access-Control-Allow-Origin on {on} ({status})."), detail)
        }
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => {
            let lines = failed.response.map_or(0, |r| headers::count(&r.headers, "access-control-allow-origin"));
            let detail = if lines > 1 {
                format!("Access-Control-Allow-Origin was sent {lines} times ('{hint}'). Usually both a proxy and the application add it: keep exactly one of them.")
            } else {
                format!("Access-Control-Allow-Origin holds a list ('{hint}'), but it may name exactly one origin. Check the request's Origin against your allow-list and echo the match, with Vary: Origin.")
            };
            ("Access-Control-Allow-Origin has more than one value.".to_owned(), detail)
        }
        CorsError::InvalidAllowOriginValue | CorsError::PreflightInvalidAllowOriginValue => {
            let wildcard = if hint.contains('*') { " Wildcard sub-domains are not supported: match the Origin against a list on the server and echo it." } else { "" };
            (
                format!("Access-Control-Allow-Origin '{hint}' is not a valid origin."),
                format!("Access-Control-Allow-Origin must be '*', 'null' or a full origin like {origin} (scheme, host and port, no path).{wildcard}"),
            )
        }
        CorsError::AllowOriginMismatch | CorsError::PreflightAllowOriginMismatch => {
            (format!("Access-Control-Allow-Origin '{hint}' is not your origin {origin}."), mismatch_detail(&hint, origin, failed.origin_sent))
        }
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => (
            "Access-Control-Allow-Origin: * cannot be used with credentials.".to_owned(),
            format!(
                "The request includes credentials (cookies or HTTP auth), and then the browser refuses the wildcard. Echo the exact origin {origin} \
                 and send Access-Control-Allow-Credentials: true, with Vary: Origin."
            ),
        ),
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
            let value = if hint.is_empty() { "missing".to_owned() } else { format!("'{hint}'") };
            (
                format!("Access-Control-Allow-Credentials is {value}; a request with credentials needs exactly 'true'."),
                format!("The request includes credentials, so the response must carry Access-Control-Allow-Credentials: true (lower-case, once) on {on}."),
            )
        }
        CorsError::PreflightDisallowedRedirect => {
            let location = (d.header_of)("location").unwrap_or_default();
            (
                format!("The preflight OPTIONS {path} was redirected ({status}) to {location}."),
                format!(
                    "Browsers never follow a redirect on a preflight. Call the final URL directly ({}), and make sure OPTIONS is answered there with 2xx \
                     rather than redirected (http→https, a trailing slash, or a login page).",
                    redirect_kind(&location)
                ),
            )
        }
        CorsError::InvalidAllowMethodsPreflightResponse | CorsError::InvalidAllowHeadersPreflightResponse => {
            let name = if error == CorsError::InvalidAllowMethodsPreflightResponse { "Access-Control-Allow-Methods" } else { "Access-Control-Allow-Headers" };
            let value = (d.header_of)(&name.to_ascii_lowercase()).unwrap_or_default();
            (
                format!("{name} '{value}' cannot be parsed."),
                format!("{name} must be a comma-separated list of names, e.g. 'GET, POST, PUT' or 'Content-Type, Authorization' — no semicolons, quotes or spaces inside a name."),
            )
        }
        CorsError::MethodDisallowedByPreflightResponse => {
            let allowed = (d.header_of)("access-control-allow-methods").map_or_else(|| "absent".to_owned(), |v| format!("'{v}'"));
            (
                format!("Method {hint} is not allowed by the preflight response."),
                format!("The preflight answered Access-Control-Allow-Methods {allowed}, which does not contain {hint} (matching is case-sensitive). Add {hint} to it."),
            )
        }
        CorsError::HeaderDisallowedByPreflightResponse => {
            let allowed = (d.header_of)("access-control-allow-headers").map_or_else(|| "absent".to_owned(), |v| format!("'{v}'"));
            let all = if verdict.missing_allowed_headers.len() > 1 { verdict.missing_allowed_headers.join(", ") } else { hint.clone() };
            (
                format!("Request header {hint} is not allowed by the preflight response."),
                format!("The request sends {all}, but the preflight answered Access-Control-Allow-Headers {allowed}. Add {all} to Access-Control-Allow-Headers."),
            )
        }
        CorsError::RedirectContainsCredentials => (
            "A redirect points to a URL with a username and password.".to_owned(),
            format!("The redirect to {} embeds credentials, which browsers refuse for cross-origin requests. Redirect to a URL without user:password@ and authenticate with a header.", failed.location.unwrap_or("")),
        ),
        CorsError::DisallowedByMode => (
            "mode: 'same-origin' forbids this cross-origin request.".to_owned(),
            "The request was made with mode 'same-origin' (or redirected to another origin). Use mode 'cors' with CORS headers on the server, or call a same-origin URL.".to_owned(),
        ),
        CorsError::CorsDisabledScheme => (
            "Cross-origin requests only work over http(s).".to_owned(),
            "The page or the URL is not http(s) (a page opened from file://, or a URL written without http://). Serve the page from a local web server and use full http(s) URLs.".to_owned(),
        ),
        CorsError::NoCorsRedirectModeNotFollow => (
            "mode 'no-cors' requires redirect: 'follow'.".to_owned(),
            "Change the request's redirect option to 'follow', or use mode 'cors'.".to_owned(),
        ),
        CorsError::NoCorsMethodNotSafelisted => (
            format!("mode 'no-cors' cannot send {hint}."),
            "Only GET, HEAD and POST can be sent with mode 'no-cors'. Use mode 'cors' and configure CORS on the server.".to_owned(),
        ),
        CorsError::InsecureLocalNetwork => (
            format!("Local Network Access: the insecure page {origin} may not call the more private `{space}` address space."),
            format!(
                "Chromium's Local Network Access stops a public page that is not a secure context (plain http://) from calling {space} addresses, \
                 before anything is sent: the server never saw this request. {NO_SERVER_FIX}"
            ),
        ),
        CorsError::InvalidLocalNetworkAccess => (
            format!("Local Network Access: the page declared the `{}` address space, but the server is in `{space}`.", declared.map_or("unknown", AddressSpace::name)),
            format!("fetch()'s targetAddressSpace must name the space the server really is in, or Chromium refuses the request once it connects. {NO_SERVER_FIX}"),
        ),
        CorsError::LocalNetworkAccessPermissionDenied => (
            format!("Local Network Access: {origin} has no permission to reach the `{space}` address space."),
            format!(
                "Since Chrome 142 a public site that calls localhost, a router, a printer or an intranet address needs the user's local network \
                 permission (Chrome 145 split it: 'Apps on device' for loopback, 'Local network' for the rest). It was not granted, so Chromium \
                 refused the request before it reached the server, preflight or not. {NO_SERVER_FIX}"
            ),
        ),
        CorsError::PreflightNetworkError if verdict.network_failure.is_some() => {
            let (summary, details, _) = verdict.network_failure.map(|f| f.explain(d.url, origin)).unwrap_or_default();
            (format!("The preflight OPTIONS {path} failed: {summary}"), details)
        }
        CorsError::PreflightNetworkError => (
            format!("The preflight OPTIONS {path} failed below HTTP ({}).", if hint.is_empty() { "network error" } else { &hint }),
            "The browser could not complete the OPTIONS request at all: the server is unreachable, refused the connection, or TLS failed. This is not a header problem: make the endpoint reachable.".to_owned(),
        ),
        CorsError::TooManyRedirects => ("More than 20 redirects.".to_owned(), "The request is caught in a redirect loop. Fix the redirect rules.".to_owned()),
        CorsError::RedirectModeError => (
            "The request does not allow redirects, but got one.".to_owned(),
            "The request was made with redirect: 'error'. Call the final URL directly or allow redirects.".to_owned(),
        ),
        CorsError::InvalidRedirectLocation => (
            "A redirect points somewhere a CORS request cannot go.".to_owned(),
            format!("The redirect target {} is not a valid http(s) URL.", failed.location.unwrap_or("")),
        ),
    }
}

fn preflight_status_cause(status: u16) -> &'static str {
    match status {
        404 | 405 => "no route handles OPTIONS. Answer OPTIONS for this path with 204 and the CORS headers (your framework's CORS middleware does this when it runs before routing).",
        401 | 403 => "the OPTIONS request hit authentication. Preflights never carry cookies or Authorization, so they always fail auth: let OPTIONS through before the auth check.",
        500..=599 => "the server failed while handling OPTIONS. Its error log has the cause; CORS middleware placed first answers OPTIONS before the failing code runs.",
        _ => "a preflight needs a 2xx status (204 is usual).",
    }
}

fn mismatch_detail(value: &str, origin: &str, origin_sent: Option<&str>) -> String {
    let base = format!("The server allowed '{value}', but the page's origin is {origin}; the browser compares them byte for byte.");
    let cause = if value == "null" && origin_sent != Some("null") {
        " 'null' only matches pages with an opaque origin (file://, sandboxed iframes)."
    } else if origin_sent == Some("null") && origin != "null" {
        // Checked first: the value may be the page's origin exactly, which is what the tainted request no longer sends.
        " After a cross-origin redirect the browser sends Origin: null, so the final server must allow 'null' or '*'."
    } else if value.ends_with('/') && value.trim_end_matches('/') == origin {
        " Remove the trailing slash."
    } else if value.eq_ignore_ascii_case(origin) {
        " Origins are lower-case: echo the Origin header exactly."
    } else if value.split("://").nth(1) == origin.split("://").nth(1) {
        " The scheme differs (http vs https)."
    } else if value.replace("://www.", "://") == origin.replace("://www.", "://") {
        " One has www. and the other does not."
    } else {
        " Echo the request's Origin header when it is on your allow-list, with Vary: Origin (a cache may also be serving a response made for another origin)."
    };
    base + cause
}

fn redirect_kind(location: &str) -> &'static str {
    if location.starts_with("https://") { "maybe an http→https redirect" } else if location.ends_with('/') { "maybe a trailing-slash redirect" } else { "the redirect's target" }
}

/// The preflight as HTTP text: observed when it was captured, reconstructed otherwise.
fn preflight_text(exchange: &Exchange, url: &ParsedUrl, method: &str) -> Option<HttpText> {
    let request = &exchange.request;
    let observed = exchange.preflight.as_ref();
    let acrh = observed
        .and_then(|p| headers::get(&p.request_headers, "access-control-request-headers"))
        .or_else(|| {
            let (_, names) = crate::safelist::unsafe_headers(&request.headers);
            (!names.is_empty()).then(|| Cow::Owned(names.join(",")))
        });
    if observed.is_none() && !crate::preflight::need(method, &request.headers, request.mode).required {
        return None;
    }
    let mut text = format!("OPTIONS {} HTTP/1.1\nHost: {}\nOrigin: {}\nAccess-Control-Request-Method: {method}\n", url.path_and_query, url.host_header(), request.origin);
    if let Some(acrh) = acrh {
        text.push_str("Access-Control-Request-Headers: ");
        text.push_str(&acrh);
        text.push('\n');
    }
    let response = observed.and_then(|p| p.response.as_ref()).map(|r| response_text(r.status, &r.headers));
    Some(HttpText { request: text, response })
}

pub fn response_text(status: u16, response_headers: &HeaderList) -> String {
    let mut text = format!("HTTP/1.1 {status} {}\n", reason_phrase(status));
    for (name, value) in response_headers {
        text.push_str(name);
        text.push_str(": ");
        text.push_str(display_value(name, value));
        text.push('\n');
    }
    text
}

fn avoid_preflight(exchange: &Exchange, verdict: &Verdict, method: &str) -> Option<String> {
    let names = &verdict.unsafe_header_names;
    if !crate::method::is_cors_safelisted(method) {
        return None;
    }
    let only = |n: &str| names.len() == 1 && names[0] == n;
    if only("x-requested-with") {
        return Some("Drop the X-Requested-With header: it is the only reason for the preflight, and servers rarely need it.".to_owned());
    }
    if only("content-type") && exchange.request.headers.iter().any(|(_, v)| v.to_ascii_lowercase().contains("json")) {
        return Some(
            "Content-Type: application/json is the only reason for the preflight. Sending text/plain would avoid it, but then the server \
             must parse the body itself; usually better: keep JSON and let the browser cache the preflight with Access-Control-Max-Age."
                .to_owned(),
        );
    }
    None
}

fn findings(exchange: &Exchange, verdict: &Verdict, failed: &FailedAt) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(preflight) = exchange.preflight.as_ref().and_then(|p| p.response.as_ref()) {
        if matches!(preflight.status, 401 | 403) {
            found.push(Finding::new(FindingKind::PreflightBehindAuth,
                format!("The preflight got {} {}: OPTIONS is behind authentication. Preflights carry no credentials; exempt OPTIONS from auth.", preflight.status, reason_phrase(preflight.status)),
            ));
        }
        // When the redirect is the error, the summary already says so.
        if crate::preflight::is_redirect(preflight) && verdict.error != Some(CorsError::PreflightDisallowedRedirect) {
            found.push(Finding::new(FindingKind::PreflightRedirected, "The preflight was redirected; browsers never follow redirects on a preflight.".to_owned()));
        }
    }
    if verdict.error == Some(CorsError::MissingAllowOriginHeader) {
        if let Some(r) = failed.response.filter(|r| r.status >= 400) {
            found.push(Finding::new(FindingKind::ErrorStatusWithoutCors,
                format!("Not really CORS: the server answered {} {}. That error response carries no CORS headers, so the browser hides it from your script. Fix the {} first, and add CORS headers to error responses too (nginx: add_header ... always).", r.status, reason_phrase(r.status), r.status),
            ));
        }
    }
    let observed: Vec<&Response> = exchange
        .preflight
        .iter()
        .filter_map(|p| p.response.as_ref())
        .chain(exchange.response.as_ref())
        .collect();
    if observed.iter().any(|r| headers::count(&r.headers, "access-control-allow-origin") > 1) {
        found.push(Finding::new(FindingKind::DuplicateAllowOrigin,
            "Access-Control-Allow-Origin is sent more than once: typically a proxy and the application both add it. Configure CORS in one place.".to_owned(),
        ));
    }
    let echoes_origin = |r: &&Response| headers::get(&r.headers, "access-control-allow-origin").is_some_and(|v| v == exchange.request.origin && v != "*");
    let varies_on_origin = |r: &&Response| headers::get(&r.headers, "vary").is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("origin") || t.trim() == "*"));
    if observed.iter().any(|r| echoes_origin(r) && !varies_on_origin(r)) {
        found.push(Finding::new(FindingKind::MissingVaryOrigin,
            "The server echoes the request's origin without Vary: Origin. A cache (CDN, proxy, the browser) can then serve this response to another origin, which fails with a mismatch. Add Vary: Origin.".to_owned(),
        ));
    }
    if let Some(max_age) = &verdict.max_age {
        let value = max_age.header.clone().unwrap_or_default();
        match max_age.chromium.reading {
            MaxAgeReading::Unparsable => found.push(Finding::new(FindingKind::MaxAgeUnparsable,
                format!("Access-Control-Max-Age '{value}' is not a whole number of seconds: Chromium and Safari fall back to 5 s, Firefox does not cache at all."),
            )),
            MaxAgeReading::Capped => found.push(Finding::new(FindingKind::MaxAgeAboveCap,
                format!("Access-Control-Max-Age {value} is above Chromium's cap of 7200 s (Firefox 86400 s, Safari 600 s): the browser uses its cap."),
            )),
            MaxAgeReading::Missing if verdict.allowed => found.push(Finding::new(FindingKind::MaxAgeMissing,
                "No Access-Control-Max-Age: browsers cache this preflight for only 5 s, so most requests pay for an extra OPTIONS round trip. Send Access-Control-Max-Age: 7200.".to_owned(),
            )),
            _ => {}
        }
    }
    if let Some(exposed) = &verdict.exposed_headers {
        let interesting: Vec<&String> = exposed.hidden.iter().filter(|h| !is_boring_response_header(h)).collect();
        if !interesting.is_empty() {
            let names: Vec<&str> = interesting.iter().map(|s| s.as_str()).collect();
            found.push(Finding::new(FindingKind::UnexposedHeaders,
                format!("Script cannot read {} (response.headers.get returns null): list them in Access-Control-Expose-Headers.", names.join(", ")),
            ));
        }
    }
    found
}

/// Response headers nobody reads from script; not worth a finding when hidden.
fn is_boring_response_header(name: &str) -> bool {
    matches!(name, "date" | "server" | "connection" | "keep-alive" | "transfer-encoding" | "vary" | "set-cookie" | "set-cookie2" | "x-powered-by" | "alt-svc" | "strict-transport-security")
        || name.starts_with("x-seen-")
}

fn browser_differences(verdict: &Verdict, others: &[BrowserDifference]) -> Vec<String> {
    let mut differences: Vec<String> = others.iter().map(|d| difference(verdict, d)).collect();
    if let Some(max_age) = &verdict.max_age {
        if max_age.header.is_some() && max_age.chromium.seconds != max_age.safari.seconds {
            differences.push(format!(
                "Preflight caching differs: Chromium keeps this preflight {} s, Firefox {} s, Safari {} s.",
                max_age.chromium.seconds, max_age.firefox.seconds, max_age.safari.seconds
            ));
        }
    }
    if verdict.warnings.contains(&Warning::AuthorizationUnderWildcard) {
        differences.push("Firefox prints a warning that Access-Control-Allow-Headers: * will stop covering Authorization; the Fetch standard already excludes it.".to_owned());
    }
    differences
}

/// One browser whose rules decide otherwise, and the rule that makes it so where it is known.
fn difference(verdict: &Verdict, other: &BrowserDifference) -> String {
    let name = other.browser.title();
    let after_redirect = verdict.stage == Some(Stage::RedirectPreflight) || other.stage == Some(Stage::RedirectPreflight);
    if after_redirect && (verdict.browser == Browser::Firefox || other.browser == Browser::Firefox) {
        let outcome = other.error.map_or_else(|| "lets this request through".to_owned(), |e| format!("stops at another check ({})", e.label()));
        return format!(
            "{name} {outcome}: after a cross-origin redirect Firefox's preflight carries the page's origin, where Chromium and Safari send 'null' (the server's answer to each may differ, so try it in {name})."
        );
    }
    match other.error {
        None if verdict.error.is_some_and(CorsError::is_local_network_access) => {
            format!("{name} has no Local Network Access checks: it lets this request through.")
        }
        None => format!("{name}'s rules let this request through on the same responses."),
        Some(CorsError::PreflightInvalidStatus) if other.browser == Browser::Safari => format!(
            "{name} checks a preflight's status before its CORS headers, so it reports: {}.",
            CorsError::PreflightInvalidStatus.label()
        ),
        Some(CorsError::PreflightMissingAllowOriginHeader) if verdict.error == Some(CorsError::PreflightDisallowedRedirect) => format!(
            "{name} checks the CORS headers of the redirect before refusing it, so it reports: {}.",
            CorsError::PreflightMissingAllowOriginHeader.label()
        ),
        Some(error) => format!("{name} stops at another check: {}.", error.label()),
    }
}

fn client_fix(exchange: &Exchange, url: &ParsedUrl, verdict: &Verdict, method: &str) -> Option<String> {
    if let Some(failure) = verdict.network_failure {
        return Some(failure.explain(url, &exchange.request.origin).2);
    }
    let written = &exchange.request.method;
    if *written != written.to_ascii_uppercase() && method == written {
        return Some(format!(
            "Send the method in upper case: {{ method: '{}' }}. Browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT, so '{written}' is sent as written and does not match '{}' in Access-Control-Allow-Methods.",
            written.to_ascii_uppercase(),
            written.to_ascii_uppercase()
        ));
    }
    match verdict.error {
        Some(CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed) => Some(
            "If this request does not need cookies or HTTP auth, drop credentials: 'include' (XHR: withCredentials = false) and the wildcard works."
                .to_owned(),
        ),
        Some(CorsError::InsecureLocalNetwork) => Some(
            "Serve the page over HTTPS: only a secure page may ask for local network access. Or serve it from the same network as the API \
             (a local or loopback page may call loopback)."
                .to_owned(),
        ),
        Some(CorsError::InvalidLocalNetworkAccess) => {
            let space = verdict.local_network.as_ref().and_then(|l| l.target).map_or("unknown", AddressSpace::name);
            Some(format!("Declare the space the server is in: fetch(url, {{targetAddressSpace: '{space}'}}), or leave the option out."))
        }
        Some(CorsError::LocalNetworkAccessPermissionDenied) => {
            let space = verdict.local_network.as_ref().and_then(|l| l.target).map_or("local", AddressSpace::name);
            Some(format!(
                "The user grants the permission: the icon left of the address bar → Site settings → allow '{}' (Chrome 142–144: 'Local network'), then reload. \
                 The page can declare the target, fetch(url, {{targetAddressSpace: '{space}'}}), so Chrome asks at the right time (and lets a secure page \
                 reach a local http:// device). An iframe must be allowed to ask: <iframe allow=\"local-network-access\"> (from Chrome 145 \
                 allow=\"local-network\" / \"loopback-network\"). Headless or managed browsers: the LocalNetworkAccessAllowedForUrls policy.",
                if space == "loopback" { "Apps on device" } else { "Local network" }
            ))
        }
        Some(CorsError::CorsDisabledScheme) => Some("Open the page from http://localhost (e.g. `python3 -m http.server`) instead of file://, and write URLs with http:// or https://.".to_owned()),
        Some(CorsError::NoCorsMethodNotSafelisted | CorsError::NoCorsRedirectModeNotFollow) => {
            Some("Remove mode: 'no-cors': it never makes a cross-origin response readable; configure CORS on the server instead.".to_owned())
        }
        _ => None,
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use crate::error::CorsError;
    use crate::exchange::Exchange;
    use crate::verdict::FindingKind;

    fn verdict(json: &str) -> crate::Verdict {
        let exchange: Exchange = serde_json::from_str(json).unwrap();
        crate::check(&exchange).unwrap()
    }

    const PREFLIGHT_401: &str = r#"{"request": {"method": "PUT", "url": "https://api.example.com/api/items/7", "origin": "https://app.example.com",
        "credentials_mode": "omit", "headers": [["Authorization", "Bearer abc.def"]]},
        "preflight": {"request_headers": [], "response": {"status": 401, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["WWW-Authenticate", "Bearer"]]}},
        "outcome": "failed"}"#;

    /// A PUT redirected to another origin, whose second preflight the server allows only for `null`.
    const NULL_ONLY_AFTER_REDIRECT: &str = r#"{"request": {"method": "PUT", "url": "http://api.test/r", "origin": "http://app.test",
        "credentials_mode": "omit", "headers": [["X-Test", "1"]]},
        "preflight": {"request_headers": [], "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "http://app.test"],
          ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "x-test"]]}},
        "redirects": [{"status": 307, "location": "http://other.test/final", "headers": [["Access-Control-Allow-Origin", "http://app.test"]],
          "next": {"url": "http://other.test/final", "preflight": {"request_headers": [], "response": {"status": 204, "headers": [
            ["Access-Control-Allow-Origin", "null"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "x-test"]]}}}}],
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "null"]]}, "outcome": "succeeded"}"#;

    #[test]
    fn browser_differences_come_from_the_other_browsers_rules() {
        let exchange: Exchange = serde_json::from_str(NULL_ONLY_AFTER_REDIRECT).unwrap();
        let chromium = crate::check(&exchange).unwrap();
        assert!(chromium.allowed);
        let firefox_note = chromium.explanation.browser_differences.iter().find(|d| d.starts_with("Firefox stops at another check")).unwrap();
        assert!(firefox_note.contains("the page's origin"), "{firefox_note}");
        let firefox = crate::check_as(&exchange, crate::Browser::Firefox).unwrap();
        assert_eq!((firefox.allowed, firefox.error), (false, Some(CorsError::PreflightAllowOriginMismatch)));
        assert_eq!(firefox.browser_error.as_deref(), Some("CORSAllowOriginNotMatchingOrigin"));
        assert!(firefox.explanation.browser_differences.iter().any(|d| d.starts_with("Chromium lets this request through")));
        let console = firefox.console.unwrap();
        assert_eq!(console.chromium, None, "Chromium's rules let it through");
        assert_eq!(
            console.firefox.as_deref(),
            Some("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://other.test/final. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘null’).")
        );
    }

    #[test]
    fn auth_on_options_is_named_as_the_cause() {
        let v = verdict(PREFLIGHT_401);
        assert!(v.explanation.details.contains("401 Unauthorized"), "{}", v.explanation.details);
        assert!(v.explanation.details.contains("authentication"));
        assert!(v.explanation.findings.iter().any(|f| f.kind == FindingKind::PreflightBehindAuth));
        let http = v.explanation.preflight_http.unwrap();
        assert!(http.request.starts_with("OPTIONS /api/items/7 HTTP/1.1\nHost: api.example.com\n"));
        assert!(http.request.contains("Access-Control-Request-Headers: authorization\n"));
        assert!(http.response.unwrap().starts_with("HTTP/1.1 401 Unauthorized\n"));
    }

    #[test]
    fn error_status_without_cors_is_not_really_cors() {
        let v = verdict(r#"{"request": {"method": "GET", "url": "https://api.example.com/upload", "origin": "https://app.example.com", "credentials_mode": "omit"},
            "response": {"status": 413, "headers": [["Content-Type", "text/html"]]}, "outcome": "failed"}"#);
        assert!(v.explanation.findings.iter().any(|f| f.kind == FindingKind::ErrorStatusWithoutCors && f.message.contains("413")));
    }

    #[test]
    fn a_redirected_preflight_is_said_once_and_side_findings_are_marked() {
        let v = verdict(r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "credentials_mode": "omit"},
            "preflight": {"request_headers": [], "response": {"status": 302, "headers": [["Location", "http://api.test/y"],
              ["Access-Control-Allow-Origin", "http://app.test"]]}}, "outcome": "failed"}"#);
        assert_eq!(v.error, Some(CorsError::PreflightDisallowedRedirect));
        assert!(v.explanation.summary.contains("redirected"), "{}", v.explanation.summary);
        assert!(v.explanation.findings.iter().all(|f| f.kind != FindingKind::PreflightRedirected), "{:?}", v.explanation.findings);
        let vary = v.explanation.findings.iter().find(|f| f.kind == FindingKind::MissingVaryOrigin).expect("no Vary: Origin");
        assert!(vary.side && vary.title == "No Vary: Origin", "{vary:?}");
    }

    #[test]
    fn trailing_slash_mismatch_says_so() {
        let v = verdict(r#"{"request": {"method": "GET", "url": "https://api.example.com/x", "origin": "https://app.example.com", "credentials_mode": "omit"},
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com/"]]}, "outcome": "failed"}"#);
        assert!(v.explanation.details.contains("trailing slash"), "{}", v.explanation.details);
    }

    #[test]
    fn lower_case_patch_gets_a_client_fix() {
        let v = verdict(r#"{"request": {"method": "patch", "url": "https://api.example.com/x", "origin": "https://app.example.com", "credentials_mode": "omit"},
            "preflight": {"request_headers": [], "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PATCH"]]}},
            "outcome": "failed"}"#);
        assert!(v.explanation.client_fix.unwrap().contains("'PATCH'"));
    }

    #[test]
    fn success_reports_unexposed_headers_and_missing_vary() {
        let v = verdict(r#"{"request": {"method": "GET", "url": "https://api.example.com/items", "origin": "https://app.example.com", "credentials_mode": "omit"},
            "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["X-Total-Count", "42"], ["Date", "x"]]}, "outcome": "succeeded"}"#);
        assert!(v.allowed);
        let kinds: Vec<FindingKind> = v.explanation.findings.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [FindingKind::MissingVaryOrigin, FindingKind::UnexposedHeaders]);
        // Serialised as before: the snake_case name.
        let json = serde_json::to_value(&v.explanation.findings[0]).unwrap();
        assert_eq!(json["kind"], "missing_vary_origin");
        assert!(v.explanation.findings[1].message.contains("x-total-count"));
        assert!(!v.explanation.findings[1].message.contains("date"));
    }

    #[test]
    fn a_tainted_origin_is_named_even_when_the_server_allowed_the_page_exactly() {
        // Found on a HAR Chromium recorded: the page's exact origin after a cross-origin redirect read as a trailing slash.
        let detail = super::mismatch_detail("http://app.test", "http://app.test", Some("null"));
        assert!(detail.contains("Origin: null"), "{detail}");
        assert!(!detail.contains("trailing slash"), "{detail}");
        assert!(super::mismatch_detail("http://app.test/", "http://app.test", Some("http://app.test")).contains("trailing slash"));
    }
}
