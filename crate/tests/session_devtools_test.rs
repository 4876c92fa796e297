//! DevTools HAR entries fed to the session: a preflight's entry confirms a match or supplies one webRequest
//! could not see; a request's own entry names the API that made it and the headers of a request its preflight
//! stopped, or becomes an exchange of its own; entries CORS cannot concern change nothing. Also what an
//! observed preflight proves, and header values as bytes.

mod common;
use common::*;
use cors_lens::error::CorsError;
use cors_lens::session::HarEntry;

#[test]
fn har_confirms_a_match() {
    let s = Events::default();
    let url = format!("{API}/preflight404-acao");
    let mut session = new_session();
    feed(&mut session, s.put_stopped_by_404_preflight("9", &url, ""));
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

/// A request DevTools recorded (HAR `_resourceType` fetch or xhr), as the devtools page summarises it.
fn har_request(url: &str, method: &str, resource_type: &str, started: f64, status: u16, headers: &[(&str, &str)], error: Option<&str>) -> HarEntry {
    HarEntry {
        url: url.to_owned(),
        method: method.to_owned(),
        resource_type: Some(resource_type.into()),
        initiator_type: Some("script".into()),
        initiator_url: Some(format!("{PAGE}/app.js")),
        initiator_line: Some(41.0),
        started: Some(T0 + started),
        time: Some(4.0),
        status: Some(f64::from(status)),
        request_headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        error: error.map(str::to_owned),
        ..HarEntry::default()
    }
}

#[test]
fn a_safelisted_name_with_an_unsafe_value_fails_at_its_preflight() {
    // Content-Language: @ is a safelisted name with an unsafe value: the browser preflights it, the preflight
    // lacks Access-Control-Allow-Origin, and the GET is never sent (webRequest never sees its headers).
    let s = Events::default();
    let url = format!("{API}/cl");
    let mut session = new_session();
    let mut events = vec![s.ev("onBeforeRequest", "20", "GET", &url, 0.0, json!({}))];
    events.extend(s.options("21", &url, "GET", "content-language", 1.0, 204, &[("Access-Control-Allow-Headers", "x-test")]));
    events.push(s.ev("onErrorOccurred", "20", "GET", &url, 5.0, json!({"error": "net::ERR_FAILED"})));
    feed(&mut session, events);
    let v = session.report(TAB).exchanges[0].verdict.clone().unwrap();
    assert_eq!(v.error, Some(CorsError::PreflightMissingAllowOriginHeader), "{v:?}");
    assert!(v.preflight_observed && v.preflight_required);
    assert_eq!(v.unsafe_header_names, ["content-language"]);
    // DevTools recorded the value the page set: the reason names it.
    session.ingest_har(TAB, har_request(&url, "GET", "fetch", 0.2, 0, &[("Content-Language", "@"), ("Referer", "http://127.0.0.1:8001/")], Some("net::ERR_FAILED"))).unwrap();
    let x = &session.report(TAB).exchanges[0];
    let v = x.verdict.as_ref().unwrap();
    assert_eq!(v.error, Some(CorsError::PreflightMissingAllowOriginHeader));
    assert_eq!(x.exchange.as_ref().unwrap().request.headers, [("Content-Language".to_owned(), "@".to_owned())]);
    assert!(v.preflight_reasons.iter().any(|r| r.contains("content-language: @")), "{:?}", v.preflight_reasons);
    assert_eq!(x.resource_type.as_deref(), Some("fetch"));
}

#[test]
fn devtools_alone_gives_exchanges_in_either_order() {
    // Failures from before the tab was recorded: only getHAR() has them (the PUT and its OPTIONS in either order).
    let url = format!("{API}/before");
    let put = har_request(&url, "PUT", "xhr", 0.0, 0, &[("X-Test", "1"), ("Referer", "http://127.0.0.1:8001/")], Some("net::ERR_FAILED"));
    let options = har(&url, "PUT", "x-test", 1.0, 404, &[("Access-Control-Allow-Origin", PAGE)]);
    for entries in [vec![put.clone(), options.clone()], vec![options, put]] {
        let mut session = new_session();
        // The backlog comes again when recording resumes: what is known is not added twice.
        for entry in entries.iter().chain(&entries) {
            session.ingest_har(TAB, entry.clone()).unwrap();
        }
        let report = session.report(TAB);
        assert_eq!(report.exchanges.len(), 1);
        assert_eq!(report.preflight_stats[0].count, 1);
        let x = &report.exchanges[0];
        assert_eq!(x.source, "devtools");
        assert_eq!(x.preflight.as_ref().unwrap().matched, "har");
        // DevTools' Initiator column: the calling script and its one-based line; its Type column's word.
        let script = x.initiator_script.as_ref().unwrap();
        assert_eq!((script.url.as_str(), script.line), (format!("{PAGE}/app.js").as_str(), 42));
        assert_eq!((x.view.resource_type.as_str(), x.view.status.as_str()), ("xhr", "CORS error"));
        assert_eq!(x.verdict.as_ref().unwrap().error, Some(CorsError::PreflightInvalidStatus));
        assert_eq!(
            chromium_line(&report, 0),
            format!("Access to XMLHttpRequest at '{url}' from origin '{PAGE}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.")
        );
    }
}

#[test]
fn webrequest_takes_over_an_exchange_devtools_reported_first() {
    let s = Events::default();
    let url = format!("{API}/late");
    let mut session = new_session();
    session.ingest_har(TAB, har_request(&url, "GET", "xhr", 0.5, 200, &[("Origin", PAGE)], Some("net::ERR_FAILED"))).unwrap();
    assert_eq!(session.report(TAB).exchanges[0].source, "devtools");
    let mut events = vec![s.ev("onBeforeRequest", "30", "GET", &url, 0.0, json!({}))];
    events.extend(s.sent("30", "GET", &url, &[], 0.0, 200, &[], Some("net::ERR_FAILED")));
    feed(&mut session, events);
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1, "one request, one exchange");
    assert_eq!(report.exchanges[0].source, "webrequest");
    assert_eq!(report.exchanges[0].resource_type.as_deref(), Some("xhr"), "DevTools' facts stay");
    assert_eq!(report.exchanges[0].initiator_script.as_ref().map(|s| s.line), Some(42), "the calling script too");
    assert!(chromium_line(&report, 0).starts_with("Access to XMLHttpRequest at"));
}

