//! Server fixes: for a blocked exchange, the smallest correct change to each framework's standard
//! CORS support, filled in with the observed origin, method, headers and credentials. A fix never
//! narrows what the server allows today: the origins, methods, request headers, exposed headers and
//! credentials its captured answers allow are kept beside what the failing request needs. With more
//! than one origin, every template makes the server echo the request's origin when it is listed
//! (one origin per Access-Control-Allow-Origin, never a comma list) and send `Vary: Origin`.
//!
//! Every template renders from a validated [`FixPlan`]: values that reach a configuration file or
//! source code have already been checked against a strict grammar (serialized origin, header-name
//! token, method token, plain path), so no observed value can inject configuration or code. Input
//! that does not fit is refused with a clear error instead of being escaped and hoped for.

mod django;
mod express;
mod fastapi;
mod fastify;
mod fetch_api;
mod flask;
mod hono;
mod koa;
mod nestjs;
mod nextjs;
mod actix;
mod apache;
mod apigateway;
mod aspnet;
mod axum;
mod caddy;
mod cloudflare;
mod go;
mod haproxy;
mod laravel;
mod layers;
mod nginx;
mod node_cors_options;
mod quote;
mod rack;
mod spring;
mod stack;
mod suggest;
mod tomcat;

pub use layers::OtherLayer;
pub use stack::Stack;
pub use suggest::{suggest, Suggestion};

use serde::{Deserialize, Serialize};

use crate::exchange::{CredentialsMode, Exchange};
use crate::headers::is_token;
use crate::origin::{parse_serialized_origin, ParsedUrl};
use crate::verdict::Verdict;

/// The recommended `Access-Control-Max-Age`: Chromium's cap. Firefox would keep up to 86400 s,
/// Safari caps at 600 s; a higher value gains nothing in Chromium.
pub const RECOMMENDED_MAX_AGE: u32 = 7200;

/// The CORS-safelisted methods: a preflight never has to allow them.
const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Most headers a plan lists; more than this is a client bug, not a CORS configuration.
pub const MAX_PLAN_HEADERS: usize = 64;

/// What the server must allow, derived from one exchange. Every field is validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixPlan {
    /// The origins to allow, never empty: the page's first, then every other one the server's captured
    /// answers named. Each is a serialized origin (`scheme://host[:port]`), or `null` for an opaque
    /// page (only ever first); or `*` alone, kept from a server that allows any origin when nothing
    /// needs credentials.
    pub origins: Vec<String>,
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

impl FixPlan {
    /// Whether the plan keeps the server's `*` (any origin, no credentials).
    pub(crate) fn any_origin(&self) -> bool {
        self.origins == ["*"]
    }
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
    /// The layer the snippet changes (app, proxy, API gateway, CDN).
    #[serde(default = "app_layer")]
    pub layer: crate::responder::Layer,
    /// Whether that is the layer the failing answer came from, when the answer says who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_note: Option<String>,
    /// When two layers matter: what the other one must change (and its snippet, when it needs one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_layer: Option<OtherLayer>,
}

fn app_layer() -> crate::responder::Layer {
    crate::responder::Layer::App
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkInfo {
    pub id: String,
    pub name: String,
    pub verified_live: bool,
    /// The stack the picker lists it under, and that stack's heading.
    pub group: Stack,
    pub group_name: String,
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
    hono::HONO,
    koa::KOA,
    nestjs::NESTJS,
    nextjs::NEXTJS,
    nextjs::NEXTJS_ROUTE,
    fastapi::FASTAPI,
    django::DJANGO,
    flask::FLASK,
    nginx::NGINX,
    apache::APACHE,
    caddy::CADDY,
    haproxy::HAPROXY,
    rack::RACK,
    rack::RAILS,
    axum::AXUM,
    actix::ACTIX,
    spring::SPRING,
    tomcat::TOMCAT,
    aspnet::ASPNET,
    go::GO,
    laravel::LARAVEL,
    apigateway::HTTP_API,
    apigateway::REST_API,
    cloudflare::CLOUDFLARE,
];

/// Every framework, grouped by stack (stacks in their order, the registry's order within one).
pub fn frameworks() -> Vec<FrameworkInfo> {
    let mut list: Vec<FrameworkInfo> = FRAMEWORKS
        .iter()
        .map(|f| {
            // An unplaced id lands with the platforms rather than vanishing; stack.rs's test names it.
            let group = stack::stack_of(f.id).unwrap_or(Stack::Platform);
            let group_name = group.name().to_owned();
            FrameworkInfo { id: f.id.to_owned(), name: f.name.to_owned(), verified_live: f.verified_live, group, group_name }
        })
        .collect();
    crate::order::sort_by(&mut list, |a, b| a.group.cmp(&b.group));
    list
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
    let (plan, allowed) = plan_and_allowed(exchange, verdict)?;
    let rendered = (template.render)(&plan);
    let (layer_note, other_layer) = layers::assess(template, &plan, verdict);
    let mut notes = rendered.notes;
    notes.push(allowed.note(&plan));
    notes.push(format!("Max-Age {} s: Chromium caps at 7200 s, Firefox at 86400 s, Safari at 600 s.", plan.max_age));
    if plan.origins[0] == "null" {
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
        layer: layers::layer_of(template.id),
        layer_note,
        other_layer,
    })
}

