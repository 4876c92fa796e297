//! Server fixes: for a blocked exchange, the smallest correct change to each framework's standard
//! CORS support, filled in with the observed origin, method, headers and credentials. A fix never
//! narrows what the server allows today: the methods, request headers, exposed headers and
//! credentials its captured answers allow are kept beside what the failing request needs.
//!
//! Every template renders from a validated [`FixPlan`]: values that reach a configuration file or
//! source code have already been checked against a strict grammar (serialized origin, header-name
//! token, method token, plain path), so no observed value can inject configuration or code. Input
//! that does not fit is refused with a clear error instead of being escaped and hoped for.

mod django;
mod express;
mod fastapi;
mod fastify;
mod flask;
mod actix;
mod apache;
mod apigateway;
mod aspnet;
mod axum;
mod caddy;
mod cloudflare;
mod go;
mod laravel;
mod nginx;
mod quote;
mod rack;
mod spring;
mod suggest;

pub use suggest::{suggest, Suggestion};

use serde::{Deserialize, Serialize};

use crate::exchange::{CredentialsMode, Exchange};
use crate::headers::is_token;
use crate::origin::{parse_serialized_origin, ParsedUrl};
use crate::verdict::Verdict;

/// The recommended `Access-Control-Max-Age`: Chromium's cap. Firefox would keep up to 86400 s,
/// Safari caps at 600 s; a higher value gains nothing in Chromium.
pub const RECOMMENDED_MAX_AGE: u32 = 7200;

/// Most headers a plan lists; more than this is a client bug, not a CORS configuration.
pub const MAX_PLAN_HEADERS: usize = 64;

/// What the server must allow, derived from one exchange. Every field is validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixPlan {
    /// A serialized origin (`scheme://host[:port]`), or `None` for an opaque (`null`) origin.
    pub origin: Option<String>,
    /// Methods to allow, upper- or mixed-case exactly as the client sends them.
    pub methods: Vec<String>,
    /// Request header names to allow, as the client wrote them.
    pub headers: Vec<String>,
    pub credentials: bool,
    pub max_age: u32,
    /// Response headers the script needs to read.
    pub expose_headers: Vec<String>,
    /// The request path (only `A-Z a-z 0-9 / - _ . ~`), for route-scoped snippets.
    pub path: String,
}

/// A fix as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub framework: String,
    pub framework_name: String,
    /// False for frameworks this machine cannot run: their templates are snapshot-tested only.
    pub verified_live: bool,
    /// Syntax for highlighting: javascript, python, nginx, apache, caddyfile, ruby, rust, ...
    pub language: String,
    /// Where the snippet goes, in one sentence.
    pub placement: String,
    pub snippet: String,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkInfo {
    pub id: String,
    pub name: String,
    pub verified_live: bool,
}

/// One entry of the registry: a template that renders a plan.
pub(crate) struct Framework {
    pub id: &'static str,
    pub name: &'static str,
    pub verified_live: bool,
    pub language: &'static str,
    pub render: fn(&FixPlan) -> Rendered,
}

/// What a template returns; the registry adds the framework's identity.
pub(crate) struct Rendered {
    pub placement: String,
    pub snippet: String,
    pub notes: Vec<String>,
}

const FRAMEWORKS: &[Framework] = &[
    express::EXPRESS4,
    express::EXPRESS5,
    fastify::FASTIFY,
    fastapi::FASTAPI,
    django::DJANGO,
    flask::FLASK,
    nginx::NGINX,
    apache::APACHE,
    caddy::CADDY,
    rack::RACK,
    rack::RAILS,
    axum::AXUM,
    actix::ACTIX,
    spring::SPRING,
    aspnet::ASPNET,
    go::GO,
    laravel::LARAVEL,
    apigateway::HTTP_API,
    apigateway::REST_API,
    cloudflare::CLOUDFLARE,
];

