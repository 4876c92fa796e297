//! What preflights cost a page: per key (origin, URL, method, announced header names) how many
//! OPTIONS were sent and how long they took, what `Access-Control-Max-Age` granted (as Chromium
//! reads it), and why the same OPTIONS was sent again: a missing, short, unparsable or zero
//! Max-Age, a cache bypassed by DevTools "Disable cache", or many distinct URLs (the preflight
//! cache is keyed by the full URL, so Max-Age cannot help).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::SortedMap;

use crate::browser::Browser;
use crate::exchange::Response;
use crate::headers;
use crate::max_age;
use crate::origin::ParsedUrl;
use crate::preflight::{self, PreflightAsk};
use crate::verdict::MaxAgeReading;

use super::assemble::Flight;

/// Observations kept per key for the repeat analysis (counts and times cover all of them).
const MAX_OBSERVATIONS: usize = 64;
/// Keys kept per tab; the least recently seen is dropped first.
const MAX_KEYS: usize = 2000;
/// Below this a valid Max-Age is called short when the preflight repeats (Safari's cap).
pub const SHORT_MAX_AGE: u32 = 600;
/// Chromium does not cache preflights for URLs this long or longer (`preflight_cache.cc`).
pub const MAX_CACHEABLE_URL: usize = 1024;
/// Distinct URLs of one shape that make a "many distinct URLs" finding.
pub const MANY_URLS: usize = 4;
/// Slack for "within the cache window", in ms: timestamps come from different threads.
const WINDOW_SLACK_MS: f64 = 50.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub request_id: String,
    pub began: f64,
    pub ended: f64,
    pub status: Option<u16>,
    /// The raw `Access-Control-Max-Age` value, combined when repeated.
    pub max_age: Option<String>,
    /// Whether the preflight succeeded (only successful preflights are cached).
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyStats {
    pub origin: String,
    pub url: String,
    pub method: String,
    /// `Access-Control-Request-Headers` names, lower-cased, sorted, comma-joined.
    pub request_headers: String,
    pub count: u64,
    pub total_ms: f64,
    pub last_tick: u64,
    pub observations: Vec<Observation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PreflightCost {
    keys: SortedMap<String, KeyStats>,
    tick: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostFinding {
    Missing,
    TooShort,
    Unparsable,
    AboveCap,
    Zero,
    Ok,
    CacheDisabled,
    /// Every OPTIONS for the key failed: nothing could be cached.
    Failed,
    /// Chromium does not cache preflights for URLs of 1024 characters or more.
    UrlTooLong,
    /// One of many URLs of one pattern (`/items/{id}`), each needing its own preflight: the
    /// report's `many_distinct_urls` finding names them, and Max-Age cannot help.
    DistinctUrls,
}

/// One row of the report's `preflight_stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreflightStat {
    pub origin: String,
    pub url: String,
    pub method: String,
    pub request_headers: String,
    pub count: u64,
    pub total_ms: f64,
    pub max_age_header: Option<String>,
    pub max_age_seconds: u32,
    pub finding: CostFinding,
    pub message: String,
    /// The URL with its ids as `{id}` (`url_shape`): the cost view groups rows by it.
    #[serde(default)]
    pub pattern: String,
    /// The finding in a few plain words ("Max-Age missing"), for the cost view's rows.
    #[serde(default)]
    pub label: String,
    /// The row is a cost a server change would save (the finding is a problem, not "cached").
    #[serde(default)]
    pub bad: bool,
    /// The page's requests this row's preflights were for, oldest first (cost_view.rs).
    #[serde(default)]
    pub exchange_ids: Vec<String>,
    /// The ids of the OPTIONS counted here, for linking rows to exchanges.
    #[serde(skip)]
    pub preflight_ids: Vec<String>,
}

impl CostFinding {
    /// A row's finding in a few plain words, and whether it is a cost a server change would save.
    pub fn label(self, max_age_seconds: u32) -> (String, bool) {
        match self {
            CostFinding::Missing => ("Max-Age missing".to_owned(), true),
            CostFinding::TooShort => (format!("Max-Age too short ({max_age_seconds} s)"), true),
            CostFinding::Unparsable => ("Max-Age not a number".to_owned(), true),
            CostFinding::Zero => ("Max-Age 0: never cached".to_owned(), true),
            CostFinding::AboveCap => (format!("Max-Age above the cap: cached {max_age_seconds} s"), false),
            CostFinding::Ok => (format!("Cached {max_age_seconds} s"), false),
            CostFinding::CacheDisabled => ("Cache bypassed (DevTools' Disable cache?)".to_owned(), false),
            CostFinding::Failed => ("Preflight failed: never cached".to_owned(), true),
            CostFinding::UrlTooLong => ("URL too long to be cached".to_owned(), true),
            CostFinding::DistinctUrls => ("Each URL needs its own preflight".to_owned(), true),
        }
    }
}

/// What a report-level finding is about; serialised as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Many URLs of one shape (`/items/{id}`), each needing its own preflight: Max-Age cannot help.
    ManyDistinctUrls,
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FindingKind::ManyDistinctUrls => "many_distinct_urls",
        })
    }
}

