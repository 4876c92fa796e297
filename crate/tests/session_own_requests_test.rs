//! The extension's own requests in a page's tab ("Verify with Chrome" re-sends a captured request
//! from the tab, crate/src/session/own.rs): never listed, exported or counted as the page's, with
//! or without DevTools' copy of them; the live probe (tab -1) never reaches a tab.

mod common;
use common::*;
use cors_lens::session::HarEntry;

const ACRH: &str = "x-test";

/// A PUT stopped by its 404 preflight, from `t` (ms after T0), with webRequest ids `id` and `id + 1`.
fn stopped_put(s: &Events, id: u32, url: &str, t: f64) -> Vec<Value> {
    let (actual, options) = (id.to_string(), (id + 1).to_string());
    let mut events = vec![s.ev("onBeforeRequest", &actual, "PUT", url, t, json!({}))];
    events.extend(s.options(&options, url, "PUT", ACRH, t + 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    events.push(s.ev("onErrorOccurred", &actual, "PUT", url, t + 5.0, json!({"error": "net::ERR_FAILED"})));
    events
}

/// DevTools' records of the same PUT and its preflight, in the order DevTools finishes them.
fn devtools_copy(url: &str, t: f64) -> [HarEntry; 2] {
    let request = HarEntry {
        url: url.to_owned(),
        method: "PUT".into(),
        resource_type: Some("fetch".into()),
        started: Some(T0 + t),
        time: Some(5.0),
        status: Some(0.0),
        error: Some("net::ERR_FAILED".into()),
        request_headers: vec![("X-Test".into(), "1".into()), ("Referer".into(), format!("{PAGE}/"))],
        ..HarEntry::default()
    };
    [har(url, "PUT", ACRH, t + 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]), request]
}

/// A fresh session told that the extension will send a PUT to `{API}{path}` at T0.
fn announced(path: &str) -> (Events, String, Session) {
    let url = format!("{API}{path}");
    let mut session = new_session();
    session.expect_own_request(TAB, "PUT", &url, T0);
    (Events::default(), url, session)
}

/// A fresh session that recorded one PUT of the page to `{API}{path}`, stopped by its preflight.
fn with_a_pages_put(path: &str) -> (Events, String, Session) {
    let (s, url) = (Events::default(), format!("{API}{path}"));
    let mut session = new_session();
    feed(&mut session, stopped_put(&s, 100, &url, 0.0));
    (s, url, session)
}

fn seen(session: &Session) -> (usize, u64) {
    let report = session.report(TAB);
    (report.exchanges.len(), report.preflight_stats.iter().map(|s| s.count).sum())
}

#[test]
fn a_verified_request_and_its_preflight_are_not_the_pages() {
    let (s, url, mut session) = with_a_pages_put("/verify");
    assert_eq!(seen(&session), (1, 1));
    let before = session.redacted_report(TAB, None);

    session.expect_own_request(TAB, "PUT", &url, T0 + 1_000.0);
    feed(&mut session, stopped_put(&s, 200, &url, 1_010.0));
    for entry in devtools_copy(&url, 1_010.0) {
        session.ingest_har(TAB, entry).unwrap();
    }
    let after = session.redacted_report(TAB, None);
    assert_eq!(after.exchanges, before.exchanges, "DevTools' copy does not bring it back");
    assert_eq!(after.preflight_stats, before.preflight_stats);
    assert_eq!(after.findings, before.findings);
    assert!(!session.export(TAB, None, ExportFormat::Markdown).contains("2 cross-origin"));

    // A snapshot keeps the mark.
    let restored = Session::restore(&session.snapshot()).unwrap();
    assert_eq!(restored.redacted_report(TAB, None).exchanges, before.exchanges);

    // The page's own next identical request is the page's.
    feed(&mut session, stopped_put(&s, 300, &url, 30_000.0));
    assert_eq!(seen(&session), (2, 2));
}

#[test]
fn devtools_reporting_the_own_request_first_changes_nothing() {
    let (s, url, mut session) = announced("/verify-har-first");
    for entry in devtools_copy(&url, 10.0) {
        session.ingest_har(TAB, entry).unwrap();
    }
    assert_eq!(seen(&session), (0, 0), "DevTools' copy alone is the extension's");
    feed(&mut session, stopped_put(&s, 100, &url, 10.0));
    assert_eq!(seen(&session), (0, 0), "and so is webRequest's report that replaces it");
}

#[test]
fn a_preflight_finishing_after_its_own_request_leaves_the_counts_too() {
    let (s, url, mut session) = announced("/late");
    let mut events = stopped_put(&s, 100, &url, 10.0);
    // The request's error arrives before its OPTIONS' last events (they trail from another thread).
    let error = events.pop().unwrap();
    events.insert(4, error);
    feed(&mut session, events);
    assert_eq!(seen(&session), (0, 0));
}

#[test]
fn the_live_probe_never_reaches_a_tab() {
    let (s, url, mut session) = with_a_pages_put("/probe");
    let before = session.redacted_report(TAB, None);
    // The probe's OPTIONS comes from the service worker: tab -1, even when every tab is recorded.
    for mut event in s.options("900", &url, "PUT", ACRH, 50.0, 204, &[("Access-Control-Allow-Origin", PAGE)]) {
        event["tabId"] = json!(-1);
        let r = session.ingest_value(event).unwrap();
        assert_eq!((r.tab_id, r.changed), (None, false));
    }
    assert_eq!(session.redacted_report(TAB, None), before);
    assert_eq!(session.tab_ids(), vec![TAB]);
}