pub fn frameworks() -> Vec<FrameworkInfo> {
    FRAMEWORKS
        .iter()
        .map(|f| FrameworkInfo { id: f.id.to_owned(), name: f.name.to_owned(), verified_live: f.verified_live })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixError {
    UnknownFramework(String),
    /// An observed value cannot be written into a configuration safely; the text says which.
    Refused(String),
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::UnknownFramework(id) => {
                let known: Vec<&str> = FRAMEWORKS.iter().map(|f| f.id).collect();
                write!(f, "unknown framework '{id}' (known: {})", known.join(", "))
            }
            FixError::Refused(why) => write!(f, "no fix generated: {why}"),
        }
    }
}

impl std::error::Error for FixError {}

/// Renders the fix for `framework` from an exchange and its verdict.
pub fn fix(exchange: &Exchange, verdict: &Verdict, framework: &str) -> Result<Fix, FixError> {
    let template = FRAMEWORKS
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(framework))
        .ok_or_else(|| FixError::UnknownFramework(framework.to_owned()))?;
    let plan = plan(exchange, verdict)?;
    let rendered = (template.render)(&plan);
    let mut notes = rendered.notes;
    notes.push(already_allowed(exchange).note());
    notes.push(format!("Max-Age {} s: Chromium caps at 7200 s, Firefox at 86400 s, Safari at 600 s.", plan.max_age));
    if plan.origin.is_none() {
        notes.push("The page has an opaque origin (null): serve it from a real origin rather than allowing 'null'.".to_owned());
    }
    Ok(Fix {
        framework: template.id.to_owned(),
        framework_name: template.name.to_owned(),
        verified_live: template.verified_live,
        language: template.language.to_owned(),
        placement: rendered.placement,
        snippet: rendered.snippet,
        notes,
    })
}

/// Derives what the server must allow from what was observed, refusing values that are not what
/// they claim to be.
pub fn plan(exchange: &Exchange, verdict: &Verdict) -> Result<FixPlan, FixError> {
    let request = &exchange.request;
    let refuse = |why: String| Err(FixError::Refused(why));
    let origin = match parse_serialized_origin(&request.origin) {
        Ok(None) => None,
        Ok(Some(origin)) if origin.scheme == "http" || origin.scheme == "https" => {
            let serialized = origin.serialize();
            if !is_safe_origin(&serialized) {
                return refuse(format!("the origin '{}' has characters a serialized origin cannot have", request.origin));
            }
            Some(serialized)
        }
        Ok(Some(_)) | Err(_) => return refuse(format!("'{}' is not an http(s) origin", request.origin)),
    };
    let method = crate::method::normalize(&request.method);
    if !is_token(method) {
        return refuse(format!("the method '{method}' is not an HTTP token"));
    }
    let mut headers: Vec<String> = Vec::new();
    for name in &verdict.unsafe_header_names {
        let written = request.headers.iter().map(|(n, _)| n).find(|n| n.eq_ignore_ascii_case(name)).unwrap_or(name);
        if !is_token(written) {
            return refuse(format!("the header name '{written}' is not an HTTP token"));
        }
        if !headers.iter().any(|h| h.eq_ignore_ascii_case(written)) {
            headers.push(written.clone());
        }
    }
    if headers.len() > MAX_PLAN_HEADERS {
        return refuse(format!(
            "the request sends {} non-safelisted headers; allowing that many is a client problem to fix first",
            headers.len()
        ));
    }
    let allowed = already_allowed(exchange);
    let mut methods = allowed.methods.clone();
    if !methods.iter().any(|m| m == method) {
        methods.push(method.to_owned());
    }
    let mut kept_headers = allowed.headers.clone();
    for name in headers {
        if !kept_headers.iter().any(|h| h.eq_ignore_ascii_case(&name)) {
            kept_headers.push(name);
        }
    }
    let headers = kept_headers;
    let credentials = request.credentials_mode == CredentialsMode::Include
        || verdict.inferred.credentials_mode == Some(CredentialsMode::Include)
        || allowed.credentials;
    let mut expose_headers = allowed.exposed.clone();
    let hidden = verdict.exposed_headers.as_ref().map(|e| e.hidden.clone()).unwrap_or_default();
    for name in hidden.into_iter().filter(|h| is_token(h) && !h.starts_with("set-cookie")) {
        if !expose_headers.iter().any(|h| h.eq_ignore_ascii_case(&name)) {
            expose_headers.push(name);
        }
    }
    let path = ParsedUrl::parse(&request.url)
        .map(|u| u.path_and_query.split('?').next().unwrap_or("/").to_owned())
        .ok()
        .filter(|p| is_plain_path(p))
        .unwrap_or_else(|| "/".to_owned());
    Ok(FixPlan { origin, methods, headers, credentials, max_age: RECOMMENDED_MAX_AGE, expose_headers, path })
}

