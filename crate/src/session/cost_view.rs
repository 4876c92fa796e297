//! The preflight cost view's shape, from the rows `preflight_cost` counts: rows grouped by URL
//! pattern (`/items/{id}`) with each group's totals, the totals of the tab, and each row linked to
//! the page's requests it was paid for, so the panel can show and link them without knowing any
//! CORS rule or word.

use serde::{Deserialize, Serialize};

use super::preflight_cost::PreflightStat;
use super::report::ms;
use super::{Record, SortedMap};

/// The rows of one URL pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreflightGroup {
    pub pattern: String,
    /// Distinct URLs, preflights and time, in words ("6 URLs · 6 preflights · 12.5 ms").
    pub text: String,
    pub urls: u64,
    pub preflights: u64,
    pub total_ms: f64,
    /// Some row of the group is a cost a server change would save.
    pub bad: bool,
    /// Indices into the report's `preflight_stats`, most preflights first.
    pub rows: Vec<usize>,
}

/// What preflights cost the tab in all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PreflightTotals {
    pub preflights: u64,
    pub total_ms: f64,
    /// The same in words, with how many of them a server change would save.
    pub text: String,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The groups of `rows` by pattern (most preflights first, then by pattern) and the totals.
pub fn groups(rows: &[PreflightStat]) -> (Vec<PreflightGroup>, PreflightTotals) {
    let mut by_pattern: SortedMap<&str, Vec<usize>> = SortedMap::new();
    for (i, row) in rows.iter().enumerate() {
        by_pattern.get_or_insert_with(row.pattern.as_str(), Vec::new).push(i);
    }
    let mut groups: Vec<PreflightGroup> = by_pattern
        .into_iter()
        .map(|(pattern, members)| {
            let mut urls: Vec<&str> = members.iter().map(|&i| rows[i].url.as_str()).collect();
            crate::order::sort_unique(&mut urls);
            let preflights = members.iter().map(|&i| rows[i].count).sum();
            let total_ms = members.iter().map(|&i| rows[i].total_ms).sum();
            let urls = urls.len() as u64;
            PreflightGroup {
                pattern: pattern.to_owned(),
                text: format!("{} · {} · {}", plural(urls, "URL", "URLs"), plural(preflights, "preflight", "preflights"), ms(total_ms)),
                urls,
                preflights,
                total_ms,
                bad: members.iter().any(|&i| rows[i].bad),
                rows: members,
            }
        })
        .collect();
    crate::order::sort_by(&mut groups, |a, b| b.preflights.cmp(&a.preflights).then_with(|| a.pattern.cmp(&b.pattern)));
    let preflights: u64 = rows.iter().map(|r| r.count).sum();
    let total_ms: f64 = rows.iter().map(|r| r.total_ms).sum();
    let avoidable: u64 = rows.iter().filter(|r| r.bad).map(|r| r.count).sum();
    let text = format!(
        "{} in {}, {} spent; {} with a cost a server change would save.",
        plural(preflights, "preflight", "preflights"),
        plural(groups.len() as u64, "URL pattern", "URL patterns"),
        ms(total_ms),
        plural(avoidable, "preflight", "preflights")
    );
    (groups, PreflightTotals { preflights, total_ms, text })
}

/// Links each row to the page's requests (`records`, oldest first): those a counted OPTIONS was
/// matched to, and those at its origin, URL and method whose preflight no capture saw (the
/// preflight cache answered it).
pub fn link_requests<'a>(rows: &mut [PreflightStat], records: impl Iterator<Item = &'a Record>) {
    let mut by_preflight: SortedMap<&str, usize> = SortedMap::new();
    let mut by_request: SortedMap<(&str, &str, &str), Vec<usize>> = SortedMap::new();
    for (i, row) in rows.iter().enumerate() {
        for id in &row.preflight_ids {
            by_preflight.insert(id.as_str(), i);
        }
        by_request.get_or_insert_with((row.origin.as_str(), row.url.as_str(), row.method.as_str()), Vec::new).push(i);
    }
    let mut links: Vec<(usize, String)> = Vec::new();
    for record in records.filter(|r| !r.own) {
        let matched: Vec<usize> = record.preflights.iter().flatten().filter_map(|pf| by_preflight.get(pf.request_id.as_str()).copied()).collect();
        let cached = record.preflights.iter().all(Option::is_none) && record.verdict().is_some_and(|v| v.preflight_required);
        let method = record.flight.first_method();
        let same_request = cached
            .then(|| by_request.get(&(record.page_origin.as_str(), record.flight.hops[0].url.as_str(), method.as_str())))
            .flatten();
        for i in matched.into_iter().chain(same_request.into_iter().flatten().copied()) {
            links.push((i, record.id.clone()));
        }
    }
    for (i, id) in links {
        if !rows[i].exchange_ids.contains(&id) {
            rows[i].exchange_ids.push(id);
        }
    }
}
