//! Where each target starts: the engine's corpus exchanges (crate/tests/corpus), webRequest sequences
//! and DevTools records in the shapes Chromium 156 produces, and the minimised crashes kept as
//! regressions (fuzz/regressions/<target>/).

use std::path::Path;

use serde_json::{json, Value};

const PAGE: &str = "http://127.0.0.1:8001";
const API: &str = "http://127.0.0.1:8002";

pub fn seeds(target: &str, root: &Path) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = match target {
        "check" | "fixes" => corpus_exchanges(root),
        "session" => sessions().into_iter().map(|s| s.to_string().into_bytes()).collect(),
        "har" => vec![json!(har_entries()).to_string().into_bytes()],
        // A HAR Chromium recorded (tests/e2e/record-har-example.mjs).
        "har_file" => std::fs::read(root.join("examples/chromium.har")).into_iter().collect(),
        _ => Vec::new(),
    };
    out.extend(regressions(target, root));
    out
}

/// The minimised inputs that once failed, one file each.
pub fn regressions(target: &str, root: &Path) -> Vec<Vec<u8>> {
    let dir = root.join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

fn corpus_exchanges(root: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(root.join("crate/tests/corpus")).into_iter().flatten().flatten().map(|e| e.path()).collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| serde_json::from_slice::<Vec<Value>>(&std::fs::read(f).ok()?).ok())
        .flatten()
        .filter_map(|case| case.get("exchange").map(|x| x.to_string().into_bytes()))
        .collect()
}

fn ev(event: &str, id: &str, method: &str, url: &str, t: f64, extra: Value) -> Value {
    let mut v = json!({"event": event, "requestId": id, "url": url, "method": method, "tabId": 7, "frameId": 0,
        "parentFrameId": -1, "documentId": "DOC-1", "initiator": PAGE, "type": "xmlhttprequest", "timeStamp": 1.7e12 + t});
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        m.extend(x);
    }
    v
}

fn headers(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
}

/// A PUT stopped by its 404 preflight, a GET answered without CORS headers after a redirect, with a
/// snapshot between, and a navigation.
fn sessions() -> Vec<Value> {
    let put = format!("{API}/put?id=1");
    let sent = headers(&[("Origin", PAGE), ("X-Test", "1"), ("Authorization", "Bearer abcdefghijklmnop0123456789")]);
    let preflight = headers(&[("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "authorization,x-test"), ("Origin", PAGE)]);
    let answer = headers(&[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PUT")]);
    let blocked = vec![
        ev("onBeforeRequest", "1", "PUT", &put, 0.0, json!({})),
        ev("onBeforeRequest", "2", "OPTIONS", &put, 1.0, json!({})),
        ev("onSendHeaders", "2", "OPTIONS", &put, 1.0, json!({"requestHeaders": preflight})),
        ev("onHeadersReceived", "2", "OPTIONS", &put, 2.0, json!({"statusCode": 404, "statusLine": "HTTP/1.1 404 Not Found", "responseHeaders": answer})),
        json!({"snapshot": true}),
        ev("onCompleted", "2", "OPTIONS", &put, 3.0, json!({"statusCode": 404, "responseHeaders": answer})),
        ev("onSendHeaders", "1", "PUT", &put, 4.0, json!({"requestHeaders": sent})),
        ev("onErrorOccurred", "1", "PUT", &put, 5.0, json!({"error": "net::ERR_FAILED"})),
    ];
    let get = format!("{API}/get");
    let redirected = vec![
        ev("onBeforeRequest", "3", "GET", &get, 0.0, json!({})),
        ev("onBeforeRedirect", "3", "GET", &get, 1.0, json!({"statusCode": 302, "redirectUrl": format!("{API}/next?code=abc"),
            "responseHeaders": headers(&[("Location", "/next?code=abc"), ("Access-Control-Allow-Origin", "*")])})),
        json!({"snapshot": true}),
        ev("onHeadersReceived", "3", "GET", &format!("{API}/next?code=abc"), 2.0, json!({"statusCode": 200, "responseHeaders": headers(&[("Content-Type", "text/plain")])})),
        ev("onErrorOccurred", "3", "GET", &format!("{API}/next?code=abc"), 3.0, json!({"error": "net::ERR_FAILED"})),
        json!({"navigate": 7}),
        ev("onBeforeRequest", "4", "GET", &get, 4.0, json!({})),
        ev("onErrorOccurred", "4", "GET", &get, 5.0, json!({"error": "net::ERR_CONNECTION_REFUSED"})),
        json!({"har": har_entries()[0], "tab": 7}),
    ];
    vec![Value::Array(blocked), Value::Array(redirected)]
}

/// DevTools' records of a preflight and of the PUT it stopped, as the devtools page summarises them.
fn har_entries() -> Vec<Value> {
    let url = format!("{API}/har?x=1");
    vec![
        json!({"url": url, "method": "OPTIONS", "resource_type": "preflight", "initiator_type": "preflight", "started": 1.7e12, "time": 2.0,
            "status": 404, "request_headers": [["Access-Control-Request-Method", "PUT"], ["Origin", PAGE], ["Referer", format!("{PAGE}/a?t=1")]],
            "response_headers": [["Access-Control-Allow-Origin", PAGE]], "server_ip": "127.0.0.1"}),
        json!({"url": url, "method": "PUT", "resource_type": "fetch", "initiator_type": "script", "initiator_url": format!("{PAGE}/app.js"),
            "initiator_line": 3, "started": 1.7e12, "time": 4.0, "status": 0, "error": "net::ERR_FAILED",
            "request_headers": [["X-Test", "1"], ["Cookie", "sid=1"]], "response_headers": []}),
    ]
}
