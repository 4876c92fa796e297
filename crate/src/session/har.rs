//! DevTools' own records of the inspected tab (HAR entries from `chrome.devtools.network`:
//! `getHAR()` when the devtools page starts, then each finished request). DevTools sees what
//! webRequest cannot: every preflight (with or without `extraHeaders`), which API made a request
//! (`_resourceType` `fetch` or `xhr`, which the console's wording depends on), and the headers the
//! page set on a request its preflight stopped, which was never sent. An entry either adds those
//! facts to the request webRequest saw, or, when webRequest did not see it (it happened before the
//! tab was recorded), becomes an exchange of its own, marked as coming from DevTools.
//!
//! HAR entries carry no id of their own: a preflight's `_initiator.requestId` names its request's
//! DevTools id, which no other entry states. So entries are tied to requests, and preflights to
//! their requests, by URL, method and time, as webRequest events are (matching.rs).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::exchange::{HeaderList, Outcome, Response};
use crate::headers;
use crate::method;
use crate::origin::ParsedUrl;
use crate::redact::MASK;

use super::assemble::{DevtoolsView, Flight, Hop, MatchVia, PreflightLink, Role};
use super::bounds;
use super::event::{self, EventError};
use super::matching::LATE_RECORDS;
use super::Session;

/// What webRequest and DevTools report for every request a CORS or LNA check stopped.
pub(crate) const GENERIC_NET_ERROR: &str = "net::ERR_FAILED";

/// A HAR entry and a webRequest event for the same request differ in time by at most this (ms).
pub(crate) const HAR_SLACK_MS: f64 = 2_000.0;

/// A DevTools HAR entry, as the devtools page summarises it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HarEntry {
    pub url: String,
    pub method: String,
    /// HAR `_resourceType`: `"preflight"` for a CORS preflight.
    pub resource_type: Option<String>,
    /// HAR `_initiator.type`.
    pub initiator_type: Option<String>,
    /// HAR `_initiator.requestId`: the DevTools id of the actual request (not a webRequest id).
    pub initiator_request_id: Option<String>,
    /// `startedDateTime` in ms since the epoch.
    pub started: Option<f64>,
    /// HAR `time`: total duration in ms.
    pub time: Option<f64>,
    /// 0 when no response came back.
    pub status: Option<f64>,
    pub request_headers: HeaderList,
    pub response_headers: HeaderList,
    /// HAR `_error`, e.g. `net::ERR_CONNECTION_REFUSED`.
    pub error: Option<String>,
    /// The script that made the request (HAR `_initiator.url`, or its stack's top frame).
    pub initiator_url: Option<String>,
    /// Its line, zero-based as DevTools gives it.
    pub initiator_line: Option<f64>,
    /// HAR `serverIPAddress`: the IP it connected to (empty when it did not).
    pub server_ip: Option<String>,
    /// A preflight announced this request (har_file.rs): in a HAR that does not say which API made a
    /// request, the only sign that one its preflight stopped, never sent and shown without `Origin`, was CORS.
    #[serde(skip)]
    pub preflighted: bool,
    /// Where a 3xx answer sent the request (HAR `redirectURL` resolved, else its `Location`).
    pub redirect_to: Option<String>,
}

/// A redirected request DevTools is reporting hop by hop: each hop is its own record, and the
/// next one arrives when it finishes. The hops wait here until the last one, then become one request.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRedirect {
    /// The entries so far, first hop first; the last one redirected to `target`.
    chain: Vec<HarEntry>,
    target: String,
    /// The first hop went to a request webRequest saw (or one already built): the rest add nothing.
    absorbed: bool,
    truncated: bool,
}

/// Redirected requests a tab may have waiting for their next hop; the oldest is then taken as it is.
const MAX_PENDING_REDIRECTS: usize = 32;

impl HarEntry {
    fn is_preflight(&self) -> bool {
        self.resource_type.as_deref() == Some("preflight") || self.initiator_type.as_deref() == Some("preflight")
    }

