//! Past a bound (per tab, across tabs, the byte budget), successes are evicted before failures:
//! the failure that started it all stays; the report counts both.

mod common;
use common::*;

/// A GET to `/{name}` at `t`: allowed, or blocked (no Access-Control-Allow-Origin).
fn get(s: &Events, id: u32, name: &str, t: f64, ok: bool) -> Vec<Value> {
    let url = format!("{API}/{name}");
    let id = id.to_string();
    let mut events = vec![s.ev("onBeforeRequest", &id, "GET", &url, t, json!({}))];
    if ok {
        events.extend(s.sent(&id, "GET", &url, &[], t + 1.0, 200, &[("Access-Control-Allow-Origin", PAGE)], None));
    } else {
        events.extend(s.sent(&id, "GET", &url, &[], t + 1.0, 200, &[], Some("net::ERR_FAILED")));
    }
    events
}

fn kept(session: &Session, tab: i64) -> Vec<String> {
    let mut names: Vec<String> = session.report(tab).exchanges.iter().map(|e| e.url.rsplit('/').next().unwrap().to_owned()).collect();
    names.reverse();
    names
}

#[test]
fn the_per_tab_cap_evicts_successes_before_failures() {
    let s = Events::default();
    let mut session = Session::new(SessionConfig { max_exchanges_per_tab: 3, ..SessionConfig::default() });
    let order = [("f1", false), ("s1", true), ("f2", false), ("s2", true), ("f3", false)];
    for (i, (name, ok)) in order.iter().enumerate() {
        feed(&mut session, get(&s, 100 + i as u32, name, i as f64 * 10.0, *ok));
    }
    assert_eq!(kept(&session, TAB), ["f1", "f2", "f3"], "the oldest failure outlives every success");
    let report = session.report(TAB);
    assert_eq!((report.evicted, report.evicted_failures), (2, 0));
    assert!(session.export(TAB, None, ExportFormat::Markdown).contains(", 2 older successful ones evicted."));
    // Only failures left: the oldest failure goes.
    feed(&mut session, get(&s, 200, "f4", 100.0, false));
    assert_eq!(kept(&session, TAB), ["f2", "f3", "f4"]);
    // When the rest are failures, a new success is the one to go.
    feed(&mut session, get(&s, 201, "s3", 110.0, true));
    assert_eq!(kept(&session, TAB), ["f2", "f3", "f4"]);
    let report = session.report(TAB);
    assert_eq!((report.evicted, report.evicted_failures), (4, 1));
    assert!(session.export(TAB, None, ExportFormat::Markdown).contains(", 4 older ones evicted (1 of them failed)."));
}

#[test]
fn the_total_cap_evicts_successes_of_any_tab_before_failures() {
    let s = Events::default();
    let mut session = Session::new(SessionConfig { max_exchanges_per_tab: 100, max_exchanges_total: 3, ..SessionConfig::default() });
    // Tab 1: an old failure; tab 2: newer successes.
    feed(&mut session, get(&s, 100, "f1", 0.0, false));
    for (i, name) in ["s1", "s2", "s3"].iter().enumerate() {
        for mut event in get(&s, 200 + i as u32, name, 10.0 + i as f64, true) {
            event["tabId"] = json!(TAB + 1);
            session.ingest_value(event).unwrap();
        }
    }
    assert_eq!(kept(&session, TAB), ["f1"]);
    assert_eq!(kept(&session, TAB + 1), ["s2", "s3"]);
    assert_eq!((session.report(TAB + 1).evicted, session.report(TAB).evicted), (1, 0));
}

#[test]
fn the_byte_budget_evicts_successes_before_failures() {
    let s = Events::default();
    let mut session = new_session();
    for i in 0..40u32 {
        feed(&mut session, get(&s, 100 + i, &format!("{}{i}", if i % 4 == 0 { "f" } else { "s" }), f64::from(i), i % 4 != 0));
    }
    let all = session.report(TAB);
    assert_eq!(all.exchanges.len(), 40);
    // Room for about a third: the ten failures and the newest successes.
    let gone = session.shrink_to(session.snapshot().len() / 3);
    let names = kept(&session, TAB);
    assert!(gone > 0);
    assert_eq!(names.iter().filter(|n| n.starts_with('f')).count(), 10, "{names:?}");
    assert!(names.iter().filter(|n| n.starts_with('s')).all(|n| n.as_str() > "s2"), "the oldest successes went: {names:?}");
    let report = session.report(TAB);
    assert_eq!((report.evicted, report.evicted_failures), (gone as u64, 0));
    // Squeezed further, failures go too, oldest first, and are counted as such.
    session.shrink_to(0);
    let report = session.report(TAB);
    assert_eq!((report.exchanges.len() as u64, report.evicted, report.evicted_failures), (0, 40, 10));
}

#[test]
fn the_byte_budget_keeps_a_request_in_flight_before_older_failures() {
    let s = Events::default();
    let mut session = new_session();
    for i in 0..10u32 {
        feed(&mut session, get(&s, 100 + i, &format!("f{i}"), f64::from(i), false));
    }
    let url = format!("{API}/late");
    feed(&mut session, [s.ev("onBeforeRequest", "500", "GET", &url, 50.0, json!({}))]);
    session.shrink_to(session.snapshot().len() / 2);
    assert!(session.flights.contains_key("500"), "the request under way is newer than the failures");
    let report = session.report(TAB);
    assert!(report.evicted_failures > 0 && report.evicted == report.evicted_failures);
    feed(&mut session, s.sent("500", "GET", &url, &[], 51.0, 200, &[("Access-Control-Allow-Origin", PAGE)], None));
    assert_eq!(kept(&session, TAB).last().map(String::as_str), Some("late"));
}
