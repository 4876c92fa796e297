//! The session model: turns raw `chrome.webRequest` events into exchanges, matches each actual
//! request to its preflight, runs [`check`](crate::check), counts preflights, keeps a bounded
//! history per tab, and answers the panel. The contract with the extension's JavaScript is
//! `docs/session-api.md`.
//!
//! Plain Rust with no clock, threads or I/O: time comes from the events' `timeStamp`, so the
//! same events always give the same session (and `snapshot`/`restore` round-trip exactly).

pub mod assemble;
pub mod bounds;
pub mod cost_view;
pub mod event;
pub mod har;
pub mod har_file;
#[cfg(not(target_arch = "wasm32"))]
pub mod har_listing;
pub mod lone_errors;
pub mod matching;
pub mod own;
pub mod preflight_cost;
pub mod report;
pub mod sorted_map;

use std::cell::{Cell, OnceCell};
use std::collections::VecDeque;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::browser::Browser;
use crate::check::{check_as, decide_as, Decision};
use crate::exchange::{Exchange, Outcome};
use crate::verdict::{Stage, Verdict};

pub use assemble::{Flight, MatchVia, Role};
pub use event::{EventError, EventKind, RawEvent};
pub use har::HarEntry;
pub use preflight_cost::{CostFinding, Finding, PreflightStat};
pub use sorted_map::SortedMap;
pub use report::{ExchangeReport, ExportFormat, PreflightSummary, Report, Timings};

/// Requests in flight across all tabs; beyond this the oldest are dropped (their terminal
/// event was lost, or the capture started mid-request).
const MAX_IN_FLIGHT: usize = 4096;
/// Finished preflights kept per tab for late matching and HAR confirmation.
const MAX_FINISHED_PREFLIGHTS: usize = 256;
/// Ids of requests that finished recently: a stray event after the terminal one is ignored.
const MAX_DONE: usize = 1024;
/// 2: maps as lists of `[key, value]` pairs (sorted_map.rs).
const SNAPSHOT_FORMAT: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionConfig {
    pub max_exchanges_per_tab: usize,
    /// Across all tabs: a snapshot takes about 2.7 KB per exchange and `storage.session` holds
    /// 10 MB, so the whole session must stay well below ~3,700 exchanges to remain persistable.
    pub max_exchanges_total: usize,
    /// The session's estimated size (bounds.rs: requests in flight, preflights, exchanges) is
    /// kept under this many bytes, the oldest going first, so that a page sending huge URLs and
    /// headers cannot grow it (or its snapshot) without end.
    pub max_bytes: usize,
    /// Whose rules judge the exchanges: the browser the extension runs in.
    pub browser: Browser,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig { max_exchanges_per_tab: 1000, max_exchanges_total: 3000, max_bytes: 6 * 1024 * 1024, browser: Browser::Chromium }
    }
}

/// The byte budget is checked after this many bytes of new events, or every `BUDGET_CHECK_EVENTS`.
const BUDGET_CHECK_BYTES: usize = 256 * 1024;
const BUDGET_CHECK_EVENTS: u64 = 256;

/// Record ids are "e1", "e2", ... in creation order.
fn record_number(id: &str) -> u64 {
    id.trim_start_matches('e').parse().unwrap_or(0)
}

/// What `ingest` tells the service worker: which tab's panel should refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestResult {
    pub tab_id: Option<i64>,
    pub changed: bool,
}

/// The derived part of a record: rebuilt from the captured data, never stored in a snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Built {
    pub exchange: Option<Exchange>,
    /// The session's browser's decision, made as the record is built: which records to evict first and
    /// which preflights succeeded depend on it.
    pub decision: Option<Decision>,
    /// The whole verdict (its words, the other browsers' lines, the explanation), made from `exchange`
    /// when first read (`Record::verdict`): most records of a long session are never looked at, and this
    /// was most of the work of keeping one.
    verdict: Derived<OnceCell<Option<Verdict>>>,
    pub check_error: Option<String>,
    /// `bounds::record_bytes`, for the byte budget's frequent checks (a record changes only through `rebuild`).
    pub bytes: usize,
}

