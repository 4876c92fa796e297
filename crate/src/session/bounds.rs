//! What the session keeps of hostile or huge input, so its memory and its snapshot stay bounded
//! whatever a page sends: URLs and header values are cut at ingest (and the exchange marked as
//! truncated), a message keeps a bounded number of header bytes, and every flight and record has a
//! size estimate that the session's byte budgets are counted in.

use crate::exchange::HeaderList;

use super::assemble::Flight;
use super::event::Event;
use super::{Record, Session};

/// A URL or one header value is cut beyond this many bytes. CORS never needs more: origins,
/// method and header names are short, and an 8 KiB `Access-Control-Allow-Origin` fails anyway.
pub const MAX_TEXT_BYTES: usize = 8 * 1024;
/// Header lines kept per message; further lines are dropped (and the exchange marked truncated).
pub const MAX_HEADERS: usize = 256;
/// Header bytes kept per message (names and values, after cutting each value).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Bytes a record or flight costs beyond its text (ids, times, statuses; JSON punctuation).
const OVERHEAD_BYTES: usize = 400;
/// Each header pair costs a little beyond its text in a snapshot (`["",""],`).
const PER_HEADER_BYTES: usize = 8;

/// Cuts `text` to at most `max` bytes on a character boundary; true when it was cut.
pub fn clip(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    true
}

/// Applies the per-message header bounds; true when anything was cut or dropped.
pub fn clip_headers(headers: &mut HeaderList) -> bool {
    let mut cut = headers.len() > MAX_HEADERS;
    headers.truncate(MAX_HEADERS);
    let mut total = 0;
    let mut keep = headers.len();
    for (i, (name, value)) in headers.iter_mut().enumerate() {
        cut |= clip(name, MAX_TEXT_BYTES);
        cut |= clip(value, MAX_TEXT_BYTES);
        total += name.len() + value.len();
        if total > MAX_HEADER_BYTES {
            keep = i;
            cut = true;
            break;
        }
    }
    headers.truncate(keep);
    cut
}

/// About what a header list takes in memory and in a snapshot.
pub fn header_bytes(headers: &HeaderList) -> usize {
    headers.iter().map(|(n, v)| n.len() + v.len() + PER_HEADER_BYTES).sum()
}

/// About what a flight takes in memory and in a snapshot.
pub fn flight_bytes(flight: &Flight) -> usize {
    OVERHEAD_BYTES
        + flight.initiator.as_ref().map_or(0, String::len)
        + flight.document_url.as_ref().map_or(0, String::len)
        + flight
            .hops
            .iter()
            .map(|hop| {
                hop.url.len()
                    + hop.request_headers.as_ref().map_or(0, header_bytes)
                    + hop.response.as_ref().map_or(0, |r| header_bytes(&r.headers))
                    + hop.redirect.as_ref().map_or(0, |(_, headers, location)| header_bytes(headers) + location.len())
            })
            .sum::<usize>()
}

/// About what an exchange takes: its request and the preflights matched to it (kept in `Built::bytes`).
pub fn record_bytes(record: &Record) -> usize {
    flight_bytes(&record.flight) + record.preflights.iter().flatten().map(flight_bytes).sum::<usize>()
}

/// About what an event adds to the session.
pub fn event_bytes(event: &Event) -> usize {
    event.url.len()
        + event.request_headers.as_ref().map_or(0, header_bytes)
        + event.response_headers.as_ref().map_or(0, header_bytes)
        + event.redirect_url.as_ref().map_or(0, String::len)
}

/// About what the whole session takes: requests in flight, finished preflights and exchanges.
pub fn session_bytes(session: &Session) -> usize {
    session.flights.values().map(flight_bytes).sum::<usize>()
        + session.tabs.values().map(|tab| tab.preflights.values().map(flight_bytes).sum::<usize>() + tab.records.iter().map(|r| r.built.bytes).sum::<usize>()).sum::<usize>()
}

/// What can be evicted.
enum Item {
    InFlight(String),
    Preflight(i64, String),
    /// A tab's exchange, by its arrival order (`Flight::seq`, unique).
    Record(i64, u64),
}

/// Evicts until the session's estimated size is at most `limit` bytes: successful exchanges first
/// (failed ones are often the root cause the user is looking for), then in-flight requests, finished
/// preflights and failed exchanges, each oldest first across tabs. Returns how many exchanges went;
/// each is counted in its tab's `evicted` (unless it was the extension's own).
pub fn enforce(session: &mut Session, limit: usize) -> usize {
    // Checked every few hundred events, and nearly always within the limit: the total alone first, without
    // listing (and cloning the id of) everything.
    let mut total = session_bytes(session);
    if total <= limit {
        return 0;
    }
    // Successful exchanges (and the extension's own) first, oldest first; then the rest by arrival:
    // requests in flight, preflights and failures.
    let mut items: Vec<((bool, u64), usize, Item)> = Vec::new();
    for (id, flight) in session.flights.iter() {
        items.push(((true, flight.seq), flight_bytes(flight), Item::InFlight(id.clone())));
    }
    for (tab_id, tab) in session.tabs.iter() {
        for (id, pf) in tab.preflights.iter() {
            items.push(((true, pf.seq), flight_bytes(pf), Item::Preflight(*tab_id, id.clone())));
        }
        for record in &tab.records {
            let failure = record.failed() && !record.own;
            items.push(((failure, record.flight.seq), record.built.bytes, Item::Record(*tab_id, record.flight.seq)));
        }
    }
    crate::order::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
    let mut evicted = 0;
    for (_, bytes, item) in items {
        if total <= limit {
            break;
        }
        total -= bytes;
        match item {
            Item::InFlight(id) => {
                session.flights.remove(&id);
            }
            Item::Preflight(tab_id, id) => {
                if let Some(tab) = session.tabs.get_mut(&tab_id) {
                    tab.preflights.remove(&id);
                }
            }
            Item::Record(tab_id, seq) => {
                if session.tabs.get_mut(&tab_id).is_some_and(|tab| tab.evict(seq)) {
                    evicted += 1;
                }
            }
        }
    }
    evicted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_whole_characters() {
        let mut text = "aé".repeat(10);
        assert!(clip(&mut text, 4));
        assert_eq!(text, "aéa");
        let mut short = "abc".to_owned();
        assert!(!clip(&mut short, 3));
    }

    #[test]
    fn header_lists_are_bounded_in_count_and_bytes() {
        let mut many: HeaderList = (0..1000).map(|i| (format!("x-{i}"), "v".into())).collect();
        assert!(clip_headers(&mut many));
        assert_eq!(many.len(), MAX_HEADERS);
        let mut huge: HeaderList = (0..20).map(|i| (format!("x-{i}"), "v".repeat(1 << 20))).collect();
        assert!(clip_headers(&mut huge));
        assert!(huge.iter().all(|(_, v)| v.len() == MAX_TEXT_BYTES));
        assert!(huge.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>() <= MAX_HEADER_BYTES);
        let mut fine: HeaderList = vec![("Origin".into(), "http://a".into())];
        assert!(!clip_headers(&mut fine));
    }
}
