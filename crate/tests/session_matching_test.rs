//! Preflight ↔ request matching: concurrent requests, header sets, late preflight or request events,
//! other frames and documents, redirects.

mod common;
use common::*;
use cors_lens::error::CorsError;
use cors_lens::warning::Warning;

#[test]
fn twenty_interleaved_concurrent_requests_each_get_their_own_preflight() {
    let s = Events::default();
    let mut session = new_session();
    let urls = [format!("{API}/same"), format!("{API}/other"), format!("{API}/same?x=1")];
    // 20 preflighted requests: 0..20 → URL i % 3, PUT or DELETE; ids interleave so that
    // "OPTIONS id = request id + 1" never holds.
    let method = |i: usize| if i % 4 == 3 { "DELETE" } else { "PUT" };
    let url = |i: usize| urls[i % 3].clone();
    let actual_id = |i: usize| format!("{}", 1000 + i);
    let options_id = |i: usize| format!("{}", 2000 + (i * 7) % 20); // a permutation of 2000..2020
    let mut events = Vec::new();
    for i in 0..20 {
        events.push(s.ev("onBeforeRequest", &actual_id(i), method(i), &url(i), i as f64 * 0.1, json!({})));
    }
    // OPTIONS start in request order, but their later events interleave in a scrambled order.
    for i in 0..20 {
        events.push(s.ev("onBeforeRequest", &options_id(i), "OPTIONS", &url(i), 2.0 + i as f64 * 0.1, json!({})));
    }
    let order: Vec<usize> = (0..20).map(|k| (k * 13 + 5) % 20).collect();
    for &i in &order {
        let rh = Events::preflight_request_headers(method(i), "x-test");
        events.push(s.ev("onBeforeSendHeaders", &options_id(i), "OPTIONS", &url(i), 5.0, json!({"requestHeaders": rh.clone()})));
        events.push(s.ev("onSendHeaders", &options_id(i), "OPTIONS", &url(i), 5.0, json!({"requestHeaders": rh})));
    }
    for (k, &i) in order.iter().rev().enumerate() {
        let response = hdrs(&[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PUT, DELETE"), ("Access-Control-Allow-Headers", "x-test"), ("X-Preflight-For", &i.to_string())]);
        events.push(s.ev("onHeadersReceived", &options_id(i), "OPTIONS", &url(i), 8.0 + k as f64 * 0.1, json!({"statusCode": 204, "responseHeaders": response.clone()})));
        events.push(s.ev("onCompleted", &options_id(i), "OPTIONS", &url(i), 8.05 + k as f64 * 0.1, json!({"statusCode": 204, "responseHeaders": response})));
    }
    // The actual requests finish in yet another order; half succeed, half are blocked.
    for k in 0..20 {
        let i = (k * 3 + 1) % 20;
        let t = 20.0 + k as f64;
        if i % 2 == 0 {
            events.extend(s.sent(&actual_id(i), method(i), &url(i), &[("X-Test", "1")], t, 200, &[("Access-Control-Allow-Origin", PAGE)], None));
        } else {
            events.extend(s.sent(&actual_id(i), method(i), &url(i), &[("X-Test", "1")], t, 200, &[], Some("net::ERR_FAILED")));
        }
    }
    feed(&mut session, events);
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 20);
    let mut seen = std::collections::BTreeSet::new();
    for e in &report.exchanges {
        let exchange = e.exchange.as_ref().unwrap();
        let pf = exchange.preflight.as_ref().unwrap_or_else(|| panic!("{} has no preflight", e.url));
        let response = pf.response.as_ref().unwrap();
        let for_index: usize = cors_lens::headers::get(&response.headers, "x-preflight-for").unwrap().parse().unwrap();
        assert!(seen.insert(for_index), "preflight {for_index} shared");
        // Compatible: same URL and announced method.
        assert_eq!(url(for_index), exchange.request.url);
        assert_eq!(method(for_index), exchange.request.method);
        // FIFO: the n-th request of a (URL, method) group got the n-th OPTIONS of that group,
        // and OPTIONS were created in request order, so each request got its own.
        let i: usize = find_id(&session, &e.id).parse::<usize>().unwrap() - 1000;
        assert_eq!(url(i), e.url);
        assert_eq!(for_index, i, "request {i} matched the OPTIONS of request {for_index}");
        assert_eq!(e.preflight.as_ref().unwrap().matched, "order");
        let v = e.verdict.as_ref().unwrap();
        assert!(v.preflight_observed);
        assert_eq!(v.allowed, i.is_multiple_of(2), "{i}: {v:?}");
    }
    assert_eq!(seen.len(), 20);
    assert!(session.flights.is_empty());
    let options: u64 = report.preflight_stats.iter().map(|s| s.count).sum();
    assert_eq!(options, 20);
}

#[test]
fn different_header_sets_go_to_the_right_request() {
    // Two concurrent PUTs to one URL: the older sends X-A and X-B, the newer X-A only. The
    // OPTIONS for "x-a" arrives first but both requests' headers were seen (late delivery).
    let s = Events::default();
    let url = format!("{API}/h");
    let mut session = new_session();
    let mut events = vec![
        s.ev("onBeforeRequest", "1", "PUT", &url, 0.0, json!({})),
        s.ev("onBeforeRequest", "2", "PUT", &url, 0.5, json!({})),
    ];
    let mut both = browser_headers();
    both.extend([("X-A", "1"), ("X-B", "2")]);
    let mut one = browser_headers();
    one.push(("X-A", "1"));
    events.push(s.ev("onBeforeSendHeaders", "1", "PUT", &url, 0.6, json!({"requestHeaders": hdrs(&both)})));
    events.push(s.ev("onBeforeSendHeaders", "2", "PUT", &url, 0.6, json!({"requestHeaders": hdrs(&one)})));
    let allow = [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-a, x-b")];
    events.extend(s.options("20", &url, "PUT", "x-a", 1.0, 204, &allow));
    events.extend(s.options("10", &url, "PUT", "x-a,x-b", 1.5, 204, &allow));
    events.push(s.ev("onCompleted", "1", "PUT", &url, 9.0, json!({"statusCode": 200, "responseHeaders": hdrs(&[("Access-Control-Allow-Origin", PAGE)])})));
    events.push(s.ev("onCompleted", "2", "PUT", &url, 9.0, json!({"statusCode": 200, "responseHeaders": hdrs(&[("Access-Control-Allow-Origin", PAGE)])})));
    feed(&mut session, events);
    let tab = &session.tabs.get(&TAB).unwrap();
    let by_id = |id: &str| tab.records.iter().find(|r| r.flight.request_id == id).unwrap();
    assert_eq!(by_id("1").preflights[0].as_ref().unwrap().request_id, "10");
    assert_eq!(by_id("2").preflights[0].as_ref().unwrap().request_id, "20");
}

#[test]
fn late_preflight_events_attach_to_the_finished_request() {
    // Event delivery is not ordered across listeners: the OPTIONS' events arrive after the PUT's
    // error. The preflight is attached to the finished record and the verdict re-computed.
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    feed(&mut session, [
        s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({})),
        s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})),
    ]);
    let before = session.report(TAB);
    assert!(before.exchanges[0].verdict.as_ref().unwrap().undetermined);
    let mut late = s.options("10", &url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]);
    let last = late.pop().unwrap();
    feed(&mut session, late);
    assert!(session.ingest_value(last).unwrap().changed);
    let after = session.report(TAB);
    assert_eq!(after.exchanges.len(), 1);
    assert_eq!(after.exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightInvalidStatus));
    assert_eq!(after.exchanges[0].id, before.exchanges[0].id);
}

