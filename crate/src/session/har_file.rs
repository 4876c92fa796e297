//! A whole HAR file (what a browser's "Export HAR" writes, or `chrome.devtools.network.getHAR()`
//! returns) read into a session, as if its tab had been recorded: `cors-lens har` and the panel's
//! "Import HAR". Only the fields the engine reads are kept (no bodies, cookies or timing breakdown),
//! so a large file costs little more than its requests' headers.
//!
//! Browsers write HAR differently:
//! - Chrome and Edge mark each preflight (`_resourceType: "preflight"`, `_initiator.requestId`: the
//!   DevTools id of its request, which no request entry states), say which API made a request
//!   (`fetch`, `xhr`) and what failed (`response._error`).
//! - Firefox and Safari mark nothing: an `OPTIONS` carrying `Origin` and
//!   `Access-Control-Request-Method` is a preflight, and a request goes with the preflight at its URL
//!   and method that came just before it (or after it, as Chrome lists them).
//!
//! A redirect is one entry per hop: an entry answered 3xx with `redirectURL` continues in the next
//! entry at that URL, and the hops become one request, as webRequest reports it.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::browser::Browser;
use crate::exchange::HeaderList;
use crate::{headers, method};

use super::har::{import_chain, HarEntry, GENERIC_NET_ERROR, HAR_SLACK_MS};
use super::{event, Session};

/// A HAR document: `{"log": {...}}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HarDocument {
    pub log: HarLog,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HarLog {
    pub creator: Option<Named>,
    pub browser: Option<Named>,
    pub entries: Vec<RawEntry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Named {
    pub name: Option<String>,
    pub version: Option<String>,
}

/// One HAR entry, the parts the engine reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawEntry {
    pub started_date_time: Option<String>,
    pub time: Option<f64>,
    pub request: RawRequest,
    pub response: RawResponse,
    #[serde(rename = "serverIPAddress")]
    pub server_ip_address: Option<String>,
    #[serde(rename = "_resourceType")]
    pub resource_type: Option<String>,
    #[serde(rename = "_initiator")]
    pub initiator: Option<Initiator>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<NameValue>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RawResponse {
    pub status: Option<f64>,
    pub headers: Vec<NameValue>,
    #[serde(rename = "redirectURL")]
    pub redirect_url: Option<String>,
    /// Chrome's `_error`: present (`null` when none) in every entry of a file that marks failures.
    #[serde(rename = "_error", deserialize_with = "present")]
    pub error: Option<Option<String>>,
}

/// A field that is there, even as `null` (`Some(None)`), told from one that is not (`None`, by `default`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Initiator {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub url: Option<String>,
    pub line_number: Option<f64>,
    pub request_id: Option<String>,
    pub stack: Option<Stack>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Stack {
    pub call_frames: Vec<Frame>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Frame {
    pub url: Option<String>,
    pub line_number: Option<f64>,
}

/// What the import found, besides the exchanges it added: for the summary and the notes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// `log.creator`, e.g. `"WebInspector 537.36"` or `"Firefox 140.5.0"`.
    pub creator: Option<String>,
    /// Whose rules the file's own browser follows (Firefox when `creator` or `browser` says so).
    pub browser: Browser,
    pub entries: usize,
    /// Entries without a readable `startedDateTime` or URL, left out.
    pub skipped: usize,
    /// Cross-origin requests added to the tab.
    pub added: usize,
    /// What the file cannot tell, in plain words (a sanitized export, an unmarked preflight).
    pub notes: Vec<String>,
}

/// A HAR file that cannot be read as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarError(pub String);

impl std::fmt::Display for HarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HarError {}

/// Reads a HAR file from `reader` without holding the file itself: each entry keeps only the parts
/// above. The error names where the file stops being HAR (`log.entries[3].request.url: ...`).
#[cfg(not(target_arch = "wasm32"))]
pub fn read(reader: impl std::io::Read) -> Result<HarLog, HarError> {
    let mut json = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let parsed: Result<HarDocument, _> = serde_path_to_error::deserialize(&mut json);
    let document = parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_io() {
            HarError(format!("cannot read it: {}", inner.io_error_kind().map_or_else(|| inner.to_string(), |k| k.to_string())))
        } else if inner.is_eof() && inner.line() == 1 && inner.column() == 0 {
            HarError("not a HAR file: it is empty".to_owned())
        } else if inner.is_eof() {
            HarError(format!("not a HAR file: the JSON ends early, at line {}, column {}", inner.line(), inner.column()))
        } else if inner.is_syntax() {
            HarError(format!("not a HAR file: {inner}"))
        } else if path == "." {
            HarError(format!("not a HAR file: {inner} (a HAR file is {{\"log\": {{\"entries\": [...]}}}})"))
        } else {
            HarError(format!("not a HAR file: at {path}: {inner}"))
        }
    })?;
    json.end().map_err(|e| HarError(format!("not a HAR file: more after the HAR object, at line {}, column {}", e.line(), e.column())))?;
    Ok(document.log)
}

