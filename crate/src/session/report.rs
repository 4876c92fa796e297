//! The report a panel shows and a user exports (shape: docs/session-api.md), and its redacted
//! exports: JSON, and Markdown with a short summary per failure.
//!
//! Redaction masks `Cookie`, `Authorization`, `Set-Cookie`, `Proxy-Authorization` and every
//! header whose name or value looks like a credential, wherever it appears: header lists, the
//! embedded exchange, URLs' query strings, and any text that repeats a masked value.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::exchange::{Exchange, Outcome};
use crate::redact::{is_sensitive_header, MASK};
use crate::verdict::Verdict;

use super::assemble::MatchVia;
use super::preflight_cost::{CostFinding, Finding, PreflightStat};
use super::{Record, TabState};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub tab_id: i64,
    pub evicted: u64,
    /// Newest first.
    pub exchanges: Vec<ExchangeReport>,
    pub preflight_stats: Vec<PreflightStat>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeReport {
    pub id: String,
    pub url: String,
    pub method: String,
    pub started: f64,
    pub cross_origin: bool,
    pub failed: bool,
    /// The actual response's status; `null` when none came back (see `preflight.status`).
    pub status: Option<u16>,
    pub initiator: Option<String>,
    #[serde(rename = "type")]
    pub resource_type: Option<String>,
    pub preflight: Option<PreflightSummary>,
    pub timings: Timings,
    /// The network error webRequest reported for the request, e.g. `net::ERR_FAILED`.
    pub net_error: Option<String>,
    /// Set when the engine could not check the exchange (the captured data is still here).
    pub check_error: Option<String>,
    pub exchange: Option<Exchange>,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreflightSummary {
    pub observed: bool,
    /// `"order"`, `"har"` or `"none"`.
    #[serde(rename = "match")]
    pub matched: String,
    pub status: Option<u16>,
    pub duration_ms: Option<f64>,
    /// The preflight's own network error, when it failed below HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub total_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Markdown,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Option<ExportFormat> {
        match text.to_ascii_lowercase().as_str() {
            "json" => Some(ExportFormat::Json),
            "markdown" | "md" => Some(ExportFormat::Markdown),
            _ => None,
        }
    }
}

fn exchange_report(record: &Record) -> ExchangeReport {
    let flight = &record.flight;
    let built = &record.built;
    let verdict = built.verdict.clone();
    let preflight = record
        .preflights
        .iter()
        .enumerate()
        .find_map(|(i, p)| p.as_ref().map(|p| (i, p)))
        .map(|(hop, pf)| {
            let via = flight.hops[hop].preflight.as_ref().map(|l| l.via);
            PreflightSummary {
                observed: true,
                matched: match via {
                    Some(MatchVia::Har) => "har",
                    Some(MatchVia::Order) => "order",
                    None => "none",
                }
                .to_owned(),
                status: pf.hops[0].response.as_ref().map(|r| r.status),
                duration_ms: pf.ended.map(|e| (e - pf.began).max(0.0)),
                net_error: if pf.outcome == Outcome::Failed { pf.error.clone() } else { None },
            }
        })
        .or_else(|| {
            verdict.as_ref().filter(|v| v.preflight_required).map(|_| PreflightSummary {
                observed: false,
                matched: "none".to_owned(),
                status: None,
                duration_ms: None,
                net_error: None,
            })
        });
    let response = built.exchange.as_ref().and_then(|e| e.response.as_ref());
    let failed = flight.outcome == Outcome::Failed || verdict.as_ref().is_some_and(|v| !v.allowed);
    ExchangeReport {
        id: record.id.clone(),
        url: flight.hops[0].url.clone(),
        method: flight.first_method(),
        started: flight.began,
        cross_origin: true,
        failed,
        status: response.map(|r| r.status),
        initiator: flight.initiator.clone().or_else(|| Some(record.page_origin.clone())),
        resource_type: flight.resource_type.clone(),
        preflight,
        timings: Timings { total_ms: flight.ended.map(|e| (e - flight.began).max(0.0)) },
        net_error: if flight.outcome == Outcome::Failed { flight.error.clone() } else { None },
        check_error: built.check_error.clone(),
        exchange: built.exchange.clone(),
        verdict,
    }
}

/// The report of one tab; `ids` keeps only those exchanges.
pub fn build(tab_id: i64, tab: Option<&TabState>, ids: Option<&[String]>) -> Report {
    let Some(tab) = tab else {
        return Report { tab_id, evicted: 0, exchanges: Vec::new(), preflight_stats: Vec::new(), findings: Vec::new() };
    };
    let exchanges = tab
        .records
        .iter()
        .rev()
        .filter(|r| ids.is_none_or(|ids| ids.contains(&r.id)))
        .map(exchange_report)
        .collect();
    Report { tab_id, evicted: tab.evicted, exchanges, preflight_stats: tab.cost.stats(), findings: tab.cost.findings() }
}

