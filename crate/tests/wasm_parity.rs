//! The wasm build gives the native build's verdicts on the whole corpus, byte for byte as JSON.
//!
//! Run by `./build.sh test` in headless Chromium (wasm-bindgen-test-runner). build.sh first writes, under
//! `$CORS_LENS_PARITY_DIR`:
//! - `cases.jsonl`: one `{"name", "exchange"}` per line: every exchange of crate/tests/corpus/*.json, plus a
//!   few unusable ones;
//! - `native.jsonl`: what the native CLI printed for those exchanges (`cors-lens check --jsonl -`), one line
//!   each: a verdict, or `{"error", "line"}` for an unusable exchange;
//!
//! and sets `CORS_LENS_PARITY_MIN`, the least number of cases to compare (more than 200 once the corpus exists).
//! Each exchange crosses into wasm as a plain JS object through the exported `check`, and its verdict comes
//! back as one, so the binding is exercised as the extension uses it.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CASES: &str = include_str!(concat!(env!("CORS_LENS_PARITY_DIR"), "/cases.jsonl"));
const NATIVE: &str = include_str!(concat!(env!("CORS_LENS_PARITY_DIR"), "/native.jsonl"));
const MIN: &str = env!("CORS_LENS_PARITY_MIN");

/// JSON text → a plain JS value, as the extension builds it.
fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).expect("JSON.parse")
}

/// A plain JS value → JSON, as the extension would send or store it.
fn json(value: &JsValue) -> Value {
    let text: String = js_sys::JSON::stringify(value).expect("JSON.stringify").into();
    serde_json::from_str(&text).expect("JSON.stringify gives JSON")
}

/// "invalid exchange at request.url: <serde's words>" → "invalid exchange at request.url": the field path is
/// the same on both sides, the deserialiser's own wording (serde_json vs serde-wasm-bindgen) is not.
fn error_head(message: &str) -> &str {
    message.split(": ").next().unwrap_or(message)
}