impl HarLog {
    fn creator_text(&self) -> Option<String> {
        let named = |n: &Named| {
            let name = n.name.as_deref().unwrap_or("").trim();
            let version = n.version.as_deref().unwrap_or("").trim();
            Some(format!("{name} {version}").trim().to_owned()).filter(|t| !t.is_empty())
        };
        self.creator.as_ref().and_then(named)
    }

    /// The browser that wrote the file: Firefox when `creator` or `browser` names it; Chromium otherwise
    /// (Chrome and Edge write `WebInspector`).
    pub fn browser(&self) -> Browser {
        let says_firefox = |n: &Option<Named>| n.as_ref().and_then(|n| n.name.as_deref()).is_some_and(|name| name.to_ascii_lowercase().contains("firefox"));
        if says_firefox(&self.creator) || says_firefox(&self.browser) {
            Browser::Firefox
        } else {
            Browser::Chromium
        }
    }
}

/// Adds every request of `log` to tab `tab_id` of `session`, marked as imported (`source: "har_file"`).
pub fn import(session: &mut Session, tab_id: i64, log: HarLog) -> Imported {
    let mut imported = Imported { creator: log.creator_text(), browser: log.browser(), entries: log.entries.len(), ..Imported::default() };
    let mut credentials_seen = false;
    let mut unmarked_preflights = 0;
    let mut entries: Vec<(HarEntry, Redirect)> = Vec::with_capacity(log.entries.len());
    for raw in log.entries {
        credentials_seen |= carries_credentials(&raw);
        let Some((entry, redirect_url, marks_failures)) = summarize(raw) else {
            imported.skipped += 1;
            continue;
        };
        // Only a file that marks failures can say that a redirect it did not follow was not a failure (`redirect: "manual"`).
        let redirect_url = redirect_url.map(|url| (url, marks_failures));
        unmarked_preflights += usize::from(entry.resource_type.as_deref() == Some("preflight") && entry.initiator_type.is_none());
        entries.push((entry, redirect_url));
    }
    // Time order, the file's own order among equals (a stable sort).
    crate::order::sort_by(&mut entries, |a, b| a.0.started.unwrap_or(0.0).total_cmp(&b.0.started.unwrap_or(0.0)));
    mark_preflighted(&mut entries);
    for chain in chains(entries) {
        import_chain(session, tab_id, chain);
    }
    if !credentials_seen && imported.entries > 0 {
        imported.notes.push(
            "No request or response in this file carries Cookie, Set-Cookie or Authorization, as in Chrome's default \
             (sanitized) HAR export: whether a request was sent with credentials is read from how it failed, and a \
             check that depends on a cookie or an Authorization value cannot be shown. Export \"with sensitive data\" \
             to see them."
                .to_owned(),
        );
    }
    if unmarked_preflights > 0 {
        imported.notes.push(format!(
            "This browser does not mark preflights in its HAR: {unmarked_preflights} OPTIONS carrying Origin and \
             Access-Control-Request-Method were taken as preflights and paired with the request at the same URL and \
             method closest in time. Nor does it say which API made a request: Chromium's wording says fetch \
             where the page may have used XMLHttpRequest."
        ));
    }
    imported
}

/// Whether the browser wrote a credential header into this entry (before the session drops their values).
fn carries_credentials(raw: &RawEntry) -> bool {
    raw.request.headers.iter().any(|h| event::is_cookie(&h.name) || h.name.eq_ignore_ascii_case("authorization"))
        || raw.response.headers.iter().any(|h| event::is_set_cookie(&h.name))
}