/// Derives what the server must allow from what was observed, refusing values that are not what
/// they claim to be.
pub fn plan(exchange: &Exchange, verdict: &Verdict) -> Result<FixPlan, FixError> {
    plan_and_allowed(exchange, verdict).map(|(plan, _)| plan)
}

/// The plan, and what the server allowed that it kept (for the note).
fn plan_and_allowed(exchange: &Exchange, verdict: &Verdict) -> Result<(FixPlan, AlreadyAllowed), FixError> {
    let request = &exchange.request;
    let refuse = |why: String| Err(FixError::Refused(why));
    // Local Network Access and failures below CORS are not decided by the server's headers.
    if !verdict.server_fix {
        let on_the_page = verdict.explanation.client_fix.as_deref().unwrap_or("");
        return refuse(format!("no server change fixes this ({}). {on_the_page}", verdict.summary).trim_end().to_owned());
    }
    let page_origin = match validated_origin(&request.origin) {
        Ok(origin) => origin.unwrap_or_else(|| "null".to_owned()),
        Err(why) => return refuse(why),
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
    let mut allowed = already_allowed(exchange);
    let mut origins = vec![page_origin];
    for origin in &allowed.origins {
        if !origins.contains(origin) {
            origins.push(origin.clone());
        }
    }
    let mut methods = allowed.methods.clone();
    // No Access-Control-Allow-Methods seen (a CORS package that refuses a method often answers without
    // any CORS header): the methods are unknown. Browsers accept GET, HEAD and POST after any
    // successful preflight, but a package that checks methods itself would refuse them if unlisted.
    if methods.is_empty() {
        methods = SAFELISTED_METHODS.map(str::to_owned).to_vec();
        allowed.methods_unseen = true;
    }
    if !methods.iter().any(|m| m == method) {
        methods.push(method.to_owned());
    }
    let mut kept_headers = allowed.headers.clone();
    for name in headers {
        if !kept_headers.iter().any(|h| h.eq_ignore_ascii_case(&name)) {
            kept_headers.push(name);
        }
    }
    // Neither asked for nor named: the wire does not show which request headers the server allows
    // (a server that mirrors Access-Control-Request-Headers says nothing when none were asked). An
    // empty list would refuse them all, so the fix allows the one nearly every API needs, and says so.
    if kept_headers.is_empty() {
        kept_headers.push("Content-Type".to_owned());
        allowed.headers_unseen = true;
    }
    let headers = kept_headers;
    let credentials = request.credentials_mode == CredentialsMode::Include
        || verdict.inferred.credentials_mode == Some(CredentialsMode::Include)
        || allowed.credentials;
    // `*` already lets every origin in when nothing needs credentials: naming origins would narrow it.
    if allowed.any_origin && !credentials {
        origins = vec!["*".to_owned()];
    }
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
    Ok((FixPlan { origins, methods, headers, credentials, max_age: RECOMMENDED_MAX_AGE, expose_headers, path }, allowed))
}

/// `Ok(Some(serialized))` for an http(s) origin, `Ok(None)` for `null`, else why it cannot be written.
fn validated_origin(text: &str) -> Result<Option<String>, String> {
    match parse_serialized_origin(text) {
        Ok(None) => Ok(None),
        Ok(Some(origin)) if origin.scheme == "http" || origin.scheme == "https" => {
            let serialized = origin.serialize();
            if is_safe_origin(&serialized) {
                Ok(Some(serialized))
            } else {
                Err(format!("the origin '{text}' has characters a serialized origin cannot have"))
            }
        }
        Ok(Some(_)) | Err(_) => Err(format!("'{text}' is not an http(s) origin")),
    }
}

/// What the server's captured answers allow today (its preflight response, and its response):
/// a fix keeps all of it, so pasting it in cannot break a request that works now.
#[derive(Debug, Default)]
struct AlreadyAllowed {
    /// Whether a preflight response was captured at all (else the methods and headers are unknown).
    seen_preflight: bool,
    /// Origins other than the page's that an Access-Control-Allow-Origin named: the server answers
    /// with a fixed origin, so that origin is one it allows. Validated and serialized.
    origins: Vec<String>,
    /// It answered `*`: any origin, but never with credentials.
    any_origin: bool,
    /// It answered `null`: opaque origins, which a fix leaves out (any site can make one).
    null_origin: bool,
    /// No request header was asked for or named, so the plan allows Content-Type on its own account.
    headers_unseen: bool,
    /// No allowed method was named, so the plan lists the safelisted ones on its own account.
    methods_unseen: bool,
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
    let page = validated_origin(&exchange.request.origin).ok().flatten();
    let mut allowed = AlreadyAllowed::default();
    // Every value of every Access-Control-Allow-Origin, a comma list split: a server that writes two
    // origins there means both, though no browser accepts it that way.
    for response in preflight.into_iter().chain(response) {
        let Some(value) = crate::headers::get(&response.headers, "access-control-allow-origin") else { continue };
        for item in value.split(',').map(str::trim) {
            match item {
                "*" => allowed.any_origin = true,
                "null" => allowed.null_origin = true,
                _ => {
                    if let Ok(Some(origin)) = validated_origin(item) {
                        if page.as_ref() != Some(&origin) && !allowed.origins.contains(&origin) {
                            allowed.origins.push(origin);
                        }
                    }
                }
            }
        }
    }
    AlreadyAllowed {
        seen_preflight: preflight.is_some(),
        methods: preflight.map(|r| listed(&r.headers, "access-control-allow-methods")).unwrap_or_default(),
        headers: preflight.map(|r| listed(&r.headers, "access-control-allow-headers")).unwrap_or_default(),
        exposed: response.map(|r| listed(&r.headers, "access-control-expose-headers")).unwrap_or_default(),
        credentials: preflight.is_some_and(allows_credentials) || response.is_some_and(allows_credentials),
        ..allowed
    }
}

impl AlreadyAllowed {
    /// Says which of the server's values the fix keeps, or that they could not be seen, and what it
    /// does about origins the server allowed that it does not list.
    fn note(&self, plan: &FixPlan) -> String {
        let mut kept = Vec::new();
        if !self.origins.is_empty() {
            kept.push(format!("origins {}", self.origins.join(", ")));
        }
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
        if self.methods_unseen {
            note.push_str(" Your server's answers do not show which methods it allows: the fix lists GET, HEAD and POST, which browsers accept after any successful preflight, beside what this request needs; add any other method your pages use.");
        }
        if self.headers_unseen {
            note.push_str(" Your server's answers do not show which request headers it allows (this request asked for none): the fix allows Content-Type, which JSON requests need; add any other header your pages send.");
        }
        let listed = plan.origins.join(", ");
        if plan.any_origin() {
            note.push_str(" Your server allows any origin (Access-Control-Allow-Origin: *) and nothing here needs credentials: the fix keeps *.");
        } else if self.any_origin {
            note.push_str(&format!(" Your server answered Access-Control-Allow-Origin: * (any origin, which browsers never accept with credentials): the fix allows only {listed}, with credentials; add every other site that calls this API to the list."));
        }
        if self.null_origin {
            note.push_str(" Your server also allowed the opaque origin null: the fix leaves it out, since sandboxed frames and local files of any site send null.");
        }
        if plan.origins.len() > 1 {
            note.push_str(&format!(
                " With several origins the server echoes the request's Origin when it is one of {listed}, and sends Vary: Origin."
            ));
        }
        if self.origins.is_empty() && !self.any_origin && !self.null_origin {
            note.push_str(" Other origins your server allows are not visible from this request: keep them in the list.");
        }
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
        let (plan, allowed) = plan_and_allowed(&exchange, &verdict).unwrap();
        let note = allowed.note(&plan);
        (plan, note)
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
    fn a_fix_keeps_the_other_origin_the_server_names() {
        // A server that answers with a fixed https://admin.example: the page's origin is added to it.
        let (plan, note) = planned(
            r#"{"request": {"method": "PUT", "url": "https://api.example.com/x", "origin": "https://app.example.com",
                  "headers": [["Content-Type", "application/json"]]},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"]],
                  "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://ADMIN.example"],
                    ["Access-Control-Allow-Methods", "GET, PUT"], ["Access-Control-Allow-Headers", "Content-Type"]]}},
                "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example.com, https://other.example:8443"]]},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.origins, ["https://app.example.com", "https://admin.example", "https://other.example:8443"]);
        assert!(note.contains("(origins https://admin.example, https://other.example:8443; methods GET, PUT;"), "{note}");
        assert!(note.contains("echoes the request's Origin when it is one of https://app.example.com, https://admin.example, https://other.example:8443, and sends Vary: Origin"), "{note}");
        assert!(!note.contains("Other origins your server allows"), "the server named its origins: {note}");
    }

    #[test]
    fn wildcard_is_kept_without_credentials_and_null_is_never_copied() {
        // `*` with a credentialed request: the server allowed any origin, but only without credentials.
        let (plan, note) = planned(
            r#"{"request": {"method": "GET", "url": "https://api.example.com/x", "origin": "https://app.example.com", "credentials_mode": "include"},
                "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Credentials", "true"]]},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.origins, ["https://app.example.com"]);
        assert!(note.contains("Access-Control-Allow-Origin: * (any origin, which browsers never accept with credentials): the fix allows only https://app.example.com, with credentials; add every other site"), "{note}");
        assert!(!note.contains("Other origins your server allows"), "{note}");
        // `*` without credentials (the request failed for a header): `*` is kept.
        let (plan, note) = planned(
            r#"{"request": {"method": "PUT", "url": "https://api.example.com/x", "origin": "https://app.example.com", "headers": [["X-Api-Key", "k"]]},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-api-key"]],
                  "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PUT"]]}},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.origins, ["*"]);
        assert!(plan.any_origin() && !plan.credentials);
        assert!(note.contains("Your server allows any origin (Access-Control-Allow-Origin: *) and nothing here needs credentials: the fix keeps *."), "{note}");
        assert!(!note.contains("Other origins your server allows"), "{note}");
        // `null`, a URL with a path and a non-http origin are not copied; null is named in the note.
        let (plan, note) = planned(
            r#"{"request": {"method": "GET", "url": "https://api.example.com/x", "origin": "https://app.example.com"},
                "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "null"], ["Access-Control-Allow-Origin", "https://a.example/path"],
                  ["Access-Control-Allow-Origin", "ftp://b.example"]]},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.origins, ["https://app.example.com"]);
        assert!(note.contains("opaque origin null: the fix leaves it out"), "{note}");
    }

    #[test]
    fn an_echoed_or_missing_origin_says_other_origins_are_not_visible() {
        let (plan, note) = planned(
            r#"{"request": {"method": "DELETE", "url": "https://api.example.com/x", "origin": "https://app.example.com"},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "DELETE"]],
                  "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["Access-Control-Allow-Methods", "GET"]]}},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.origins, ["https://app.example.com"]);
        assert!(note.ends_with("Other origins your server allows are not visible from this request: keep them in the list."), "{note}");
        // The preflight asked for no header and its answer named none: Content-Type, said in the note.
        assert_eq!(plan.headers, ["Content-Type"]);
        assert!(note.contains("do not show which request headers it allows (this request asked for none): the fix allows Content-Type"), "{note}");
        assert!(!note.contains("echoes"), "{note}");
    }

    #[test]
    fn unseen_methods_keep_the_safelisted_ones_and_say_so() {
        // actix-cors refuses a method it does not allow with a 400 that carries no CORS header at all.
        let (plan, note) = planned(
            r#"{"request": {"method": "DELETE", "url": "https://api.example.com/x", "origin": "https://app.example.com"},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "DELETE"]], "response": {"status": 400, "headers": []}},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.methods, ["GET", "HEAD", "POST", "DELETE"]);
        assert!(note.contains("do not show which methods it allows: the fix lists GET, HEAD and POST"), "{note}");
        // Named methods are kept as they are, without the note.
        let (plan, note) = planned(
            r#"{"request": {"method": "DELETE", "url": "https://api.example.com/x", "origin": "https://app.example.com"},
                "preflight": {"request_headers": [["Access-Control-Request-Method", "DELETE"]],
                  "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example.com"], ["Access-Control-Allow-Methods", "PUT"]]}},
                "outcome": "failed"}"#,
        );
        assert_eq!(plan.methods, ["PUT", "DELETE"]);
        assert!(!note.contains("which methods"), "{note}");
    }

    /// Renders `plan` with every template, checking each snippet holds its `expected` text (one per
    /// template); returns the snippets by template id.
    fn render_each(plan: &FixPlan, expected: &[(&str, &str)]) -> Vec<(&'static str, String)> {
        assert_eq!(expected.len(), FRAMEWORKS.len(), "one expectation per template");
        FRAMEWORKS
            .iter()
            .map(|framework| {
                let (_, text) = expected.iter().find(|(id, _)| *id == framework.id).expect(framework.id);
                let snippet = (framework.render)(plan).snippet;
                assert!(snippet.contains(text), "{}:\n{snippet}", framework.id);
                (framework.id, snippet)
            })
            .collect()
    }

    /// Every template with two origins: the lines that list them and echo one, in its own idiom.
    #[test]
    fn every_template_lists_two_origins_and_never_joins_them_in_one_header() {
        let expected: &[(&str, &str)] = &[
            ("express", "  origin: [\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("express5", "  origin: [\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("fastify", "  origin: [\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("hono", "  origin: [\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("koa", "const ALLOWED_ORIGINS = [\"https://app.example.com\", \"https://admin.example:8443\"];\n"),
            ("nestjs", "  origin: [\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("nextjs", "const ALLOWED_ORIGINS = [\"https://app.example.com\", \"https://admin.example:8443\"];\n"),
            ("nextjs-route", "const ALLOWED_ORIGINS = [\"https://app.example.com\", \"https://admin.example:8443\"];\n"),
            ("fastapi", "    allow_origins=[\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("django", "CORS_ALLOWED_ORIGINS = [\"https://app.example.com\", \"https://admin.example:8443\"]\n"),
            ("flask", "    origins=[\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("nginx", "# Echo the request's Origin when it is one of these (never a list in one header).\nset $cors_origin \"\";\nif ($http_origin ~ \"^(https://app\\.example\\.com|https://admin\\.example:8443)$\") {\n    set $cors_origin $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors_origin always;\nadd_header Vary \"Origin\" always;\n"),
            ("apache", "# Echo the request's Origin when it is one of these (never a list in one header).\nSetEnvIf Origin \"^(https://app\\.example\\.com|https://admin\\.example:8443)$\" CORS_ORIGIN=$0\nHeader always set Access-Control-Allow-Origin \"%{CORS_ORIGIN}e\" env=CORS_ORIGIN\nHeader always merge Vary \"Origin\"\n"),
            ("caddy", "@cors_preflight method OPTIONS\n# Echo the request's Origin when it is one of these (never a list in one header).\n@cors_origin {\n\theader Origin \"https://app.example.com\"\n\theader Origin \"https://admin.example:8443\"\n}\nheader @cors_origin Access-Control-Allow-Origin \"{http.request.header.Origin}\"\n"),
            ("rack", "    origins 'https://app.example.com', 'https://admin.example:8443'\n"),
            ("rails", "    origins 'https://app.example.com', 'https://admin.example:8443'\n"),
            ("axum", ".allow_origin(AllowOrigin::list([HeaderValue::from_static(\"https://app.example.com\"), HeaderValue::from_static(\"https://admin.example:8443\")]))\n"),
            ("actix", "        .allowed_origin(\"https://app.example.com\")\n        .allowed_origin(\"https://admin.example:8443\")\n"),
            ("spring", "    config.setAllowedOrigins(List.of(\"https://app.example.com\", \"https://admin.example:8443\"));\n"),
            ("aspnet", "        .WithOrigins(\"https://app.example.com\", \"https://admin.example:8443\")\n"),
            ("go", "var corsAllowedOrigins = map[string]bool{\"https://app.example.com\": true, \"https://admin.example:8443\": true}\n"),
            ("laravel", "    'allowed_origins' => ['https://app.example.com', 'https://admin.example:8443'],\n"),
            ("apigateway", "  \"AllowOrigins\": [\"https://app.example.com\", \"https://admin.example:8443\"],\n"),
            ("apigateway-rest", "#if($origin == 'https://app.example.com' || $origin == 'https://admin.example:8443')\n"),
            ("cloudflare", "const ALLOWED_ORIGINS = [\"https://app.example.com\", \"https://admin.example:8443\"];\n"),
            ("haproxy", "if { req.hdr(Origin) -m str 'https://app.example.com' 'https://admin.example:8443' }\n"),
            ("tomcat", "<param-value>https://app.example.com,https://admin.example:8443</param-value>\n"),
        ];
        for (id, snippet) in render_each(&quote::testing::two_origin_plan(), expected) {
            // (A comment may name both, as rack's summary does.)
            let code = snippet.lines().filter(|l| !l.trim_start().starts_with(['#', '/'])).collect::<Vec<_>>().join("\n");
            assert!(!code.contains("https://app.example.com, https://admin.example:8443"), "{id}: a comma list");
        }
    }

    /// Every template keeps a server's `*` in its own any-origin idiom (a `*` inside an origin list
    /// would be compared as an origin by most packages).
    #[test]
    fn every_template_keeps_any_origin() {
        let expected: &[(&str, &str)] = &[
            ("express", "  origin: \"*\",\n"),
            ("express5", "  origin: \"*\",\n"),
            ("fastify", "  origin: \"*\",\n"),
            ("hono", "  origin: \"*\",\n"),
            ("koa", "  origin: \"*\",\n"),
            ("nestjs", "  origin: \"*\",\n"),
            ("nextjs", "  headers.set(\"Access-Control-Allow-Origin\", \"*\");\n"),
            ("nextjs-route", "  headers.set(\"Access-Control-Allow-Origin\", \"*\");\n"),
            ("fastapi", "    allow_origins=[\"*\"],\n"),
            ("django", "\nCORS_ALLOW_ALL_ORIGINS = True\n"),
            ("flask", "    origins=\"*\",\n"),
            ("nginx", "add_header Access-Control-Allow-Origin \"*\" always;\n"),
            ("apache", "Header always set Access-Control-Allow-Origin \"*\"\n"),
            ("caddy", "\tAccess-Control-Allow-Origin \"*\"\n"),
            ("rack", "    origins '*'\n"),
            ("rails", "    origins '*'\n"),
            ("axum", ".allow_origin(AllowOrigin::any())\n"),
            ("actix", "        .allow_any_origin()\n        .send_wildcard()\n"),
            ("spring", "    config.setAllowedOrigins(List.of(\"*\"));\n"),
            ("aspnet", "        .AllowAnyOrigin()\n"),
            ("go", "\t\th.Set(\"Access-Control-Allow-Origin\", \"*\")\n"),
            ("laravel", "    'allowed_origins' => ['*'],\n"),
            ("apigateway", "  \"AllowOrigins\": [\"*\"],\n"),
            ("apigateway-rest", "method.response.header.Access-Control-Allow-Origin: \"'*'\"\n"),
            ("cloudflare", "  headers.set(\"Access-Control-Allow-Origin\", \"*\");\n"),
            ("haproxy", "http-after-response set-header Access-Control-Allow-Origin '*'\n"),
            ("tomcat", "<param-name>cors.allowed.origins</param-name>\n    <param-value>*</param-value>\n"),
        ];
        for (id, snippet) in render_each(&quote::testing::any_origin_plan(), expected) {
            assert!(!snippet.contains("ALLOWED_ORIGINS"), "{id}: an origin list beside *:\n{snippet}");
        }
    }

    /// Every template with two hostile origins: no value leaves its string literal.
    #[test]
    fn every_template_keeps_hostile_origin_lists_inside_strings() {
        for framework in FRAMEWORKS {
            let r = (framework.render)(&quote::testing::hostile_origins_plan());
            // XML has no string literals: there a value must stay character data.
            if framework.language == "xml" {
                assert!(!tomcat::tests::markup_holds_pwned(&r.snippet), "{}:\n{}", framework.id, r.snippet);
                continue;
            }
            // Ruby and PHP strings are single-quoted (double quotes would interpolate), as are HAProxy's (no escapes).
            let quote = if matches!(framework.language, "ruby" | "php" | "haproxy") { '\'' } else { '"' };
            quote::testing::assert_contained(&r.snippet, quote);
        }
    }

    #[test]
    fn quoting_escapes_quotes_and_drops_controls() {
        assert_eq!(quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\"");
    }
}
