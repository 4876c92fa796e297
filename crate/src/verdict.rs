//! The output model: did CORS block the exchange, at which check, with which failed parameter,
//! and what each browser printed.

use serde::{Deserialize, Serialize};

use crate::browser::Browser;
use crate::error::{CorsError, Failure};
use crate::exchange::{Client, CredentialsMode};
use crate::local_network::LocalNetwork;
use crate::network_failure::NetworkFailure;
use crate::warning::Warning;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    /// Whose rules decided this verdict.
    #[serde(default)]
    pub browser: Browser,
    pub allowed: bool,
    /// True when the capture lacks what is needed to decide (e.g. a required preflight was not
    /// observed and nothing came back): `allowed` then reflects only the observed outcome.
    pub undetermined: bool,
    /// False when CORS does not apply at all (same-origin, `no-cors`).
    pub cors_applies: bool,
    pub preflight_required: bool,
    pub preflight_reasons: Vec<String>,
    /// The CORS-unsafe request-header names, sorted and lower-cased, as the preflight announces them.
    pub unsafe_header_names: Vec<String>,
    pub preflight_observed: bool,
    pub stage: Option<Stage>,
    pub error: Option<CorsError>,
    /// The browser's own name for the failure where it has one besides `error`'s (Firefox's
    /// `CORSMissingAllowOrigin`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_error: Option<String>,
    pub failed_parameter: Option<String>,
    /// A short plain-English label of the outcome, with the failed method, header or preflight
    /// status where it helps (see [`summary`]): what the panel lists.
    #[serde(default)]
    pub summary: String,
    /// Every header the preflight response would have to allow, when more than one is missing.
    pub missing_allowed_headers: Vec<String>,
    pub console: Option<ConsoleLines>,
    pub inferred: Inferred,
    pub warnings: Vec<Warning>,
    /// Access-Control-Max-Age as each browser reads it, when a preflight response was observed.
    pub max_age: Option<MaxAgeByBrowser>,
    /// On an allowed response: which response headers script can and cannot read.
    pub exposed_headers: Option<ExposedHeaders>,
    /// Local Network Access, when the request is a local network request or LNA refused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_network: Option<LocalNetwork>,
    /// What stopped a request that failed below CORS (network_failure.rs); never a CORS error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_failure: Option<NetworkFailure>,
    /// Whether a change on the API server can fix this: false for Local Network Access and the
    /// failures below CORS, whose fix is on the page, in the browser or in the network.
    #[serde(default = "server_fix_default")]
    pub server_fix: bool,
    pub explanation: Explanation,
}

fn server_fix_default() -> bool {
    true
}

