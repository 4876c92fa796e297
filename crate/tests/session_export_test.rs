//! The report's JSON shape and its exports (JSON, Markdown), redacted.

mod common;
use common::*;
use cors_lens::error::CorsError;

#[test]
fn report_json_has_the_contract_shape() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    feed(&mut session, s.put_stopped_by_404_preflight("9", &url, "x-test"));
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
    feed(&mut session, s.put_stopped_by_404_preflight("9", &url, "x-test"));
    feed(&mut session, put_ok(&s, 50, &format!("{API}/fine"), 10.0, Some(ok_preflight(Some("0")))));
    let md = session.export(TAB, None, ExportFormat::Markdown);
    assert!(md.starts_with("# CORS Lens report (tab 7)"), "{md}");
    assert!(md.contains("2 cross-origin requests, 1 failed"), "{md}");
    assert!(md.contains(&format!("### `PUT` `{url}`")), "{md}");
    assert!(md.contains("It does not have HTTP ok status."), "{md}");
    assert!(md.contains("PreflightInvalidStatus at the preflight"), "{md}");
    assert!(md.contains("OPTIONS → 404 in 3.0 ms\n"), "{md}");
    assert!(md.contains("`net::ERR_FAILED`"), "{md}");
    assert!(md.contains("| Max-Age 0: never cached |"), "{md}");
    assert!(!md.contains(&format!("`{API}/fine`\n")), "successes get no failure section: {md}");
}