/// One entry of the report's `findings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct_urls: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preflights: Option<u64>,
}

/// What a preflight asked for, read once from its headers: with its URL, the key it is counted under.
struct Asked {
    origin: String,
    method: Option<String>,
    header_names: Vec<String>,
}

impl Asked {
    fn of(pf: &Flight, page_origin: &str) -> Asked {
        Asked {
            origin: pf.origin_header(0).unwrap_or_else(|| page_origin.to_owned()),
            method: pf.announced_method(),
            header_names: pf.announced_headers().unwrap_or_default(),
        }
    }

    /// The key's text: (origin, URL, announced method, announced header names).
    fn id(&self, url: &str) -> String {
        format!("{}\n{}\n{}\n{}", self.origin, url, self.method.as_deref().unwrap_or(""), self.header_names.join(","))
    }

    /// Whether the preflight succeeded on its own terms (credentials not known: assumed absent; the
    /// matched request's verdict corrects it later through [`PreflightCost::set_ok`]).
    fn succeeded_alone(&self, pf: &Flight) -> bool {
        let Some(response) = pf.hops[0].response.as_ref() else { return false };
        let ask = PreflightAsk {
            method: self.method.as_deref().unwrap_or("GET"),
            unsafe_header_names: &self.header_names,
            origin: &self.origin,
            credentials: false,
            forced: false,
        };
        preflight::evaluate(response, &ask).is_ok()
    }
}

fn max_age_of(response: Option<&Response>) -> Option<String> {
    response.and_then(|r| headers::get(&r.headers, "access-control-max-age")).map(Cow::into_owned)
}

impl PreflightCost {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key text of a preflight (`Asked::id`).
    fn id_of(pf: &Flight, page_origin: &str) -> String {
        Asked::of(pf, page_origin).id(&pf.hops[0].url)
    }

    /// Records one finished preflight OPTIONS.
    pub fn observe(&mut self, pf: &Flight, page_origin: &str) {
        let asked = Asked::of(pf, page_origin);
        let url = &pf.hops[0].url;
        let id = asked.id(url);
        let ended = pf.ended.unwrap_or(pf.began);
        let response = pf.hops[0].response.as_ref();
        let observation = Observation {
            request_id: pf.request_id.clone(),
            began: pf.began,
            ended,
            status: response.map(|r| r.status),
            max_age: max_age_of(response),
            ok: asked.succeeded_alone(pf),
        };
        self.tick += 1;
        let tick = self.tick;
        let stats = self.keys.get_or_insert_with(id, || KeyStats {
            request_headers: asked.header_names.join(","),
            method: asked.method.unwrap_or_default(),
            origin: asked.origin,
            url: url.clone(),
            count: 0,
            total_ms: 0.0,
            last_tick: tick,
            observations: Vec::new(),
        });
        stats.count += 1;
        stats.total_ms += (ended - pf.began).max(0.0);
        stats.last_tick = tick;
        stats.observations.push(observation);
        if stats.observations.len() > MAX_OBSERVATIONS {
            stats.observations.remove(0);
        }
        if self.keys.len() > MAX_KEYS {
            // The least recently seen tenth goes at once: one look through the keys per `MAX_KEYS / 10`
            // new ones, not one per preflight once a page has made that many distinct ones.
            let mut ticks: Vec<u64> = self.keys.values().map(|s| s.last_tick).collect();
            let cut = ticks.len() / 10;
            let (_, &mut newest_gone, _) = ticks.select_nth_unstable(cut);
            self.keys.retain(|_, s| s.last_tick > newest_gone);
        }
    }

