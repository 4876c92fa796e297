//! Session model: webRequest event sequences (shapes observed on Chromium 156, see
//! extension-testing.md §6.2) in, exchanges, verdicts, preflight costs and exports out.

#![allow(clippy::too_many_arguments)]

use cors_lens::error::CorsError;
use cors_lens::session::{report, CostFinding, EventError, ExportFormat, HarEntry, IngestResult, RawEvent, Report, Session, SessionConfig};
use serde_json::{json, Value};

/// The JSON ends of the session, as the extension's JavaScript uses them through wasm.
trait Json {
    fn ingest_value(&mut self, event: Value) -> Result<IngestResult, EventError>;
    fn ingest_json(&mut self, text: &str) -> Result<IngestResult, EventError>;
    /// The Export button: the redacted report as JSON or Markdown.
    fn export(&self, tab_id: i64, ids: Option<&[String]>, format: ExportFormat) -> String;
}

impl Json for Session {
    fn ingest_value(&mut self, event: Value) -> Result<IngestResult, EventError> {
        let raw: RawEvent = serde_json::from_value(event).map_err(|e| EventError(e.to_string()))?;
        self.ingest(raw)
    }

    fn ingest_json(&mut self, text: &str) -> Result<IngestResult, EventError> {
        let raw: RawEvent = serde_json::from_str(text).map_err(|e| EventError(e.to_string()))?;
        self.ingest(raw)
    }

    fn export(&self, tab_id: i64, ids: Option<&[String]>, format: ExportFormat) -> String {
        let redacted = self.redacted_report(tab_id, ids);
        match format {
            ExportFormat::Json => serde_json::to_string_pretty(&redacted).unwrap(),
            ExportFormat::Markdown => report::markdown(&redacted),
        }
    }
}

const TAB: i64 = 7;
const PAGE: &str = "http://127.0.0.1:8001";
const API: &str = "http://127.0.0.1:8002";
const T0: f64 = 1_732_690_000_000.0;

/// Builds webRequest `details` objects with the fields Chromium 156 sends on every event.
struct Events {
    frame: i64,
    document: String,
    initiator: String,
    resource_type: String,
}

impl Default for Events {
    fn default() -> Self {
        Events { frame: 0, document: "DOC-1".into(), initiator: PAGE.into(), resource_type: "xmlhttprequest".into() }
    }
}

fn hdrs(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
}

/// Headers the browser adds to every fetch (a script cannot set them).
fn browser_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Accept", "*/*"),
        ("Accept-Language", "en-US,en;q=0.9"),
        ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0 Safari/537.36"),
        ("sec-ch-ua-platform", "\"Linux\""),
        ("Sec-Fetch-Site", "same-site"),
        ("Sec-Fetch-Mode", "cors"),
        ("Referer", "http://127.0.0.1:8001/"),
        ("Accept-Encoding", "gzip, deflate, br, zstd"),
        ("Origin", PAGE),
    ]
}

impl Events {
    fn ev(&self, event: &str, id: &str, method: &str, url: &str, t: f64, extra: Value) -> Value {
        let mut v = json!({
            "event": event, "requestId": id, "url": url, "method": method, "tabId": TAB,
            "frameId": self.frame, "parentFrameId": -1, "documentId": self.document, "documentLifecycle": "active",
            "frameType": "outermost_frame", "initiator": self.initiator, "type": self.resource_type, "timeStamp": T0 + t,
        });
        if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
            m.extend(x);
        }
        v
    }

    fn preflight_request_headers(method: &str, acrh: &str) -> Value {
        let mut h = vec![("Accept", "*/*"), ("Access-Control-Request-Method", method)];
        if !acrh.is_empty() {
            h.push(("Access-Control-Request-Headers", acrh));
        }
        h.extend([("Origin", PAGE), ("User-Agent", "HeadlessChrome/156"), ("Sec-Fetch-Mode", "cors")]);
        hdrs(&h)
    }

    /// The full allextra sequence of one OPTIONS: 6 events from `t` to `t + 3`.
    fn options(&self, id: &str, url: &str, method: &str, acrh: &str, t: f64, status: u16, response: &[(&str, &str)]) -> Vec<Value> {
        let rh = Self::preflight_request_headers(method, acrh);
        let line = format!("HTTP/1.1 {status} {}", if status < 300 { "No Content" } else { "Not Found" });
        vec![
            self.ev("onBeforeRequest", id, "OPTIONS", url, t, json!({})),
            self.ev("onBeforeSendHeaders", id, "OPTIONS", url, t, json!({"requestHeaders": rh.clone()})),
            self.ev("onSendHeaders", id, "OPTIONS", url, t, json!({"requestHeaders": rh})),
            self.ev("onHeadersReceived", id, "OPTIONS", url, t + 2.0, json!({"statusCode": status, "statusLine": line, "responseHeaders": hdrs(response)})),
            self.ev("onResponseStarted", id, "OPTIONS", url, t + 2.0, json!({"statusCode": status, "statusLine": line, "fromCache": false, "ip": "127.0.0.1", "responseHeaders": hdrs(response)})),
            self.ev("onCompleted", id, "OPTIONS", url, t + 3.0, json!({"statusCode": status, "statusLine": line, "fromCache": false, "ip": "127.0.0.1", "responseHeaders": hdrs(response)})),
        ]
    }

    /// An actual request that is sent and answered: send headers, response, then completion or error.
    fn sent(&self, id: &str, method: &str, url: &str, script: &[(&str, &str)], t: f64, status: u16, response: &[(&str, &str)], error: Option<&str>) -> Vec<Value> {
        let mut request = browser_headers();
        request.extend_from_slice(script);
        let rh = hdrs(&request);
        let mut out = vec![
            self.ev("onBeforeSendHeaders", id, method, url, t, json!({"requestHeaders": rh.clone()})),
            self.ev("onSendHeaders", id, method, url, t, json!({"requestHeaders": rh})),
            self.ev("onHeadersReceived", id, method, url, t + 1.0, json!({"statusCode": status, "statusLine": format!("HTTP/1.1 {status} OK"), "responseHeaders": hdrs(response)})),
        ];
        match error {
            Some(e) => out.push(self.ev("onErrorOccurred", id, method, url, t + 2.0, json!({"error": e, "fromCache": false}))),
            None => {
                out.push(self.ev("onResponseStarted", id, method, url, t + 1.0, json!({"statusCode": status, "fromCache": false, "ip": "127.0.0.1"})));
                out.push(self.ev("onCompleted", id, method, url, t + 2.0, json!({"statusCode": status, "fromCache": false, "ip": "127.0.0.1"})));
            }
        }
        out
    }
}

