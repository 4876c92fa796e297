//! The preflight cost view as the report gives it: rows grouped by URL pattern with totals, every
//! row linked to the page's requests, plain words, and no row the banner names reading as fine.

mod common;
use common::*;

/// `/cost`: no Max-Age, an OPTIONS, a request the cache answered, another OPTIONS after 5 s;
/// then six `/items/{n}` URLs, each cached for 7200 s and each paying its own preflight.
fn session() -> Session {
    let s = Events::default();
    let mut session = new_session();
    let cost = format!("{API}/cost");
    feed(&mut session, put_ok(&s, 100, &cost, 0.0, Some(ok_preflight(None))));
    feed(&mut session, put_ok(&s, 110, &cost, 100.0, None));
    feed(&mut session, put_ok(&s, 120, &cost, 6_000.0, Some(ok_preflight(None))));
    for i in 1..=6u32 {
        feed(&mut session, put_ok(&s, 1000 * i, &format!("{API}/items/{i}"), 7_000.0 + f64::from(i) * 50.0, Some(ok_preflight(Some("7200")))));
    }
    session
}

#[test]
fn rows_are_grouped_by_url_pattern_with_totals() {
    let report = session().redacted_report(TAB, None);
    let groups: Vec<(&str, u64, u64, usize)> =
        report.preflight_groups.iter().map(|g| (g.pattern.as_str(), g.urls, g.preflights, g.rows.len())).collect();
    let (items, cost) = (format!("{API}/items/{{id}}"), format!("{API}/cost"));
    assert_eq!(groups, [(items.as_str(), 6, 6, 6), (cost.as_str(), 1, 2, 1)]);
    let items_group = &report.preflight_groups[0];
    assert!(items_group.rows.iter().all(|&i| report.preflight_stats[i].pattern == items));
    assert!(items_group.text.starts_with("6 URLs · 6 preflights · "), "{}", items_group.text);
    let spent: f64 = report.preflight_stats.iter().map(|s| s.total_ms).sum();
    assert_eq!((report.preflight_totals.preflights, report.preflight_totals.total_ms), (8, spent));
    assert!(report.preflight_totals.text.starts_with("8 preflights in 2 URL patterns, "), "{}", report.preflight_totals.text);
    assert!(report.preflight_totals.text.ends_with("8 preflights with a cost a server change would save."), "{}", report.preflight_totals.text);
}

#[test]
fn no_row_the_banner_names_reads_as_fine() {
    let report = session().redacted_report(TAB, None);
    let banner = report.banner.as_ref().expect("a banner");
    assert!(banner.text.contains("whose Access-Control-Max-Age is missing"), "{}", banner.text);
    assert!(banner.text.contains(&format!("6 URLs of the form {API}/items/{{id}} each needed their own preflight")), "{}", banner.text);
    for row in &report.preflight_stats {
        assert!(row.bad, "{} reads as fine: {}", row.url, row.label);
        assert!(!row.label.is_empty() && !row.label.contains('_') && !row.label.starts_with("Cached"), "{}", row.label);
    }
    let cost = report.preflight_stats.iter().find(|s| s.url.ends_with("/cost")).unwrap();
    assert_eq!(cost.label, "Max-Age missing");
    let item = report.preflight_stats.iter().find(|s| s.url.ends_with("/items/1")).unwrap();
    assert_eq!(item.label, "Each URL needs its own preflight");
    assert!(item.message.contains("One of 6 URLs"), "{}", item.message);
}

#[test]
fn every_row_links_to_its_requests_the_cached_one_too() {
    let s = Events::default();
    let mut session = session();
    // Verify's own re-sent request to /items/1 is not one of the page's.
    session.expect_own_request(TAB, "PUT", &format!("{API}/items/1"), T0 + 9_000.0);
    feed(&mut session, put_ok(&s, 9000, &format!("{API}/items/1"), 9_000.0, Some(ok_preflight(Some("7200")))));
    let report = session.redacted_report(TAB, None);
    let id_of = |url: &str| -> Vec<String> {
        let mut ids: Vec<(f64, String)> = report.exchanges.iter().filter(|e| e.url == url).map(|e| (e.started, e.id.clone())).collect();
        ids.sort_by(|a, b| a.0.total_cmp(&b.0));
        ids.into_iter().map(|(_, id)| id).collect()
    };
    let cost = report.preflight_stats.iter().find(|s| s.url.ends_with("/cost")).unwrap();
    assert_eq!(cost.exchange_ids, id_of(&format!("{API}/cost")), "both OPTIONS' requests and the cached one, oldest first");
    assert_eq!(cost.exchange_ids.len(), 3);
    let item = report.preflight_stats.iter().find(|s| s.url.ends_with("/items/1")).unwrap();
    assert_eq!(item.exchange_ids, id_of(&format!("{API}/items/1")));
    assert_eq!((item.exchange_ids.len(), item.count), (1, 1));
}
