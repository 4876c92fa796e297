//! Session state over time and robustness: bounded history, navigation/clear/forget, snapshot/restore,
//! malformed and odd events, inputs the engine rejects.

mod common;
use common::*;
use cors_lens::error::CorsError;

#[test]
fn history_is_bounded_per_tab() {
    let s = Events::default();
    let mut session = Session::new(SessionConfig { max_exchanges_per_tab: 3, ..SessionConfig::default() });
    for i in 0..5u32 {
        let url = format!("{API}/n{i}");
        let id = (100 + i).to_string();
        let mut events = vec![s.ev("onBeforeRequest", &id, "GET", &url, f64::from(i) * 10.0, json!({}))];
        events.extend(s.sent(&id, "GET", &url, &[], f64::from(i) * 10.0 + 1.0, 200, &[], Some("net::ERR_FAILED")));
        feed(&mut session, events);
    }
    let report = session.report(TAB);
    assert_eq!(report.evicted, 2);
    let urls: Vec<&str> = report.exchanges.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, vec![format!("{API}/n4"), format!("{API}/n3"), format!("{API}/n2")]);
}

#[test]
fn history_is_bounded_across_tabs_so_snapshots_stay_persistable() {
    let s = Events::default();
    let mut session = Session::new(SessionConfig { max_exchanges_per_tab: 100, max_exchanges_total: 4, ..SessionConfig::default() });
    for i in 0..6u32 {
        let url = format!("{API}/t{i}");
        let id = (200 + i).to_string();
        let tab = if i % 2 == 0 { TAB } else { TAB + 1 };
        let mut events = vec![s.ev("onBeforeRequest", &id, "GET", &url, f64::from(i) * 10.0, json!({}))];
        events.extend(s.sent(&id, "GET", &url, &[], f64::from(i) * 10.0 + 1.0, 200, &[], Some("net::ERR_FAILED")));
        for mut event in events {
            event["tabId"] = json!(tab);
            session.ingest_value(event).unwrap();
        }
    }
    let (first, second) = (session.report(TAB), session.report(TAB + 1));
    assert_eq!(first.exchanges.len() + second.exchanges.len(), 4);
    assert_eq!((first.evicted, second.evicted), (1, 1), "the oldest of each tab went first");
    let kept: Vec<&str> = first.exchanges.iter().chain(&second.exchanges).map(|e| e.url.as_str()).collect();
    assert!(!kept.iter().any(|u| u.ends_with("/t0") || u.ends_with("/t1")), "{kept:?}");
}

#[test]
fn navigation_clear_and_forget() {
    let s = Events::default();
    let mut session = new_session();
    let url = format!("{API}/a");
    let mut events = vec![s.ev("onBeforeRequest", "1", "GET", &url, 0.0, json!({}))];
    events.extend(s.sent("1", "GET", &url, &[], 1.0, 200, &[], Some("net::ERR_FAILED")));
    feed(&mut session, events.clone());
    session.navigated(TAB, true);
    assert_eq!(session.report(TAB).exchanges.len(), 1);
    session.navigated(TAB, false);
    assert!(session.report(TAB).exchanges.is_empty());
    let renumbered: Vec<Value> = events.iter().map(|e| { let mut e = e.clone(); e["requestId"] = json!("2"); e }).collect();
    feed(&mut session, renumbered);
    session.clear(TAB);
    assert!(session.report(TAB).exchanges.is_empty());
    feed(&mut session, [s.ev("onBeforeRequest", "3", "GET", &url, 9.0, json!({}))]);
    assert_eq!(session.flights.len(), 1);
    session.forget_tab(TAB);
    assert!(session.flights.is_empty() && session.tabs.is_empty());
}

