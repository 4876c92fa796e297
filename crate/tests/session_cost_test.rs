//! Preflight cost: OPTIONS counts per preflight shape, Max-Age findings (missing, above the cap, zero, too short,
//! unparsable), a disabled cache, failing preflights, many distinct URLs of one shape.

mod common;
use common::*;
use cors_lens::error::CorsError;
use cors_lens::session::{CostFinding, Session, SessionConfig};
use cors_lens::Browser;

#[test]
fn cost_missing_max_age_repeats_after_five_seconds() {
    // Observed: 3 quick calls give 1 OPTIONS; a call after 5.5 s gives a new one.
    let (_, report) = cost_session_with(None, &[0.0, 100.0, 200.0, 5700.0], &[0, 3]);
    let stat = &report.preflight_stats[0];
    assert_eq!(stat.count, 2);
    assert_eq!(stat.finding, CostFinding::Missing);
    assert_eq!((stat.max_age_header.as_deref(), stat.max_age_seconds), (None, 5));
    assert_eq!(stat.total_ms, 6.0);
    assert_eq!((stat.method.as_str(), stat.request_headers.as_str(), stat.origin.as_str()), ("PUT", "x-test", PAGE));
    // One OPTIONS, no repeat: nothing to fix yet.
    let (_, report) = cost_session_with(None, &[0.0, 100.0], &[0]);
    assert_eq!(report.preflight_stats[0].finding, CostFinding::Ok);
}

#[test]
fn cost_long_max_age_is_one_options_capped_in_chromium() {
    let (_, report) = cost_session_with(Some("86400"), &[0.0, 100.0, 200.0], &[0]);
    let stat = &report.preflight_stats[0];
    assert_eq!(stat.count, 1);
    assert_eq!(stat.finding, CostFinding::AboveCap);
    assert_eq!((stat.max_age_header.as_deref(), stat.max_age_seconds), (Some("86400"), 7200));
    assert_eq!(report.exchanges.len(), 3);
    // The two requests served from the preflight cache: required, not observed.
    assert_eq!(report.exchanges.iter().filter(|e| e.preflight.as_ref().is_some_and(|p| !p.observed)).count(), 2);
    let (_, report) = cost_session_with(Some("7200"), &[0.0, 100.0], &[0]);
    assert_eq!(report.preflight_stats[0].finding, CostFinding::Ok);
}

#[test]
fn cost_in_firefox_reads_max_age_as_firefox_does() {
    let s = Events::default();
    let url = format!("{API}/cost");
    let mut session = Session::new(SessionConfig { browser: Browser::Firefox, ..SessionConfig::default() });
    feed(&mut session, put_ok(&s, 100, &url, 0.0, Some(ok_preflight(Some("86400")))));
    let stat = &session.report(TAB).preflight_stats[0];
    // 86400 s is Firefox's cap, not above it.
    assert_eq!((stat.finding, stat.max_age_seconds), (CostFinding::Ok, 86400));
    assert_eq!(stat.message, "Access-Control-Max-Age: 86400: Firefox reuses the preflight for 86400 s (1 OPTIONS).");
    let mut session = Session::new(SessionConfig { browser: Browser::Firefox, ..SessionConfig::default() });
    feed(&mut session, put_ok(&s, 200, &url, 0.0, Some(ok_preflight(Some("100000")))));
    let stat = &session.report(TAB).preflight_stats[0];
    assert_eq!((stat.finding, stat.max_age_seconds), (CostFinding::AboveCap, 86400));
    assert!(stat.message.contains("above Firefox's cap: Firefox caches the preflight for 86400 s (24 h), Chromium for at most 7200 s, Safari for 600 s."), "{}", stat.message);
    let (_, report) = cost_session_with(Some("86400"), &[0.0], &[0]);
    assert_eq!(
        report.preflight_stats[0].message,
        "Access-Control-Max-Age: 86400 is above Chromium's cap: Chromium caches the preflight for 7200 s (2 h), Firefox for at most \
         86400 s, Safari for 600 s. 1 OPTIONS so far; 7200 says what Chromium does."
    );
}

#[test]
fn cost_zero_max_age_is_never_cached() {
    let (_, report) = cost_session(Some("0"), &[0.0, 100.0, 200.0]);
    let stat = &report.preflight_stats[0];
    assert_eq!((stat.count, stat.finding, stat.max_age_seconds), (3, CostFinding::Zero, 0));
}