    /// Corrects whether preflight `pf` succeeded, from its request's verdict.
    pub fn set_ok(&mut self, pf: &Flight, page_origin: &str, ok: bool) -> bool {
        let id = Self::id_of(pf, page_origin);
        let Some(stats) = self.keys.get_mut(&id) else { return false };
        match stats.observations.iter_mut().rev().find(|o| o.request_id == pf.request_id) {
            Some(o) if o.ok != ok => {
                o.ok = ok;
                true
            }
            _ => false,
        }
    }

    /// Takes preflight `pf` out of the counts (it was the extension's own, own.rs).
    pub fn forget(&mut self, pf: &Flight, page_origin: &str) {
        let id = Self::id_of(pf, page_origin);
        let Some(stats) = self.keys.get_mut(&id) else { return };
        let Some(index) = stats.observations.iter().rposition(|o| o.request_id == pf.request_id) else { return };
        let gone = stats.observations.remove(index);
        stats.count = stats.count.saturating_sub(1);
        stats.total_ms = (stats.total_ms - (gone.ended - gone.began).max(0.0)).max(0.0);
        if stats.count == 0 {
            self.keys.remove(&id);
        }
    }

    /// The report rows, Max-Age read as `browser` reads it: most OPTIONS first.
    pub fn stats(&self, browser: Browser) -> Vec<PreflightStat> {
        // Every OPTIONS start per (origin, URL), to tell a bypassed cache from an entry that a
        // preflight for another method or header set replaced (Chromium keeps one per URL).
        let mut starts_by_url: SortedMap<(&str, &str), Vec<(f64, &str)>> = SortedMap::new();
        for (id, stats) in self.keys.iter() {
            let list = starts_by_url.get_or_insert_with((stats.origin.as_str(), stats.url.as_str()), Vec::new);
            list.extend(stats.observations.iter().map(|o| (o.began, id.as_str())));
        }
        let mut rows: Vec<PreflightStat> = self
            .keys
            .iter()
            .map(|(id, stats)| {
                let others: Vec<f64> = starts_by_url
                    .get(&(stats.origin.as_str(), stats.url.as_str()))
                    .into_iter()
                    .flatten()
                    .filter(|(_, key)| *key != id.as_str())
                    .map(|(t, _)| *t)
                    .collect();
                row(stats, &others, browser)
            })
            .collect();
        // Rows of a pattern the "many distinct URLs" finding names are not fine, whatever Max-Age says.
        let named = self.findings();
        for row in rows.iter_mut().filter(|r| r.finding == CostFinding::Ok) {
            let finding = named.iter().find(|f| {
                f.pattern.as_deref() == Some(row.pattern.as_str())
                    && f.method.as_deref() == Some(row.method.as_str())
                    && f.request_headers.as_deref() == Some(row.request_headers.as_str())
            });
            if let Some(f) = finding {
                row.finding = CostFinding::DistinctUrls;
                row.message = format!(
                    "One of {} URLs of this pattern, each needing its own preflight: the browser's preflight cache is \
                     keyed by the full URL, so Access-Control-Max-Age cannot help (see the finding above).",
                    f.distinct_urls.unwrap_or_default()
                );
                (row.label, row.bad) = row.finding.label(row.max_age_seconds);
            }
        }
        crate::order::sort_by(&mut rows, |a, b| {
            (b.count, &a.url, &a.method, &a.request_headers, &a.origin).cmp(&(a.count, &b.url, &b.method, &b.request_headers, &b.origin))
        });
        rows
    }