/// The verdict's `summary`: the failure's label ([`CorsError::summary`], given the status of the
/// response the failing check read), "Allowed", or why there is no error to name.
pub fn summary(allowed: bool, undetermined: bool, blocked: Option<(&Failure, Option<u16>)>) -> String {
    match blocked {
        Some((failure, status)) => failure.error.summary(Some(&failure.failed_parameter), status),
        None if allowed => "Allowed".to_owned(),
        None if undetermined => "Failed; cause undetermined".to_owned(),
        None => "Failed (not a CORS error)".to_owned(),
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Rejected before anything was sent (mode, scheme, address space).
    Request,
    Preflight,
    Response,
    Redirect,
    RedirectPreflight,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsoleLines {
    /// Each browser's line from its own rules. `None` where that browser does not block this exchange
    /// (e.g. Local Network Access is Chromium-only) or rejects it in script without a message.
    pub chromium: Option<String>,
    pub firefox: Option<String>,
    /// Safari prints two or three lines; they are joined with newlines.
    pub safari: Option<String>,
}

/// Hidden variables the capture could not see, and what the engine assumed for them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Inferred {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials_mode: Option<CredentialsMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
    /// Why the engine chose those values, in plain words.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub because: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxAgeByBrowser {
    /// The raw header value (repeated lines combined), or `None` when absent.
    pub header: Option<String>,
    pub chromium: MaxAge,
    pub firefox: MaxAge,
    pub safari: MaxAge,
}

/// How long one browser caches the preflight result, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MaxAge {
    pub seconds: u32,
    pub reading: MaxAgeReading,
    /// The browser's cap, so a UI can show "capped at 7200 s".
    pub cap: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MaxAgeReading {
    /// No header: the browser's default applies.
    Missing,
    /// The value was used as sent.
    Parsed,
    /// Above the browser's cap: clamped.
    Capped,
    /// Not a number this browser accepts: default applies (Chromium, Safari) or nothing is cached (Firefox).
    Unparsable,
    /// Zero or negative: not cached.
    NotCached,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExposedHeaders {
    pub readable: Vec<String>,
    pub hidden: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_failure_or_the_outcome() {
        let status = Failure::new(CorsError::PreflightInvalidStatus, "");
        assert_eq!(summary(false, false, Some((&status, Some(404)))), "Preflight answered 404, not 2xx");
        let header = Failure::new(CorsError::HeaderDisallowedByPreflightResponse, "x-api-key");
        assert_eq!(summary(false, false, Some((&header, Some(204)))), "Header not allowed by Access-Control-Allow-Headers: x-api-key");
        assert_eq!(summary(true, false, None), "Allowed");
        assert_eq!(summary(true, true, None), "Allowed");
        assert_eq!(summary(false, true, None), "Failed; cause undetermined");
        assert_eq!(summary(false, false, None), "Failed (not a CORS error)");
    }
}

// ---- the explanation (written by explain.rs) ----

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Explanation {
    /// One line.
    pub summary: String,
    /// A short paragraph naming the offending value.
    pub details: String,
    /// What the browser sent first: the preflight as HTTP text, and what came back.
    pub preflight_http: Option<HttpText>,
    /// How the client could avoid the preflight where sensible (why it was needed is the verdict's
    /// `preflight_reasons`).
    pub avoid_preflight: Option<String>,
    /// Problems that look like CORS but are not, or that CORS only reveals.
    pub findings: Vec<Finding>,
    pub browser_differences: Vec<String>,
    /// When the client, not the server, should change.
    pub client_fix: Option<String>,
    /// Which layer (CDN, gateway, proxy, app) the failing answer says wrote it (responder.rs); its
    /// sentence also ends `details`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responder: Option<crate::responder::Responder>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HttpText {
    pub request: String,
    pub response: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The kind in a few plain words, for a label beside the message.
    #[serde(default)]
    pub title: String,
    pub message: String,
    /// Beside the point of the failure (a cache, a header script cannot read): shown after the cause.
    #[serde(default)]
    pub side: bool,
}

impl Finding {
    pub fn new(kind: FindingKind, message: String) -> Self {
        Finding { kind, title: kind.title().to_owned(), message, side: kind.is_side() }
    }
}

/// A problem that looks like CORS but is not, or that CORS only reveals (explain.rs says which
/// and why). Serialised as its snake_case name.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The preflight got 401/403: the server asks for credentials a preflight never carries.
    PreflightBehindAuth,
    PreflightRedirected,
    /// An error response (4xx/5xx) without CORS headers: the real failure is the status.
    ErrorStatusWithoutCors,
    DuplicateAllowOrigin,
    MissingVaryOrigin,
    MaxAgeUnparsable,
    MaxAgeAboveCap,
    MaxAgeMissing,
    UnexposedHeaders,
}

impl FindingKind {
    pub fn title(self) -> &'static str {
        match self {
            FindingKind::PreflightBehindAuth => "Preflight behind authentication",
            FindingKind::PreflightRedirected => "Preflight redirected",
            FindingKind::ErrorStatusWithoutCors => "Not really CORS",
            FindingKind::DuplicateAllowOrigin => "Allow-Origin sent twice",
            FindingKind::MissingVaryOrigin => "No Vary: Origin",
            FindingKind::MaxAgeUnparsable => "Max-Age unreadable",
            FindingKind::MaxAgeAboveCap => "Max-Age above the cap",
            FindingKind::MaxAgeMissing => "No Max-Age",
            FindingKind::UnexposedHeaders => "Headers hidden from script",
        }
    }

    /// Findings about caching and readable headers do not explain why a request was blocked.
    pub fn is_side(self) -> bool {
        !matches!(self, FindingKind::PreflightBehindAuth | FindingKind::PreflightRedirected | FindingKind::ErrorStatusWithoutCors | FindingKind::DuplicateAllowOrigin)
    }
}
