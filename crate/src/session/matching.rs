//! Which preflight OPTIONS belongs to which actual request. Nothing in webRequest links them
//! (the OPTIONS id is often the request's id + 1, but not under concurrency), so a preflight is
//! matched on what it shares with its request: tab, frame, document, initiator, type, URL, the
//! announced method (= the request's method) and header names (= the request's CORS-unsafe
//! names, when known), and time: the request's onBeforeRequest fires before its OPTIONS', and
//! the OPTIONS starts before the request's response (or redirect, or end).
//!
//! Each OPTIONS, oldest first, goes to the oldest unmatched compatible request (FIFO), which
//! gives concurrent requests to one URL one preflight each. An OPTIONS with no compatible
//! request yet waits and is matched when the request shows up, even if that is its last event.
//! DevTools' records of the same requests are har.rs's concern.

use crate::method;

use super::assemble::{self, Flight, Hop, MatchVia, PreflightLink, Role};
use super::Session;

/// Timestamps of two events may tie or jitter by this much (ms).
const EPSILON_MS: f64 = 1.0;
/// An unmatched, finished OPTIONS stops waiting for its request after this long (ms).
const PENDING_TTL_MS: f64 = 60_000.0;
/// How far back a request whose onBeforeRequest was not seen may have started (ms).
const UNKNOWN_START_WINDOW_MS: f64 = 60_000.0;
/// An older OPTIONS with unknown headers holds back a newer one for at most this long (ms).
const BLOCKER_WINDOW_MS: f64 = 10_000.0;
/// Finished records searched for a late preflight.
pub(crate) const LATE_RECORDS: usize = 64;

pub(crate) fn same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// How well a request's sent headers agree with the preflight's announced names:
/// `None` incompatible, 2 exact, 1 unknown (headers not seen), 0 a superset.
fn header_fit(pf_names: Option<&[String]>, hop: &Hop) -> Option<u8> {
    let (Some(announced), Some(sent)) = (pf_names, hop.request_headers.as_ref()) else { return Some(1) };
    let sent_names: Vec<String> = sent.iter().map(|(n, _)| n.trim().to_ascii_lowercase()).collect();
    if !announced.iter().all(|n| sent_names.contains(n)) {
        return None;
    }
    Some(if assemble::sent_unsafe_names(sent) == announced { 2 } else { 0 })
}

/// Whether `pf` can be the preflight of hop `index` of `actual`; `Some(fit)` when it can.
fn compatible(pf: &Flight, actual: &Flight, index: usize) -> Option<u8> {
    if actual.tab_id != pf.tab_id
        || !same(&actual.frame_id, &pf.frame_id)
        || !same(&actual.document_id, &pf.document_id)
        || !same(&actual.initiator, &pf.initiator)
        || !same(&actual.resource_type, &pf.resource_type)
    {
        return None;
    }
    let hop = actual.hops.get(index)?;
    if hop.preflight.is_some() || hop.url != pf.hops[0].url {
        return None;
    }
    if let (Some(announced), Some(method)) = (pf.announced_method(), actual.hop_method(index)) {
        if announced != method::normalize(&method) {
            return None;
        }
    }
    let start = pf.began;
    if index > 0 || actual.saw_before_request {
        if hop.started > start + EPSILON_MS {
            return None;
        }
    } else if start + UNKNOWN_START_WINDOW_MS < actual.began {
        return None;
    }
    // The OPTIONS must start before this hop's response, before the redirect away from it, and
    // before the request ended.
    let before = |t: Option<f64>| t.is_none_or(|t| start <= t + EPSILON_MS);
    if !before(hop.response_at) || !before(actual.hops.get(index + 1).map(|h| h.started)) || !before(actual.ended) {
        return None;
    }
    header_fit(pf.announced_headers().as_deref(), hop)
}

/// The preferred hop of `actual` for `pf`: best header fit, then oldest hop.
fn best_hop(pf: &Flight, actual: &Flight) -> Option<(u8, usize)> {
    (0..actual.hops.len()).filter_map(|i| compatible(pf, actual, i).map(|fit| (fit, i))).max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
}