#[test]
fn header_values_are_bytes() {
    // webRequest gives a value that is not UTF-8 as binaryValue, and a UTF-8 one decoded: both are bytes to the
    // console, which escapes each byte outside printable ASCII.
    let s = Events::default();
    let mut session = new_session();
    for (id, path, header) in [
        ("40", "/nbsp", json!({"name": "Access-Control-Allow-Origin", "binaryValue": [104, 116, 116, 112, 58, 47, 47, 97, 0xA0]})),
        ("41", "/utf8", json!({"name": "Access-Control-Allow-Origin", "value": "http://a\u{A0}"})),
    ] {
        let url = format!("{API}{path}");
        feed(&mut session, [
            s.ev("onBeforeRequest", id, "GET", &url, 0.0, json!({})),
            s.ev("onHeadersReceived", id, "GET", &url, 1.0, json!({"statusCode": 200, "responseHeaders": [header]})),
            s.ev("onErrorOccurred", id, "GET", &url, 2.0, json!({"error": "net::ERR_FAILED"})),
        ]);
    }
    let report = session.report(TAB);
    let line = |path: &str| chromium_line(&report, report.exchanges.iter().position(|x| x.url.ends_with(path)).unwrap());
    assert!(line("/nbsp").contains("'http://a\\u00A0'"), "{}", line("/nbsp"));
    assert!(line("/utf8").contains("'http://a\\u00C2\\u00A0'"), "{}", line("/utf8"));
}

#[test]
fn devtools_records_keep_no_cookie_value_and_no_referer_beyond_its_origin() {
    // DevTools' record holds every header the browser sent, a page URL full of tokens in Referer included.
    let url = format!("{API}/har-secrets");
    let mut session = new_session();
    let headers = [("X-Test", "1"), ("Cookie", "sid=har-cookie-secret-7f3a"), ("Referer", "http://127.0.0.1:8001/account?reset_token=har-referer-secret-9c1d")];
    let mut entry = har_request(&url, "PUT", "fetch", 0.0, 0, &headers, Some("net::ERR_FAILED"));
    entry.response_headers = vec![("Set-Cookie".into(), "sid=har-set-cookie-secret-2b8e".into())];
    session.ingest_har(TAB, entry).unwrap();
    let mut preflight = har(&url, "PUT", "x-test", 0.5, 404, &[("Access-Control-Allow-Origin", PAGE)]);
    preflight.request_headers.extend(headers[1..].iter().map(|(n, v)| (n.to_string(), v.to_string())));
    session.ingest_har(TAB, preflight).unwrap();
    let kept = serde_json::to_string(&session.report(TAB)).unwrap();
    assert!(kept.contains("\"match\":\"har\""), "the preflight was matched: {kept}");
    for secret in ["har-cookie-secret", "har-referer-secret", "har-set-cookie-secret", "/account"] {
        assert!(!kept.contains(secret), "{secret} kept: {kept}");
    }
}