    /// The entry cut as webRequest events are (bounds.rs); true when anything was cut.
    fn bound(&mut self) -> bool {
        let mut cut = bounds::clip(&mut self.url, bounds::MAX_TEXT_BYTES);
        cut |= bounds::clip(&mut self.method, bounds::MAX_TEXT_BYTES);
        for text in [&mut self.resource_type, &mut self.initiator_type, &mut self.initiator_request_id, &mut self.error, &mut self.initiator_url, &mut self.server_ip]
            .into_iter()
            .flatten()
        {
            cut |= bounds::clip(text, bounds::MAX_TEXT_BYTES);
        }
        cut |= bounds::clip_headers(&mut self.request_headers);
        cut |= bounds::clip_headers(&mut self.response_headers);
        cut
    }

    /// What the session must not keep of DevTools' record, which holds every header the browser sent:
    /// cookie values (their presence is what matters, as for webRequest events) and the `Referer`
    /// beyond its origin (the only part read, to name the page).
    fn drop_secrets(&mut self) {
        let origin_of = |url: &str| ParsedUrl::parse(url).ok().and_then(|u| u.origin().map(|o| o.serialize()));
        self.request_headers.retain_mut(|(name, value)| {
            let name = headers::trim_http_whitespace(name);
            if event::is_cookie(name) {
                *value = MASK.to_owned();
            } else if name.eq_ignore_ascii_case("referer") {
                let Some(origin) = origin_of(value) else { return false };
                *value = origin;
            }
            true
        });
        for (name, value) in &mut self.response_headers {
            if event::is_set_cookie(name) {
                *value = MASK.to_owned();
            }
        }
    }

    fn server_ip(&self) -> Option<String> {
        self.server_ip.clone().filter(|ip| !ip.is_empty())
    }

    fn started_at(&self) -> Option<f64> {
        self.started.filter(|t| t.is_finite())
    }

    /// The HTTP status, when a response came back (HAR says 0 when none did).
    fn status_code(&self) -> Option<u16> {
        self.status.filter(|s| s.is_finite() && *s >= 1.0 && *s <= 999.0).map(|s| s as u16)
    }

    /// Requests CORS can concern: what fetch() and XMLHttpRequest made, anything that carried `Origin`, and
    /// anything a preflight announced.
    fn may_be_cors(&self) -> bool {
        matches!(self.resource_type.as_deref(), Some("fetch" | "xhr")) || headers::get(&self.request_headers, "origin").is_some() || self.preflighted
    }

    fn view(&self) -> DevtoolsView {
        DevtoolsView {
            resource_type: self.resource_type.clone(),
            request_headers: Some(self.request_headers.clone()),
            initiator_url: self.initiator_url.clone().filter(|u| !u.is_empty()),
            initiator_line: self.initiator_line.filter(|l| l.is_finite() && *l >= 0.0 && *l < 1e9).map(|l| l as u32),
        }
    }
}

/// The script and line that made a request, as DevTools' Initiator column shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptLine {
    pub url: String,
    /// One-based, as DevTools prints it (HAR's `lineNumber` is zero-based).
    pub line: u32,
}

impl DevtoolsView {
    /// The calling script, when DevTools recorded one (not for a request the parser or a
    /// redirect made, whose initiator has no line).
    pub fn script_line(&self) -> Option<ScriptLine> {
        Some(ScriptLine { url: self.initiator_url.clone()?, line: self.initiator_line? + 1 })
    }
}

fn announced(request_headers: &HeaderList) -> (Option<String>, Vec<String>) {
    let method = headers::get(request_headers, "access-control-request-method");
    let mut names = headers::get(request_headers, "access-control-request-headers")
        .map(|v| headers::parse_name_list(&v).unwrap_or_default())
        .unwrap_or_default();
    crate::order::sort_unique(&mut names);
    (method.map(Cow::into_owned), names)
}

