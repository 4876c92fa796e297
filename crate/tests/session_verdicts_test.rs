//! Verdicts from single recorded exchanges (404 preflight, missing ACAO, wildcard with credentials,
//! preflight network error, success) and which requests the session keeps at all (cross-origin, no-cors).

mod common;
use common::*;
use cors_lens::error::CorsError;
use cors_lens::session::CostFinding;

// ---------------------------------------------------------------------------------------------
// Recorded sequences (docs/capture.md)

#[test]
fn allextra_404_preflight_with_acao_is_invalid_status() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("10", &url, "PUT", "x-test", 1.0, 404, &[
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "X-Test"),
        ("Content-Type", "text/plain"),
    ]));
    events.push(s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED", "fromCache": false})));
    let results: Vec<_> = events.into_iter().map(|e| session.ingest_value(e).unwrap()).collect();
    assert!(results.iter().all(|r| r.tab_id == Some(TAB)));
    assert!(results.last().unwrap().changed);

    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1);
    let e = &report.exchanges[0];
    assert_eq!((e.method.as_str(), e.url.as_str(), e.failed, e.status), ("PUT", url.as_str(), true, None));
    assert_eq!(e.net_error.as_deref(), Some("net::ERR_FAILED"));
    let pf = e.preflight.as_ref().unwrap();
    assert_eq!((pf.observed, pf.matched.as_str(), pf.status, pf.duration_ms), (true, "order", Some(404), Some(3.0)));
    assert_eq!(e.timings.total_ms, Some(5.0));
    let exchange = e.exchange.as_ref().unwrap();
    assert!(exchange.request.headers.is_empty(), "the PUT was never sent: its script headers are unknown");
    assert_eq!(exchange.request.origin, PAGE);
    assert_eq!(exchange.preflight.as_ref().unwrap().response.as_ref().unwrap().status, 404);
    let v = e.verdict.as_ref().unwrap();
    assert_eq!(v.error, Some(CorsError::PreflightInvalidStatus));
    assert_eq!(v.unsafe_header_names, vec!["x-test"]);
    assert_eq!(
        chromium_line(&report, 0),
        format!(
            "Access to fetch at '{url}' from origin '{PAGE}' has been blocked by CORS policy: Response to preflight request \
             doesn't pass access control check: It does not have HTTP ok status."
        )
    );
    // Counted as one OPTIONS that failed.
    assert_eq!(report.preflight_stats.len(), 1);
    assert_eq!(report.preflight_stats[0].count, 1);
    assert_eq!(report.preflight_stats[0].finding, CostFinding::Failed);
    assert_eq!(report.preflight_stats[0].request_headers, "x-test");
}

#[test]
fn brief_variant_404_preflight_without_acao() {
    // brief: onBeforeSendHeaders/onHeadersReceived (extraHeaders), onCompleted/onErrorOccurred plain.
    // The PUT's only event is its error; the OPTIONS' first is onBeforeSendHeaders.
    let s = Events::default();
    let url = format!("{API}/preflight404");
    let mut session = new_session();
    feed(&mut session, [
        s.ev("onBeforeSendHeaders", "10", "OPTIONS", &url, 1.0, json!({"requestHeaders": Events::preflight_request_headers("PUT", "x-test")})),
        s.ev("onHeadersReceived", "10", "OPTIONS", &url, 3.0, json!({"statusCode": 404, "statusLine": "HTTP/1.1 404 Not Found", "responseHeaders": hdrs(&[("Content-Type", "text/plain")])})),
        s.ev("onCompleted", "10", "OPTIONS", &url, 4.0, json!({"statusCode": 404, "statusLine": "HTTP/1.1 404 Not Found", "fromCache": false, "ip": "127.0.0.1"})),
        s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED", "fromCache": false})),
    ]);
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1);
    let v = report.exchanges[0].verdict.as_ref().unwrap();
    assert_eq!(v.error, Some(CorsError::PreflightMissingAllowOriginHeader));
    assert_eq!(
        chromium_line(&report, 0),
        format!(
            "Access to fetch at '{url}' from origin '{PAGE}' has been blocked by CORS policy: Response to preflight request \
             doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        )
    );
    let exchange = report.exchanges[0].exchange.as_ref().unwrap();
    assert_eq!(exchange.preflight.as_ref().unwrap().response.as_ref().unwrap().headers, vec![("Content-Type".to_string(), "text/plain".to_string())]);
}