pub fn export(report: &Report, format: ExportFormat) -> String {
    let redacted = redact(report);
    match format {
        ExportFormat::Json => serde_json::to_string_pretty(&redacted).unwrap_or_default(),
        ExportFormat::Markdown => match serde_json::from_value::<Report>(redacted) {
            Ok(report) => markdown(&report),
            Err(e) => format!("# CORS Lens report\n\n(could not render: {e})\n"),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Redaction

/// A value that looks like a credential whatever its header's name: an auth scheme with a
/// token, a JWT, or one long word mixing letters and digits.
pub fn looks_like_token(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if ["bearer ", "basic ", "token ", "digest ", "negotiate ", "hoba "].iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    let token_chars = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_+/=.~".contains(&b));
    if v.starts_with("eyJ") && v.matches('.').count() == 2 && token_chars(v) {
        return true;
    }
    v.len() >= 24
        && token_chars(v)
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && !v.contains("..")
}

fn is_sensitive_param(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    is_sensitive_header(&lower)
        || matches!(lower.as_str(), "key" | "sig" | "signature" | "code" | "jwt" | "pass" | "pwd" | "credential" | "credentials")
        || lower.ends_with("_key")
        || lower.ends_with("token")
}

/// The URL with sensitive or token-looking query values masked; masked values go to `secrets`.
fn redact_url(url: &str, secrets: &mut Vec<String>) -> String {
    let Some((head, rest)) = url.split_once('?') else { return url.to_owned() };
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (rest, None),
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|part| match part.split_once('=') {
            Some((k, v)) if !v.is_empty() && (is_sensitive_param(k) || looks_like_token(v)) => {
                secrets.push(v.to_owned());
                format!("{k}={MASK}")
            }
            _ => part.to_owned(),
        })
        .collect();
    let mut out = format!("{head}?{}", parts.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn is_header_pair(items: &[Value]) -> bool {
    items.len() == 2 && items.iter().all(Value::is_string)
}

/// Pass 1: mask header values and URL queries in place, collecting the masked values.
fn mask_structure(value: &mut Value, secrets: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            let pairs = !items.is_empty() && items.iter().all(|i| matches!(i, Value::Array(p) if is_header_pair(p)));
            if pairs {
                for item in items.iter_mut() {
                    let Value::Array(pair) = item else { continue };
                    let name = pair[0].as_str().unwrap_or("").to_owned();
                    let text = pair[1].as_str().unwrap_or("").to_owned();
                    if text != MASK && (is_sensitive_header(&name) || looks_like_token(&text)) {
                        secrets.push(text.clone());
                        // The token part of "Bearer xyz" may be quoted elsewhere on its own.
                        if let Some((_, token)) = text.trim().split_once(' ') {
                            secrets.push(token.trim().to_owned());
                        }
                        for cookie in text.split(';') {
                            if let Some((_, v)) = cookie.split_once('=') {
                                secrets.push(v.trim().to_owned());
                            }
                        }
                        pair[1] = Value::String(MASK.to_owned());
                    }
                }
            } else {
                for item in items.iter_mut() {
                    mask_structure(item, secrets);
                }
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                mask_structure(item, secrets);
            }
        }
        Value::String(text) if text.starts_with("http://") || text.starts_with("https://") => {
            let redacted = redact_url(text, secrets);
            *text = redacted;
        }
        _ => {}
    }
}

/// Pass 2: replace every masked value wherever else it appears (console lines, messages, URLs
/// embedded in text). Values shorter than 4 characters are too common to replace blindly.
fn replace_secrets(value: &mut Value, secrets: &[String]) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|i| replace_secrets(i, secrets)),
        Value::Object(map) => map.values_mut().for_each(|i| replace_secrets(i, secrets)),
        Value::String(text) => {
            for secret in secrets {
                if text.contains(secret.as_str()) {
                    *text = text.replace(secret.as_str(), MASK);
                }
            }
        }
        _ => {}
    }
}

/// The report as JSON with every secret masked.
pub fn redact(report: &Report) -> Value {
    let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
    let mut secrets = Vec::new();
    mask_structure(&mut value, &mut secrets);
    secrets.retain(|s| s.len() >= 4 && s != MASK);
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    replace_secrets(&mut value, &secrets);
    value
}

// ---------------------------------------------------------------------------------------------
// Markdown

fn code(text: &str) -> String {
    let text = text.replace('\n', " ");
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

fn stage_words(verdict: &Verdict) -> &'static str {
    use crate::verdict::Stage::*;
    match verdict.stage {
        Some(Request) => "before the request was sent",
        Some(Preflight) => "at the preflight",
        Some(Response) => "on the response",
        Some(Redirect) => "at a redirect",
        Some(RedirectPreflight) => "at the preflight after a redirect",
        None => "",
    }
}

fn finding_name(f: CostFinding) -> &'static str {
    match f {
        CostFinding::Missing => "missing",
        CostFinding::TooShort => "too_short",
        CostFinding::Unparsable => "unparsable",
        CostFinding::AboveCap => "above_cap",
        CostFinding::Zero => "zero",
        CostFinding::Ok => "ok",
        CostFinding::CacheDisabled => "cache_disabled",
        CostFinding::Failed => "failed",
        CostFinding::UrlTooLong => "url_too_long",
    }
}