/// Adds one HAR entry to the tab's session (see the top of this file).
pub fn ingest_har(session: &mut Session, tab_id: i64, mut entry: HarEntry) -> Result<(), EventError> {
    if entry.url.is_empty() {
        return Err(EventError("HAR entry without url".into()));
    }
    let truncated = entry.bound();
    entry.drop_secrets();
    let cleared_at = session.tabs.get(&tab_id).map_or(0.0, |t| t.cleared_at);
    if entry.started_at().is_some_and(|t| t < cleared_at) {
        return Ok(()); // The user cleared the tab's history after this request started.
    }
    if entry.is_preflight() {
        ingest_preflight(session, tab_id, entry, truncated, false);
        return Ok(());
    }
    let redirects = entry.error.is_none() && entry.redirect_to.is_some();
    let Some(mut pending) = continued_redirect(session, tab_id, &entry) else {
        if entry.may_be_cors() || redirects {
            let absorbed = ingest_request(session, tab_id, &entry, truncated, redirects);
            if redirects {
                let target = entry.redirect_to.clone().unwrap_or_default();
                wait_for_next_hop(session, tab_id, PendingRedirect { chain: vec![entry], target, absorbed, truncated });
            }
        }
        return Ok(());
    };
    pending.truncated |= truncated;
    pending.chain.push(entry);
    if redirects {
        pending.target = pending.chain.last().and_then(|e| e.redirect_to.clone()).unwrap_or_default();
        wait_for_next_hop(session, tab_id, pending);
    } else {
        finish_redirect(session, tab_id, pending);
    }
    Ok(())
}

/// Takes the tab's redirected request whose last hop sent the request to `entry`'s URL, if any.
fn continued_redirect(session: &mut Session, tab_id: i64, entry: &HarEntry) -> Option<PendingRedirect> {
    let tab = session.tabs.get_mut(&tab_id)?;
    let started = entry.started_at().unwrap_or(f64::INFINITY);
    let at = tab.pending_redirects.iter().position(|p| {
        p.target == entry.url && p.chain.last().and_then(HarEntry::started_at).is_none_or(|t| t <= started + HAR_SLACK_MS)
    })?;
    tab.pending_redirects.remove(at)
}

fn wait_for_next_hop(session: &mut Session, tab_id: i64, pending: PendingRedirect) {
    let tab = session.tabs.get_or_insert_with(tab_id, super::TabState::default);
    tab.pending_redirects.push_back(pending);
    if tab.pending_redirects.len() > MAX_PENDING_REDIRECTS {
        if let Some(oldest) = tab.pending_redirects.pop_front() {
            finish_redirect(session, tab_id, oldest);
        }
    }
}

/// A redirected request's last hop has arrived (or it will not): one exchange for all its hops,
/// unless webRequest already has the request.
fn finish_redirect(session: &mut Session, tab_id: i64, pending: PendingRedirect) {
    if pending.absorbed || !pending.chain[0].may_be_cors() {
        return;
    }
    let Some(started) = pending.chain[0].started_at() else { return };
    let flight = request_flight(session, tab_id, &pending.chain, started, pending.truncated);
    session.keep(flight);
}

/// Adds one request of an imported HAR file (har_file.rs): `chain` is its first entry, then each entry
/// its redirects led to; a preflight comes alone. Unlike DevTools' live records, nothing in a file is a
/// second copy of something already seen (two identical requests are two requests), and the tab's
/// Clear does not date it.
pub(crate) fn import_chain(session: &mut Session, tab_id: i64, mut chain: Vec<HarEntry>) {
    let mut truncated = false;
    for entry in &mut chain {
        truncated |= entry.bound();
        entry.drop_secrets();
    }
    let Some(first) = chain.first() else { return };
    if first.url.is_empty() {
        return;
    }
    if first.is_preflight() {
        let entry = chain.swap_remove(0);
        ingest_preflight(session, tab_id, entry, truncated, true);
    } else if first.may_be_cors() {
        let Some(started) = first.started_at() else { return };
        let mut flight = request_flight(session, tab_id, &chain, started, truncated);
        flight.imported = true;
        session.keep(flight);
    }
}

impl HarEntry {
    /// A CORS preflight by its headers, for a HAR that does not mark one (Firefox, Safari): an `OPTIONS`
    /// carrying `Origin` and `Access-Control-Request-Method`, as the Fetch standard sends it.
    pub(crate) fn looks_like_preflight(&self) -> bool {
        method::normalize(&self.method) == "OPTIONS"
            && headers::get(&self.request_headers, "access-control-request-method").is_some()
            && headers::get(&self.request_headers, "origin").is_some()
    }