#[test]
fn preflight_waits_for_a_request_seen_late() {
    // The OPTIONS is complete before any event of its request arrives (brief-style capture).
    let s = Events::default();
    let url = format!("{API}/x");
    let mut session = new_session();
    feed(&mut session, s.options("10", &url, "PATCH", "", 1.0, 204, &[("Access-Control-Allow-Origin", PAGE)]));
    assert!(session.report(TAB).exchanges.is_empty());
    feed(&mut session, [s.ev("onErrorOccurred", "9", "PATCH", &url, 5.0, json!({"error": "net::ERR_FAILED"}))]);
    let report = session.report(TAB);
    let v = report.exchanges[0].verdict.as_ref().unwrap();
    assert_eq!(v.error, Some(CorsError::MethodDisallowedByPreflightResponse));
    assert_eq!(v.failed_parameter.as_deref(), Some("PATCH"));
}

#[test]
fn other_frames_and_documents_do_not_match() {
    let s = Events::default();
    let other = Events { frame: 3, document: "DOC-2".into(), ..Events::default() };
    let url = format!("{API}/f");
    let mut session = new_session();
    let mut events = vec![other.ev("onBeforeRequest", "1", "PUT", &url, 0.0, json!({}))];
    events.push(s.ev("onBeforeRequest", "2", "PUT", &url, 0.1, json!({})));
    // The frame-0 OPTIONS must go to request 2, though request 1 is older.
    events.extend(s.options("3", &url, "PUT", "", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    events.push(s.ev("onErrorOccurred", "2", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    events.push(other.ev("onErrorOccurred", "1", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    let tab = &session.tabs.get(&TAB).unwrap();
    let record = |id: &str| tab.records.iter().find(|r| r.flight.request_id == id).unwrap();
    assert_eq!(record("2").preflights[0].as_ref().unwrap().request_id, "3");
    assert!(record("1").preflights[0].is_none());
}

#[test]
fn redirect_with_a_new_preflight_for_the_new_url() {
    let s = Events::default();
    let a = format!("{API}/old");
    let b = "http://127.0.0.1:8003/new".to_string();
    let allow = [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-test")];
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "1", "PUT", &a, 0.0, json!({}))];
    events.extend(s.options("2", &a, "PUT", "x-test", 1.0, 204, &allow));
    let mut sent = browser_headers();
    sent.push(("X-Test", "1"));
    events.push(s.ev("onSendHeaders", "1", "PUT", &a, 5.0, json!({"requestHeaders": hdrs(&sent)})));
    events.push(s.ev("onHeadersReceived", "1", "PUT", &a, 6.0, json!({"statusCode": 307, "responseHeaders": hdrs(&[("Location", b.as_str()), ("Access-Control-Allow-Origin", PAGE)])})));
    events.push(s.ev("onBeforeRedirect", "1", "PUT", &a, 6.0, json!({"statusCode": 307, "redirectUrl": b, "responseHeaders": hdrs(&[("Location", b.as_str()), ("Access-Control-Allow-Origin", PAGE)])})));
    // The same request id continues at the new URL after a new preflight, whose Origin is null.
    let rh = hdrs(&[("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-test"), ("Origin", "null")]);
    events.push(s.ev("onBeforeRequest", "3", "OPTIONS", &b, 7.0, json!({})));
    events.push(s.ev("onSendHeaders", "3", "OPTIONS", &b, 7.0, json!({"requestHeaders": rh})));
    events.push(s.ev("onCompleted", "3", "OPTIONS", &b, 8.0, json!({"statusCode": 204, "responseHeaders": hdrs(&[("Access-Control-Allow-Origin", "null"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-test")])})));
    let mut sent_b = sent.clone();
    sent_b.retain(|(n, _)| *n != "Origin");
    sent_b.push(("Origin", "null"));
    events.push(s.ev("onSendHeaders", "1", "PUT", &b, 9.0, json!({"requestHeaders": hdrs(&sent_b)})));
    events.push(s.ev("onCompleted", "1", "PUT", &b, 10.0, json!({"statusCode": 200, "responseHeaders": hdrs(&[("Access-Control-Allow-Origin", "null")])})));
    feed(&mut session, events);
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1);
    let exchange = report.exchanges[0].exchange.as_ref().unwrap();
    assert_eq!(exchange.redirects.len(), 1);
    let redirect = &exchange.redirects[0];
    assert_eq!((redirect.status, redirect.location.as_str()), (307, b.as_str()));
    let next = redirect.next.as_ref().unwrap();
    assert_eq!(next.url, b);
    assert_eq!(next.origin_header.as_deref(), Some("null"));
    assert_eq!(next.preflight.as_ref().unwrap().response.as_ref().unwrap().status, 204);
    assert!(exchange.preflight.is_some());
    let v = report.exchanges[0].verdict.as_ref().unwrap();
    assert!(v.allowed, "{v:?}");
    assert!(!v.warnings.contains(&Warning::PreflightNotCaptured), "{:?}", v.warnings);
}

#[test]
fn blocked_redirect_is_a_redirect() {
    // A redirect that fails the CORS check never reaches onBeforeRedirect.
    let s = Events::default();
    let url = format!("{API}/r");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "1", "GET", &url, 0.0, json!({}))];
    events.extend(s.sent("1", "GET", &url, &[], 1.0, 302, &[("Location", "/elsewhere")], Some("net::ERR_FAILED")));
    feed(&mut session, events);
    let report = session.report(TAB);
    let exchange = report.exchanges[0].exchange.as_ref().unwrap();
    assert!(exchange.response.is_none());
    assert_eq!(exchange.redirects[0].location, format!("{API}/elsewhere"));
    assert_eq!(report.exchanges[0].verdict.as_ref().unwrap().stage, Some(cors_lens::verdict::Stage::Redirect));
}