#[wasm_bindgen_test]
fn wasm_verdicts_equal_native_verdicts_on_the_corpus() {
    let cases: Vec<&str> = CASES.lines().filter(|l| !l.trim().is_empty()).collect();
    let native: Vec<&str> = NATIVE.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(cases.len(), native.len(), "cases.jsonl and native.jsonl differ in length");
    let min: usize = MIN.parse().expect("CORS_LENS_PARITY_MIN is a number");

    let (mut verdicts, mut rejected) = (0usize, 0usize);
    let mut mismatches = Vec::new();
    for (case, native) in cases.iter().zip(&native) {
        let case: Value = serde_json::from_str(case).expect("a case is JSON");
        let name = case["name"].as_str().unwrap_or("?").to_owned();
        let native: Value = serde_json::from_str(native).expect("a native line is JSON");
        let native_error = native.get("line").and(native.get("error")).and_then(Value::as_str);
        match (cors_lens::wasm::check(js(&case["exchange"]), None), native_error) {
            (Ok(verdict), None) => {
                let wasm = json(&verdict);
                if wasm == native {
                    verdicts += 1;
                } else {
                    mismatches.push(format!("{name}:\n  native {native}\n  wasm   {wasm}"));
                }
            }
            (Err(error), Some(native_error)) => {
                let error: js_sys::Error = JsValue::from(error).into();
                let message: String = error.message().into();
                if error_head(&message) == error_head(native_error) {
                    rejected += 1;
                } else {
                    mismatches.push(format!("{name}: both reject, but\n  native {native_error}\n  wasm   {message}"));
                }
            }
            (Ok(verdict), Some(native_error)) => {
                mismatches.push(format!("{name}: native rejects ({native_error}), wasm gives {}", json(&verdict)))
            }
            (Err(error), None) => {
                let error: js_sys::Error = JsValue::from(error).into();
                mismatches.push(format!("{name}: wasm rejects ({}), native gives {native}", String::from(error.message())))
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ between wasm and native; first ones:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(rejected > 0, "the unusable exchanges build.sh adds were not compared");
    assert!(verdicts >= min, "only {verdicts} verdicts compared, expected at least {min}");
    console_log!("wasm parity: {verdicts} verdicts and {rejected} input errors identical to native");
}

#[wasm_bindgen_test]
fn check_many_equals_check() {
    let exchanges: Vec<Value> = CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["exchange"].take())
        .filter(|e| cors_lens::wasm::check(js(e), None).is_ok())
        .take(50)
        .collect();
    assert!(!exchanges.is_empty());
    let array = js_sys::Array::new();
    for e in &exchanges {
        array.push(&js(e));
    }
    let many = cors_lens::wasm::check_many(array).expect("checkMany");
    assert_eq!(many.length() as usize, exchanges.len());
    for (i, e) in exchanges.iter().enumerate() {
        assert_eq!(json(&many.get(i as u32)), json(&cors_lens::wasm::check(js(e), None).unwrap()), "exchange {i}");
    }
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(cors_lens::wasm::version(), env!("CARGO_PKG_VERSION"));
}

/// A session's report crosses as the same JSON however its strings are decoded: the binding hands JS
/// each ASCII string of a small value as a slice of one decoded text, and decodes the others, and every
/// string of a value past 64 KB of them, one by one (crate/src/wasm/strings_at_once.rs). Reports mixing
/// ASCII, non-ASCII and empty strings, with maps, of one exchange and of sixty, are compared with
/// serde_json's serialisation of the same reports, made in wasm from the same events.
#[wasm_bindgen_test]
fn session_reports_cross_with_every_string_intact() {
    use cors_lens::session::{RawEvent, Session};
    let (page, api, tab) = ("http://127.0.0.1:8001", "http://127.0.0.1:8002/caf%C3%A9/☕", 7);
    let headers = |pairs: &[(&str, &str)]| Value::Array(pairs.iter().map(|(n, v)| serde_json::json!({"name": n, "value": v})).collect());
    let script = headers(&[("Origin", page), ("X-Note", "café ☕ naïve"), ("X-Empty", ""), ("X-Ascii", "plain"), ("Content-Type", "application/json")]);
    let preflight = headers(&[("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "content-type,x-ascii,x-empty,x-note"), ("Origin", page)]);
    // One failed PUT and its 404 preflight; `n` tells the copies apart.
    let exchange = |n: usize| {
        let t = n as f64 * 10.0;
        let event = |event: &str, id: usize, method: &str, dt: f64, extra: Value| {
            let mut v = serde_json::json!({
                "event": event, "requestId": id.to_string(), "url": api, "method": method, "tabId": tab, "frameId": 0,
                "parentFrameId": -1, "initiator": page, "type": "xmlhttprequest", "timeStamp": 1_732_690_000_000.0 + t + dt,
            });
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            v
        };
        let (options, put) = (2 * n, 2 * n + 1);
        vec![
            event("onBeforeRequest", options, "OPTIONS", 0.0, serde_json::json!({})),
            event("onBeforeSendHeaders", options, "OPTIONS", 0.0, serde_json::json!({"requestHeaders": preflight})),
            event("onHeadersReceived", options, "OPTIONS", 2.0, serde_json::json!({"statusCode": 404, "responseHeaders": headers(&[("Content-Type", "text/plain; charset=utf-8"), ("X-Reason", "")])})),
            event("onCompleted", options, "OPTIONS", 3.0, serde_json::json!({"statusCode": 404, "fromCache": false})),
            event("onBeforeRequest", put, "PUT", 0.0, serde_json::json!({})),
            event("onBeforeSendHeaders", put, "PUT", 0.0, serde_json::json!({"requestHeaders": script})),
            event("onErrorOccurred", put, "PUT", 4.0, serde_json::json!({"error": "net::ERR_FAILED", "fromCache": false})),
        ]
    };

    for copies in [1, 60] {
        let mut wasm = cors_lens::wasm::WasmSession::new(JsValue::UNDEFINED).expect("a session");
        let mut native = Session::new(Default::default());
        for e in (0..copies).flat_map(exchange) {
            wasm.ingest(js(&e)).expect("wasm ingests the event");
            native.ingest(serde_json::from_value::<RawEvent>(e.clone()).expect("a RawEvent")).expect("native ingests the event");
        }
        // Through JS once, so that numbers compare as JS writes them (3, not serde_json's 3.0).
        let expected = json(&js(&serde_json::to_value(native.redacted_report(tab, None)).expect("the report as JSON")));
        let crossed = json(&wasm.report(tab as f64).expect("a report"));
        assert_eq!(crossed, expected, "the report of {copies} exchange(s)");
        let text = expected.to_string();
        // Header values are bytes: the UTF-8 value arrives as one code point per byte (crate/src/headers.rs),
        // all of them non-ASCII, some C1 controls; the URL keeps characters past U+00FF.
        let note_as_bytes: String = "café ☕ naïve".bytes().map(char::from).collect();
        for s in [note_as_bytes.as_str(), "/caf%C3%A9/☕", "‘Access-Control-Allow-Origin’", "\"X-Empty\",\"\"", "PreflightMissingAllowOriginHeader"] {
            assert!(text.contains(s), "the report should carry {s:?}, so this test covers it: {text}");
        }
        let report_kb = text.len() / 1024;
        assert!(if copies == 1 { report_kb < 16 } else { report_kb > 128 }, "{copies} exchange(s): a {report_kb} KB report");
    }
}