    /// Findings across keys: many distinct URLs of one shape, each paying its own preflight.
    pub fn findings(&self) -> Vec<Finding> {
        let mut groups: SortedMap<(String, String, String, String), (u64, u64)> = SortedMap::new();
        for stats in self.keys.values() {
            let shape = url_shape(&stats.url);
            let entry = groups.get_or_insert_with((stats.origin.clone(), stats.method.clone(), stats.request_headers.clone(), shape), || (0, 0));
            entry.0 += 1;
            entry.1 += stats.count;
        }
        groups
            .into_iter()
            .filter(|(_, (urls, _))| *urls as usize >= MANY_URLS)
            .map(|((_, method, request_headers, pattern), (urls, count))| {
                let with = if request_headers.is_empty() { String::new() } else { format!(" with {request_headers}") };
                Finding {
                    kind: FindingKind::ManyDistinctUrls,
                    message: format!(
                        "{urls} different URLs of the form {pattern} each needed their own preflight ({count} OPTIONS for \
                         {method}{with}). The browser's preflight cache is keyed by the full URL, query string included, so \
                         Access-Control-Max-Age cannot help here. Avoid the preflight (a simple request: GET, HEAD or POST \
                         with only CORS-safelisted headers, Content-Type text/plain, application/x-www-form-urlencoded or \
                         multipart/form-data), or keep the URL constant and put the id in the request body, or serve the API \
                         from the page's own origin (e.g. through a reverse proxy)."
                    ),
                    pattern: Some(pattern),
                    method: Some(method),
                    request_headers: Some(request_headers),
                    distinct_urls: Some(urls),
                    preflights: Some(count),
                }
            })
            .collect()
    }
}

/// Whether a path segment is an id: a number, a UUID, or a hex string of 8 or more characters with
/// a digit (not a word such as `deadbeef`-like names of resources).
fn id_like(segment: &str) -> bool {
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    let uuid = segment.len() == 36 && segment.split('-').map(str::len).eq([8, 4, 4, 4, 12]) && segment.split('-').all(hex);
    let number = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    uuid || number || (segment.len() >= 8 && hex(segment) && segment.bytes().any(|b| b.is_ascii_digit()))
}

/// A URL with its ids replaced: id path segments (`id_like`) become `{id}`, query values `{v}`.
pub fn url_shape(url: &str) -> String {
    let Ok(parsed) = ParsedUrl::parse(url) else { return url.to_owned() };
    let origin = parsed.origin().map(|o| o.serialize()).unwrap_or_default();
    let (path, query) = match parsed.path_and_query.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (parsed.path_and_query.into_owned(), None),
    };
    let path: Vec<String> = path
        .split('/')
        .map(|segment| if id_like(segment) { "{id}".to_owned() } else { segment.to_owned() })
        .collect();
    let mut shape = format!("{origin}{}", path.join("/"));
    if let Some(query) = query {
        let mut keys: Vec<String> =
            query.split('&').filter(|p| !p.is_empty()).map(|p| format!("{}={{v}}", p.split('=').next().unwrap_or(""))).collect();
        crate::order::sort_unique(&mut keys);
        shape.push('?');
        shape.push_str(&keys.join("&"));
    }
    shape
}

