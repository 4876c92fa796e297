//! The report a panel shows and a user exports (shape: docs/session-api.md): built from a tab's
//! records, redacted before it leaves the engine, and rendered as Markdown with a short summary
//! per failure (JSON is the report itself).

use serde::{Deserialize, Serialize};

use crate::browser::Browser;
use crate::exchange::{Exchange, Outcome};
use crate::marks::{marks, Marks};
use crate::redact::{KeptAside, Policy, Secrets};
use crate::replay::{replay, Replay};
use crate::verdict::{ConsoleLines, Verdict};

use super::assemble::MatchVia;
use super::cost_view::{self, PreflightGroup, PreflightTotals};
use super::har::ScriptLine;
use super::preflight_cost::{CostFinding, Finding, PreflightStat};
use super::{Record, TabState};

mod view;
pub(crate) use view::ms;
pub use view::{Badge, CostBanner, ExchangeView, ReportLabels, SourceMark, Step, StepState};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub tab_id: i64,
    pub evicted: u64,
    /// Of `evicted`, the failed exchanges: failures are evicted only when no success is left.
    #[serde(default)]
    pub evicted_failures: u64,
    /// Newest first.
    pub exchanges: Vec<ExchangeReport>,
    pub preflight_stats: Vec<PreflightStat>,
    /// `preflight_stats` grouped by URL pattern, most preflights first (cost_view.rs).
    #[serde(default)]
    pub preflight_groups: Vec<PreflightGroup>,
    #[serde(default)]
    pub preflight_totals: PreflightTotals,
    pub findings: Vec<Finding>,
    /// The preflight-cache banner, when repeated preflights have a Max-Age problem.
    #[serde(default)]
    pub banner: Option<CostBanner>,
    /// Fixed texts the panel shows.
    #[serde(default)]
    pub labels: ReportLabels,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// The script and line that made the request, when DevTools recorded it (HAR `_initiator`).
    #[serde(default)]
    pub initiator_script: Option<ScriptLine>,
    /// DevTools' `fetch` or `xhr` when DevTools recorded the request, else webRequest's type.
    #[serde(rename = "type")]
    pub resource_type: Option<String>,
    /// `"webrequest"`, or `"devtools"` when only DevTools' records showed this request.
    pub source: String,
    /// A URL or header was cut at capture (8 KiB per value) to keep the session bounded.
    pub truncated: bool,
    pub preflight: Option<PreflightSummary>,
    pub timings: Timings,
    /// The network error webRequest reported for the request, e.g. `net::ERR_FAILED`.
    pub net_error: Option<String>,
    /// Set when the engine could not check the exchange (the captured data is still here).
    pub check_error: Option<String>,
    pub exchange: Option<Exchange>,
    pub verdict: Option<Verdict>,
    /// Which header lines and status the failing check read (crate/src/marks.rs); `null` when
    /// nothing failed.
    #[serde(default)]
    pub marks: Option<Marks>,
    /// The preflight and the actual request to send again by hand (crate/src/replay.rs).
    #[serde(default)]
    pub replay: Option<Replay>,
    /// The words the panel shows for this exchange.
    #[serde(default)]
    pub view: ExchangeView,
    /// What the panel masked in this exchange, for it to reveal on a click (crate/src/redact.rs); never
    /// in an export.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_aside: Vec<KeptAside>,
    /// What the panel's copies put on the clipboard, masked as an export is (`replay` is too); the
    /// panel's report always has it, an export (masked so throughout) never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<Copies>,
}

/// The URL and console lines as the panel copies them, masked by the export policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Copies {
    pub url: String,
    pub console: Option<ConsoleLines>,
}

