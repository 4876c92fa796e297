//! webRequest errors reported alone. While DevTools is open on a tab, the
//! extension listens to `onErrorOccurred` alone there (`extension/background/listeners.js`): DevTools'
//! records show everything else, but they call a request that Local Network Access stopped before it
//! was sent `net::ERR_FAILED`, where webRequest names the check
//! (`net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS`). Such an error goes to DevTools' record of the
//! same request when that came first, or waits here for it (har.rs).

use std::collections::VecDeque;

use super::assemble::Flight;
use super::event::Event;
use super::har::{GENERIC_NET_ERROR, HAR_SLACK_MS};
use super::matching::LATE_RECORDS;
use super::{Session, TabState};
use crate::method;

/// Errors a tab keeps waiting for their DevTools record; the oldest go first.
const MAX_WAITING: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct LoneError {
    url: String,
    method: String,
    at: f64,
    error: String,
}

impl LoneError {
    /// Whether this is the error of `flight`, a request only DevTools' records showed.
    fn belongs_to(&self, flight: &Flight) -> bool {
        let last = &flight.hops[flight.hops.len() - 1];
        let ended = flight.ended.unwrap_or(flight.began);
        last.url == self.url
            && flight.first_method() == self.method
            && self.at >= flight.began - HAR_SLACK_MS
            && self.at <= ended + HAR_SLACK_MS
    }
}

/// Whether DevTools' record of a request can learn something from webRequest's error: it names
/// only the generic one.
fn says_little(flight: &Flight) -> bool {
    flight.devtools_only && flight.error.as_deref().is_none_or(|e| e == GENERIC_NET_ERROR)
}

/// An `onErrorOccurred` from a tab where webRequest watches only errors. Returns whether the tab's report changed.
pub(crate) fn note(session: &mut Session, event: Event, at: f64) -> bool {
    let Some(error) = event.error.filter(|e| e != GENERIC_NET_ERROR && !e.is_empty()) else { return false };
    let lone = LoneError { url: event.url, method: method::normalize(event.method.as_deref().unwrap_or("GET")).to_owned(), at, error };
    let tab = session.tabs.get_or_insert_with(event.tab_id, TabState::default);
    let recent = tab.records.iter().rev().take(LATE_RECORDS).find(|r| says_little(&r.flight) && lone.belongs_to(&r.flight));
    if let Some(id) = recent.map(|r| r.flight.request_id.clone()) {
        if let Some(record) = tab.record_mut(&id) {
            record.flight.error = Some(lone.error);
        }
        tab.refresh(&id);
        return true;
    }
    tab.lone_errors.push_back(lone);
    if tab.lone_errors.len() > MAX_WAITING {
        tab.lone_errors.pop_front();
    }
    false
}

/// Gives `flight`, just built from DevTools' records, the specific error webRequest reported for it.
pub(crate) fn claim(waiting: &mut VecDeque<LoneError>, flight: &mut Flight) {
    if !says_little(flight) {
        return;
    }
    if let Some(at) = waiting.iter().position(|e| e.belongs_to(flight)) {
        flight.error = waiting.remove(at).map(|e| e.error);
    }
}