#[test]
fn cost_disabled_cache_is_not_a_max_age_problem() {
    // Max-Age 600 granted, yet the same OPTIONS repeats within seconds: DevTools "Disable cache".
    let (_, report) = cost_session(Some("600"), &[0.0, 1000.0, 2000.0]);
    let stat = &report.preflight_stats[0];
    assert_eq!((stat.count, stat.finding), (3, CostFinding::CacheDisabled));
    assert!(stat.message.contains("Disable cache"));
    // The same with no Max-Age (5 s default): repeats within 5 s also mean a bypassed cache.
    let (_, report) = cost_session(None, &[0.0, 1000.0]);
    assert_eq!(report.preflight_stats[0].finding, CostFinding::CacheDisabled);
}

#[test]
fn cost_short_unparsable_and_failed() {
    let (_, report) = cost_session(Some("10"), &[0.0, 11_000.0, 22_000.0]);
    assert_eq!(report.preflight_stats[0].finding, CostFinding::TooShort);
    let (_, report) = cost_session(Some("10.5"), &[0.0]);
    assert_eq!(report.preflight_stats[0].finding, CostFinding::Unparsable);
    // Failing preflights repeat by nature: not a Max-Age finding.
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    for k in 0..3u32 {
        let t = f64::from(k) * 100.0;
        let id = 10 * k + 1;
        let mut events = vec![s.ev("onBeforeRequest", &id.to_string(), "PUT", &url, t, json!({}))];
        events.extend(s.options(&(id + 1).to_string(), &url, "PUT", "x-test", t + 1.0, 404, &[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Max-Age", "600")]));
        events.push(s.ev("onErrorOccurred", &id.to_string(), "PUT", &url, t + 5.0, json!({"error": "net::ERR_FAILED"})));
        feed(&mut session, events);
    }
    let stat = &session.report(TAB).preflight_stats[0];
    assert_eq!((stat.count, stat.finding), (3, CostFinding::Failed));
}

#[test]
fn cost_preflight_failing_only_with_credentials_is_not_cached() {
    // ACAO * passes on its own, but the request sent a cookie: the preflight failed.
    let s = Events::default();
    let url = format!("{API}/cred");
    let mut session = new_session();
    for k in 0..2u32 {
        let t = f64::from(k) * 100.0;
        let id = (10 * k + 1).to_string();
        let mut events = vec![s.ev("onBeforeRequest", &id, "PUT", &url, t, json!({}))];
        events.extend(s.options(&(10 * k + 2).to_string(), &url, "PUT", "x-test", t + 1.0, 204, &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-test"), ("Access-Control-Max-Age", "600")]));
        events.push(s.ev("onErrorOccurred", &id, "PUT", &url, t + 5.0, json!({"error": "net::ERR_FAILED"})));
        feed(&mut session, events);
    }
    let report = session.report(TAB);
    assert_eq!(report.exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightWildcardOriginNotAllowed));
    assert_eq!(report.preflight_stats[0].finding, CostFinding::Failed);
}

#[test]
fn many_distinct_urls_of_one_shape() {
    let s = Events::default();
    let mut session = new_session();
    for i in 1..=6u32 {
        let url = format!("{API}/items/{i}");
        feed(&mut session, put_ok(&s, 100 * i, &url, f64::from(i) * 50.0, Some(ok_preflight(Some("7200")))));
    }
    let report = session.report(TAB);
    assert_eq!(report.preflight_stats.len(), 6);
    // Each is cached (Max-Age 7200), yet none is fine: every URL pays its own preflight.
    assert!(report.preflight_stats.iter().all(|s| s.count == 1 && s.finding == CostFinding::DistinctUrls && s.bad));
    assert!(report.preflight_stats.iter().all(|s| s.label == "Each URL needs its own preflight"));
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(serde_json::to_value(f.kind).unwrap(), "many_distinct_urls");
    assert_eq!(f.pattern.as_deref(), Some("http://127.0.0.1:8002/items/{id}"));
    assert_eq!((f.distinct_urls, f.preflights), (Some(6), Some(6)));
    assert!(f.message.contains("keyed by the full URL"));
    // Two URLs are not "many".
    let mut few = new_session();
    for i in 1..=2u32 {
        feed(&mut few, put_ok(&s, 100 * i, &format!("{API}/items/{i}"), f64::from(i) * 50.0, Some(ok_preflight(None))));
    }
    assert!(few.report(TAB).findings.is_empty());
}