/// A live DevTools record (the devtools page's `onRequestFinished` and `getHAR()` entries, bodies
/// left out) as the session reads it: the same reading as a file's entries. `None` without a URL or a
/// start time.
pub fn live_entry(raw: RawEntry) -> Option<HarEntry> {
    summarize(raw).map(|(entry, _, _)| entry)
}

/// The entry as the session reads DevTools' records, and where its redirect led; `None` without a URL
/// or a start time.
fn summarize(raw: RawEntry) -> Option<(HarEntry, Option<String>, bool)> {
    if raw.request.url.is_empty() {
        return None;
    }
    let started = parse_time(raw.started_date_time.as_deref()?)?;
    let pairs = |list: Vec<NameValue>| -> HeaderList { list.into_iter().map(|h| (h.name, h.value)).collect() };
    let initiator = raw.initiator.unwrap_or_default();
    let top = initiator.stack.as_ref().and_then(|s| s.call_frames.first());
    let marks_failures = raw.response.error.is_some();
    let mut entry = HarEntry {
        url: raw.request.url,
        method: if raw.request.method.is_empty() { "GET".to_owned() } else { raw.request.method },
        resource_type: raw.resource_type,
        initiator_type: initiator.kind,
        initiator_request_id: initiator.request_id,
        initiator_url: initiator.url.clone().filter(|u| !u.is_empty()).or_else(|| top.and_then(|f| f.url.clone())),
        initiator_line: initiator.line_number.or_else(|| top.and_then(|f| f.line_number)),
        started: Some(started),
        time: raw.time,
        status: raw.response.status,
        request_headers: pairs(raw.request.headers),
        response_headers: pairs(raw.response.headers),
        error: raw.response.error.flatten().filter(|e| !e.is_empty()),
        server_ip: raw.server_ip_address,
        preflighted: false,
        redirect_to: None,
    };
    // A preflight the file does not mark (Firefox, Safari) is known by its headers.
    if entry.resource_type.is_none() && entry.looks_like_preflight() {
        entry.resource_type = Some("preflight".to_owned());
    }
    entry.redirect_to = entry.redirect_target(raw.response.redirect_url.as_deref().unwrap_or(""));
    let redirect = entry.redirect_to.clone();
    Some((entry, redirect, marks_failures))
}

/// Marks each request a preflight announced (its URL, `Access-Control-Request-Method` its method, within
/// the slack HAR entries are matched with).
fn mark_preflighted(entries: &mut [(HarEntry, Redirect)]) {
    let mut announced: HashMap<(String, String), Vec<f64>> = HashMap::new();
    for (entry, _) in entries.iter().filter(|(e, _)| e.resource_type.as_deref() == Some("preflight")) {
        if let (Some(acrm), Some(started)) = (headers::get(&entry.request_headers, "access-control-request-method"), entry.started) {
            announced.entry((entry.url.clone(), method::normalize(acrm.trim()).to_owned())).or_default().push(started);
        }
    }
    for (entry, _) in entries.iter_mut().filter(|(e, _)| e.resource_type.as_deref() != Some("preflight")) {
        let key = (entry.url.clone(), method::normalize(&entry.method).to_owned());
        let started = entry.started.unwrap_or(0.0);
        entry.preflighted = announced.get(&key).is_some_and(|times| times.iter().any(|t| (t - started).abs() <= HAR_SLACK_MS));
    }
}

/// Where an entry's redirect led, and whether its file marks failures (Chrome's `_error`).
type Redirect = Option<(String, bool)>;

/// Joins each redirect's entries into one request: an entry answered 3xx continues in the next
/// request entry at its target URL. Preflights stay alone. Chains come out in the order of their
/// first entry. A redirect nothing continues was not followed: the browser stopped the request there
/// (a CORS check on the redirect), which a file that marks no failures does not say.
fn chains(entries: Vec<(HarEntry, Redirect)>) -> Vec<Vec<HarEntry>> {
    let mut out: Vec<Vec<HarEntry>> = Vec::new();
    // Chains whose last entry redirected: (target URL, index in `out`, its file marks failures), oldest first.
    let mut waiting: VecDeque<(String, usize, bool)> = VecDeque::new();
    for (entry, redirect) in entries {
        let preflight = entry.resource_type.as_deref() == Some("preflight");
        let continues = if preflight { None } else { waiting.iter().position(|(target, _, _)| *target == entry.url) };
        let index = match continues.and_then(|at| waiting.remove(at)) {
            Some((_, index, _)) => {
                out[index].push(entry);
                index
            }
            None => {
                out.push(vec![entry]);
                out.len() - 1
            }
        };
        if let Some((target, marks_failures)) = redirect.filter(|_| !preflight) {
            waiting.push_back((target, index, marks_failures));
        }
    }
    for (_, index, marks_failures) in waiting {
        if let Some(last) = out[index].last_mut().filter(|e| !marks_failures && e.error.is_none()) {
            last.error = Some(GENERIC_NET_ERROR.to_owned());
        }
    }
    out
}

