//! Helpers shared by the session tests (session_*_test.rs): webRequest event sequences in the shapes
//! Chromium 156 produces (see docs/capture.md), fed to a `Session` through the JSON ends the extension uses.

// Each test file uses a subset of these.
#![allow(dead_code)]
#![allow(clippy::too_many_arguments)]

// Re-exported: the types these helpers take and return.
pub use cors_lens::session::{ExportFormat, Session, SessionConfig};
use cors_lens::session::{report, EventError, HarEntry, IngestResult, RawEvent, Report};
pub use serde_json::{json, Value};

/// The JSON ends of the session, as the extension's JavaScript uses them through wasm.
pub trait Json {
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
        report::export_text(self.redacted_report(tab_id, ids), format)
    }
}

pub const TAB: i64 = 7;
pub const PAGE: &str = "http://127.0.0.1:8001";
pub const API: &str = "http://127.0.0.1:8002";
pub const T0: f64 = 1_732_690_000_000.0;

/// Builds webRequest `details` objects with the fields Chromium 156 sends on every event.
pub struct Events {
    pub frame: i64,
    pub document: String,
    pub initiator: String,
    pub resource_type: String,
}

impl Default for Events {
    fn default() -> Self {
        Events { frame: 0, document: "DOC-1".into(), initiator: PAGE.into(), resource_type: "xmlhttprequest".into() }
    }
}

pub fn hdrs(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
}

/// Headers the browser adds to every fetch (a script cannot set them).
pub fn browser_headers() -> Vec<(&'static str, &'static str)> {
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
    pub fn ev(&self, event: &str, id: &str, method: &str, url: &str, t: f64, extra: Value) -> Value {
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

    pub fn preflight_request_headers(method: &str, acrh: &str) -> Value {
        let mut h = vec![("Accept", "*/*"), ("Access-Control-Request-Method", method)];
        if !acrh.is_empty() {
            h.push(("Access-Control-Request-Headers", acrh));
        }
        h.extend([("Origin", PAGE), ("User-Agent", "HeadlessChrome/156"), ("Sec-Fetch-Mode", "cors")]);
        hdrs(&h)
    }

    /// The full allextra sequence of one OPTIONS: 6 events from `t` to `t + 3`.
    pub fn options(&self, id: &str, url: &str, method: &str, acrh: &str, t: f64, status: u16, response: &[(&str, &str)]) -> Vec<Value> {
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

    /// The recorded 404 preflight case: a PUT (id `id`) whose OPTIONS (id + 1, announcing `acrh`) got 404 with
    /// the page's origin allowed, so the PUT was never sent.
    pub fn put_stopped_by_404_preflight(&self, id: &str, url: &str, acrh: &str) -> Vec<Value> {
        let options = (id.parse::<u32>().expect("a numeric id") + 1).to_string();
        let mut events = vec![self.ev("onBeforeRequest", id, "PUT", url, 0.0, json!({}))];
        events.extend(self.options(&options, url, "PUT", acrh, 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]));
        events.push(self.ev("onErrorOccurred", id, "PUT", url, 5.0, json!({"error": "net::ERR_FAILED"})));
        events
    }

    /// An actual request that is sent and answered: send headers, response, then completion or error.
    pub fn sent(&self, id: &str, method: &str, url: &str, script: &[(&str, &str)], t: f64, status: u16, response: &[(&str, &str)], error: Option<&str>) -> Vec<Value> {
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

pub fn feed(session: &mut Session, events: impl IntoIterator<Item = Value>) {
    for e in events {
        session.ingest_value(e.clone()).unwrap_or_else(|err| panic!("{err}: {e}"));
    }
}

pub fn new_session() -> Session {
    Session::new(SessionConfig::default())
}

pub fn ok_preflight(max_age: Option<&'static str>) -> Vec<(&'static str, &'static str)> {
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
pub fn put_ok(s: &Events, id: u32, url: &str, t: f64, options: Option<Vec<(&'static str, &'static str)>>) -> Vec<Value> {
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

pub fn chromium_line(report: &Report, index: usize) -> String {
    report.exchanges[index].verdict.as_ref().unwrap().console.as_ref().unwrap().chromium.clone().unwrap()
}

pub fn find_id(session: &Session, record_id: &str) -> String {
    session.tabs.get(&TAB).unwrap().records.iter().find(|r| r.id == record_id).unwrap().flight.request_id.clone()
}

pub fn har(url: &str, acrm: &str, acrh: &str, started: f64, status: u16, response: &[(&str, &str)]) -> HarEntry {
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
        ..HarEntry::default()
    }
}

pub fn cost_session(max_age: Option<&'static str>, starts: &[f64]) -> (Session, Report) {
    cost_session_with(max_age, starts, &[])
}

/// PUT calls at `starts` (ms); `options_at` lists which of them sent an OPTIONS (empty: all).
pub fn cost_session_with(max_age: Option<&'static str>, starts: &[f64], options_at: &[usize]) -> (Session, Report) {
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