fn feed(session: &mut Session, events: impl IntoIterator<Item = Value>) {
    for e in events {
        session.ingest_value(e.clone()).unwrap_or_else(|err| panic!("{err}: {e}"));
    }
}

fn new_session() -> Session {
    Session::new(SessionConfig::default())
}

fn ok_preflight(max_age: Option<&'static str>) -> Vec<(&'static str, &'static str)> {
    let mut h = vec![
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Methods", "PUT, DELETE"),
        ("Access-Control-Allow-Headers", "X-Test, Content-Type"),
    ];
    if let Some(m) = max_age {
        h.push(("Access-Control-Max-Age", m));
    }
    h
}

/// One preflighted PUT with X-Test that succeeds, starting at `t` (OPTIONS optional: cached).
fn put_ok(s: &Events, id: u32, url: &str, t: f64, options: Option<Vec<(&'static str, &'static str)>>) -> Vec<Value> {
    let actual = id.to_string();
    let mut out = vec![s.ev("onBeforeRequest", &actual, "PUT", url, t, json!({}))];
    let mut at = t + 1.0;
    if let Some(response) = options {
        out.extend(s.options(&(id + 1).to_string(), url, "PUT", "x-test", t + 1.0, 204, &response));
        at = t + 5.0;
    }
    out.extend(s.sent(&actual, "PUT", url, &[("X-Test", "1")], at, 200, &[("Access-Control-Allow-Origin", PAGE)], None));
    out
}

fn chromium_line(report: &Report, index: usize) -> String {
    report.exchanges[index].verdict.as_ref().unwrap().console.as_ref().unwrap().chromium.clone()
}

// ---------------------------------------------------------------------------------------------
// Recorded sequences (extension-testing.md §6.2)

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

// ---------------------------------------------------------------------------------------------
// Matching

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