/// What the server's captured answers allow today (its preflight response, and its response):
/// a fix keeps all of it, so pasting it in cannot break a request that works now.
#[derive(Debug, Default)]
struct AlreadyAllowed {
    /// Whether a preflight response was captured at all (else the methods and headers are unknown).
    seen_preflight: bool,
    methods: Vec<String>,
    headers: Vec<String>,
    exposed: Vec<String>,
    credentials: bool,
}

/// A list header's elements as the server wrote them, when each is a token (`*` included); an
/// unparsable list is left out (browsers reject it too).
fn listed(headers: &crate::exchange::HeaderList, name: &str) -> Vec<String> {
    crate::headers::get(headers, name).and_then(|v| crate::headers::parse_token_list(&v).ok()).unwrap_or_default()
}

fn already_allowed(exchange: &Exchange) -> AlreadyAllowed {
    let preflight = exchange.preflight.as_ref().and_then(|p| p.response.as_ref()).filter(|r| !crate::preflight::is_redirect(r));
    let response = exchange.response.as_ref();
    let allows_credentials = |r: &crate::exchange::Response| {
        crate::headers::get(&r.headers, "access-control-allow-credentials").is_some_and(|v| v == "true")
    };
    AlreadyAllowed {
        seen_preflight: preflight.is_some(),
        methods: preflight.map(|r| listed(&r.headers, "access-control-allow-methods")).unwrap_or_default(),
        headers: preflight.map(|r| listed(&r.headers, "access-control-allow-headers")).unwrap_or_default(),
        exposed: response.map(|r| listed(&r.headers, "access-control-expose-headers")).unwrap_or_default(),
        credentials: preflight.is_some_and(allows_credentials) || response.is_some_and(allows_credentials),
    }
}

impl AlreadyAllowed {
    /// Says which of the server's values the fix keeps, or that they could not be seen.
    fn note(&self) -> String {
        let mut kept = Vec::new();
        if !self.methods.is_empty() {
            kept.push(format!("methods {}", self.methods.join(", ")));
        }
        if !self.headers.is_empty() {
            kept.push(format!("request headers {}", self.headers.join(", ")));
        }
        if !self.exposed.is_empty() {
            kept.push(format!("exposed headers {}", self.exposed.join(", ")));
        }
        if self.credentials {
            kept.push("credentials".to_owned());
        }
        let mut note = if kept.is_empty() {
            "The fix adds what this request needs.".to_owned()
        } else {
            format!(
                "Keeps what your server allows today, as its captured answers show ({}), so requests that work now keep working.",
                kept.join("; ")
            )
        };
        if !self.seen_preflight {
            note.push_str(" No preflight answer was captured: add these methods and headers to your configuration rather than replacing it.");
        }
        note.push_str(" Other origins your server allows are not visible from this request: keep them in the list.");
        note
    }
}