/// What is derived from a session's captured data and kept only to save work (a verdict made on first
/// read, an index): equal whatever it holds, so that sessions with the same data compare equal, a
/// restored one included, which has made none of it yet.
#[derive(Debug, Clone, Default)]
pub(crate) struct Derived<T>(pub(crate) T);

impl<T> PartialEq for Derived<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::ops::Deref for Derived<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Derived<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// One finished cross-origin request: what was captured, and what the engine made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub flight: Flight,
    /// The preflight matched to each hop, as captured.
    pub preflights: Vec<Option<Flight>>,
    pub page_origin: String,
    /// The extension sent it ("Verify with Chrome", own.rs): kept so that DevTools' copy of it is
    /// recognised, but never reported, exported or counted as the page's.
    #[serde(default)]
    pub own: bool,
    /// The IP the page's document came from, when the tab's navigation was recorded (Local Network Access).
    #[serde(default)]
    pub page_ip: Option<String>,
    /// Boxed: it is most of a record's size, and the tab's records are scanned and shifted as a list.
    #[serde(skip)]
    pub built: Box<Built>,
    /// Whose rules judge it: the session's, set when the record is made or resumed.
    #[serde(skip)]
    pub browser: Browser,
}

impl Record {
    /// The browser reported an error, or the verdict blocks it (the report's `failed`).
    pub fn failed(&self) -> bool {
        self.flight.outcome == Outcome::Failed || self.built.decision.is_some_and(|d| !d.allowed)
    }

    /// The engine's verdict, made on first use.
    pub fn verdict(&self) -> Option<&Verdict> {
        let built = &*self.built;
        built.verdict.get_or_init(|| built.exchange.as_ref().and_then(|e| check_as(e, self.browser).ok())).as_ref()
    }