impl ExchangeReport {
    /// Fills in what is derived from the exchange and its verdict (again after either changed).
    fn derive(&mut self) {
        self.marks = self.verdict.as_ref().and_then(marks);
        self.replay = self.exchange.as_ref().map(|x| replay(x, self.verdict.as_ref()));
        self.view = view::exchange_view(self);
    }
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    let verdict = record.verdict().cloned();
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
    let failed = record.failed();
    let mut report = ExchangeReport {
        id: record.id.clone(),
        url: flight.hops[0].url.clone(),
        method: flight.first_method(),
        started: flight.began,
        cross_origin: true,
        failed,
        status: response.map(|r| r.status),
        initiator: flight.initiator.clone().or_else(|| Some(record.page_origin.clone())),
        initiator_script: flight.devtools.as_ref().and_then(|d| d.script_line()),
        resource_type: flight.devtools.as_ref().and_then(|d| d.resource_type.clone()).or_else(|| flight.resource_type.clone()),
        source: if flight.imported { "har_file" } else if flight.devtools_only { "devtools" } else { "webrequest" }.to_owned(),
        truncated: flight.truncated || record.preflights.iter().flatten().any(|p| p.truncated),
        preflight,
        timings: Timings { total_ms: flight.ended.map(|e| (e - flight.began).max(0.0)) },
        net_error: if flight.outcome == Outcome::Failed { flight.error.clone() } else { None },
        check_error: built.check_error.clone(),
        exchange: built.exchange.clone(),
        verdict,
        // Derived below.
        ..ExchangeReport::default()
    };
    report.derive();
    report
}