#[test]
fn noacao_simple_get_blocked_on_response() {
    let s = Events::default();
    let url = format!("{API}/noacao");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "21", "GET", &url, 0.0, json!({}))];
    events.extend(s.sent("21", "GET", &url, &[], 1.0, 200, &[("Content-Type", "application/json")], Some("net::ERR_FAILED")));
    feed(&mut session, events);
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    assert_eq!(e.status, Some(200));
    assert!(e.preflight.is_none());
    let exchange = e.exchange.as_ref().unwrap();
    // Browser-added headers: forbidden ones and User-Agent are gone; the safelisted defaults stay.
    assert_eq!(
        exchange.request.headers,
        vec![("Accept".to_string(), "*/*".to_string()), ("Accept-Language".to_string(), "en-US,en;q=0.9".to_string())]
    );
    assert_eq!(exchange.request.mode, cors_lens::exchange::RequestMode::Cors);
    let v = e.verdict.as_ref().unwrap();
    assert_eq!(v.error, Some(CorsError::MissingAllowOriginHeader));
    assert!(!v.preflight_required);
    assert_eq!(
        chromium_line(&report, 0),
        format!("Access to fetch at '{url}' from origin '{PAGE}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    );
}

#[test]
fn wildcard_with_credentials_infers_include() {
    let s = Events::default();
    let url = format!("{API}/wildcard-cred");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "30", "GET", &url, 0.0, json!({}))];
    events.extend(s.sent("30", "GET", &url, &[], 1.0, 200, &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], Some("net::ERR_FAILED")));
    // The same with a cookie sent: credentials mode 'include' is known, not inferred.
    events.push(s.ev("onBeforeRequest", "31", "GET", &url, 10.0, json!({})));
    events.extend(s.sent("31", "GET", &url, &[("Cookie", "sid=very-secret-cookie")], 11.0, 200, &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], Some("net::ERR_FAILED")));
    feed(&mut session, events);
    let report = session.report(TAB);
    for e in &report.exchanges {
        assert_eq!(e.verdict.as_ref().unwrap().error, Some(CorsError::WildcardOriginNotAllowed), "{}", e.id);
    }
    let with_cookie = report.exchanges[0].exchange.as_ref().unwrap();
    assert_eq!(with_cookie.request.credentials_mode, cors_lens::exchange::CredentialsMode::Include);
    assert!(with_cookie.request.headers.iter().all(|(n, _)| n != "Cookie"), "Cookie is forbidden: not a script header");
    let without = &report.exchanges[1];
    assert_eq!(without.exchange.as_ref().unwrap().request.credentials_mode, cors_lens::exchange::CredentialsMode::Unknown);
    assert_eq!(without.verdict.as_ref().unwrap().inferred.credentials_mode, Some(cors_lens::exchange::CredentialsMode::Include));
    assert!(!session.snapshot().contains("very-secret-cookie"), "cookie values are never stored");
}

#[test]
fn noacao_preflight_204() {
    let s = Events::default();
    let url = format!("{API}/noacao-preflight");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "40", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("41", &url, "PUT", "x-test", 1.0, 204, &[("Content-Length", "0")]));
    events.push(s.ev("onErrorOccurred", "40", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    let report = session.report(TAB);
    assert_eq!(report.exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightMissingAllowOriginHeader));
    assert_eq!(report.exchanges[0].preflight.as_ref().unwrap().status, Some(204));
}

#[test]
fn successful_preflighted_put_keeps_script_headers() {
    let s = Events::default();
    let url = format!("{API}/ok-maxage");
    let mut session = new_session();
    feed(&mut session, put_ok(&s, 50, &url, 0.0, Some(ok_preflight(Some("86400")))));
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    assert!(!e.failed);
    let v = e.verdict.as_ref().unwrap();
    assert!(v.allowed && v.preflight_observed && v.error.is_none(), "{v:?}");
    let headers = &e.exchange.as_ref().unwrap().request.headers;
    assert!(headers.contains(&("X-Test".to_string(), "1".to_string())));
    assert!(headers.iter().all(|(n, _)| !n.eq_ignore_ascii_case("user-agent") && !n.eq_ignore_ascii_case("origin")));
    assert_eq!(e.exchange.as_ref().unwrap().outcome, cors_lens::exchange::Outcome::Succeeded);
}

#[test]
fn preflight_network_error_is_kept() {
    let s = Events::default();
    let url = format!("{API}/down");
    let mut session = new_session();
    feed(&mut session, [
        s.ev("onBeforeRequest", "60", "DELETE", &url, 0.0, json!({})),
        s.ev("onBeforeRequest", "61", "OPTIONS", &url, 1.0, json!({})),
        s.ev("onBeforeSendHeaders", "61", "OPTIONS", &url, 1.0, json!({"requestHeaders": Events::preflight_request_headers("DELETE", "")})),
        s.ev("onErrorOccurred", "61", "OPTIONS", &url, 2.0, json!({"error": "net::ERR_CONNECTION_REFUSED"})),
        s.ev("onErrorOccurred", "60", "DELETE", &url, 3.0, json!({"error": "net::ERR_FAILED"})),
    ]);
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    let pf = e.exchange.as_ref().unwrap().preflight.as_ref().unwrap();
    assert_eq!(pf.net_error.as_deref(), Some("net::ERR_CONNECTION_REFUSED"));
    assert!(pf.response.is_none());
    assert_eq!(e.verdict.as_ref().unwrap().error, Some(CorsError::PreflightNetworkError));
    assert_eq!(e.preflight.as_ref().unwrap().net_error.as_deref(), Some("net::ERR_CONNECTION_REFUSED"));
}

