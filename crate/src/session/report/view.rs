//! The words a panel shows for a report, chosen by the engine so the panel holds no CORS wording
//! or rule: per exchange its label, headline, status, preflight badge and timeline; per report
//! the preflight-cache banner and the fixed texts of the header tables and the cost view.

use serde::{Deserialize, Serialize};

use crate::exchange::HeaderList;
use crate::headers;
use crate::verdict::Stage;

use super::super::preflight_cost::{CostFinding, Finding, PreflightStat};
use super::ExchangeReport;

/// What the panel shows for one exchange besides the captured data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeView {
    /// The list's reason column: the verdict's summary, or why there is none.
    pub reason: String,
    /// The detail's headline.
    pub headline: String,
    /// The list's status column, as DevTools' Network panel words it: `CORS error` for a request
    /// CORS blocked, `(failed)` and the network error for any other failure, else the status code.
    pub status: String,
    /// The list's type column, in DevTools' words (`fetch`, `xhr`, `script`, ...): DevTools' own
    /// when it recorded the request; webRequest's `xmlhttprequest` cannot tell fetch from XHR.
    #[serde(rename = "type", default)]
    pub resource_type: String,
    /// The list's preflight badge; `None` when no preflight was needed or seen.
    pub badge: Option<Badge>,
    /// The exchange in the order the browser went through it.
    pub timeline: Vec<Step>,
    /// Headers the browser adds to the actual request that its captured headers lack (`Origin`).
    pub added_request_headers: HeaderList,
    /// Why there is no response to show, when none and no redirect came back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_note: Option<String>,
    /// Shown instead of a fix when CORS allowed the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_note: Option<String>,
    /// Where the exchange came from when it is not the tab's own traffic (an imported HAR file):
    /// the list's badge and the detail's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_mark: Option<SourceMark>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMark {
    pub badge: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    pub text: String,
    pub title: String,
    /// The preflight's status is not an ok status (2xx).
    pub bad: bool,
    /// The preflight was answered from the browser's preflight cache.
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub what: String,
    pub how: String,
    pub state: StepState,
    /// Not sent (a preflight served from the cache, or a request its preflight stopped).
    pub skipped: bool,
    /// A preflight answered from the browser's preflight cache.
    pub cached: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Good,
    Bad,
    Neutral,
}

/// The preflight-cache banner: repeated preflights that a better `Access-Control-Max-Age` would save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostBanner {
    pub text: String,
    /// The first such row's finding (or pattern's), in plain words.
    pub note: String,
}

/// Fixed texts of the panel that speak about CORS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportLabels {
    pub preflight_request: String,
    pub preflight_response: String,
    pub cost_intro: String,
    pub cost_empty: String,
    /// The cost view's column headings.
    pub cost_columns: Vec<String>,
    /// The tooltip of a cost row's link to its requests.
    pub cost_link: String,
    /// Shown for a missing `Access-Control-Max-Age`.
    pub cost_no_header: String,
}

impl Default for ReportLabels {
    fn default() -> Self {
        ReportLabels {
            preflight_request: "Preflight request (OPTIONS)".to_owned(),
            preflight_response: "Preflight response".to_owned(),
            cost_intro: "Every OPTIONS the browser sent for this tab, grouped by URL pattern (ids as {id}). Each row is what the \
                         preflight cache keys on (origin, URL, method, request headers), reused as long as Access-Control-Max-Age \
                         lets the browser; click a row to see its first request."
                .to_owned(),
            cost_empty: "No preflight requests captured for this tab.".to_owned(),
            cost_columns: ["Preflights", "Method", "URL", "Request headers", "Max-Age header", "Cached for", "Time spent", "Finding"]
                .map(str::to_owned)
                .to_vec(),
            cost_link: "Show the first of its requests".to_owned(),
            cost_no_header: "(none)".to_owned(),
        }
    }
}

/// Fetch §CORS-preflight fetch step 7: an ok status is 200–299.
fn ok_status(status: u16) -> bool {
    (200..=299).contains(&status)
}

/// Milliseconds to one decimal, as the panel prints times.
pub(crate) fn ms(value: f64) -> String {
    format!("{} ms", (value * 10.0).round() / 10.0)
}