#[test]
fn a_redirect_devtools_reports_hop_by_hop_is_one_request() {
    // With DevTools open, webRequest may not watch the tab at all: each hop is its own record, the 302 first.
    let first = format!("{API}/r?to=final");
    let last = "http://127.0.0.1:8003/final".to_owned();
    let mut hop1 = har_request(&first, "GET", "fetch", 0.0, 302, &[("Origin", PAGE)], None);
    hop1.response_headers = vec![("Location".into(), last.clone()), ("Access-Control-Allow-Origin".into(), PAGE.into())];
    hop1.redirect_to = Some(last.clone());
    let hop2 = har_request(&last, "GET", "fetch", 0.01, 200, &[("Origin", "null")], Some("net::ERR_FAILED"));
    let mut session = new_session();
    let hop1_result = session.ingest_har(TAB, hop1.clone()).unwrap();
    assert!(!hop1_result.changed, "the request is not listed before its last hop is known");
    assert!(session.report(TAB).exchanges.is_empty());
    session.ingest_har(TAB, hop2.clone()).unwrap();
    // The backlog sent again (recording resumed) adds nothing.
    session.ingest_har(TAB, hop1).unwrap();
    session.ingest_har(TAB, hop2).unwrap();
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1, "{:?}", report.exchanges.iter().map(|x| &x.url).collect::<Vec<_>>());
    let x = &report.exchanges[0];
    assert_eq!((x.url.as_str(), x.source.as_str()), (first.as_str(), "devtools"));
    assert_eq!(x.verdict.as_ref().unwrap().error, Some(CorsError::MissingAllowOriginHeader));
    assert_eq!(
        chromium_line(&report, 0),
        format!("Access to fetch at '{last}' (redirected from '{first}') from origin '{PAGE}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    );
}

#[test]
fn webrequest_names_the_error_devtools_calls_generic() {
    // DevTools open: webRequest listens to onErrorOccurred alone. A GET that Local Network Access stopped before
    // it was sent: DevTools' record says net::ERR_FAILED, webRequest names the check. Either may come first.
    let s = Events::default();
    let url = format!("{API}/lna");
    let record = har_request(&url, "GET", "fetch", 0.0, 0, &[("Origin", PAGE)], Some("net::ERR_FAILED"));
    let lna = s.ev("onErrorOccurred", "40", "GET", &url, 3.0, json!({"error": "net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS", "errorsOnly": true}));
    for devtools_first in [true, false] {
        let mut session = new_session();
        if devtools_first {
            session.ingest_har(TAB, record.clone()).unwrap();
            assert_eq!(session.report(TAB).exchanges[0].verdict.as_ref().unwrap().error, None, "DevTools' record alone cannot tell");
        }
        feed(&mut session, vec![lna.clone()]);
        if !devtools_first {
            assert!(session.report(TAB).exchanges.is_empty(), "an error alone is no request");
            session.ingest_har(TAB, record.clone()).unwrap();
        }
        let report = session.report(TAB);
        assert_eq!(report.exchanges.len(), 1);
        assert_eq!(report.exchanges[0].source, "devtools");
        assert_eq!(report.exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::LocalNetworkAccessPermissionDenied));
    }
    // An error of another request (another URL) changes nothing.
    let mut session = new_session();
    session.ingest_har(TAB, record).unwrap();
    feed(&mut session, vec![s.ev("onErrorOccurred", "41", "GET", &format!("{API}/other"), 3.0, json!({"error": "net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS", "errorsOnly": true}))]);
    assert_eq!(session.report(TAB).exchanges[0].verdict.as_ref().unwrap().error, None);
}

#[test]
fn devtools_takes_over_a_request_webrequest_stopped_watching() {
    // DevTools opens while a request is under way: webRequest saw it start, then its listeners for the tab
    // went; DevTools' record of it makes the exchange.
    let s = Events::default();
    let url = format!("{API}/handoff");
    let mut session = new_session();
    feed(&mut session, vec![s.ev("onBeforeRequest", "50", "GET", &url, 0.0, json!({}))]);
    session.stop_watching(TAB);
    session.ingest_har(TAB, har_request(&url, "GET", "fetch", 0.1, 200, &[("Origin", PAGE)], Some("net::ERR_FAILED"))).unwrap();
    let report = session.report(TAB);
    assert_eq!(report.exchanges.len(), 1);
    assert_eq!(report.exchanges[0].source, "devtools");
    assert_eq!(report.exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::MissingAllowOriginHeader));
}

#[test]
fn a_preflight_chromium_refused_to_redirect_is_a_disallowed_redirect_without_its_3xx() {
    // DevTools' live record of such a preflight can come without the 302: its net error says what happened.
    let url = format!("{API}/pf-redirect");
    let put = har_request(&url, "PUT", "fetch", 0.0, 0, &[("X-Test", "1")], Some("net::ERR_FAILED"));
    let mut options = har(&url, "PUT", "x-test", 0.5, 0, &[]);
    options.status = Some(0.0);
    options.error = Some("net::ERR_INVALID_REDIRECT".into());
    let mut session = new_session();
    session.ingest_har(TAB, options).unwrap();
    session.ingest_har(TAB, put).unwrap();
    let report = session.report(TAB);
    assert_eq!(report.exchanges[0].verdict.as_ref().unwrap().error, Some(CorsError::PreflightDisallowedRedirect));
    assert!(chromium_line(&report, 0).ends_with("Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request."));
}
