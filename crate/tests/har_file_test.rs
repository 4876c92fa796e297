//! `cors-lens har` on examples/chromium.har, a HAR Chromium's DevTools recorded (tests/e2e/record-har-example.mjs),
//! held to what Chromium reported in that same run (examples/chromium.har.expected.json: its CORS error and
//! console line per URL); the same recording as Firefox and Safari write HAR (no preflight or API marks);
//! bad input. The live proof, recorded in the test itself, is tests/e2e/har-chromium.test.mjs.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-lens"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A binary that stops reading early (bad input) closes the pipe: that is its answer, not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{ROOT}/examples/chromium.har.expected.json")).unwrap();
    serde_json::from_str::<Vec<Value>>(&text).unwrap()
}

/// Failures that only a request's credentials mode explains: a HAR shows that mode only through the
/// request's cookies (none in a fresh profile) or the browser's own error mark (`_error`, Chrome's alone).
const CREDENTIALS_ERRORS: [&str; 2] = ["InvalidAllowCredentials", "WildcardOriginNotAllowed"];

/// Every request Chromium blocked is listed once, failed, with Chromium's error and line; the others as allowed.
/// `marks`: the file says which requests failed and which API made them (Chrome's `_error`, `_resourceType`);
/// without them Chromium's line can only say `fetch`, whichever API the page used.
fn assert_as_chromium_said(listed: &[Value], marks: bool) {
    let expected = expected();
    assert!(expected.iter().filter(|e| e["blocked"] == true).count() >= 5, "the recording has its failures");
    for e in &expected {
        let found: Vec<&Value> = listed.iter().filter(|l| l["url"] == e["url"]).collect();
        assert_eq!(found.len(), 1, "{} listed once", e["id"]);
        let l = found[0];
        if !marks && CREDENTIALS_ERRORS.iter().any(|c| e["cors_error"] == *c) {
            continue;
        }
        assert_eq!(l["failed"], e["blocked"], "{}", e["id"]);
        if e["blocked"] == true {
            assert_eq!(l["error"], e["cors_error"], "{}", e["id"]);
            let api_unknown = |line: &Value| line.as_str().unwrap().replacen("Access to XMLHttpRequest at", "Access to fetch at", 1);
            if marks {
                assert_eq!(l["console"], e["console"], "{}", e["id"]);
            } else {
                assert_eq!(api_unknown(&l["console"]), api_unknown(&e["console"]), "{}", e["id"]);
            }
        } else {
            assert_eq!(l["console"], Value::Null, "{}", e["id"]);
        }
    }
}

#[test]
fn a_chromium_har_lists_every_failure_as_chromium_reported_it() {
    let listed = lines(&run(&["har", "--jsonl", "examples/chromium.har"], b""));
    assert_as_chromium_said(&listed, true);
    // Preflights paired: a preflight's 404 is the request's.
    assert!(listed.iter().any(|l| l["error"] == "PreflightInvalidStatus" && l["preflight"]["status"] == 404 && l["preflight"]["match"] == "har"));
}

#[test]
fn the_text_shows_each_failure_its_line_the_cost_and_what_a_sanitized_file_hides() {
    let out = run(&["har", "examples/chromium.har"], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for e in expected().iter().filter(|e| e["blocked"] == true) {
        assert!(text.contains(&format!("Console: {}", e["console"].as_str().unwrap())), "{}", e["id"]);
    }
    let preflights = std::fs::read_to_string(format!("{ROOT}/examples/chromium.har")).unwrap().matches("\"_resourceType\": \"preflight\"").count();
    assert!(text.contains(&format!("Preflight cost: {preflights} preflights")), "{text}");
    // The recording carries no cookie or Authorization, as a sanitized export: the text says what that hides.
    assert!(text.contains("sanitized"), "{text}");
}

/// The recording as a browser that marks nothing writes it: no `_resourceType`, `_initiator` or `_error`.
fn unmarked(creator: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{ROOT}/examples/chromium.har")).unwrap();
    let mut har: Value = serde_json::from_str(&text).unwrap();
    har["log"]["creator"] = serde_json::json!({"name": creator, "version": "1"});
    for entry in har["log"]["entries"].as_array_mut().unwrap() {
        let entry = entry.as_object_mut().unwrap();
        entry.retain(|k, _| !k.starts_with('_'));
        entry["response"].as_object_mut().unwrap().retain(|k, _| !k.starts_with('_'));
    }
    serde_json::to_vec(&har).unwrap()
}

#[test]
fn without_preflight_marks_preflights_are_known_by_their_headers() {
    let listed = lines(&run(&["har", "--jsonl", "--browser", "chromium", "-"], &unmarked("WebKit Web Inspector")));
    assert_as_chromium_said(&listed, false);
    let text = String::from_utf8(run(&["har", "-"], &unmarked("WebKit Web Inspector")).stdout).unwrap();
    assert!(text.contains("does not mark preflights"), "{text}");
}

#[test]
fn a_firefox_har_is_judged_by_firefox_unless_told_otherwise() {
    let listed = lines(&run(&["har", "--jsonl", "-"], &unmarked("Firefox")));
    let failed: Vec<&Value> = listed.iter().filter(|l| l["failed"] == true).collect();
    assert!(!failed.is_empty());
    for l in failed {
        assert_eq!(l["verdict"]["browser"], "firefox");
        assert_eq!(l["console"], l["verdict"]["console"]["firefox"]);
        assert!(l["console"].as_str().unwrap().starts_with("Cross-Origin Request Blocked"), "{}", l["console"]);
    }
}

#[test]
fn bad_input_names_what_is_wrong_and_exits_2() {
    let cases: [(&[u8], &str); 5] = [
        (b"", "it is empty"),
        (b"hello", "not a HAR file"),
        (b"{\"log\": {\"entries\": [{\"request\": {\"url\": 5}}]}}", "log.entries[0].request.url"),
        (b"{\"entries\": []}", "missing field `log`"),
        (b"{\"log\": {\"entries\": []}} {}", "more after the HAR object"),
    ];
    for (input, says) in cases {
        let out = run(&["har", "-"], input);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(input));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = run(&["har", "examples/no-such.har"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read examples/no-such.har"));
}