fn ready(pf: &Flight, now: f64) -> bool {
    pf.role == Role::Preflight && pf.linked_to.is_none() && pf.ended.is_none_or(|e| e + PENDING_TTL_MS >= now)
}

/// Matches every waiting preflight of the tab, oldest first.
pub fn rematch(session: &mut Session, tab_id: i64) {
    let now = session.clock();
    let waiting_of = |flights: &mut dyn Iterator<Item = &Flight>| -> Vec<(f64, u64, String)> {
        flights.filter(|f| f.tab_id == tab_id && ready(f, now)).map(|f| (f.began, f.seq, f.request_id.clone())).collect()
    };
    let mut waiting = waiting_of(&mut session.flights.values());
    if let Some(tab) = session.tabs.get_mut(&tab_id).filter(|t| !t.preflights_matched.0) {
        let finished = waiting_of(&mut tab.preflights.values());
        tab.preflights_matched.0 = finished.is_empty();
        waiting.extend(finished);
    }
    if waiting.is_empty() {
        return;
    }
    crate::order::sort_by(&mut waiting, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (_, _, pf_id) in waiting {
        let Some(pf) = session.preflight(tab_id, &pf_id).cloned() else { continue };
        if waits_for_older_options(session, &pf) {
            continue;
        }
        let via = if pf.har_confirmed { MatchVia::Har } else { MatchVia::Order };
        // In flight (or finished by the event being handled): the oldest compatible request.
        let candidate = session
            .flights
            .values()
            .filter(|a| a.role == Role::Actual && a.tab_id == tab_id)
            .filter_map(|a| best_hop(&pf, a).map(|(fit, hop)| (fit, a.hops[hop].started, a.seq, a.request_id.clone(), hop)))
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(y.2.cmp(&x.2)));
        if let Some((_, _, _, actual_id, hop)) = candidate {
            if let Some(actual) = session.flights.get_mut(&actual_id) {
                actual.hops[hop].preflight = Some(PreflightLink { request_id: pf_id.clone(), via });
            }
            if let Some(p) = session.preflight_mut(tab_id, &pf_id) {
                p.linked_to = Some((actual_id, hop));
            }
            continue;
        }
        if pf.finished() {
            attach_late(session, tab_id, &pf, via);
        }
    }
}

/// FIFO among OPTIONS: an OPTIONS to the same URL that started earlier but whose headers are
/// not known yet may be for the same request group, so it goes first.
fn waits_for_older_options(session: &Session, pf: &Flight) -> bool {
    session.flights.values().any(|u| {
        u.role == Role::Undecided
            && u.tab_id == pf.tab_id
            && u.hops[0].url == pf.hops[0].url
            && same(&u.frame_id, &pf.frame_id)
            && same(&u.document_id, &pf.document_id)
            && same(&u.initiator, &pf.initiator)
            && (u.began, u.seq) < (pf.began, pf.seq)
            && u.began + BLOCKER_WINDOW_MS >= pf.began
    })
}

/// A finished preflight whose events arrived after its request had finished: attach it to the
/// oldest compatible recent record and re-run the check.
fn attach_late(session: &mut Session, tab_id: i64, pf: &Flight, via: MatchVia) -> bool {
    let Some(tab) = session.tabs.get_mut(&tab_id) else { return false };
    let found = tab
        .records
        .iter()
        .rev()
        .take(LATE_RECORDS)
        .filter_map(|r| best_hop(pf, &r.flight).map(|(fit, hop)| (fit, r.flight.hops[hop].started, r.flight.seq, r.flight.request_id.clone(), hop)))
        .max_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(y.2.cmp(&x.2)));
    let Some((_, _, _, actual_id, hop)) = found else { return false };
    let Some(record) = tab.record_mut(&actual_id) else { return false };
    record.flight.hops[hop].preflight = Some(PreflightLink { request_id: pf.request_id.clone(), via });
    let mut linked = pf.clone();
    linked.linked_to = Some((actual_id.clone(), hop));
    record.preflights[hop] = Some(linked.clone());
    if let Some(p) = tab.preflights.get_mut(&pf.request_id) {
        p.linked_to = linked.linked_to.clone();
    }
    tab.refresh(&actual_id);
    true
}