// ---------------------------------------------------------------------------------------------
// Scope

#[test]
fn only_cross_origin_page_requests_are_kept() {
    let s = Events::default();
    let mut session = new_session();
    // Same-origin request.
    let same = format!("{PAGE}/local");
    feed(&mut session, [
        s.ev("onBeforeRequest", "70", "GET", &same, 0.0, json!({})),
        s.ev("onCompleted", "70", "GET", &same, 1.0, json!({"statusCode": 200})),
    ]);
    // The extension's own pages (tabId -1) are ignored.
    let mut own = s.ev("onBeforeRequest", "71", "GET", "chrome-extension://x/panel.js", 0.0, json!({"type": "script"}));
    own["tabId"] = json!(-1);
    assert_eq!(session.ingest_value(own).unwrap(), cors_lens::session::IngestResult { tab_id: None, changed: false });
    // A navigation is not a CORS request.
    feed(&mut session, [
        s.ev("onBeforeRequest", "72", "GET", &format!("{API}/"), 0.0, json!({"type": "main_frame"})),
        s.ev("onCompleted", "72", "GET", &format!("{API}/"), 1.0, json!({"type": "main_frame", "statusCode": 200})),
    ]);
    // An <img> without crossorigin (no Origin header) is not CORS; a font always is.
    let img = format!("{API}/a.png");
    let font = format!("{API}/f.woff2");
    feed(&mut session, [
        s.ev("onBeforeRequest", "73", "GET", &img, 0.0, json!({"type": "image"})),
        s.ev("onSendHeaders", "73", "GET", &img, 0.0, json!({"type": "image", "requestHeaders": hdrs(&[("Accept", "image/*")])})),
        s.ev("onCompleted", "73", "GET", &img, 1.0, json!({"type": "image", "statusCode": 200})),
        s.ev("onBeforeRequest", "74", "GET", &font, 0.0, json!({"type": "font"})),
        s.ev("onHeadersReceived", "74", "GET", &font, 1.0, json!({"type": "font", "statusCode": 200, "responseHeaders": hdrs(&[])})),
        s.ev("onErrorOccurred", "74", "GET", &font, 2.0, json!({"type": "font", "error": "net::ERR_FAILED"})),
    ]);
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1);
    assert_eq!(report.exchanges[0].url, font);
    assert_eq!(report.exchanges[0].exchange.as_ref().unwrap().request.client, cors_lens::exchange::Client::Font);
    assert!(session.flights.is_empty());
}

#[test]
fn no_cors_fetch_is_recognised_by_its_missing_origin() {
    let s = Events::default();
    let url = format!("{API}/opaque");
    let mut session = new_session();
    feed(&mut session, [
        s.ev("onBeforeRequest", "75", "GET", &url, 0.0, json!({})),
        s.ev("onSendHeaders", "75", "GET", &url, 0.0, json!({"requestHeaders": hdrs(&[("Accept", "*/*")])})),
        s.ev("onCompleted", "75", "GET", &url, 1.0, json!({"statusCode": 200, "responseHeaders": hdrs(&[])})),
    ]);
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    assert_eq!(e.exchange.as_ref().unwrap().request.mode, cors_lens::exchange::RequestMode::NoCors);
    assert!(!e.verdict.as_ref().unwrap().cors_applies);
    assert!(!e.failed);
}

/// The wasm binding reads `event::KEPT_FROM_FIRST_EVENT` only from a request's first event (its later
/// events cross into wasm without them): the session must make the same report either way.
#[test]
fn events_of_a_request_in_flight_may_leave_out_what_its_first_event_gave() {
    use cors_lens::session::event::KEPT_FROM_FIRST_EVENT;
    let s = Events::default();
    let mut events = put_ok(&s, 50, &format!("{API}/ok"), 0.0, Some(ok_preflight(Some("600"))));
    events.extend(s.put_stopped_by_404_preflight("60", &format!("{API}/404"), "x-test"));
    events.extend(put_ok(&s, 70, &format!("{API}/cached"), 20.0, None));
    let (mut full, mut lean) = (new_session(), new_session());
    let mut left_out = 0;
    for event in events {
        feed(&mut full, [event.clone()]);
        let mut lean_event = event;
        if lean.in_flight(lean_event["requestId"].as_str().unwrap()) {
            for name in KEPT_FROM_FIRST_EVENT {
                left_out += usize::from(lean_event.as_object_mut().unwrap().remove(name).is_some());
            }
        }
        feed(&mut lean, [lean_event]);
    }
    assert!(left_out > 40, "only {left_out} fields left out");
    let json = |s: &cors_lens::session::Session| serde_json::to_value(s.report(TAB)).unwrap();
    assert_eq!(json(&lean), json(&full));
    assert_eq!(full.report(TAB).exchanges.len(), 3);
}