/// `scheme://host[:port]` with a host of letters, digits, dots, hyphens (or a bracketed IPv6).
fn is_safe_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    let host_ok = |h: &str| {
        !h.is_empty()
            && (h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                || (h.starts_with('[') && h.ends_with(']') && h[1..h.len() - 1].bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')))
    };
    let (host, port) = match rest.rfind(':') {
        Some(i) if !rest.ends_with(']') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    matches!(scheme, "http" | "https") && host_ok(host) && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_plain_path(path: &str) -> bool {
    path.starts_with('/') && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.~".contains(&b)) && !path.contains("..")
}

/// Quotes a validated value for languages whose double-quoted string literals use backslash
/// escapes and do not interpolate (JavaScript, Python, Rust, Go, JSON, YAML; Ruby and PHP use
/// `quote::single_quoted`). Validation already excludes quotes and backslashes; this is the second fence.
pub(crate) fn quoted(value: &str) -> String {
    quote::escaped(value, '"', |_| None)
}

/// `["a", "b"]`-style list of quoted values.
pub(crate) fn quoted_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| quoted(v)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_origin_grammar() {
        assert!(is_safe_origin("https://app.example.com"));
        assert!(is_safe_origin("http://127.0.0.1:8001"));
        assert!(is_safe_origin("http://[::1]:8001"));
        assert!(!is_safe_origin("https://a.com\"; evil"));
        assert!(!is_safe_origin("https://a.com:80x"));
        assert!(!is_safe_origin("javascript://x"));
    }

    #[test]
    fn plain_paths_only() {
        assert!(is_plain_path("/api/submit"));
        assert!(!is_plain_path("/api/$(rm -rf)"));
        assert!(!is_plain_path("/a/../b"));
        assert!(!is_plain_path("/a;b"));
    }

    #[test]
    fn every_fix_gets_the_max_age_and_opaque_origin_notes() {
        let exchange: Exchange = serde_json::from_str(
            r#"{"request": {"method": "PUT", "url": "https://api.example.com/x", "origin": "null", "credentials_mode": "omit"},
                "preflight": {"request_headers": [], "response": {"status": 404, "headers": []}}, "outcome": "failed"}"#,
        )
        .unwrap();
        let verdict = crate::check(&exchange).unwrap();
        for framework in frameworks() {
            let fix = fix(&exchange, &verdict, &framework.id).unwrap();
            assert!(fix.notes.iter().any(|n| n.starts_with("Max-Age 7200 s")), "{}", framework.id);
            assert!(fix.notes.iter().any(|n| n.contains("opaque origin")), "{}", framework.id);
        }
    }

    fn planned(json: &str) -> (FixPlan, String) {
        let exchange: Exchange = serde_json::from_str(json).unwrap();
        let verdict = crate::check(&exchange).unwrap();
        (plan(&exchange, &verdict).unwrap(), already_allowed(&exchange).note())
    }

    #[test]
    fn a_fix_keeps_the_methods_and_headers_the_server_allows_today() {
        // A DELETE on a server that allows GET, POST: the fix allows all three, not DELETE alone.
        let (plan, note) = planned(
            r#"{"request": {"method": "DELETE", "url": "https://api.example.com/items/1", "origin": "https://app.example.com"},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "DELETE"]],
                  "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"],
                    ["Access-Control-Allow-Methods", "GET, POST"], ["Access-Control-Allow-Credentials", "true"]]}},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.methods, ["GET", "POST", "DELETE"]);
        assert!(plan.credentials, "the server allows credentials today");
        assert!(note.contains("methods GET, POST") && note.contains("credentials"), "{note}");
        // A missing X-Api-Key on a server that allows Content-Type, X-Request-Id: all three.
        let (plan, _) = planned(
            r#"{"request": {"method": "PUT", "url": "https://api.example.com/x", "origin": "https://app.example.com",
                  "headers": [["X-Api-Key", "k"]]},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-api-key"]],
                  "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"],
                    ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "Content-Type, X-Request-Id"]]}},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.headers, ["Content-Type", "X-Request-Id", "X-Api-Key"]);
        assert_eq!(plan.methods, ["PUT"]);
    }

    #[test]
    fn exposed_headers_are_kept_and_an_unseen_configuration_is_said() {
        let (plan, note) = planned(
            r#"{"request": {"method": "GET", "url": "https://api.example.com/x", "origin": "https://app.example.com"},
                "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"],
                  ["Access-Control-Expose-Headers", "X-Total"], ["X-Page", "2"]]},
                "outcome": "succeeded"}"#,
        );
        assert_eq!(plan.expose_headers, ["X-Total", "x-page"]);
        assert!(note.contains("exposed headers X-Total") && note.contains("No preflight answer was captured"), "{note}");
    }

    #[test]
    fn quoting_escapes_quotes_and_drops_controls() {
        assert_eq!(quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\"");
    }
}