/// Classifies one key. `other_starts`: when OPTIONS for the same origin and URL but another
/// method or header set started (they may have replaced the cached entry).
fn row(stats: &KeyStats, other_starts: &[f64], browser: Browser) -> PreflightStat {
    // By start time, ties in the order observed.
    let mut obs: Vec<&Observation> = stats.observations.iter().collect();
    crate::order::sort_by(&mut obs, |a, b| a.began.total_cmp(&b.began));
    let latest_ok = obs.iter().rev().find(|o| o.ok).copied();
    let shown = latest_ok.or(obs.last().copied());
    let header = shown.and_then(|o| o.max_age.clone());
    let reading = max_age::of(browser, header.as_deref());
    let base = |finding: CostFinding, message: String| {
        let (label, bad) = finding.label(reading.seconds);
        PreflightStat {
            origin: stats.origin.clone(),
            url: stats.url.clone(),
            method: stats.method.clone(),
            request_headers: stats.request_headers.clone(),
            count: stats.count,
            total_ms: stats.total_ms,
            max_age_header: header.clone(),
            max_age_seconds: reading.seconds,
            finding,
            message,
            pattern: url_shape(&stats.url),
            label,
            bad,
            exchange_ids: Vec::new(),
            preflight_ids: stats.observations.iter().map(|o| o.request_id.clone()).collect(),
        }
    };
    let count = stats.count;
    let times = |n: u64| if n == 1 { "once".to_owned() } else { format!("{n} times") };
    if latest_ok.is_none() {
        return base(
            CostFinding::Failed,
            format!(
                "The preflight failed ({}); browsers cache only successful preflights, so every attempt sends a new \
                 OPTIONS. This is not a Max-Age problem: fix the preflight response first (see the failing request).",
                times(count)
            ),
        );
    }
    if stats.url.len() >= MAX_CACHEABLE_URL && count > 1 {
        return base(
            CostFinding::UrlTooLong,
            format!(
                "The URL is {} characters long: Chromium does not cache preflights for URLs of {MAX_CACHEABLE_URL} \
                 characters or more, so each request sends its own OPTIONS ({count} so far). Shorten the URL (move data \
                 into the request body).",
                stats.url.len()
            ),
        );
    }
    // Each repeat after a successful preflight: inside the window the browser would have cached it
    // (a bypassed cache), or after it expired (Max-Age too short to cover the page's pace).
    let (mut within, mut after) = (0u64, 0u64);
    let mut window_seconds = 0u32;
    for (i, current) in obs.iter().enumerate() {
        let Some(previous) = obs[..i].iter().rev().find(|p| p.ok && p.ended <= current.began) else { continue };
        let granted = max_age::of(browser, previous.max_age.as_deref()).seconds;
        let gap_ms = current.began - previous.ended;
        let replaced = other_starts.iter().any(|&t| t >= previous.began && t <= current.began);
        if granted > 0 && gap_ms + WINDOW_SLACK_MS < f64::from(granted) * 1000.0 {
            if !replaced {
                within += 1;
                window_seconds = window_seconds.max(granted);
            }
        } else {
            after += 1;
        }
    }
    let value = header.as_deref().unwrap_or("");
    if within > 0 && reading.reading != MaxAgeReading::NotCached {
        return base(
            CostFinding::CacheDisabled,
            format!(
                "The same preflight was sent again {} while the browser could still have reused it (granted {window_seconds} \
                 s): the preflight cache was bypassed. DevTools \"Disable cache\" does that (it disables the preflight cache \
                 too), as does a hard reload. Not a Max-Age problem; with the cache enabled these OPTIONS would not be sent.",
                times(within)
            ),
        );
    }
    let (finding, message) = match reading.reading {
        MaxAgeReading::NotCached => (
            CostFinding::Zero,
            format!(
                "Access-Control-Max-Age: {value} means the preflight is never cached: every request sends its own OPTIONS \
                 ({count} so far). Send a positive value, e.g. Access-Control-Max-Age: 7200."
            ),
        ),
        MaxAgeReading::Unparsable => (
            CostFinding::Unparsable,
            format!(
                "Access-Control-Max-Age: {value} is not a whole number of seconds: Chromium and Safari fall back to 5 s, \
                 Firefox does not cache the preflight at all. Send digits only, e.g. 7200."
            ),
        ),
        MaxAgeReading::Capped => (CostFinding::AboveCap, above_cap(browser, value, count)),
        MaxAgeReading::Missing if after > 0 => (
            CostFinding::Missing,
            format!(
                "No Access-Control-Max-Age: browsers cache the preflight for only 5 s, so the same OPTIONS was sent again \
                 {} ({count} in all). Add Access-Control-Max-Age: 7200 (Chromium's cap; Firefox allows 86400).",
                times(after)
            ),
        ),
        MaxAgeReading::Parsed if reading.seconds < SHORT_MAX_AGE && after > 0 => (
            CostFinding::TooShort,
            format!(
                "Access-Control-Max-Age: {value} lets the browser reuse the preflight for only {} s; the same OPTIONS was \
                 sent again {} after it expired ({count} in all). Raise it, e.g. to 7200 (Chromium's cap; Safari caps at \
                 600, Firefox at 86400).",
                reading.seconds,
                times(after)
            ),
        ),
        MaxAgeReading::Missing => (
            CostFinding::Ok,
            format!(
                "No Access-Control-Max-Age: browsers cache the preflight for 5 s. No repeat so far ({count} OPTIONS); \
                 Access-Control-Max-Age: 7200 would cover repeats for 2 h."
            ),
        ),
        MaxAgeReading::Parsed => (
            CostFinding::Ok,
            format!("Access-Control-Max-Age: {value}: {} reuses the preflight for {} s ({count} OPTIONS).", browser.title(), reading.seconds),
        ),
    };
    base(finding, message)
}

