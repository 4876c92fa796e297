//! DevTools HAR entries fed to the session: a preflight's entry confirms a match or supplies one webRequest
//! could not see; a request's own entry names the API that made it; entries CORS cannot concern change nothing.

mod common;
use common::*;
use cors_lens::error::CorsError;

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
    // DevTools' entry for the request itself names the API that made it: the console's wording follows.
    let mut xhr = har(&url, "PUT", "", 0.0, 0, &[]);
    xhr.method = "PUT".into();
    xhr.request_headers = vec![("X-Test".into(), "1".into())];
    xhr.resource_type = Some("xhr".into());
    xhr.initiator_type = Some("script".into());
    assert!(session.ingest_har(TAB, xhr).unwrap().changed);
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1, "the same request, not a new one");
    assert_eq!(report.exchanges[0].resource_type.as_deref(), Some("xhr"));
    assert!(chromium_line(&report, 0).starts_with("Access to XMLHttpRequest at"), "{}", chromium_line(&report, 0));
    // An entry CORS cannot concern (an image without Origin) changes nothing.
    let mut image = har(&format!("{API}/logo.png"), "GET", "", 0.0, 200, &[]);
    image.method = "GET".into();
    image.request_headers = Vec::new();
    image.resource_type = Some("image".into());
    image.initiator_type = Some("parser".into());
    assert!(!session.ingest_har(TAB, image).unwrap().changed);
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
