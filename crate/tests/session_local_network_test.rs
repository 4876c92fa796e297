//! The session on Local Network Access and failures below CORS (docs/local-network.md): the page's IP from
//! its document's response, DevTools' name for a preflight LNA stopped, and a blocker's error in the panel's words.

mod common;

use common::*;
use cors_lens::network_failure::NetworkFailure;
use cors_lens::CorsError;

/// A DELETE whose preflight and request both end in net::ERR_FAILED, as webRequest shows an LNA refusal.
fn delete_stopped(s: &Events, url: &str) -> Vec<Value> {
    vec![
        s.ev("onBeforeRequest", "60", "DELETE", url, 10.0, json!({})),
        s.ev("onBeforeRequest", "61", "OPTIONS", url, 11.0, json!({})),
        s.ev("onSendHeaders", "61", "OPTIONS", url, 11.0, json!({"requestHeaders": Events::preflight_request_headers("DELETE", "")})),
        s.ev("onErrorOccurred", "61", "OPTIONS", url, 12.0, json!({"error": "net::ERR_FAILED"})),
        s.ev("onErrorOccurred", "60", "DELETE", url, 13.0, json!({"error": "net::ERR_FAILED"})),
    ]
}

#[test]
fn the_page_ip_from_its_document_makes_a_failed_preflight_to_the_local_network_an_lna_refusal() {
    let page = "https://app.example.com";
    let s = Events { initiator: page.into(), ..Events::default() };
    let document = Events { resource_type: "main_frame".into(), ..Events::default() };
    let url = "http://192.168.1.10/printers/1";
    let mut session = new_session();
    feed(&mut session, [
        document.ev("onBeforeRequest", "50", "GET", &format!("{page}/"), 0.0, json!({})),
        document.ev("onCompleted", "50", "GET", &format!("{page}/"), 5.0, json!({"statusCode": 200, "ip": "203.0.113.5"})),
    ]);
    feed(&mut session, delete_stopped(&s, url));
    let report = session.report(TAB);
    let v = report.exchanges[0].verdict.as_ref().unwrap();
    assert_eq!(report.exchanges[0].exchange.as_ref().unwrap().request.initiator_ip.as_deref(), Some("203.0.113.5"));
    assert_eq!(v.error, Some(CorsError::LocalNetworkAccessPermissionDenied));
    assert_eq!(
        chromium_line(&report, 0),
        format!("Access to fetch at '{url}' from origin '{page}' has been blocked by CORS policy: Permission was denied for this request to access the `local` address space.")
    );
    // Without the document's IP the same capture is only a preflight that failed below HTTP.
    let mut blind = new_session();
    feed(&mut blind, delete_stopped(&s, url));
    assert_eq!(blind.report(TAB).exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightNetworkError));
}

#[test]
fn devtools_names_the_lna_check_webrequest_calls_err_failed() {
    let s = Events::default();
    let url = format!("{API}/lna");
    let mut session = new_session();
    feed(&mut session, delete_stopped(&s, &url));
    assert_eq!(session.report(TAB).exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightNetworkError));
    let mut entry = har(&url, "DELETE", "", 11.0, 0, &[]);
    entry.error = Some("net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS".into());
    session.ingest_har(TAB, entry).unwrap();
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    assert_eq!(e.preflight.as_ref().unwrap().net_error.as_deref(), Some("net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS"));
    let v = e.verdict.as_ref().unwrap();
    // The page at 127.0.0.1 is a secure context; Chromium treated it as public (declared so), which only the error shows.
    assert_eq!(v.error, Some(CorsError::LocalNetworkAccessPermissionDenied));
    assert!(chromium_line(&report, 0).ends_with("Permission was denied for this request to access the `loopback` address space."));
    assert_eq!(e.view.reason, "Local Network Access: permission not granted");
}

#[test]
fn a_blocked_request_reads_as_what_blocked_it() {
    let s = Events::default();
    let url = format!("{API}/ads/track");
    let mut session = new_session();
    feed(&mut session, [
        s.ev("onBeforeRequest", "70", "GET", &url, 0.0, json!({})),
        s.ev("onErrorOccurred", "70", "GET", &url, 1.0, json!({"error": "net::ERR_BLOCKED_BY_CLIENT"})),
    ]);
    let report = session.report(TAB);
    let e = &report.exchanges[0];
    let v = e.verdict.as_ref().unwrap();
    assert_eq!((v.network_failure, v.error, v.server_fix), (Some(NetworkFailure::BlockedByClient), None, false));
    let view = &e.view;
    assert_eq!(view.reason, NetworkFailure::BlockedByClient.label());
    assert_eq!(view.headline, NetworkFailure::BlockedByClient.label());
    assert_eq!(view.status, "(failed) net::ERR_BLOCKED_BY_CLIENT");
    let markdown = session.export(TAB, None, ExportFormat::Markdown);
    assert!(markdown.contains(&format!("- **Not CORS:** {}\n", NetworkFailure::BlockedByClient.label())), "{markdown}");
}
