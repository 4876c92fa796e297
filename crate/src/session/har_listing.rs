//! What `cors-lens har` prints for a HAR file: every cross-origin request, each failure with its
//! verdict, console line and explanation, the preflight-cost table and what the file cannot tell
//! (text for people), or one JSON object per cross-origin request (for tools).

use serde::Serialize;

use crate::browser::Browser;
use crate::verdict::Verdict;

use super::har_file::{HarLog, Imported};
use super::report::{ms, ExchangeReport, Report};
use super::{PreflightSummary, Session, SessionConfig};

/// A file is one "tab": the session's per-tab limits are the CLI's, far above the extension's
/// (which must fit `storage.session`), so only a huge file loses its oldest successes first.
const MAX_EXCHANGES: usize = 50_000;
const MAX_BYTES: usize = 512 * 1024 * 1024;

/// A HAR file analysed: what the import found and the report of its requests (oldest first).
#[derive(Debug, Clone)]
pub struct HarAnalysis {
    pub imported: Imported,
    /// Whose rules judged the requests.
    pub browser: Browser,
    pub report: Report,
}

/// Reads `log` into a fresh session judged by `browser` (default: the file's own browser) and reports it,
/// credentials masked as in the panel (the report's own policy).
pub fn analyse(log: HarLog, browser: Option<Browser>) -> HarAnalysis {
    let browser = browser.unwrap_or_else(|| log.browser());
    let config = SessionConfig { max_exchanges_per_tab: MAX_EXCHANGES, max_exchanges_total: MAX_EXCHANGES, max_bytes: MAX_BYTES, browser };
    let mut session = Session::new(config);
    let imported = session.import_har(0, log);
    let mut report = session.redacted_report(0, None);
    report.exchanges.reverse();
    HarAnalysis { imported, browser, report }
}

/// One line of `--jsonl`: a cross-origin request, what the browser did and why.
#[derive(Serialize)]
struct Line<'a> {
    url: &'a str,
    method: &'a str,
    /// ms since the epoch, as the HAR's `startedDateTime` said.
    started: f64,
    /// DevTools' word: `fetch`, `xhr`, ...
    #[serde(rename = "type")]
    resource_type: &'a str,
    status: Option<u16>,
    failed: bool,
    preflight: Option<&'a PreflightSummary>,
    /// The CORS error (`PreflightInvalidStatus`, ...), when CORS blocked it.
    error: Option<String>,
    failed_parameter: Option<&'a str>,
    /// The line the judging browser printed, when it printed one.
    console: Option<&'a str>,
    summary: &'a str,
    net_error: Option<&'a str>,
    check_error: Option<&'a str>,
    verdict: Option<&'a Verdict>,
}

fn console_of(verdict: Option<&Verdict>, browser: Browser) -> Option<&str> {
    let console = verdict?.console.as_ref()?;
    match browser {
        Browser::Chromium => console.chromium.as_deref(),
        Browser::Firefox => console.firefox.as_deref(),
        Browser::Safari => console.safari.as_deref(),
    }
}

/// One JSON object per cross-origin request, oldest first.
pub fn jsonl(analysis: &HarAnalysis) -> String {
    let mut out = String::new();
    for x in &analysis.report.exchanges {
        let verdict = x.verdict.as_ref();
        let line = Line {
            url: &x.url,
            method: &x.method,
            started: x.started,
            resource_type: &x.view.resource_type,
            status: x.status,
            failed: x.failed,
            preflight: x.preflight.as_ref(),
            error: verdict.and_then(|v| v.error).map(|e| e.to_string()),
            failed_parameter: verdict.and_then(|v| v.failed_parameter.as_deref()),
            console: console_of(verdict, analysis.browser),
            summary: &x.view.reason,
            net_error: x.net_error.as_deref(),
            check_error: x.check_error.as_deref(),
            verdict,
        };
        out.push_str(&serde_json::to_string(&line).expect("a line always serialises"));
        out.push('\n');
    }
    out
}

/// The analysis for a person: a summary, each failure in full, the allowed requests in a line each,
/// the preflight cost and the notes.
pub fn text(analysis: &HarAnalysis, name: &str) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    let report = &analysis.report;
    let imported = &analysis.imported;
    let failures: Vec<&ExchangeReport> = report.exchanges.iter().filter(|x| x.failed).collect();
    let creator = imported.creator.as_deref().map(|c| format!(" (written by {c})")).unwrap_or_default();
    line(&format!("{name}{creator}: {} entries, {} cross-origin requests, {} failed; {}'s rules.", imported.entries, report.exchanges.len(), failures.len(), analysis.browser.title()));
    if imported.skipped > 0 {
        line(&format!("{} entries without a URL or a readable startedDateTime were left out.", imported.skipped));
    }
    if report.evicted > 0 {
        line(&format!("{} requests beyond {MAX_EXCHANGES} were dropped, oldest successes first ({} of them failures).", report.evicted, report.evicted_failures));
    }
    for x in &failures {
        line("");
        let status = x.view.status.as_str();
        line(&format!("FAILED  {} {}  [{status}]", x.method, x.url));
        let Some(v) = x.verdict.as_ref() else {
            line(&format!("  {}", x.check_error.as_deref().unwrap_or(&x.view.reason)));
            continue;
        };
        let error = v.error.map(|e| format!(" ({e})")).unwrap_or_default();
        line(&format!("  {}{error}", v.explanation.summary));
        if let Some(console) = console_of(Some(v), analysis.browser) {
            line(&format!("  Console: {}", console.trim_end()));
        }
        if !v.explanation.details.is_empty() {
            v.explanation.details.lines().for_each(|l| line(&format!("  {l}")));
        }
        if let Some(p) = x.preflight.as_ref() {
            let status = p.status.map_or_else(|| p.net_error.clone().unwrap_or_else(|| "no response".to_owned()), |s| s.to_string());
            let seen = if p.observed { format!("preflight OPTIONS {status}") } else { "preflight required, none in the file (answered from the preflight cache?)".to_owned() };
            line(&format!("  {seen}"));
        }
        if let Some(client_fix) = &v.explanation.client_fix {
            line(&format!("  Client fix: {client_fix}"));
        }
    }
    let allowed: Vec<&ExchangeReport> = report.exchanges.iter().filter(|x| !x.failed).collect();
    if !allowed.is_empty() {
        line("");
        line("Allowed:");
        for x in allowed {
            line(&format!("  {:<5} {} {}", x.view.status, x.method, x.url));
        }
    }
    line("");
    if report.preflight_totals.preflights == 0 {
        line("Preflight cost: no preflight in this file.");
    } else {
        line(&format!("Preflight cost: {}", report.preflight_totals.text));
    }
    if !report.preflight_stats.is_empty() {
        line(&format!("  {:>5}  {:>10}  {:<28}  request", "count", "time", "Max-Age"));
        for row in &report.preflight_stats {
            line(&format!("  {:>5}  {:>10}  {:<28}  {} {}", row.count, ms(row.total_ms), row.label, row.method, row.pattern));
        }
    }
    for finding in &report.findings {
        line(&format!("  {}", finding.message));
    }
    if !imported.notes.is_empty() {
        line("");
        line("What this file cannot tell:");
        imported.notes.iter().for_each(|n| line(&format!("  - {n}")));
    }
    out
}