#[test]
fn snapshot_restore_round_trip_includes_in_flight_state() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut events = s.put_stopped_by_404_preflight("9", &url, "x-test");
    let mut more = put_ok(&s, 50, &format!("{API}/ok"), 10.0, Some(ok_preflight(Some("600"))));
    events.append(&mut more);
    // Cut in the middle of the second exchange: its PUT and OPTIONS are in flight.
    let cut = events.len() - 8;
    let mut original = new_session();
    feed(&mut original, events[..cut].iter().cloned());
    assert!(!original.flights.is_empty());
    let json = original.snapshot();
    let mut restored = Session::restore(&json).unwrap();
    assert_eq!(restored, original);
    assert_eq!(restored.snapshot(), json);
    feed(&mut original, events[cut..].iter().cloned());
    feed(&mut restored, events[cut..].iter().cloned());
    assert_eq!(restored, original);
    let report = restored.report(TAB);
    assert_eq!(report.exchanges.len(), 2);
    assert!(report.exchanges[0].verdict.as_ref().unwrap().allowed);
    assert_eq!(report, original.report(TAB));
    assert!(Session::restore("{\"format\": 99}").is_err());
    assert!(Session::restore("not json").is_err());
}

#[test]
fn malformed_events_are_rejected_without_losing_state() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("10", &url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    feed(&mut session, events);
    let before = session.snapshot();
    let bad = [
        json!({"event": "onCompleted", "url": url, "tabId": TAB}),
        json!({"event": "onWhatever", "requestId": "9", "url": url, "tabId": TAB}),
        json!({"event": "onCompleted", "requestId": "9", "url": url, "tabId": "seven"}),
        json!({"event": "onCompleted", "requestId": "9", "url": url, "tabId": TAB, "statusCode": "200"}),
        json!({"event": "onErrorOccurred", "requestId": "9", "url": url, "tabId": TAB, "requestHeaders": "nope"}),
        json!({"event": "onBeforeRedirect", "requestId": "9", "url": url, "tabId": TAB}),
        // A request's first event must name its URL (its later ones may leave it out: event::KEPT_FROM_FIRST_EVENT).
        json!({"event": "onBeforeRequest", "requestId": "11", "url": "", "tabId": TAB}),
        json!({"event": "onBeforeRequest", "requestId": "11", "tabId": TAB}),
        json!({"event": "onCompleted", "requestId": "9", "url": url, "tabId": TAB, "timeStamp": "late"}),
        json!([1, 2, 3]),
        json!(null),
    ];
    for b in bad {
        assert!(session.ingest_value(b.clone()).is_err(), "accepted {b}");
    }
    assert!(session.ingest_json("{").is_err());
    assert_eq!(session.snapshot(), before);
    // Capture continues.
    feed(&mut session, [s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"}))]);
    assert_eq!(session.report(TAB).exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightInvalidStatus));
}

#[test]
fn engine_input_errors_keep_the_captured_data() {
    let s = Events::default();
    let url = format!("{API}/m");
    let mut session = new_session();
    feed(&mut session, [
        s.ev("onBeforeRequest", "1", "BAD METHOD", &url, 0.0, json!({})),
        s.ev("onErrorOccurred", "1", "BAD METHOD", &url, 1.0, json!({"error": "net::ERR_FAILED"})),
    ]);
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    assert!(e.verdict.is_none());
    assert!(e.check_error.as_ref().unwrap().contains("request.method"), "{:?}", e.check_error);
    assert_eq!(e.exchange.as_ref().unwrap().request.url, url);
    assert!(e.failed);
    assert!(session.export(TAB, None, ExportFormat::Markdown).contains("Not checked"));
}

#[test]
fn odd_events_do_not_panic() {
    let s = Events::default();
    let mut session = new_session();
    let odd = [
        s.ev("onCompleted", "1", "GET", "not a url", 0.0, json!({"statusCode": 200})),
        s.ev("onBeforeRedirect", "2", "GET", &format!("{API}/x"), 0.0, json!({"redirectUrl": "::::"})),
        s.ev("onErrorOccurred", "2", "GET", "::::", 1.0, json!({})),
        s.ev("onErrorOccurred", "3", "OPTIONS", &format!("{API}/y"), 1.0, json!({"initiator": "null"})),
        s.ev("onCompleted", "4", "PUT", &format!("{API}/y"), 2.0, json!({"initiator": "chrome-extension://abc", "statusCode": 200})),
        s.ev("onCompleted", "5", "GET", &format!("{API}/z"), 2.0, json!({"initiator": "null", "statusCode": 200, "responseHeaders": hdrs(&[("Access-Control-Allow-Origin", "null")])})),
        s.ev("onCompleted", "5", "GET", &format!("{API}/z"), 3.0, json!({"statusCode": 200})),
    ];
    for e in odd {
        let _ = session.ingest_value(e);
    }
    let report = session.report(TAB);
    let _ = session.export(TAB, None, ExportFormat::Json);
    // The opaque-origin request is cross-origin and kept; the extension's is not.
    assert_eq!(report.exchanges.iter().filter(|e| e.url.ends_with("/z")).count(), 1, "a stray event after the end adds nothing");
    assert!(report.exchanges.iter().all(|e| !e.url.ends_with("/y") || e.initiator.as_deref() != Some("chrome-extension://abc")));
}

#[test]
fn huge_urls_and_headers_are_cut_and_marked() {
    let s = Events::default();
    let mut session = new_session();
    let url = format!("{API}/huge?{}", "q".repeat(2 << 20));
    let huge = "v".repeat(2 << 20);
    let many: Vec<(String, String)> = (0..2000).map(|i| (format!("X-H{i}"), "1".to_owned())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let mut events = vec![s.ev("onBeforeRequest", "1", "GET", &url, 0.0, json!({}))];
    events.push(s.ev("onBeforeSendHeaders", "1", "GET", &url, 0.0, json!({"requestHeaders": hdrs(&many)})));
    events.push(s.ev("onHeadersReceived", "1", "GET", &url, 1.0, json!({"statusCode": 200, "responseHeaders": hdrs(&[("Access-Control-Allow-Origin", &huge)])})));
    events.push(s.ev("onErrorOccurred", "1", "GET", &url, 2.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    let report = session.report(TAB);
    let x = &report.exchanges[0];
    assert!(x.truncated);
    assert_eq!(x.url.len(), 8 * 1024);
    let ex = x.exchange.as_ref().unwrap();
    assert!(ex.response.as_ref().unwrap().headers.iter().all(|(_, v)| v.len() <= 8 * 1024));
    assert!(ex.request.headers.len() <= 256);
    assert!(session.snapshot().len() < 200_000, "the snapshot stays small: {}", session.snapshot().len());
}

#[test]
fn the_byte_budget_evicts_the_oldest_and_shrink_to_fits_a_limit() {
    let s = Events::default();
    let mut session = Session::new(SessionConfig { max_bytes: 2 << 20, ..SessionConfig::default() });
    let value = "v".repeat(8 * 1024);
    for i in 0..2000u32 {
        let url = format!("{API}/item/{i}");
        let id = i.to_string();
        let t = f64::from(i);
        feed(&mut session, [
            s.ev("onBeforeRequest", &id, "GET", &url, t, json!({})),
            s.ev("onHeadersReceived", &id, "GET", &url, t, json!({"statusCode": 200, "responseHeaders": hdrs(&[("X-Big", &value)])})),
            s.ev("onErrorOccurred", &id, "GET", &url, t, json!({"error": "net::ERR_FAILED"})),
        ]);
    }
    let report = session.report(TAB);
    assert!(report.evicted > 1000, "evicted {}", report.evicted);
    assert!(report.exchanges[0].url.ends_with("/item/1999"), "the newest stay (the report lists newest first)");
    let size = session.snapshot().len();
    assert!(size < 3 << 20, "the snapshot follows the budget: {size}");
    let gone = session.shrink_to(size / 4);
    assert!(gone > 0);
    assert!(session.snapshot().len() < size / 3, "{} after shrinking from {size}", session.snapshot().len());
}