/// Milliseconds with exactly one decimal ("5.0 ms"), as the Markdown export's tables print them: written
/// from the rounded tenths, since `{:.1}`'s exact float formatting was 5 KB of the extension's wasm.
pub(crate) fn ms_one_decimal(value: f64) -> String {
    let tenths = (value.abs() * 10.0).round() as u64;
    let sign = if value < 0.0 && tenths > 0 { "-" } else { "" };
    format!("{sign}{}.{} ms", tenths / 10, tenths % 10)
}

/// The status column: Chromium's Network panel says "CORS error" for a request CORS blocked, whatever
/// status came back, and "(failed)" with the network error for a failure of another kind.
fn status_words(e: &ExchangeReport, sent: Option<u16>) -> String {
    let blocked_by_cors = e.verdict.as_ref().is_some_and(|v| v.error.is_some());
    match sent {
        _ if blocked_by_cors => "CORS error".to_owned(),
        Some(status) if !e.failed => status.to_string(),
        None if !e.failed => String::new(),
        _ => match e.net_error.as_deref().or_else(|| e.preflight.as_ref().and_then(|p| p.net_error.as_deref())) {
            Some(error) => format!("(failed) {error}"),
            None => "(failed)".to_owned(),
        },
    }
}

/// The type column in DevTools' words; webRequest's own names where DevTools' differ.
fn type_words(resource_type: Option<&str>) -> String {
    match resource_type {
        None => String::new(),
        Some("xmlhttprequest") => "fetch/xhr".to_owned(),
        Some("main_frame" | "sub_frame") => "document".to_owned(),
        Some("image") => "img".to_owned(),
        Some(other) => other.replace('_', " "),
    }
}

pub fn exchange_view(e: &ExchangeReport) -> ExchangeView {
    let verdict = e.verdict.as_ref();
    let stage = verdict.and_then(|v| v.stage);
    let at_preflight = matches!(stage, Some(Stage::Preflight | Stage::RedirectPreflight));
    let reason = match verdict {
        Some(v) => v.summary.clone(),
        None if e.failed => "Failed (not a CORS error)".to_owned(),
        None => String::new(),
    };
    let headline = match verdict {
        Some(v) if v.allowed => "Allowed by CORS".to_owned(),
        Some(v) if v.error.is_some() || v.network_failure.is_some() => v.summary.clone(),
        Some(v) if v.undetermined => "Failed; the capture lacks what is needed to decide why".to_owned(),
        _ => "Failed".to_owned(),
    };
    let sent = e.status.filter(|&s| s != 0);

    let mut timeline = Vec::new();
    let badge = match &e.preflight {
        Some(p) if p.observed => {
            let bad = p.status.is_some_and(|s| !ok_status(s));
            let answer = match (p.status, &p.net_error) {
                (Some(status), _) => format!("answered {status}"),
                (None, Some(error)) => format!("failed: {error}"),
                (None, None) => "no answer captured".to_owned(),
            };
            let failing = bad || stage == Some(Stage::Preflight);
            timeline.push(Step {
                what: format!("Preflight OPTIONS {}", p.status.map_or_else(|| "(no answer)".to_owned(), |s| s.to_string())),
                how: [p.duration_ms.map(ms), (p.matched == "har").then(|| "seen by DevTools".to_owned())]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                state: if failing {
                    StepState::Bad
                } else if p.status.is_some() {
                    StepState::Good
                } else {
                    StepState::Neutral
                },
                skipped: false,
                cached: false,
            });
            let took = p.duration_ms.map(|d| format!(" in {}", ms(d))).unwrap_or_default();
            Some(Badge { text: "OPTIONS".to_owned(), title: format!("Preflight OPTIONS {answer}{took}"), bad, cached: false })
        }
        // With every OPTIONS of a recorded tab observed, a required preflight that was not sent came from
        // the browser's preflight cache (Fetch §CORS-preflight cache; Chromium keys it per origin and URL).
        Some(_) => {
            timeline.push(Step {
                what: "Preflight (cached)".to_owned(),
                how: "answered from the preflight cache: no OPTIONS was sent".to_owned(),
                state: StepState::Neutral,
                skipped: true,
                cached: true,
            });
            Some(Badge {
                text: "cached".to_owned(),
                title: "Preflight answered from the browser's preflight cache (no OPTIONS sent)".to_owned(),
                bad: false,
                cached: true,
            })
        }
        None => None,
    };
    let exchange = e.exchange.as_ref();
    for redirect in exchange.map_or(&[][..], |x| &x.redirects) {
        timeline.push(Step {
            what: format!("{} redirect", redirect.status),
            how: redirect.location.clone(),
            state: if matches!(stage, Some(Stage::Redirect | Stage::RedirectPreflight)) { StepState::Bad } else { StepState::Neutral },
            skipped: false,
            cached: false,
        });
    }
    let never_sent = sent.is_none() && (at_preflight || stage == Some(Stage::Request));
    let outcome = match sent {
        Some(status) => status.to_string(),
        None if never_sent => "(never sent)".to_owned(),
        None => "(failed)".to_owned(),
    };
    let result = match verdict {
        _ if !e.failed => "allowed",
        Some(v) if v.error.is_some() => "blocked by CORS",
        _ => "failed",
    };
    let how = [e.timings.total_ms.map(|t| format!("total {}", ms(t))), Some(result.to_owned())];
    timeline.push(Step {
        what: format!("{} {outcome}", e.method),
        how: how.into_iter().flatten().collect::<Vec<_>>().join(" · "),
        state: if e.failed { StepState::Bad } else { StepState::Good },
        skipped: never_sent,
        cached: false,
    });

    let request = exchange.map(|x| &x.request);
    let added_request_headers = match request {
        // Fetch §HTTP-network-or-cache fetch: the browser appends `Origin` to every CORS request.
        Some(r) if headers::get(&r.headers, "origin").is_none() && !r.origin.is_empty() => vec![("Origin".to_owned(), r.origin.clone())],
        _ => Vec::new(),
    };
    let nothing_back = exchange.is_none_or(|x| x.response.is_none() && x.redirects.is_empty());
    ExchangeView {
        reason,
        headline,
        status: status_words(e, sent),
        resource_type: type_words(e.resource_type.as_deref()),
        badge,
        timeline,
        added_request_headers,
        response_note: nothing_back
            .then(|| if at_preflight { "Never sent: the preflight failed." } else { "No response captured." }.to_owned()),
        fix_note: (!e.failed).then(|| "Nothing to fix: CORS allowed this request.".to_owned()),
        source_mark: (e.source == "har_file").then(|| SourceMark {
            badge: "HAR".to_owned(),
            text: "Imported from a HAR file: another browser's recording, judged as if this tab had made it.".to_owned(),
        }),
    }
}