    /// Builds the exchange and the engine's decision on it (the verdict waits for `verdict`). Returns,
    /// per matched finished preflight (by hop), whether it succeeded according to the decision.
    fn rebuild(&mut self) -> Vec<(usize, bool)> {
        let exchange = assemble::build_exchange(&self.flight, &self.preflights, &self.page_origin, self.page_ip.as_deref());
        let (decision, check_error) = match decide_as(&exchange, self.browser) {
            Ok(d) => (Some(d), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let last_hop = self.preflights.len().saturating_sub(1);
        let mut outcomes = Vec::new();
        if let Some(v) = &decision {
            for (hop, pf) in self.preflights.iter().enumerate() {
                let Some(pf) = pf.as_ref().filter(|p| p.finished()) else { continue };
                let failed_here = match v.stage {
                    Some(Stage::Preflight) => hop == 0,
                    Some(Stage::RedirectPreflight) => hop == last_hop,
                    _ => false,
                };
                outcomes.push((hop, !failed_here && pf.hops[0].response.is_some()));
            }
        }
        *self.built = Built { exchange: Some(exchange), decision, verdict: Derived::default(), check_error, bytes: bounds::record_bytes(self) };
        outcomes
    }
}

/// Tells the preflight counts which of a record's preflights succeeded; the extension's own
/// request's preflights are taken out of them instead.
fn record_outcomes(cost: &mut preflight_cost::PreflightCost, record: &Record, outcomes: Vec<(usize, bool)>) {
    if record.own {
        for pf in record.preflights.iter().flatten() {
            let origin = assemble::page_origin(pf, None).unwrap_or_else(|| "null".to_owned());
            cost.forget(pf, &origin);
        }
        return;
    }
    for (hop, ok) in outcomes {
        if let Some(Some(pf)) = record.preflights.get(hop) {
            let origin = assemble::page_origin(pf, None).unwrap_or_else(|| "null".to_owned());
            cost.set_ok(pf, &origin, ok);
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TabState {
    /// Oldest first.
    pub records: VecDeque<Record>,
    pub evicted: u64,
    /// Of `evicted`, the failures (evicted only when no success was left).
    #[serde(default)]
    pub evicted_failures: u64,
    /// Requests the extension is about to have this tab send (own.rs).
    #[serde(default)]
    pub own_expected: Vec<own::OwnRequest>,
    /// Finished preflight OPTIONS, matched or waiting for their request.
    pub preflights: SortedMap<String, Flight>,
    pub cost: preflight_cost::PreflightCost,
    /// Bumped whenever the tab's report changes, by `touch` only: every change to a tab goes
    /// through one of `TabState`'s methods.
    pub version: u64,
    /// When the tab's history was last dropped (Clear, or a navigation without "Keep log"):
    /// DevTools' records of earlier requests are not brought back.
    #[serde(default)]
    pub cleared_at: f64,
    /// The IP each recent document of the tab came from (its main_frame or sub_frame response), by
    /// origin, newest last: the page's address space for Local Network Access.
    #[serde(default)]
    pub page_ips: Vec<(String, String)>,
    #[serde(skip)]
    eviction: Derived<EvictionIndex>,
    /// True when, as the last `matching::rematch` found, no finished preflight of the tab waits for its
    /// request, so that the next one need not look through them all (up to `MAX_FINISHED_PREFLIGHTS`, on
    /// every event). Cleared whenever one is kept unmatched or loses its request; false in a fresh or
    /// restored tab, which only costs one look.
    #[serde(skip)]
    pub(crate) preflights_matched: Derived<bool>,
    /// Redirected requests DevTools is still reporting hop by hop (har.rs).
    #[serde(skip)]
    pub pending_redirects: VecDeque<har::PendingRedirect>,
    /// webRequest errors waiting for DevTools' record of their request (lone_errors.rs).
    #[serde(skip)]
    pub lone_errors: VecDeque<lone_errors::LoneError>,
}

/// Documents whose IP a tab remembers: the top page and a few frames.
const PAGE_IPS: usize = 8;

/// What makes `next_to_evict` cheap, derived from the records (empty in a fresh or restored tab, which
/// only costs one scan). Failures are evicted last, so a full tab's list fills with them from the front:
/// scanning it from the start on every new exchange cost a tenth of the ingest time per event.
#[derive(Debug, Clone, Default)]
struct EvictionIndex {
    /// The first this many records are known to be failures, none the extension's own.
    failures_before: Cell<usize>,
    /// The extension's own records (evicted first, wherever they are); counted in `resume` after a restore.
    own: usize,
}

impl EvictionIndex {
    /// The record at `index` changed or went: the known failures stop before it.
    fn changed_at(&self, index: usize) {
        self.failures_before.set(self.failures_before.get().min(index));
    }

    fn removed(&mut self, index: usize, record: &Record) {
        let known = self.failures_before.get();
        if index < known {
            self.failures_before.set(known - 1);
        }
        self.own -= usize::from(record.own);
    }
}

impl TabState {
    fn remember_page_ip(&mut self, origin: String, ip: String) {
        self.page_ips.retain(|(o, _)| *o != origin);
        self.page_ips.push((origin, ip));
        if self.page_ips.len() > PAGE_IPS {
            self.page_ips.remove(0);
        }
    }

    fn page_ip(&self, origin: &str) -> Option<String> {
        self.page_ips.iter().rev().find(|(o, _)| o == origin).map(|(_, ip)| ip.clone())
    }

    /// The tab's report changed (panels showing it refresh).
    fn touch(&mut self) {
        self.version += 1;
    }

    fn record_mut(&mut self, request_id: &str) -> Option<&mut Record> {
        self.records.iter_mut().rev().find(|r| r.flight.request_id == request_id)
    }

    /// Rebuilds the record of `request_id` (after its preflights changed).
    fn refresh(&mut self, request_id: &str) {
        let Some(index) = self.records.iter().rposition(|r| r.flight.request_id == request_id) else { return };
        self.eviction.changed_at(index);
        let record = &mut self.records[index];
        let outcomes = record.rebuild();
        record_outcomes(&mut self.cost, record, outcomes);
        self.touch();
    }

    /// A finished preflight OPTIONS, seen by webRequest or built from DevTools' records: counted
    /// in the preflight cost and kept for matching, the oldest beyond `MAX_FINISHED_PREFLIGHTS`
    /// dropped.
    fn keep_preflight(&mut self, pf: Flight) {
        let origin = assemble::page_origin(&pf, None).unwrap_or_else(|| "null".to_owned());
        self.cost.observe(&pf, &origin);
        self.preflights_matched.0 &= pf.linked_to.is_some();
        self.preflights.insert(pf.request_id.clone(), pf);
        if self.preflights.len() > MAX_FINISHED_PREFLIGHTS {
            if let Some(oldest) = self.preflights.iter().min_by_key(|(_, f)| f.seq).map(|(k, _)| k.clone()) {
                self.preflights.remove(&oldest);
            }
        }
        self.touch();
    }

    /// A finished request, checked: kept, others evicted beyond `limit` (`next_to_evict`).
    fn keep_record(&mut self, record: Record, outcomes: Vec<(usize, bool)>, limit: usize) {
        record_outcomes(&mut self.cost, &record, outcomes);
        self.eviction.own += usize::from(record.own);
        self.records.push_back(record);
        while self.records.len() > limit {
            self.evict_next();
        }
        self.touch();
    }

    /// Which exchange goes first when a bound is reached, as `(rank, index)`: the extension's own
    /// (rank 0), then the oldest success (1), and a failure (2), often the root cause the user is
    /// looking for, only when nothing else is left.
    fn next_to_evict(&self) -> Option<(u8, usize)> {
        if self.eviction.own > 0 {
            let rank = |r: &Record| if r.own { 0 } else if r.failed() { 2 } else { 1 };
            return self.records.iter().enumerate().map(|(i, r)| (rank(r), i)).min();
        }
        // None of the extension's own: the first success, looked for after the failures known to lead.
        let known = self.eviction.failures_before.get().min(self.records.len());
        match self.records.range(known..).position(|r| !r.failed()) {
            Some(offset) => {
                self.eviction.failures_before.set(known + offset);
                Some((1, known + offset))
            }
            None => {
                self.eviction.failures_before.set(self.records.len());
                (!self.records.is_empty()).then_some((2, 0))
            }
        }
    }

    /// Evicts the exchange `next_to_evict` names; false when there was none.
    fn evict_next(&mut self) -> bool {
        self.next_to_evict().is_some_and(|(_, index)| self.evict_at(index))
    }

    /// Evicts the exchange whose request arrived `seq`th (`Flight::seq`); false when there is none.
    fn evict(&mut self, seq: u64) -> bool {
        self.records.iter().position(|r| r.flight.seq == seq).is_some_and(|index| self.evict_at(index))
    }

    /// Drops the exchange at `index`, counted in `evicted` (and `evicted_failures`) unless it was
    /// the extension's own; false when there was none.
    fn evict_at(&mut self, index: usize) -> bool {
        let Some(record) = self.records.remove(index) else { return false };
        self.eviction.removed(index, &record);
        if !record.own {
            self.evicted += 1;
            self.evicted_failures += u64::from(record.failed());
        }
        self.touch();
        true
    }

    /// Removes the exchange at `index` (one DevTools reported before webRequest did).
    fn remove_record(&mut self, index: usize) -> Option<Record> {
        let record = self.records.remove(index)?;
        self.eviction.removed(index, &record);
        self.touch();
        Some(record)
    }

    fn reset(&mut self, now: f64) {
        self.cleared_at = now;
        self.records.clear();
        self.eviction = Derived::default();
        self.evicted = 0;
        self.evicted_failures = 0;
        self.own_expected.clear();
        self.preflights.clear();
        self.cost = Default::default();
        self.touch();
    }
}

/// A snapshot that cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreError(pub String);

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot restore the session: {}", self.0)
    }
}

impl std::error::Error for RestoreError {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    format: u32,
    pub config: SessionConfig,
    /// Requests in flight (and OPTIONS not yet finished), by webRequest id.
    pub flights: SortedMap<String, Flight>,
    pub tabs: SortedMap<i64, TabState>,
    /// Events accepted so far (arrival order).
    seq: u64,
    next_record: u64,
    next_har: u64,
    /// The latest event time seen, for events without a timeStamp.
    clock: f64,
    done: VecDeque<String>,
    /// The same ids, for lookup (rebuilt on restore).
    #[serde(skip)]
    done_set: SortedMap<String, ()>,
    /// Bytes of events accepted since the byte budget was last checked (kept in snapshots, so a
    /// restored session checks when the original would have).
    #[serde(default)]
    unchecked_bytes: usize,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(SessionConfig::default())
    }
}

impl Session {
    pub fn new(config: SessionConfig) -> Session {
        Session {
            format: SNAPSHOT_FORMAT,
            config: SessionConfig {
                max_exchanges_per_tab: config.max_exchanges_per_tab.max(1),
                max_exchanges_total: config.max_exchanges_total.max(1),
                max_bytes: config.max_bytes,
                browser: config.browser,
            },
            flights: SortedMap::new(),
            tabs: SortedMap::new(),
            seq: 0,
            next_record: 0,
            next_har: 0,
            clock: 0.0,
            done: VecDeque::new(),
            done_set: SortedMap::new(),
            unchecked_bytes: 0,
        }
    }

    /// Ingests one webRequest event. A malformed one is rejected and changes nothing.
    pub fn ingest(&mut self, raw: RawEvent) -> Result<IngestResult, EventError> {
        let event = raw.validate()?;
        if event.tab_id < 0 {
            return Ok(IngestResult { tab_id: None, changed: false });
        }
        let tab_id = event.tab_id;
        let id = event.request_id.clone();
        // A request in flight is not finished (it leaves `flights` as it is marked done): most events need
        // no look through the finished ones.
        let in_flight = self.flights.contains_key(&id);
        if !in_flight && event.url.is_empty() {
            return Err(EventError("url is empty".into()));
        }
        let finished = !in_flight && (self.done_set.contains_key(&id) || self.tabs.get(&tab_id).is_some_and(|t| t.preflights.contains_key(&id)));
        if finished || (!in_flight && assemble::is_untracked_type(event.resource_type.as_deref())) {
            // A document's own response says which address space its page is in.
            if let (EventKind::Completed, Some(ip), Some(origin)) = (event.kind, &event.ip, assemble::document_origin(&event.url)) {
                self.tabs.get_or_insert_with(tab_id, TabState::default).remember_page_ip(origin, ip.clone());
            }
            return Ok(IngestResult { tab_id: Some(tab_id), changed: false });
        }
        let time = event.time_stamp.unwrap_or(self.clock);
        self.clock = self.clock.max(time);
        if event.errors_only {
            let changed = lone_errors::note(self, event, time);
            return Ok(IngestResult { tab_id: Some(tab_id), changed });
        }
        self.seq += 1;
        self.unchecked_bytes += bounds::event_bytes(&event);
        let before = self.tabs.get(&tab_id).map_or(0, |t| t.version);
        let seq = self.seq;
        let flight = self.flights.get_or_insert_with(id.clone(), || Flight::new(&event, seq, time));
        if flight.finished() {
            // Nothing follows a terminal event; a stray one is ignored.
            return Ok(IngestResult { tab_id: Some(tab_id), changed: false });
        }
        flight.apply(event, time);
        let (role, finished, tab_of_flight) = (flight.role, flight.finished(), flight.tab_id);
        let tab_id = tab_of_flight;
        if role == Role::Preflight && finished {
            self.finish_preflight(&id);
        }
        matching::rematch(self, tab_id);
        if role == Role::Actual && finished {
            self.finalize(&id);
        }
        self.bound_in_flight();
        if self.unchecked_bytes > BUDGET_CHECK_BYTES || self.seq.is_multiple_of(BUDGET_CHECK_EVENTS) {
            self.unchecked_bytes = 0;
            bounds::enforce(self, self.config.max_bytes);
        }
        let after = self.tabs.get(&tab_id).map_or(0, |t| t.version);
        Ok(IngestResult { tab_id: Some(tab_id), changed: after != before })
    }

    /// Whether a webRequest event with this request id belongs to a request in flight: its event may then
    /// leave out `event::KEPT_FROM_FIRST_EVENT`.
    pub fn in_flight(&self, request_id: &str) -> bool {
        self.flights.contains_key(request_id)
    }

    /// Evicts the oldest data until the session's estimated size is at most `bytes` (the service
    /// worker asks when a snapshot came out too large to save). Returns how many exchanges went.
    pub fn shrink_to(&mut self, bytes: usize) -> usize {
        bounds::enforce(self, bytes)
    }

    /// Ingests one DevTools HAR entry summary (see docs/session-api.md and har.rs): a preflight
    /// confirms a match or supplies one webRequest did not see; a request adds what DevTools knows
    /// of it, or becomes an exchange of its own when webRequest did not see it.
    pub fn ingest_har(&mut self, tab_id: i64, entry: HarEntry) -> Result<IngestResult, EventError> {
        if tab_id < 0 {
            return Ok(IngestResult { tab_id: None, changed: false });
        }
        let before = self.tabs.get(&tab_id).map_or(0, |t| t.version);
        if let Some(started) = entry.started.filter(|t| t.is_finite()) {
            self.clock = self.clock.max(started);
        }
        har::ingest_har(self, tab_id, entry)?;
        let after = self.tabs.get(&tab_id).map_or(0, |t| t.version);
        Ok(IngestResult { tab_id: Some(tab_id), changed: after != before })
    }

    /// Adds every request of a HAR file to tab `tab_id`, marked as imported (har_file.rs). The tab's
    /// panel lists them beside what it recorded.
    pub fn import_har(&mut self, tab_id: i64, log: har_file::HarLog) -> har_file::Imported {
        let before = self.next_record;
        let mut imported = har_file::import(self, tab_id, log);
        imported.added = (self.next_record - before) as usize;
        imported
    }

    /// The extension is about to have tab `tab_id` send `method url` itself ("Verify with Chrome"),
    /// at `now` (ms since the epoch): that request and its preflight are not the page's (own.rs).
    pub fn expect_own_request(&mut self, tab_id: i64, method: &str, url: &str, now: f64) {
        if tab_id < 0 {
            return;
        }
        let tab = self.tabs.get_or_insert_with(tab_id, TabState::default);
        own::expect(&mut tab.own_expected, method, url, now);
    }

    /// The report for one tab (newest exchange first).
    pub fn report(&self, tab_id: i64) -> Report {
        report::build(tab_id, self.tabs.get(&tab_id), None, self.config.browser)
    }

    /// The report as it may be shown or exported (secrets masked, see [`report::redacted`]);
    /// `ids` limits it to those exchanges.
    pub fn redacted_report(&self, tab_id: i64, ids: Option<&[String]>) -> Report {
        report::redacted(report::build(tab_id, self.tabs.get(&tab_id), ids, self.config.browser))
    }

    /// One exchange as captured, unredacted: what a live re-probe must send again.
    pub fn exchange(&self, tab_id: i64, id: &str) -> Option<&Exchange> {
        self.tabs.get(&tab_id)?.records.iter().find(|r| r.id == id)?.built.exchange.as_ref()
    }

    /// A top-frame navigation in `tab_id`: drops its history unless the log is preserved.
    pub fn navigated(&mut self, tab_id: i64, preserve_log: bool) {
        if !preserve_log {
            if let Some(tab) = self.tabs.get_mut(&tab_id) {
                tab.reset(self.clock);
            }
        }
    }

    /// webRequest stopped watching the tab (DevTools' records took over, or recording stopped): its
    /// requests in flight will not finish there, so they go, and DevTools' records of them make them whole.
    pub fn stop_watching(&mut self, tab_id: i64) {
        let gone: Vec<String> = self.flights.iter().filter(|(_, f)| f.tab_id == tab_id).map(|(id, _)| id.clone()).collect();
        for id in gone {
            self.flights.remove(&id);
        }
    }

    /// Clears one tab's history (requests in flight still report when they finish).
    pub fn clear(&mut self, tab_id: i64) {
        if let Some(tab) = self.tabs.get_mut(&tab_id) {
            tab.reset(self.clock);
        }
    }

    /// Forgets everything about a closed tab, requests in flight included.
    pub fn forget_tab(&mut self, tab_id: i64) {
        self.tabs.remove(&tab_id);
        self.flights.retain(|_, f| f.tab_id != tab_id);
    }

    /// Tabs with any state.
    pub fn tab_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.tabs.keys().copied().chain(self.flights.values().map(|f| f.tab_id)).collect();
        crate::order::sort_unique(&mut ids);
        ids
    }

    /// The session, serialised as JSON, is its snapshot: everything needed to resume, in-flight
    /// requests included. Verdicts are not stored; `resume` recomputes them from the captured data.
    pub fn snapshot(&self) -> String {
        // Room for all of it up front: JSON takes 1.5 to 1.9 times the byte estimate (measured).
        let mut text = Vec::with_capacity(2 * bounds::session_bytes(self) + 4096);
        self.write_snapshot(&mut text).expect("a session always serialises");
        String::from_utf8(text).expect("serde_json writes UTF-8")
    }

    /// The snapshot's JSON text, written to `out` as it is made (the extension hands it to JS in pieces).
    pub fn write_snapshot(&self, out: impl std::io::Write) -> serde_json::Result<()> {
        serde_json::to_writer(out, self)
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn restore(json: &str) -> Result<Session, RestoreError> {
        let session: Session = serde_json::from_str(json).map_err(|e| RestoreError(e.to_string()))?;
        session.resume()
    }

    /// A deserialised snapshot made live again: its format checked, its verdicts recomputed.
    pub fn resume(mut self) -> Result<Session, RestoreError> {
        if self.format != SNAPSHOT_FORMAT {
            return Err(RestoreError(format!("snapshot format {} is not {SNAPSHOT_FORMAT}", self.format)));
        }
        for tab in self.tabs.values_mut() {
            for record in tab.records.iter_mut() {
                record.browser = self.config.browser;
                record.rebuild();
            }
            tab.eviction = Derived(EvictionIndex { own: tab.records.iter().filter(|r| r.own).count(), ..Default::default() });
        }
        self.done_set = self.done.iter().map(|id| (id.clone(), ())).collect::<Vec<_>>().into();
        Ok(self)
    }

    /// A preflight OPTIONS finished: keep it in its tab, count it, and update its request's
    /// record if that finished first.
    fn finish_preflight(&mut self, id: &str) {
        let Some(pf) = self.flights.remove(id) else { return };
        self.mark_done(id);
        let tab = self.tabs.get_or_insert_with(pf.tab_id, TabState::default);
        // A request still in flight has no record yet (it takes its preflights when it finishes): no need to
        // look through the tab's records for it, nor to copy the preflight for one.
        let Some((actual, hop)) = pf.linked_to.clone().filter(|(actual, _)| !self.flights.contains_key(actual)) else {
            tab.keep_preflight(pf);
            return;
        };
        tab.keep_preflight(pf.clone());
        if let Some(record) = tab.record_mut(&actual) {
            if let Some(slot) = record.preflights.get_mut(hop) {
                *slot = Some(pf);
                tab.refresh(&actual);
            }
        }
    }

    /// The preflight with this id: in flight or finished.
    pub(crate) fn preflight(&self, tab_id: i64, id: &str) -> Option<&Flight> {
        self.flights.get(id).or_else(|| self.tabs.get(&tab_id).and_then(|t| t.preflights.get(id)))
    }

    pub(crate) fn preflight_mut(&mut self, tab_id: i64, id: &str) -> Option<&mut Flight> {
        if self.flights.contains_key(id) {
            return self.flights.get_mut(id);
        }
        self.tabs.get_mut(&tab_id).and_then(|t| t.preflights.get_mut(id))
    }

    /// An actual request finished: keep it if it is a cross-origin CORS request.
    fn finalize(&mut self, id: &str) {
        let Some(mut flight) = self.flights.remove(id) else { return };
        self.mark_done(id);
        har::adopt_devtools_twin(self, &mut flight);
        self.keep(flight);
    }

    /// Keeps a finished request (from webRequest, or from DevTools alone) if it is a cross-origin
    /// CORS request, with the preflights linked to its hops.
    pub(crate) fn keep(&mut self, flight: Flight) {
        let tab_id = flight.tab_id;
        let preflights: Vec<Option<Flight>> = flight
            .hops
            .iter()
            .map(|hop| hop.preflight.as_ref().and_then(|link| self.preflight(tab_id, &link.request_id).cloned()))
            .collect();
        let has_preflight = preflights.iter().any(Option::is_some);
        let origin = assemble::page_origin(&flight, preflights[0].as_ref())
            .filter(|origin| assemble::is_cross_origin(&flight, origin))
            .filter(|_| assemble::is_cors_candidate(&flight, has_preflight));
        let Some(page_origin) = origin else {
            for pf in preflights.iter().flatten() {
                if let Some(pf) = self.preflight_mut(tab_id, &pf.request_id) {
                    pf.linked_to = None;
                }
            }
            if let Some(tab) = self.tabs.get_mut(&tab_id) {
                tab.preflights_matched.0 = false;
            }
            return;
        };
        self.next_record += 1;
        let tab = self.tabs.get_or_insert_with(tab_id, TabState::default);
        let own = own::claim(&mut tab.own_expected, &flight);
        let page_ip = tab.page_ip(&page_origin);
        let mut record = Record {
            id: format!("e{}", self.next_record),
            flight,
            preflights,
            page_origin,
            own,
            page_ip,
            built: Box::default(),
            browser: self.config.browser,
        };
        let outcomes = record.rebuild();
        tab.keep_record(record, outcomes, self.config.max_exchanges_per_tab);
        self.bound_total();
    }

    /// Evicts exchanges across all tabs beyond `max_exchanges_total`, each tab's next one
    /// (`TabState::next_to_evict`) by rank, then age.
    fn bound_total(&mut self) {
        let mut total: usize = self.tabs.values().map(|t| t.records.len()).sum();
        while total > self.config.max_exchanges_total {
            let next = self
                .tabs
                .iter()
                .filter_map(|(id, t)| t.next_to_evict().map(|(rank, i)| (rank, record_number(&t.records[i].id), *id, i)))
                .min();
            let Some((_, _, tab_id, index)) = next else { break };
            if let Some(tab) = self.tabs.get_mut(&tab_id) {
                tab.evict_at(index);
            }
            total -= 1;
        }
    }

    fn mark_done(&mut self, id: &str) {
        if self.done_set.insert(id.to_owned(), ()).is_none() {
            self.done.push_back(id.to_owned());
        }
        if self.done.len() > MAX_DONE {
            if let Some(old) = self.done.pop_front() {
                self.done_set.remove(&old);
            }
        }
    }

    fn bound_in_flight(&mut self) {
        while self.flights.len() > MAX_IN_FLIGHT {
            let Some(oldest) = self.flights.iter().min_by_key(|(_, f)| f.seq).map(|(k, _)| k.clone()) else { break };
            self.flights.remove(&oldest);
        }
    }

    pub(crate) fn next_har_id(&mut self) -> String {
        self.next_har += 1;
        format!("har:{}", self.next_har)
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(crate) fn clock(&self) -> f64 {
        self.clock
    }
}