fn find_id(session: &Session, record_id: &str) -> String {
    session.tabs.get(&TAB).unwrap().records.iter().find(|r| r.id == record_id).unwrap().flight.request_id.clone()
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
    assert!(v.warnings.iter().all(|w| !w.contains("no OPTIONS was captured")), "{:?}", v.warnings);
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

// ---------------------------------------------------------------------------------------------
// HAR

fn har(url: &str, acrm: &str, acrh: &str, started: f64, status: u16, response: &[(&str, &str)]) -> HarEntry {
    let mut request_headers = vec![("Access-Control-Request-Method".to_string(), acrm.to_string()), ("Origin".to_string(), PAGE.to_string())];
    if !acrh.is_empty() {
        request_headers.push(("Access-Control-Request-Headers".to_string(), acrh.to_string()));
    }
    HarEntry {
        url: url.to_owned(),
        method: "OPTIONS".into(),
        resource_type: Some("preflight".into()),
        initiator_type: Some("preflight".into()),
        initiator_request_id: Some("18024.4".into()),
        started: Some(T0 + started),
        time: Some(2.5),
        status: Some(f64::from(status)),
        request_headers,
        response_headers: response.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        error: None,
    }
}

#[test]
fn har_confirms_a_match() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("10", &url, "PUT", "", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    events.push(s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    assert_eq!(session.report(TAB).exchanges[0].preflight.as_ref().unwrap().matched, "order");
    let result = session.ingest_har(TAB, har(&url, "PUT", "", 1.3, 404, &[("Access-Control-Allow-Origin", PAGE)])).unwrap();
    assert!(result.changed);
    let report = session.report(TAB);
    assert_eq!(report.exchanges[0].preflight.as_ref().unwrap().matched, "har");
    assert_eq!(report.preflight_stats[0].count, 1, "a confirmed OPTIONS is not counted twice");
    // Non-preflight entries change nothing.
    let mut plain = har(&url, "PUT", "", 0.0, 0, &[]);
    plain.resource_type = Some("fetch".into());
    plain.initiator_type = Some("script".into());
    assert!(!session.ingest_har(TAB, plain).unwrap().changed);
}

#[test]
fn har_supplies_a_preflight_webrequest_could_not_see() {
    // noextra: no OPTIONS in webRequest; onBeforeSendHeaders fires for a PUT never sent.
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    let mut sent = browser_headers();
    sent.push(("X-Test", "1"));
    feed(&mut session, [
        s.ev("onBeforeSendHeaders", "7", "PUT", &url, 0.0, json!({"requestHeaders": hdrs(&sent)})),
        s.ev("onErrorOccurred", "7", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})),
    ]);
    let before = session.report(TAB);
    assert!(before.exchanges[0].verdict.as_ref().unwrap().undetermined);
    assert!(!before.exchanges[0].preflight.as_ref().unwrap().observed);
    session.ingest_har(TAB, har(&url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)])).unwrap();
    let after = session.report(TAB);
    let e = &after.exchanges[0];
    assert_eq!(e.preflight.as_ref().unwrap().matched, "har");
    assert_eq!(e.verdict.as_ref().unwrap().error, Some(CorsError::PreflightInvalidStatus));
    assert_eq!(after.preflight_stats[0].count, 1);
}