/// How a Max-Age finding reads after "with Access-Control-Max-Age"; `None` for findings a longer
/// Max-Age would not cure (the banner is about those that it would).
fn max_age_words(finding: CostFinding) -> Option<&'static str> {
    match finding {
        CostFinding::Missing => Some("missing"),
        CostFinding::TooShort => Some("too short"),
        CostFinding::Zero => Some("set to 0"),
        CostFinding::Unparsable => Some("unparsable"),
        CostFinding::AboveCap
        | CostFinding::Ok
        | CostFinding::CacheDisabled
        | CostFinding::Failed
        | CostFinding::UrlTooLong
        | CostFinding::DistinctUrls => None,
    }
}

/// The banner over the panel: what a longer Max-Age would save, and the URL patterns whose every URL
/// needs its own preflight (`findings`); the rows it names never read as fine (preflight_cost.rs).
pub fn cost_banner(stats: &[PreflightStat], findings: &[Finding]) -> Option<CostBanner> {
    let costly: Vec<(&PreflightStat, &str)> = stats.iter().filter_map(|s| max_age_words(s.finding).map(|w| (s, w))).collect();
    let preflights: u64 = costly.iter().map(|(s, _)| s.count).sum();
    let mut words: Vec<&str> = Vec::new();
    for (_, w) in &costly {
        if !words.contains(w) {
            words.push(w);
        }
    }
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let mut parts = Vec::new();
    if !costly.is_empty() {
        parts.push(format!(
            "{preflights} preflight{} for {} request{} whose Access-Control-Max-Age is {}.",
            plural(preflights),
            costly.len(),
            plural(costly.len() as u64),
            words.join(" or ")
        ));
    }
    for f in findings {
        let pattern = f.pattern.as_deref().unwrap_or_default();
        parts.push(format!("{} URLs of the form {pattern} each needed their own preflight.", f.distinct_urls.unwrap_or_default()));
    }
    let note = costly.first().map(|(s, _)| &s.message).or_else(|| findings.first().map(|f| &f.message))?;
    Some(CostBanner { text: format!("Preflight cache: {} ", parts.join(" ")), note: note.clone() })
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::PreflightSummary;
    use super::*;

    /// An exchange's report as the session builds it, from the exchange as JSON, before `derive`
    /// (read from JSON, so fields other parts of the report gain later need no change here).
    pub(in crate::session::report) fn exchange_report(json: &str, status: Option<u16>, preflight: Option<(bool, Option<u16>)>) -> ExchangeReport {
        let exchange: crate::Exchange = serde_json::from_str(json).unwrap();
        let verdict = crate::check(&exchange).unwrap();
        let preflight = preflight.map(|(observed, status)| PreflightSummary {
            observed,
            matched: if observed { "order" } else { "none" }.to_owned(),
            status,
            duration_ms: observed.then_some(3.125),
            net_error: None,
        });
        serde_json::from_value(serde_json::json!({
            "id": "e1", "url": exchange.request.url, "method": exchange.request.method, "started": 0.0,
            "cross_origin": true, "failed": !verdict.allowed, "status": status, "initiator": null, "type": null,
            "source": "webrequest", "truncated": false, "preflight": preflight, "timings": {"total_ms": 5.0},
            "net_error": null, "check_error": null, "exchange": exchange, "verdict": verdict,
        }))
        .unwrap()
    }

    const PUT_404: &str = r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["X-Test", "1"]]},
        "preflight": {"response": {"status": 404, "headers": [["Access-Control-Allow-Origin", "*"]]}}}"#;

    #[test]
    fn a_failed_preflight_reads_as_a_bad_options_and_a_request_never_sent() {
        let v = exchange_view(&exchange_report(PUT_404, None, Some((true, Some(404)))));
        assert_eq!(v.reason, "Preflight answered 404, not 2xx");
        assert_eq!(v.headline, v.reason);
        assert_eq!(v.status, "CORS error");
        assert_eq!(
            v.badge,
            Some(Badge { text: "OPTIONS".into(), title: "Preflight OPTIONS answered 404 in 3.1 ms".into(), bad: true, cached: false })
        );
        let steps: Vec<(&str, &str, StepState, bool)> = v.timeline.iter().map(|s| (&*s.what, &*s.how, s.state, s.skipped)).collect();
        assert_eq!(
            steps,
            [
                ("Preflight OPTIONS 404", "3.1 ms", StepState::Bad, false),
                ("PUT (never sent)", "total 5 ms · blocked by CORS", StepState::Bad, true),
            ]
        );
        assert_eq!(v.added_request_headers, [("Origin".to_owned(), "http://app.test".to_owned())]);
        assert_eq!(v.response_note.as_deref(), Some("Never sent: the preflight failed."));
        assert_eq!(v.fix_note, None);
    }

    #[test]
    fn an_allowed_request_reads_as_allowed_with_nothing_to_fix() {
        let v = exchange_view(&exchange_report(
            r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test", "headers": [["Origin", "http://app.test"]]},
                "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}, "outcome": "succeeded"}"#,
            Some(200),
            None,
        ));
        assert_eq!((v.reason.as_str(), v.headline.as_str(), v.status.as_str()), ("Allowed", "Allowed by CORS", "200"));
        assert_eq!(v.badge, None);
        assert_eq!(v.timeline.len(), 1);
        assert_eq!((v.timeline[0].what.as_str(), v.timeline[0].state), ("GET 200", StepState::Good));
        assert!(v.added_request_headers.is_empty(), "the captured Origin is kept");
        assert_eq!(v.response_note, None);
        assert_eq!(v.fix_note.as_deref(), Some("Nothing to fix: CORS allowed this request."));
    }

    #[test]
    fn a_preflight_needed_but_not_sent_is_drawn_as_answered_from_the_cache() {
        let v = exchange_view(&exchange_report(
            r#"{"request": {"method": "PUT", "url": "http://api.test/x", "origin": "http://app.test"},
                "response": {"status": 200, "headers": []}, "outcome": "failed"}"#,
            Some(200),
            Some((false, None)),
        ));
        let badge = v.badge.as_ref().unwrap();
        assert_eq!((badge.text.as_str(), badge.cached, badge.bad), ("cached", true, false));
        assert_eq!((v.timeline[0].what.as_str(), v.timeline[0].skipped, v.timeline[0].cached), ("Preflight (cached)", true, true));
        assert!(v.timeline[0].how.contains("preflight cache"), "{}", v.timeline[0].how);
        assert_eq!(v.timeline[1].what, "PUT 200");
    }

    #[test]
    fn the_status_column_reads_as_the_network_panel_does() {
        // Blocked by CORS although a status came back.
        let missing_acao = r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test"},
            "response": {"status": 200, "headers": []}, "outcome": "failed"}"#;
        assert_eq!(exchange_view(&exchange_report(missing_acao, Some(200), None)).status, "CORS error");
        // Allowed by CORS, then the connection failed: the network error, not CORS.
        let mut refused = exchange_report(
            r#"{"request": {"method": "GET", "url": "http://api.test/x", "origin": "http://app.test"}, "outcome": "failed"}"#,
            None,
            None,
        );
        refused.failed = true;
        refused.verdict.as_mut().unwrap().error = None;
        refused.net_error = Some("net::ERR_CONNECTION_REFUSED".to_owned());
        assert_eq!(exchange_view(&refused).status, "(failed) net::ERR_CONNECTION_REFUSED");
        refused.net_error = None;
        assert_eq!(exchange_view(&refused).status, "(failed)");
    }

    #[test]
    fn the_type_column_uses_devtools_words() {
        assert_eq!(type_words(Some("fetch")), "fetch");
        assert_eq!(type_words(Some("xhr")), "xhr");
        assert_eq!(type_words(Some("xmlhttprequest")), "fetch/xhr", "webRequest cannot tell fetch from XHR");
        assert_eq!(type_words(Some("sub_frame")), "document");
        assert_eq!(type_words(Some("csp_report")), "csp report");
        assert_eq!(type_words(None), "");
    }

    fn stat(finding: CostFinding, count: u64, message: &str) -> PreflightStat {
        PreflightStat {
            origin: "http://app.test".to_owned(),
            url: "http://api.test/x".to_owned(),
            method: "PUT".to_owned(),
            request_headers: String::new(),
            count,
            total_ms: 1.0,
            max_age_header: None,
            max_age_seconds: 5,
            finding,
            message: message.to_owned(),
            pattern: "http://api.test/x".to_owned(),
            label: String::new(),
            bad: true,
            exchange_ids: Vec::new(),
            preflight_ids: Vec::new(),
        }
    }

    #[test]
    fn the_banner_counts_only_what_a_longer_max_age_would_save() {
        assert_eq!(cost_banner(&[], &[]), None);
        assert_eq!(cost_banner(&[stat(CostFinding::Ok, 1, ""), stat(CostFinding::CacheDisabled, 3, "")], &[]), None);
        let banner = cost_banner(
            &[
            stat(CostFinding::CacheDisabled, 9, "devtools"),
            stat(CostFinding::Missing, 3, "no header"),
            stat(CostFinding::Zero, 2, "zero"),
            stat(CostFinding::Missing, 1, "again"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(banner.text, "Preflight cache: 6 preflights for 3 requests whose Access-Control-Max-Age is missing or set to 0. ");
        assert_eq!(banner.note, "no header");
        let one = cost_banner(&[stat(CostFinding::TooShort, 1, "short")], &[]).unwrap();
        assert_eq!(one.text, "Preflight cache: 1 preflight for 1 request whose Access-Control-Max-Age is too short. ");
    }

    #[test]
    fn the_banner_names_patterns_whose_every_url_needs_a_preflight() {
        let many = Finding {
            kind: super::super::super::preflight_cost::FindingKind::ManyDistinctUrls,
            message: "keyed by the full URL".to_owned(),
            pattern: Some("http://api.test/items/{id}".to_owned()),
            method: Some("PUT".to_owned()),
            request_headers: Some(String::new()),
            distinct_urls: Some(6),
            preflights: Some(6),
        };
        let rows = [stat(CostFinding::DistinctUrls, 1, "one of 6")];
        let banner = cost_banner(&rows, std::slice::from_ref(&many)).unwrap();
        assert_eq!(banner.text, "Preflight cache: 6 URLs of the form http://api.test/items/{id} each needed their own preflight. ");
        assert_eq!(banner.note, "keyed by the full URL");
        let both = cost_banner(&[stat(CostFinding::Zero, 2, "zero")], &[many]).unwrap();
        assert!(both.text.contains("is set to 0. 6 URLs of the form"), "{}", both.text);
        assert_eq!(both.note, "zero");
    }

    #[test]
    fn times_print_to_one_decimal() {
        assert_eq!(ms(3.0), "3 ms");
        assert_eq!(ms(3.125), "3.1 ms");
        assert_eq!(ms(0.04), "0 ms");
    }
}