/// A Max-Age above `browser`'s cap: what it and the others keep.
fn above_cap(browser: Browser, value: &str, count: u64) -> String {
    let cap = |b| max_age::of(b, None).cap;
    let mine = cap(browser);
    let span = if mine >= 3600 { format!("{} h", mine / 3600) } else { format!("{} min", mine / 60) };
    let others: Vec<String> = Browser::ALL
        .into_iter()
        .filter(|&b| b != browser)
        .enumerate()
        .map(|(i, b)| format!("{} for {}{} s", b.title(), if i == 0 { "at most " } else { "" }, cap(b)))
        .collect();
    let name = browser.title();
    format!(
        "Access-Control-Max-Age: {value} is above {name}'s cap: {name} caches the preflight for {mine} s ({span}), {}. \
         {count} OPTIONS so far; {mine} says what {name} does.",
        others.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_replace_ids() {
        assert_eq!(url_shape("http://a:8002/items/17"), "http://a:8002/items/{id}");
        assert_eq!(url_shape("http://a/items/4f9c2a6e-1b2c-4d5e-8f90-a1b2c3d4e5f6/tags"), "http://a/items/{id}/tags");
        assert_eq!(url_shape("http://a/blobs/9f86d081884c7d65/raw"), "http://a/blobs/{id}/raw", "hex");
        assert_eq!(url_shape("http://a/search?q=x&page=2"), "http://a/search?page={v}&q={v}");
        assert_eq!(url_shape("http://a/items"), "http://a/items");
        // Words are not ids, even when they contain a digit or are hex letters only.
        assert_eq!(url_shape("http://a/api/v2/oauth2/facade/deadbeefcafe"), "http://a/api/v2/oauth2/facade/deadbeefcafe");
    }

    #[test]
    fn every_finding_has_plain_words() {
        use CostFinding::*;
        for finding in [Missing, TooShort, Unparsable, AboveCap, Zero, Ok, CacheDisabled, Failed, UrlTooLong, DistinctUrls] {
            let (label, _) = finding.label(5);
            assert!(!label.contains('_') && !label.is_empty() && label != "ok", "{finding:?}: {label}");
        }
        assert_eq!(TooShort.label(5), ("Max-Age too short (5 s)".to_owned(), true));
        assert_eq!(Ok.label(7200), ("Cached 7200 s".to_owned(), false));
        assert!(DistinctUrls.label(7200).1);
    }
}