/// The report of one exchange checked alone, as a session would list it: what `cors-lens check
/// --redacted` exports.
pub fn of_exchange(exchange: Exchange) -> Report {
    let (verdict, check_error) = match crate::check(&exchange) {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let mut report = ExchangeReport {
        id: "e1".to_owned(),
        url: exchange.request.url.clone(),
        method: exchange.request.method.clone(),
        cross_origin: true,
        failed: verdict.as_ref().is_none_or(|v| !v.allowed),
        status: exchange.response.as_ref().map(|r| r.status),
        initiator: Some(exchange.request.origin.clone()),
        source: "webrequest".to_owned(),
        preflight: exchange.preflight.as_ref().map(|p| PreflightSummary {
            observed: true,
            matched: "order".to_owned(),
            status: p.response.as_ref().map(|r| r.status),
            duration_ms: None,
            net_error: None,
        }),
        check_error,
        exchange: Some(exchange),
        verdict,
        ..ExchangeReport::default()
    };
    report.derive();
    Report { exchanges: vec![report], ..Report::default() }
}

/// The report of one tab; `ids` keeps only those exchanges; Max-Age is read as `browser` reads it.
pub fn build(tab_id: i64, tab: Option<&TabState>, ids: Option<&[String]>, browser: Browser) -> Report {
    let Some(tab) = tab else {
        return Report { tab_id, ..Report::default() };
    };
    let exchanges = tab
        .records
        .iter()
        .rev()
        .filter(|r| !r.own && ids.is_none_or(|ids| ids.contains(&r.id)))
        .map(exchange_report)
        .collect();
    let mut preflight_stats = tab.cost.stats(browser);
    cost_view::link_requests(&mut preflight_stats, tab.records.iter());
    let (preflight_groups, preflight_totals) = cost_view::groups(&preflight_stats);
    let findings = tab.cost.findings();
    Report {
        tab_id,
        evicted: tab.evicted,
        evicted_failures: tab.evicted_failures,
        exchanges,
        banner: view::cost_banner(&preflight_stats, &findings),
        preflight_stats,
        preflight_groups,
        preflight_totals,
        findings,
        labels: ReportLabels::default(),
    }
}

/// The report as the panel shows it (crate/src/redact.rs, [`Policy::Panel`]): credentials masked and
/// kept aside for the panel to reveal, the user's ids and URLs as DevTools shows them; `replay` and
/// `copies`, which leave the panel, masked as an export is.
pub fn redacted(report: Report) -> Report {
    redact(report, Policy::Panel)
}

/// The report as it is exported (JSON, Markdown), from the panel's: the allowlist of
/// [`Policy::Export`], nothing kept aside.
pub fn exported(report: Report) -> Report {
    redact(report, Policy::Export)
}

/// The panel's report exported as text, natively (the CLI's `check --redacted`, tests); the wasm
/// build writes its JSON with the browser's `JSON.stringify` instead.
#[cfg(not(target_arch = "wasm32"))]
pub fn export_text(panel: Report, format: ExportFormat) -> String {
    let report = exported(panel);
    match format {
        ExportFormat::Json => serde_json::to_string_pretty(&report).expect("a report always serialises") + "\n",
        ExportFormat::Markdown => markdown(&report),
    }
}

/// Each exchange is masked at its source and its verdict computed again from the masked exchange, so
/// no text derived from it repeats a secret; URLs are masked; the messages not derived from an
/// exchange have every secret met replaced.
fn redact(mut out: Report, policy: Policy) -> Report {
    let mut secrets = Secrets::new(policy);
    // What the panel copies is masked for export, by its own masker so the panel's kept-aside list stays its own.
    let mut for_copies = Secrets::new(Policy::Export);
    for e in &mut out.exchanges {
        e.kept_aside.clear();
        e.copies = None;
        if let Some(exchange) = &mut e.exchange {
            let captured = (policy == Policy::Panel).then(|| exchange.clone());
            // Checked again by the rules that judged it (the session's browser), not the default's.
            let browser = e.verdict.as_ref().map(|v| v.browser);
            // Every mask records the value it hid, so nothing masked means the verdict stands.
            if secrets.mask_exchange(exchange) {
                if let Some(browser) = browser {
                    e.verdict = crate::check_as(exchange, browser).ok();
                }
                e.derive();
            }
            if let Some(mut copy) = captured {
                let verdict = if for_copies.mask_exchange(&mut copy) {
                    let verdict = browser.and_then(|b| crate::check_as(&copy, b).ok());
                    e.replay = Some(replay(&copy, verdict.as_ref()));
                    verdict
                } else {
                    e.verdict.clone()
                };
                e.copies = Some(Copies { url: for_copies.mask_url(&e.url), console: verdict.and_then(|v| v.console) });
            }
        }
        if policy == Policy::Panel && e.copies.is_none() {
            e.copies = Some(Copies { url: for_copies.mask_url(&e.url), console: None });
        }
        e.url = secrets.mask_url(&e.url);
        if let Some(script) = &mut e.initiator_script {
            script.url = secrets.mask_url(&script.url);
        }
        e.kept_aside = secrets.take_kept_aside();
    }
    for stat in &mut out.preflight_stats {
        stat.url = secrets.mask_url(&stat.url);
        stat.pattern = secrets.mask_url(&stat.pattern);
    }
    for group in &mut out.preflight_groups {
        group.pattern = secrets.mask_url(&group.pattern);
    }
    secrets.take_kept_aside();
    let messages = out.exchanges.iter_mut().flat_map(|e| [e.check_error.as_mut(), e.net_error.as_mut()]).flatten();
    let stats = out.preflight_stats.iter_mut().map(|s| &mut s.message);
    let findings = out.findings.iter_mut().flat_map(|f| [Some(&mut f.message), f.pattern.as_mut()]).flatten();
    for text in messages.chain(stats).chain(findings) {
        secrets.scrub(text);
    }
    out.banner = view::cost_banner(&out.preflight_stats, &out.findings);
    out
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// A captured value as an inert code span on one line: fenced by one backtick more than its longest run of
/// backticks, padded where it starts or ends with one.
fn code(text: &str) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') && text.ends_with(' ') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A code span in a table cell: GFM splits a row at every unescaped `|`, code spans included.
fn cell(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// Text that may quote captured values, made inert: on one line, every character Markdown or HTML could read as
/// markup backslash-escaped, and `://` and `www.` broken so nothing becomes a link.
fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            // `(` needs none: with `[` and `]` escaped, no link can open.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.replace("://", "\\:\\/\\/").replace("www.", "www\\.")
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
        match (report.evicted, report.evicted_failures) {
            (0, _) => String::new(),
            (n, 0) => format!(", {n} older successful ones evicted"),
            (n, f) => format!(", {n} older ones evicted ({f} of them failed)"),
        }
    ));
    if !failures.is_empty() {
        out.push_str("\n## Failures\n");
    }
    for e in &failures {
        out.push_str(&format!("\n### {} {}\n\n", code(&e.method), code(&e.url)));
        if let Some(error) = &e.check_error {
            out.push_str(&format!("- **Not checked:** {}\n", inert(error)));
        }
        if let Some(v) = &e.verdict {
            if let Some(line) = v.console.as_ref().and_then(|c| c.chromium.as_deref()) {
                out.push_str(&format!("- **Console (Chromium):** {}\n", code(line)));
            }
            match v.error {
                Some(error) => {
                    let param = v.failed_parameter.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" ({})", code(p))).unwrap_or_default();
                    out.push_str(&format!("- **Error:** {error}{param} {}\n", stage_words(v)));
                }
                None if v.network_failure.is_some() => out.push_str(&format!("- **Not CORS:** {}\n", inert(&v.summary))),
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
                let time = p.duration_ms.map(|d| format!(" in {}", view::ms_one_decimal(d))).unwrap_or_default();
                let net = p.net_error.as_deref().map(|n| format!(" ({})", code(n))).unwrap_or_default();
                out.push_str(&format!("- **Preflight:** OPTIONS → {status}{net}{time}\n"));
            }
            Some(_) => out.push_str("- **Preflight:** required; answered from the preflight cache (no OPTIONS sent)\n"),
            None => out.push_str("- **Preflight:** none needed\n"),
        }
        if let Some(status) = e.status {
            out.push_str(&format!("- **Response status:** {status}\n"));
        }
        if let Some(v) = &e.verdict {
            for warning in v.warnings.iter().take(2) {
                out.push_str(&format!("- *Note:* {}\n", inert(&warning.to_string())));
            }
        }
    }
    let costly: Vec<&PreflightStat> = report.preflight_stats.iter().filter(|s| s.finding != CostFinding::Ok).collect();
    if !report.preflight_stats.is_empty() {
        out.push_str("\n## Preflights\n\n| Request | OPTIONS | Total | Max-Age (Chromium) | Finding |\n|---|---|---|---|---|\n");
        for s in &report.preflight_stats {
            let headers = if s.request_headers.is_empty() { String::new() } else { format!(" {}", cell(&s.request_headers)) };
            let header = s.max_age_header.as_deref().map_or_else(|| "none".to_owned(), cell);
            out.push_str(&format!(
                "| {} {}{} | {} | {} | {} ({} s) | {} |\n",
                cell(&s.method),
                cell(&s.url),
                headers,
                s.count,
                view::ms_one_decimal(s.total_ms),
                header,
                s.max_age_seconds,
                inert(&s.label)
            ));
        }
        for s in costly {
            out.push_str(&format!("\n- **{} {}:** {}\n", code(&s.method), code(&s.url), inert(&s.message)));
        }
    }
    if !report.findings.is_empty() {
        out.push_str("\n## Findings\n\n");
        for f in &report.findings {
            out.push_str(&format!("- **{}:** {}\n", f.kind, inert(&f.message)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of(json: &str) -> Report {
        let mut exchange = view::tests::exchange_report(json, None, Some((true, Some(204))));
        exchange.derive();
        Report { tab_id: 1, exchanges: vec![exchange], ..Report::default() }
    }

    #[test]
    fn the_replay_is_rebuilt_from_the_masked_exchange() {
        const SECRET: &str = "Bearer sekrit-token-0123456789abcdef";
        let report = report_of(&format!(
            r#"{{"request": {{"method": "PUT", "url": "http://api.test/x?access_token=qs-4f9c2a6e1b2c", "origin": "http://app.test",
                "headers": [["Authorization", "{SECRET}"]]}},
                "preflight": {{"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "authorization"]],
                    "response": {{"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PUT"]]}}}}}}"#
        ));
        assert!(serde_json::to_string(&report.exchanges[0].replay).unwrap().contains(SECRET), "unredacted as built");
        let out = redacted(report);
        let e = &out.exchanges[0];
        let replay = serde_json::to_string(&e.replay).unwrap();
        assert!(!replay.contains("sekrit") && !replay.contains("qs-4f9c2a6e1b2c"), "{replay}");
        let actual = &e.replay.as_ref().unwrap().actual;
        assert!(actual.headers.iter().any(|(n, v)| n == "Authorization" && v.contains("[redacted]")), "{replay}");
        assert_eq!(e.view.reason, e.verdict.as_ref().unwrap().summary);
    }

    /// Markdown with its code spans taken out (a span opens with a run of backticks and closes with a run of
    /// the same length), and what is left: whether any Markdown or HTML syntax remains unescaped there.
    fn live_markup(markdown: &str) -> Vec<String> {
        let mut live = Vec::new();
        for line in markdown.lines() {
            let (mut text, mut rest) = (String::new(), line);
            while let Some(at) = rest.find('`') {
                text.push_str(&rest[..at]);
                let run = rest[at..].len() - rest[at..].trim_start_matches('`').len();
                let fence = "`".repeat(run);
                let after = &rest[at + run..];
                // The closing run: exactly `run` backticks, not part of a longer run.
                let close = (0..after.len()).find(|&i| after[i..].starts_with(&fence) && !after[i + run..].starts_with('`') && (i == 0 || !after[..i].ends_with('`')));
                let Some(close) = close else { panic!("unclosed code span in {line:?}") };
                rest = &after[close + run..];
            }
            text.push_str(rest);
            let bytes = text.as_bytes();
            for (i, &b) in bytes.iter().enumerate() {
                let escaped = i > 0 && bytes[i - 1] == b'\\' && (i < 2 || bytes[i - 2] != b'\\');
                if b"<>[]!&~_".contains(&b) && !escaped {
                    live.push(format!("{} in {line:?}", b as char));
                }
            }
            if text.contains("://") || text.contains("www.") {
                live.push(format!("a link in {line:?}"));
            }
        }
        live
    }

    #[test]
    fn hostile_values_in_every_markdown_field_render_inert() {
        const HOSTILE: &str = "`` <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![i](https://evil.example/p.png) | **b** _i_ ~s~ &amp; www.evil.example ``";
        let json = serde_json::json!({
            "request": {"method": "PUT", "url": format!("http://api.test/x?q={HOSTILE}"), "origin": "http://app.test",
                "headers": [["X-Test", "1"], [HOSTILE.replace(' ', "-"), "1"]]},
            "preflight": {"response": {"status": 204, "headers": [["Access-Control-Allow-Origin", HOSTILE], ["Access-Control-Allow-Origin", "*"],
                ["Access-Control-Allow-Methods", HOSTILE], ["Access-Control-Allow-Headers", HOSTILE]]}}});
        let mut report = report_of(&json.to_string());
        let e = &mut report.exchanges[0];
        e.check_error = Some(format!("not checked: {HOSTILE}\n# injected heading"));
        e.net_error = Some(HOSTILE.to_owned());
        e.preflight.as_mut().unwrap().net_error = Some(HOSTILE.to_owned());
        e.method = HOSTILE.to_owned();
        report.preflight_stats.push(PreflightStat {
            origin: "http://app.test".into(),
            url: format!("http://api.test/{HOSTILE}"),
            method: HOSTILE.into(),
            request_headers: HOSTILE.into(),
            count: 3,
            total_ms: 1.0,
            max_age_header: Some(HOSTILE.into()),
            max_age_seconds: 5,
            finding: CostFinding::Missing,
            message: format!("repeated for {HOSTILE}"),
            pattern: String::new(),
            label: HOSTILE.into(),
            bad: true,
            exchange_ids: Vec::new(),
            preflight_ids: Vec::new(),
        });
        let markdown = markdown(&report);
        assert!(markdown.contains("<img"), "the value is shown, as code or escaped text");
        assert_eq!(live_markup(&markdown), Vec::<String>::new(), "{markdown}");
        assert!(!markdown.lines().any(|l| l.starts_with("# injected")), "{markdown}");
        // A table row has exactly its five cells: no `|` of a value splits one.
        for row in markdown.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Request")) {
            assert_eq!(row.replace("\\|", "").matches('|').count(), 6, "{row}");
        }
    }

    #[test]
    fn the_report_json_gains_the_new_fields_and_still_reads_without_them() {
        let report = report_of(
            r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["X-Test", "1"]]},
                "preflight": {"response": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PUT"]]}}}"#,
        );
        let json = serde_json::to_value(&report).unwrap();
        let has = |v: &serde_json::Value, keys: &[&str]| keys.iter().all(|k| v.as_object().unwrap().contains_key(*k));
        assert!(has(&json, &["tab_id", "evicted", "exchanges", "preflight_stats", "findings", "banner", "labels"]));
        let exchange = &json["exchanges"][0];
        assert!(has(exchange, &["id", "url", "method", "failed", "status", "preflight", "exchange", "verdict", "marks", "replay", "view"]));
        assert_eq!(exchange["marks"]["part"], "preflight");
        assert_eq!(exchange["marks"]["request"][0], "access-control-request-headers");
        assert_eq!(exchange["verdict"]["summary"], "Header not allowed by Access-Control-Allow-Headers: x-test");
        assert_eq!(exchange["replay"]["preflight"]["method"], "OPTIONS");
        // A report written before these fields existed still reads.
        let mut old = json.clone();
        for key in ["banner", "labels"] {
            old.as_object_mut().unwrap().remove(key);
        }
        for key in ["marks", "replay", "view"] {
            old["exchanges"][0].as_object_mut().unwrap().remove(key);
        }
        old["exchanges"][0]["verdict"].as_object_mut().unwrap().remove("summary");
        let read: Report = serde_json::from_value(old).unwrap();
        assert_eq!(read.labels, ReportLabels::default());
    }
}