// ---------------------------------------------------------------------------------------------
// History, snapshot, robustness

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
    let mut session = Session::new(SessionConfig { max_exchanges_per_tab: 100, max_exchanges_total: 4 });
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
    let mut events = vec![s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("10", &url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    events.push(s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
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
        json!({"event": "onCompleted", "requestId": "9", "url": "", "tabId": TAB}),
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

// ---------------------------------------------------------------------------------------------
// Preflight cost

fn cost_session(max_age: Option<&'static str>, starts: &[f64]) -> (Session, Report) {
    cost_session_with(max_age, starts, &[])
}

/// PUT calls at `starts` (ms); `options_at` lists which of them sent an OPTIONS (empty: all).
fn cost_session_with(max_age: Option<&'static str>, starts: &[f64], options_at: &[usize]) -> (Session, Report) {
    let s = Events::default();
    let url = format!("{API}/cost");
    let mut session = new_session();
    for (k, &t) in starts.iter().enumerate() {
        let with_options = options_at.is_empty() || options_at.contains(&k);
        feed(&mut session, put_ok(&s, 10 * k as u32 + 100, &url, t, with_options.then(|| ok_preflight(max_age))));
    }
    let report = session.report(TAB);
    (session, report)
}

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
    assert!(report.preflight_stats.iter().all(|s| s.count == 1 && s.finding == CostFinding::Ok));
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(f.kind, "many_distinct_urls");
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

// ---------------------------------------------------------------------------------------------
// Report shape and exports

#[test]
fn report_json_has_the_contract_shape() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("10", &url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    events.push(s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    let v = serde_json::to_value(session.report(TAB)).unwrap();
    for key in ["tab_id", "evicted", "exchanges", "preflight_stats", "findings"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let e = &v["exchanges"][0];
    for key in ["id", "url", "method", "started", "cross_origin", "failed", "status", "initiator", "type", "preflight", "timings", "exchange", "verdict"] {
        assert!(e.get(key).is_some(), "{key}");
    }
    assert_eq!(e["id"], "e1");
    assert_eq!(e["type"], "xmlhttprequest");
    assert_eq!(e["initiator"], PAGE);
    assert_eq!(e["started"], json!(T0));
    assert_eq!(e["preflight"]["match"], "order");
    assert_eq!(e["verdict"]["error"], "PreflightInvalidStatus");
    assert_eq!(e["exchange"]["request"]["method"], "PUT");
    let stat = &v["preflight_stats"][0];
    for key in ["origin", "url", "method", "request_headers", "count", "total_ms", "max_age_header", "max_age_seconds", "finding", "message"] {
        assert!(stat.get(key).is_some(), "{key}");
    }
    assert_eq!(stat["finding"], "failed");
    // The export is the same report, as text.
    let exported: Value = serde_json::from_str(&session.export(TAB, None, ExportFormat::Json)).unwrap();
    assert_eq!(exported["exchanges"][0]["verdict"]["error"], "PreflightInvalidStatus");
    let none: Value = serde_json::from_str(&session.export(TAB, Some(&["e999".to_string()]), ExportFormat::Json)).unwrap();
    assert_eq!(none["exchanges"].as_array().unwrap().len(), 0);
    assert_eq!(serde_json::to_value(session.report(99)).unwrap()["exchanges"], json!([]));
}

#[test]
fn exports_are_redacted_everywhere() {
    let s = Events::default();
    let url = format!("{API}/me?access_token=tok-4f9c2a6e1b2c&page=2");
    let mut session = new_session();
    let script = [("Authorization", "Bearer sk-live-51HqLyjWDarjtT1zdp7dc"), ("X-Api-Key", "key-8c1e7f0a9b"), ("X-Trace", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4")];
    let mut events = vec![s.ev("onBeforeRequest", "1", "GET", &url, 0.0, json!({}))];
    let allow = [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Headers", "authorization, x-api-key, x-trace")];
    events.extend(s.options("2", &url, "GET", "authorization,x-api-key,x-trace", 1.0, 204, &allow));
    let mut sent = browser_headers();
    sent.extend(script);
    sent.push(("Cookie", "sid=cookie-value-123456"));
    events.push(s.ev("onSendHeaders", "1", "GET", &url, 5.0, json!({"requestHeaders": hdrs(&sent)})));
    events.push(s.ev("onHeadersReceived", "1", "GET", &url, 6.0, json!({"statusCode": 200, "responseHeaders": hdrs(&[("Set-Cookie", "sid=set-cookie-secret-987; HttpOnly"), ("Content-Type", "application/json")])})));
    events.push(s.ev("onErrorOccurred", "1", "GET", &url, 7.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    let report = session.report(TAB);
    // The live report keeps script-set values for the panel; the verdict does not echo secrets.
    let e = &report.exchanges[0];
    assert!(e.exchange.as_ref().unwrap().request.headers.iter().any(|(n, v)| n == "Authorization" && v.starts_with("Bearer")));
    // The cookie means credentials mode 'include': the preflight lacks Allow-Credentials.
    assert_eq!(e.verdict.as_ref().unwrap().error, Some(CorsError::PreflightInvalidAllowCredentials));
    let secrets = ["sk-live-51HqLyjWDarjtT1zdp7dc", "key-8c1e7f0a9b", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4", "tok-4f9c2a6e1b2c", "cookie-value-123456", "set-cookie-secret-987"];
    for format in [ExportFormat::Json, ExportFormat::Markdown] {
        let text = session.export(TAB, None, format);
        for secret in secrets {
            assert!(!text.contains(secret), "{format:?} export leaks {secret}:\n{text}");
        }
        assert!(text.contains("[redacted]"));
    }
    let json: Value = serde_json::from_str(&session.export(TAB, None, ExportFormat::Json)).unwrap();
    let exported_url = json["exchanges"][0]["url"].as_str().unwrap();
    assert_eq!(exported_url, format!("{API}/me?access_token=[redacted]&page=2"));
    let headers = &json["exchanges"][0]["exchange"]["request"]["headers"];
    assert!(headers.as_array().unwrap().iter().any(|h| h[0] == "X-Api-Key" && h[1] == "[redacted]"));
    assert!(headers.as_array().unwrap().iter().any(|h| h[0] == "Accept" && h[1] == "*/*"), "ordinary values stay");
}

#[test]
fn markdown_summarises_each_failure() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "9", "PUT", &url, 0.0, json!({}))];
    events.extend(s.options("10", &url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
    events.push(s.ev("onErrorOccurred", "9", "PUT", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    feed(&mut session, put_ok(&s, 50, &format!("{API}/fine"), 10.0, Some(ok_preflight(Some("0")))));
    let md = session.export(TAB, None, ExportFormat::Markdown);
    assert!(md.starts_with("# CORS Lens report (tab 7)"), "{md}");
    assert!(md.contains("2 cross-origin requests, 1 failed"), "{md}");
    assert!(md.contains(&format!("### PUT {url}")), "{md}");
    assert!(md.contains("It does not have HTTP ok status."), "{md}");
    assert!(md.contains("PreflightInvalidStatus at the preflight"), "{md}");
    assert!(md.contains("OPTIONS → 404 in 3.0 ms (matched by order)"), "{md}");
    assert!(md.contains("`net::ERR_FAILED`"), "{md}");
    assert!(md.contains("| zero |"), "{md}");
    assert!(!md.contains(&format!("### PUT {API}/fine")), "successes get no failure section: {md}");
}
