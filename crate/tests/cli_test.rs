//! The `cors-lens` binary as a user runs it: examples, JSONL, malformed input and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-lens"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_issue_example_infers_credentials_from_the_wildcard() {
    let out = run(&["check", "examples/put-cached-preflight.json"], "");
    assert!(out.status.success());
    let v = json(&out);
    assert_eq!(v["allowed"], false);
    assert_eq!(v["error"], "WildcardOriginNotAllowed");
    assert_eq!(v["stage"], "response");
    assert_eq!(v["preflight_required"], true);
    assert_eq!(v["preflight_observed"], false);
    assert_eq!(v["inferred"]["credentials_mode"], "include");
    assert!(v["warnings"][0].as_str().unwrap().contains("no OPTIONS was captured"));
}

#[test]
fn the_classic_preflight_404_explains_and_fixes() {
    let out = run(&["check", "--text", "--fix", "express", "examples/preflight-404.json"], "");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("OPTIONS /api/submit"), "{text}");
    assert!(text.contains("404 Not Found"));
    assert!(text.contains("Access-Control-Request-Headers: authorization,content-type"));
    assert!(text.contains("origin: [\"https://app.example.com\"]"), "{text}");
    assert!(!text.contains("eyJhbGciOiJIUzI1NiJ9"), "the Authorization value is redacted");
}

#[test]
fn jsonl_keeps_order_and_marks_bad_lines_in_place() {
    let good = r#"{"request": {"method": "GET", "url": "https://api.example.com/", "origin": "https://app.example.com", "credentials_mode": "omit"}, "response": {"status": 200, "headers": []}}"#;
    let input = format!("{good}\nnot json\n\n{good}\n");
    let out = run(&["check", "--jsonl", "-"], &input);
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["error"], "MissingAllowOriginHeader");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["error"], "MissingAllowOriginHeader");
}

#[test]
fn malformed_input_names_the_field_and_exits_2() {
    for (input, field) in [
        (r#"{"request": {"method": "GET", "origin": "https://a.com"}}"#, "url"),
        (r#"{"request": {"method": "GET", "url": "nota url", "origin": "https://a.com"}}"#, "request.url"),
        (r#"{"request": {"method": "GET", "url": "https://b.com/", "origin": "https://a.com/path"}}"#, "request.origin"),
        (r#"{"request": {"method": "GET", "url": "https://b.com/", "origin": "https://a.com", "credentials_mode": "sometimes"}}"#, "request.credentials_mode"),
        (r#"{"request": {"method": "GET", "url": "https://b.com/", "origin": "https://a.com"}, "response": {"status": "200"}}"#, "response.status"),
        (r#"{"request": {"method": "G T", "url": "https://b.com/", "origin": "https://a.com"}}"#, "request.method"),
        ("[1, 2", "invalid exchange"),
    ] {
        let out = run(&["check", "-"], input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(field), "{input}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn huge_and_odd_values_get_a_verdict_not_a_panic() {
    let huge = "x".repeat(1_000_000);
    let input = serde_json::json!({
        "request": {"method": "GET", "url": "https://api.example.com/", "origin": "https://app.example.com",
                    "headers": [["X-\u{0}odd\u{7f}", huge], ["Accept", "\u{1}\u{ff}"]]},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", format!("https://app.example.com\u{0}{huge}")]]},
        "unknown_field": {"nested": true}
    });
    let out = run(&["check", "-"], &input.to_string());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["allowed"], false);
    // A NUL byte makes the value an invalid URL, as it would for Chromium's GURL.
    assert_eq!(v["error"], "InvalidAllowOriginValue");
}

#[test]
fn frameworks_lists_verification_status() {
    let out = run(&["frameworks", "--json"], "");
    let list = json(&out);
    let express = list.as_array().unwrap().iter().find(|f| f["id"] == "express").expect("express is listed");
    assert_eq!(express["verified_live"], true);
    assert_eq!(express["group"], "node");
    assert_eq!(express["group_name"], "Node.js");
    // The text listing: a heading per stack, its frameworks indented under it.
    let text = String::from_utf8(run(&["frameworks"], "").stdout).unwrap();
    let node = text.find("Node.js\n").expect("a Node.js heading");
    let proxies = text.find("\nWeb servers and proxies\n").expect("a proxies heading");
    assert!(node < text.find("\n  express ").unwrap() && text.find("\n  nginx ").unwrap() > proxies, "{text}");
    let out = run(&["fix", "no-such-framework", "examples/preflight-404.json"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("unknown framework"));
}
