//! What each target feeds the engine, and the properties it asserts besides "no panic": console lines
//! are one line, a verdict is the same when computed twice, and no mask changes a verdict.

use cors_lens::redact::{Policy, Secrets};
use cors_lens::session::{har_file, har_listing, report, ExportFormat, HarEntry, RawEvent, Session, SessionConfig};
use cors_lens::{check, fixes, Exchange, Verdict};
use serde_json::Value;

pub const TARGETS: [&str; 5] = ["check", "session", "har", "har_file", "fixes"];

pub fn run(target: &str, data: &[u8]) {
    match target {
        "check" => check_target(data),
        "session" => session_target(data),
        "har" => har_target(data),
        "har_file" => har_file_target(data),
        "fixes" => fixes_target(data),
        other => panic!("unknown target {other}"),
    }
}

/// What a mask must not change: what the engine decided, not the words that quote masked values.
fn decided(v: &Verdict) -> impl PartialEq + std::fmt::Debug {
    (v.allowed, v.undetermined, v.error, v.stage, v.preflight_required, v.unsafe_header_names.clone())
}

/// The failed parameter may quote a masked value (a redirect's `Location`): then only the mask differs.
fn same_parameter(before: &Option<String>, after: &Option<String>) -> bool {
    before == after || after.as_deref().is_some_and(|p| p.contains(cors_lens::redact::MASK))
}

/// Chromium's and Firefox's console lines are single lines, as the browsers print them (Safari's
/// several lines are joined with newlines on purpose); a line may end with its own newline, as
/// Chromium's "Unsafe attempt to load URL" message does.
fn assert_one_line(v: &Verdict) {
    let console = serde_json::to_value(&v.console).expect("console lines serialise");
    for browser in ["chromium", "firefox"] {
        if let Some(line) = console.get(browser).and_then(Value::as_str) {
            let body = line.strip_suffix('\n').unwrap_or(line);
            assert!(!body.contains(['\n', '\r']), "{browser}'s console line spans lines: {line:?}");
        }
    }
}

/// The properties of one checked exchange.
fn properties(exchange: &Exchange, verdict: &Verdict) {
    assert_one_line(verdict);
    let again = check(exchange).expect("an exchange that checked once checks again");
    assert!(again == *verdict, "the verdict differs when computed twice");
    for policy in [Policy::Panel, Policy::Export] {
        let mut masked = exchange.clone();
        Secrets::new(policy).mask_exchange(&mut masked);
        let after = check(&masked).unwrap_or_else(|e| panic!("masking ({policy:?}) made the exchange unreadable: {e}"));
        assert_eq!(decided(verdict), decided(&after), "masking ({policy:?}) changed the verdict");
        assert!(same_parameter(&verdict.failed_parameter, &after.failed_parameter), "masking ({policy:?}) changed the failed parameter");
    }
}

fn json(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

fn check_target(data: &[u8]) {
    let Some(exchange) = json(data).and_then(|v| serde_json::from_value::<Exchange>(v).ok()) else { return };
    let Ok(verdict) = check(&exchange) else { return };
    properties(&exchange, &verdict);
    // The export's masking and Markdown (its JSON is serde's, and the masking is the same).
    report::export_text(report::redacted(report::of_exchange(exchange)), ExportFormat::Markdown);
}

fn fixes_target(data: &[u8]) {
    let Some(exchange) = json(data).and_then(|v| serde_json::from_value::<Exchange>(v).ok()) else { return };
    let Ok(verdict) = check(&exchange) else { return };
    for framework in fixes::frameworks() {
        let first = fixes::fix(&exchange, &verdict, &framework.id).map(|f| serde_json::to_string(&f).expect("a fix serialises"));
        let again = fixes::fix(&exchange, &verdict, &framework.id).map(|f| serde_json::to_string(&f).expect("a fix serialises"));
        assert!(first.is_ok() == again.is_ok() && first.ok() == again.ok(), "{}'s fix differs when rendered twice", framework.id);
    }
}

/// A session's report, its panel and export forms, and every exchange's properties.
fn report_properties(session: &Session) {
    for tab in session.tab_ids() {
        let report = session.report(tab);
        for e in &report.exchanges {
            if let (Some(x), Some(v)) = (&e.exchange, &e.verdict) {
                properties(x, v);
            }
        }
        report::export_text(session.redacted_report(tab, None), ExportFormat::Markdown);
    }
}

fn fresh() -> Session {
    // Small bounds, so eviction and the byte budget are reached by short inputs.
    Session::new(SessionConfig { max_exchanges_per_tab: 8, max_exchanges_total: 12, max_bytes: 64 * 1024, ..SessionConfig::default() })
}

/// A JSON array of steps: a webRequest event, `{"har": entry}`, `{"navigate": tab}`, `{"clear": tab}`, or
/// `{"snapshot": true}`, after which the session goes on from its restored snapshot. A twin session takes
/// the same steps without snapshots, and must report the same.
fn session_target(data: &[u8]) {
    let Some(Value::Array(steps)) = json(data) else { return };
    let mut session = fresh();
    let mut twin = fresh();
    for step in steps {
        if step.get("snapshot").is_some() {
            let snapshot = session.snapshot();
            session = Session::restore(&snapshot).expect("a snapshot restores");
            continue;
        }
        if let Some(tab) = step.get("navigate").and_then(Value::as_i64) {
            session.navigated(tab, false);
            twin.navigated(tab, false);
        } else if let Some(tab) = step.get("clear").and_then(Value::as_i64) {
            session.clear(tab);
            twin.clear(tab);
        } else if let Some(entry) = step.get("har") {
            let Ok(entry) = serde_json::from_value::<HarEntry>(entry.clone()) else { continue };
            let tab = step.get("tab").and_then(Value::as_i64).unwrap_or(7);
            let (a, b) = (session.ingest_har(tab, entry.clone()), twin.ingest_har(tab, entry));
            assert_eq!(a.is_ok(), b.is_ok(), "a HAR entry was taken by one session only");
        } else if let Ok(event) = serde_json::from_value::<RawEvent>(step) {
            let (a, b) = (session.ingest(event.clone()), twin.ingest(event));
            assert_eq!(a.is_ok(), b.is_ok(), "an event was taken by one session only");
        }
    }
    report_properties(&session);
    for tab in session.tab_ids() {
        let (restored, straight) = (session.report(tab), twin.report(tab));
        let verdicts = |r: &report::Report| r.exchanges.iter().map(|e| (e.url.clone(), e.verdict.as_ref().map(decided))).collect::<Vec<_>>();
        assert_eq!(verdicts(&restored), verdicts(&straight), "snapshots changed what tab {tab} reports");
    }
}

/// A whole HAR file, as `cors-lens har` reads it: read, imported into a small session (bounds reached), and
/// both outputs written.
fn har_file_target(data: &[u8]) {
    let Ok(log) = har_file::read(data) else { return };
    let mut session = fresh();
    session.import_har(7, log.clone());
    report_properties(&session);
    let analysis = har_listing::analyse(log, None);
    har_listing::text(&analysis, "fuzz.har");
    for line in har_listing::jsonl(&analysis).lines() {
        assert!(serde_json::from_str::<Value>(line).is_ok(), "--jsonl wrote a line that is not JSON: {line}");
    }
}

fn har_target(data: &[u8]) {
    let Some(Value::Array(entries)) = json(data) else { return };
    let mut session = fresh();
    for entry in entries {
        if let Ok(entry) = serde_json::from_value::<HarEntry>(entry) {
            let _ = session.ingest_har(7, entry);
        }
    }
    report_properties(&session);
}