/// `startedDateTime` (ISO 8601, e.g. `2026-12-06T05:24:11.000Z` or `...T06:24:11.123+01:00`) as ms
/// since the epoch.
pub fn parse_time(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, rest) = text.split_once(['T', ' '])?;
    let mut ymd = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (ymd.next()??, ymd.next()??, ymd.next()??);
    // Four-digit years, as ISO 8601 writes them: no arithmetic on a hostile one can overflow.
    if !(0..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let mut hms = clock.splitn(3, ':');
    let hours: i64 = hms.next()?.parse().ok()?;
    let minutes: i64 = hms.next()?.parse().ok()?;
    let seconds_ms = hms.next().map_or(Some(0.0), seconds_as_ms)?;
    if !(0..24).contains(&hours) || !(0..60).contains(&minutes) || !(0.0..61_000.0).contains(&seconds_ms) {
        return None;
    }
    let offset_minutes = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            let h: i64 = digits[..2].parse().ok()?;
            let m: i64 = digits[2..].parse().ok()?;
            sign * (h * 60 + m)
        }
    };
    let minutes = (days_from_civil(year, month, day) * 24 + hours) * 60 + minutes - offset_minutes;
    Some(minutes as f64 * 60_000.0 + seconds_ms)
}

/// ISO 8601's seconds (`11`, `11.5`, `11.123456`) in ms. Read digit by digit rather than by
/// `f64::from_str`, whose tables (dec2flt) were 10 KB of the extension's wasm for this one use.
fn seconds_as_ms(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    // Up to nine digits each side (nanoseconds): more could overflow the integer below.
    if whole.is_empty() || whole.len() > 9 || fraction.len() > 9 || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = 10u64.pow(fraction.len() as u32);
    let units = whole.parse::<u64>().ok()? * scale + fraction.parse::<u64>().unwrap_or(0);
    Some(units as f64 * 1000.0 / scale as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_with_zones() {
        assert_eq!(parse_time("1970-01-01T00:00:00.000Z"), Some(0.0));
        assert_eq!(parse_time("2026-12-06T05:24:11.000Z"), Some(1_796_534_651_000.0));
        assert_eq!(parse_time("2026-12-06T06:24:11.500+01:00"), Some(1_796_534_651_500.0));
        assert_eq!(parse_time("2026-12-06T05:24:11.5-0030"), Some(1_796_536_451_500.0));
        assert_eq!(parse_time("1970-01-01T00:00:01.25Z"), Some(1_250.0));
        assert_eq!(parse_time("1970-01-01T00:00:00.000001Z"), Some(0.001));
        assert_eq!(parse_time("1970-01-01T00:01Z"), Some(60_000.0));
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "9223372036854775807-01-01T00:00:00Z", "-9223372036854775808-01-01T00:00:00Z", "2026-12-06", "2026-12-06T25:00:00Z", "2026-12-06T05:24:11+1", "2026-12-06T05:24:1e1Z", "2026-12-06T05:24:.5Z", "2026-12-06T05:24:11.0000000001Z"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn unmarked_options_with_cors_headers_are_preflights() {
        let raw = RawEntry {
            started_date_time: Some("2026-12-06T05:24:11.000Z".into()),
            request: RawRequest {
                method: "OPTIONS".into(),
                url: "http://api.test/x".into(),
                headers: vec![
                    NameValue { name: "Origin".into(), value: "http://app.test".into() },
                    NameValue { name: "Access-Control-Request-Method".into(), value: "PUT".into() },
                ],
            },
            ..RawEntry::default()
        };
        let (entry, _, _) = summarize(raw).unwrap();
        assert_eq!(entry.resource_type.as_deref(), Some("preflight"));
        assert!(crate::headers::get(&entry.request_headers, "origin").is_some());
    }
}