    /// The URL a redirect response sent the request to (HAR `redirectURL`, else its `Location`), resolved.
    pub(crate) fn redirect_target(&self, redirect_url: &str) -> Option<String> {
        let status = self.status_code()?;
        if !(300..400).contains(&status) {
            return None;
        }
        let location = Some(redirect_url.to_owned())
            .filter(|u| !u.is_empty())
            .or_else(|| headers::get(&self.response_headers, "location").map(Cow::into_owned))?;
        Some(super::assemble::resolve_location(&self.url, &location))
    }
}

/// Confirms the webRequest OPTIONS a HAR preflight entry describes (marking its match `har`),
/// or, when webRequest did not see it, adds it as that request's preflight.
fn ingest_preflight(session: &mut Session, tab_id: i64, entry: HarEntry, truncated: bool, imported: bool) {
    let started = entry.started_at();
    let (acrm, acrh) = announced(&entry.request_headers);
    // 1. The same OPTIONS seen by webRequest (an imported file's are never the tab's own).
    let seen = (!imported).then(|| session
        .flights
        .values()
        .chain(session.tabs.get(&tab_id).into_iter().flat_map(|t| t.preflights.values()))
        .filter(|f| f.tab_id == tab_id && f.role == Role::Preflight && !f.har_confirmed && f.hops[0].url == entry.url)
        .filter(|f| acrm.is_none() || f.announced_method().is_none() || f.announced_method() == acrm)
        .filter(|f| f.announced_headers().is_none_or(|names| names == acrh))
        .filter_map(|f| {
            let distance = started.map_or(0.0, |t| (f.began - t).abs());
            (distance <= HAR_SLACK_MS).then(|| (distance, f.seq, f.request_id.clone()))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))))
    .flatten();
    if let Some((_, _, pf_id)) = seen {
        let link = session.preflight_mut(tab_id, &pf_id).map(|p| {
            p.har_confirmed = true;
            // webRequest reports net::ERR_FAILED for an OPTIONS that Local Network Access stopped; DevTools names the check.
            if p.outcome == Outcome::Failed && p.error.as_deref().is_none_or(|e| e == GENERIC_NET_ERROR) {
                if let Some(error) = entry.error.clone().filter(|e| e != GENERIC_NET_ERROR) {
                    p.error = Some(error);
                }
            }
            p.linked_to.clone()
        });
        if let Some(Some((actual_id, hop))) = link {
            set_via_har(session, tab_id, &actual_id, hop, &pf_id);
        }
        return;
    }
    let Some(started) = started else { return };
    // Already confirmed or built from this entry (DevTools' backlog sent again when recording resumes).
    let known = !imported && session
        .flights
        .values()
        .chain(session.tabs.get(&tab_id).into_iter().flat_map(|t| t.preflights.values()))
        .any(|f| {
            f.tab_id == tab_id
                && f.har_confirmed
                && f.hops[0].url == entry.url
                && (acrm.is_none() || f.announced_method() == acrm)
                && (f.began - started).abs() <= HAR_SLACK_MS
        });
    if known {
        return;
    }
    // 2. A preflight webRequest did not see (no 'extraHeaders' listener): build it from HAR.
    let status = entry.status_code();
    let seq = session.next_seq();
    let request_id = session.next_har_id();
    let ended = started + entry.time.filter(|t| t.is_finite() && *t >= 0.0).unwrap_or(0.0);
    let mut pf = Flight {
        request_id: request_id.clone(),
        tab_id,
        frame_id: None,
        document_id: None,
        initiator: headers::get(&entry.request_headers, "origin").map(Cow::into_owned),
        resource_type: None,
        document_url: None,
        seq,
        began: started,
        saw_before_request: true,
        role: Role::Preflight,
        hops: vec![Hop {
            url: entry.url.clone(),
            method: Some("OPTIONS".to_owned()),
            started,
            request_headers: Some(entry.request_headers.clone()),
            response: status.map(|status| Response { status, headers: entry.response_headers.clone() }),
            response_at: status.map(|_| ended),
            status_line: None,
            ip: entry.server_ip(),
            redirect: None,
            preflight: None,
        }],
        outcome: if status.is_some() { Outcome::Succeeded } else { Outcome::Failed },
        error: if status.is_some() { None } else { Some(entry.error.clone().unwrap_or_else(|| "net::ERR_FAILED".to_owned())) },
        ended: Some(ended),
        linked_to: None,
        har_confirmed: true,
        truncated,
        devtools: None,
        devtools_only: true,
        imported,
    };
    // Its request: in flight, or a recent record, with a hop at this URL and method that has no
    // preflight and started before it. HAR carries no frame or document: time decides.
    let fits = |actual: &Flight| -> Option<(usize, f64)> {
        (0..actual.hops.len())
            .filter(|&i| {
                let hop = &actual.hops[i];
                hop.preflight.is_none()
                    && hop.url == entry.url
                    && acrm.as_ref().is_none_or(|m| actual.hop_method(i).is_none_or(|hm| method::normalize(&hm) == *m))
                    && hop.started <= started + HAR_SLACK_MS
                    && actual.ended.is_none_or(|e| e + HAR_SLACK_MS >= started)
            })
            .map(|i| (i, (started - actual.hops[i].started).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    let (in_flight, recorded) = closest(session, tab_id, fits);
    let tab = session.tabs.get_or_insert_with(tab_id, super::TabState::default);
    let link = PreflightLink { request_id, via: MatchVia::Har };
    match (in_flight, recorded) {
        (Some((actual_id, hop)), _) => {
            pf.linked_to = Some((actual_id.clone(), hop));
            tab.keep_preflight(pf);
            if let Some(actual) = session.flights.get_mut(&actual_id) {
                actual.hops[hop].preflight = Some(link);
            }
        }
        (None, Some((actual_id, hop))) => {
            pf.linked_to = Some((actual_id.clone(), hop));
            tab.keep_preflight(pf.clone());
            if let Some(record) = tab.record_mut(&actual_id) {
                record.flight.hops[hop].preflight = Some(link);
                record.preflights[hop] = Some(pf);
            }
            tab.refresh(&actual_id);
        }
        (None, None) => tab.keep_preflight(pf),
    }
}

/// Marks the match of hop `hop` of request `actual_id` as confirmed by HAR.
fn set_via_har(session: &mut Session, tab_id: i64, actual_id: &str, hop: usize, pf_id: &str) {
    let har = Some(PreflightLink { request_id: pf_id.to_owned(), via: MatchVia::Har });
    if let Some(actual) = session.flights.get_mut(actual_id) {
        if let Some(h) = actual.hops.get_mut(hop) {
            h.preflight = har;
        }
        return;
    }
    let Some(tab) = session.tabs.get_mut(&tab_id) else { return };
    let confirmed = tab.preflights.get(pf_id).cloned();
    let Some(record) = tab.record_mut(actual_id) else { return };
    if let Some(h) = record.flight.hops.get_mut(hop) {
        h.preflight = har;
    }
    if let (Some(slot), Some(pf)) = (record.preflights.get_mut(hop), confirmed) {
        if let Some(existing) = slot.as_mut() {
            existing.har_confirmed = pf.har_confirmed;
            existing.error = pf.error;
        }
    }
    tab.refresh(actual_id);
}

/// A request DevTools recorded: its facts go to the same request as webRequest saw it (in flight,
/// or recently finished); a request webRequest did not see becomes an exchange of its own, unless it
/// `redirects` (its next hops come as records of their own: `finish_redirect`). Returns whether the
/// session already had the request.
fn ingest_request(session: &mut Session, tab_id: i64, entry: &HarEntry, truncated: bool, redirects: bool) -> bool {
    let Some(started) = entry.started_at() else { return true };
    let method = method::normalize(&entry.method).to_owned();
    let same = |f: &Flight| {
        f.tab_id == tab_id
            && f.role == Role::Actual
            && f.hops[0].url == entry.url
            && f.first_method() == method
            && (f.began - started).abs() <= HAR_SLACK_MS
    };
    // The same request, not yet told what DevTools knows: in flight first, then among the recent records.
    let unannotated = |f: &Flight| (same(f) && f.devtools.is_none() && !f.devtools_only).then(|| ((), (f.began - started).abs()));
    let (in_flight, recorded) = closest(session, tab_id, unannotated);
    if let Some((id, ())) = in_flight {
        if let Some(flight) = session.flights.get_mut(&id) {
            flight.devtools = Some(entry.view());
        }
        return true;
    }
    let tab = session.tabs.get_or_insert_with(tab_id, super::TabState::default);
    if let Some((id, ())) = recorded {
        if let Some(record) = tab.record_mut(&id) {
            record.flight.devtools = Some(entry.view());
        }
        tab.refresh(&id);
        return true;
    }
    // Already known (DevTools' backlog sent again when recording resumes): nothing new.
    if tab.records.iter().rev().take(LATE_RECORDS).any(|r| same(&r.flight)) || session.flights.values().any(same) {
        return true;
    }
    if !redirects && entry.may_be_cors() {
        let flight = request_flight(session, tab_id, std::slice::from_ref(entry), started, truncated);
        session.keep(flight);
    }
    false
}

/// A request found by `closest`: its id, and what the fit said of it.
type Found<T> = (String, T);

/// The actual request `fit` accepts with the smallest distance (what `fit` returns beside what it
/// says of the request), in flight and among the tab's recent records: each as its request id and
/// what `fit` said. HAR carries no frame or document: time decides.
fn closest<T>(session: &Session, tab_id: i64, fit: impl Fn(&Flight) -> Option<(T, f64)>) -> (Option<Found<T>>, Option<Found<T>>) {
    let best = |flights: &mut dyn Iterator<Item = &Flight>| {
        flights
            .filter(|f| f.role == Role::Actual && f.tab_id == tab_id)
            .filter_map(|f| fit(f).map(|(said, distance)| (distance, f.request_id.clone(), said)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id, said)| (id, said))
    };
    let in_flight = best(&mut session.flights.values());
    let recorded = session.tabs.get(&tab_id).and_then(|tab| best(&mut tab.records.iter().rev().take(LATE_RECORDS).map(|r| &r.flight)));
    (in_flight, recorded)
}

/// The flight of a request only DevTools saw: `chain` is its first entry, then each entry its redirects
/// led to (a live record has one), each hop linked to its preflight when DevTools recorded one.
fn request_flight(session: &mut Session, tab_id: i64, chain: &[HarEntry], started: f64, truncated: bool) -> Flight {
    let (first, last) = (&chain[0], &chain[chain.len() - 1]);
    let last_started = last.started_at().unwrap_or(started).max(started);
    let ended = last_started + last.time.filter(|t| t.is_finite() && *t >= 0.0).unwrap_or(0.0);
    let status = last.status_code();
    let failed = last.error.is_some() || status.is_none();
    let seq = session.next_seq();
    let request_id = session.next_har_id();
    let mut hops = Vec::with_capacity(chain.len());
    let mut preflight_origin = None;
    for (index, entry) in chain.iter().enumerate() {
        let method = method::normalize(&entry.method).to_owned();
        let hop_started = entry.started_at().unwrap_or(started).max(started);
        let response = entry.status_code().map(|status| Response { status, headers: entry.response_headers.clone() });
        let redirect = chain.get(index + 1).map(|next| {
            let mut redirect_headers = entry.response_headers.clone();
            if headers::get(&redirect_headers, "location").is_none() {
                redirect_headers.push(("Location".to_owned(), next.url.clone()));
            }
            (entry.status_code().unwrap_or(302), redirect_headers, next.url.clone())
        });
        let preflight = waiting_preflight(session, tab_id, &entry.url, &method, hop_started, ended);
        if index == 0 {
            preflight_origin = preflight.as_ref().and_then(|(_, origin)| origin.clone());
        }
        let link = preflight.map(|(pf_id, _)| {
            if let Some(pf) = session.preflight_mut(tab_id, &pf_id) {
                pf.linked_to = Some((request_id.clone(), index));
            }
            PreflightLink { request_id: pf_id, via: MatchVia::Har }
        });
        hops.push(Hop {
            url: entry.url.clone(),
            method: Some(method),
            started: hop_started,
            // What was sent, when an answer proves it was (a later hop's show the `Origin` it carried); a
            // request its preflight stopped has only the headers the page set (`devtools` below).
            request_headers: (index > 0 || entry.status_code().is_some()).then(|| entry.request_headers.clone()),
            response_at: response.as_ref().map(|_| if index + 1 == chain.len() { ended } else { hop_started }),
            response,
            status_line: None,
            ip: entry.server_ip(),
            redirect,
            preflight: link,
        });
    }
    let mut flight = Flight {
        request_id,
        tab_id,
        frame_id: None,
        document_id: None,
        initiator: page_origin_of(first, preflight_origin),
        // webRequest's word for what fetch() and XMLHttpRequest make; other types stay unnamed.
        resource_type: matches!(first.resource_type.as_deref(), Some("fetch" | "xhr")).then(|| "xmlhttprequest".to_owned()),
        document_url: None,
        seq,
        began: started,
        saw_before_request: true,
        role: Role::Actual,
        hops,
        outcome: if failed { Outcome::Failed } else { Outcome::Succeeded },
        error: if failed { Some(last.error.clone().unwrap_or_else(|| "net::ERR_FAILED".to_owned())) } else { None },
        ended: Some(ended),
        linked_to: None,
        har_confirmed: false,
        truncated,
        devtools: Some(first.view()),
        devtools_only: true,
        imported: false,
    };
    if let Some(tab) = session.tabs.get_mut(&tab_id) {
        super::lone_errors::claim(&mut tab.lone_errors, &mut flight);
    }
    flight
}

/// A finished preflight of the tab, not yet tied to a request, for `method` at `url` that started
/// while the request was under way: its id and the `Origin` it carried.
fn waiting_preflight(session: &Session, tab_id: i64, url: &str, method: &str, started: f64, ended: f64) -> Option<(String, Option<String>)> {
    let tab = session.tabs.get(&tab_id)?;
    tab.preflights
        .values()
        .filter(|pf| pf.linked_to.is_none() && pf.hops[0].url == url)
        .filter(|pf| pf.announced_method().is_none_or(|m| m == method))
        .filter(|pf| pf.began + HAR_SLACK_MS >= started && pf.began <= ended + HAR_SLACK_MS)
        .min_by(|a, b| (a.began - started).abs().total_cmp(&(b.began - started).abs()))
        .map(|pf| (pf.request_id.clone(), pf.origin_header(0)))
}

/// The page's origin for a request only DevTools saw. DevTools shows a request that was never
/// sent without its `Origin`; its preflight carried it, and the calling script and the `Referer`
/// name the page.
fn page_origin_of(entry: &HarEntry, preflight_origin: Option<String>) -> Option<String> {
    let origin_of = |url: &str| ParsedUrl::parse(url).ok().and_then(|u| u.origin().map(|o| o.serialize()));
    headers::get(&entry.request_headers, "origin")
        .map(Cow::into_owned)
        .or(preflight_origin)
        .or_else(|| entry.initiator_url.as_deref().and_then(origin_of))
        .or_else(|| headers::get(&entry.request_headers, "referer").and_then(|r| origin_of(&r)))
}

/// A request webRequest finished: when DevTools already gave it an exchange of its own (its entry
/// came first), that one goes, and the DevTools facts join the webRequest flight.
pub(crate) fn adopt_devtools_twin(session: &mut Session, flight: &mut Flight) {
    if flight.devtools_only {
        return;
    }
    let Some(tab) = session.tabs.get_mut(&flight.tab_id) else { return };
    let method = flight.first_method();
    // Runs for every finished request: only the newest records can have started within the slack.
    let newest = tab.records.len();
    let twin = tab.records.iter().rev().take(LATE_RECORDS).position(|r| {
        r.flight.devtools_only
            && r.flight.hops[0].url == flight.hops[0].url
            && r.flight.first_method() == method
            && (r.flight.began - flight.began).abs() <= HAR_SLACK_MS
    });
    let Some(index) = twin.map(|back| newest - 1 - back) else { return };
    let Some(twin) = tab.remove_record(index) else { return };
    if flight.devtools.is_none() {
        flight.devtools = twin.flight.devtools;
    }
    // Its DevTools preflight becomes this flight's when webRequest matched none.
    if let (Some(hop), Some(link)) = (flight.hops.first_mut(), twin.flight.hops[0].preflight.clone()) {
        if hop.preflight.is_none() {
            if let Some(pf) = tab.preflights.get_mut(&link.request_id) {
                pf.linked_to = Some((flight.request_id.clone(), 0));
            }
            hop.preflight = Some(link);
        }
    }
}