/// A short, human-readable report: one section per failure, then preflight costs.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let total = report.exchanges.len();
    let failures: Vec<&ExchangeReport> = report.exchanges.iter().filter(|e| e.failed || e.check_error.is_some()).collect();
    out.push_str(&format!("# CORS Lens report (tab {})\n\n", report.tab_id));
    out.push_str(&format!(
        "{total} cross-origin request{}, {} failed{}. Cookies, credentials and token-like values are redacted.\n",
        if total == 1 { "" } else { "s" },
        failures.len(),
        if report.evicted > 0 { format!(", {} older ones evicted", report.evicted) } else { String::new() }
    ));
    if !failures.is_empty() {
        out.push_str("\n## Failures\n");
    }
    for e in &failures {
        out.push_str(&format!("\n### {} {}\n\n", e.method, e.url));
        if let Some(error) = &e.check_error {
            out.push_str(&format!("- **Not checked:** {error}\n"));
        }
        if let Some(v) = &e.verdict {
            if let Some(console) = &v.console {
                out.push_str(&format!("- **Console (Chromium):** {}\n", code(&console.chromium)));
            }
            match v.error {
                Some(error) => {
                    let param = v.failed_parameter.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" ({p})")).unwrap_or_default();
                    out.push_str(&format!("- **Error:** {error}{param} {}\n", stage_words(v)));
                }
                None if v.undetermined => out.push_str("- **Error:** undetermined from what was captured\n"),
                None => out.push_str("- **Error:** no CORS check fails on what was captured\n"),
            }
        }
        if let Some(net) = &e.net_error {
            out.push_str(&format!("- **Browser reported:** {}\n", code(net)));
        }
        match &e.preflight {
            Some(p) if p.observed => {
                let status = p.status.map_or_else(|| "no response".to_owned(), |s| s.to_string());
                let time = p.duration_ms.map(|d| format!(" in {d:.1} ms")).unwrap_or_default();
                let net = p.net_error.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
                out.push_str(&format!("- **Preflight:** OPTIONS → {status}{net}{time} (matched by {})\n", p.matched));
            }
            Some(_) => out.push_str("- **Preflight:** required but not observed (cached, or hidden from the capture)\n"),
            None => out.push_str("- **Preflight:** none needed\n"),
        }
        if let Some(status) = e.status {
            out.push_str(&format!("- **Response status:** {status}\n"));
        }
        if let Some(v) = &e.verdict {
            for warning in v.warnings.iter().take(2) {
                out.push_str(&format!("- *Note:* {warning}\n"));
            }
        }
    }
    let costly: Vec<&PreflightStat> = report.preflight_stats.iter().filter(|s| s.finding != CostFinding::Ok).collect();
    if !report.preflight_stats.is_empty() {
        out.push_str("\n## Preflights\n\n| Request | OPTIONS | Total | Max-Age (Chromium) | Finding |\n|---|---|---|---|---|\n");
        for s in &report.preflight_stats {
            let headers = if s.request_headers.is_empty() { String::new() } else { format!(" [{}]", s.request_headers) };
            let header = s.max_age_header.as_deref().map_or_else(|| "none".to_owned(), |h| h.replace('|', "\\|"));
            out.push_str(&format!(
                "| {} {}{} | {} | {:.1} ms | {} ({} s) | {} |\n",
                s.method,
                s.url.replace('|', "%7C"),
                headers,
                s.count,
                s.total_ms,
                header,
                s.max_age_seconds,
                finding_name(s.finding)
            ));
        }
        for s in costly {
            out.push_str(&format!("\n- **{} {}:** {}\n", s.method, s.url, s.message));
        }
    }
    if !report.findings.is_empty() {
        out.push_str("\n## Findings\n\n");
        for f in &report.findings {
            out.push_str(&format!("- **{}:** {}\n", f.kind, f.message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_recognised() {
        assert!(looks_like_token("Bearer abc"));
        assert!(looks_like_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"));
        assert!(looks_like_token("a1b2c3d4e5f6a7b8c9d0e1f2a3"));
        assert!(!looks_like_token("application/json"));
        assert!(!looks_like_token("http://127.0.0.1:8001"));
        assert!(!looks_like_token("content-type,x-api-key"));
        assert!(!looks_like_token("Mon, 27 Nov 2026 06:51:16 GMT"));
        assert!(!looks_like_token("1732690000000"));
    }

    #[test]
    fn urls_lose_secret_parameters() {
        let mut secrets = Vec::new();
        assert_eq!(
            redact_url("https://api/x?id=3&access_token=abcd1234&api_key=zz#f", &mut secrets),
            format!("https://api/x?id=3&access_token={MASK}&api_key={MASK}#f")
        );
        assert_eq!(secrets, vec!["abcd1234", "zz"]);
    }
}
