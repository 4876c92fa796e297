//! One request's life as webRequest reports it (a [`Flight`]: one or more hops joined by
//! redirects, then an outcome), and the engine's [`Exchange`] built from a finished flight and
//! the preflights matched to its hops.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::exchange::{
    Client, CredentialsMode, Exchange, HeaderList, Outcome, Preflight, Redirect, RedirectHop, Request, RequestMode, Response,
};
use crate::headers;
use crate::method;
use crate::origin::ParsedUrl;
use crate::redirect;
use crate::safelist::{self, HeaderVerdict};

use super::event::{Event, EventKind};

/// What a request turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An OPTIONS whose request headers were not seen yet: a preflight, or a script's own OPTIONS.
    Undecided,
    /// A CORS-preflight OPTIONS (it carries `Access-Control-Request-Method`).
    Preflight,
    /// Anything else: the requests a page's script (or markup) made.
    Actual,
}

/// How a preflight was tied to its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchVia {
    /// By tab, frame, initiator, URL, announced method/headers and time order.
    Order,
    /// Confirmed or supplied by a DevTools HAR entry.
    Har,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightLink {
    /// The OPTIONS' webRequest id (for a HAR-only preflight: `har:<n>`).
    pub request_id: String,
    pub via: MatchVia,
}

/// One URL of a request: the first, or one reached by a redirect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    pub url: String,
    /// `None` for a hop after a redirect until an event for it names the method.
    pub method: Option<String>,
    /// When this hop started: onBeforeRequest, or the redirect.
    pub started: f64,
    /// Request headers as last reported (onBeforeSendHeaders, then onSendHeaders).
    pub request_headers: Option<HeaderList>,
    pub response: Option<Response>,
    /// When the response headers arrived.
    pub response_at: Option<f64>,
    pub status_line: Option<String>,
    /// The IP it connected to (webRequest's `ip`): the target's address space.
    #[serde(default)]
    pub ip: Option<String>,
    /// The redirect that ended this hop: status, headers, absolute target.
    pub redirect: Option<(u16, HeaderList, String)>,
    pub preflight: Option<PreflightLink>,
}

impl Hop {
    fn new(url: String, method: Option<String>, started: f64) -> Hop {
        Hop {
            url,
            method,
            started,
            request_headers: None,
            response: None,
            response_at: None,
            status_line: None,
            ip: None,
            redirect: None,
            preflight: None,
        }
    }
}

/// Everything seen of one webRequest id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flight {
    pub request_id: String,
    pub tab_id: i64,
    pub frame_id: Option<i64>,
    pub document_id: Option<String>,
    pub initiator: Option<String>,
    pub resource_type: Option<String>,
    pub document_url: Option<String>,
    /// Arrival order of the first event (ties in time are broken by it).
    pub seq: u64,
    /// onBeforeRequest's time, else the first event's.
    pub began: f64,
    pub saw_before_request: bool,
    pub role: Role,
    pub hops: Vec<Hop>,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub ended: Option<f64>,
    /// For a preflight: the actual request (webRequest id) and hop it was matched to.
    pub linked_to: Option<(String, usize)>,
    /// For a preflight: a DevTools HAR entry confirmed it.
    pub har_confirmed: bool,
    /// Something of it was cut at ingest to keep the session bounded (bounds.rs).
    #[serde(default)]
    pub truncated: bool,
    /// What DevTools recorded of the same request (har.rs), when it was open.
    #[serde(default)]
    pub devtools: Option<DevtoolsView>,
    /// Built from DevTools' records alone: webRequest did not see it (har.rs).
    #[serde(default)]
    pub devtools_only: bool,
    /// From a HAR file someone imported (har_file.rs), not from the tab's own traffic.
    #[serde(default)]
    pub imported: bool,
}

/// What DevTools' Network panel knows of a request that webRequest cannot say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DevtoolsView {
    /// HAR `_resourceType`: `fetch` or `xhr` tell which API made the request (the console's wording).
    pub resource_type: Option<String>,
    /// The request headers as DevTools recorded them: for a request its preflight stopped, the
    /// only record of the headers the page set (webRequest never sees a request that is not sent).
    pub request_headers: Option<HeaderList>,
    /// The script and line that made the request (HAR `_initiator`).
    pub initiator_url: Option<String>,
    pub initiator_line: Option<u32>,
}

impl Flight {
    pub fn new(event: &Event, seq: u64, time: f64) -> Flight {
        let method = event.method.as_deref().map(|m| method::normalize(m).to_owned());
        let role = if method.as_deref() == Some("OPTIONS") { Role::Undecided } else { Role::Actual };
        Flight {
            request_id: event.request_id.clone(),
            tab_id: event.tab_id,
            frame_id: event.frame_id,
            document_id: event.document_id.clone(),
            initiator: event.initiator.clone(),
            resource_type: event.resource_type.clone(),
            document_url: event.document_url.clone(),
            seq,
            began: time,
            saw_before_request: false,
            role,
            hops: vec![Hop::new(event.url.clone(), method, time)],
            outcome: Outcome::Unknown,
            error: None,
            ended: None,
            linked_to: None,
            har_confirmed: false,
            truncated: false,
            devtools: None,
            devtools_only: false,
            imported: false,
        }
    }

    pub fn current(&self) -> &Hop {
        self.hops.last().expect("a flight has at least one hop")
    }

    fn current_mut(&mut self) -> &mut Hop {
        self.hops.last_mut().expect("a flight has at least one hop")
    }

    pub fn finished(&self) -> bool {
        self.ended.is_some()
    }

    pub fn first_method(&self) -> String {
        self.hops[0].method.clone().unwrap_or_else(|| "GET".to_owned())
    }

    /// The method of hop `index`: as reported, or as the redirect rules predict it.
    pub fn hop_method(&self, index: usize) -> Option<String> {
        let hop = self.hops.get(index)?;
        if let Some(method) = &hop.method {
            return Some(method.clone());
        }
        let previous = index.checked_sub(1)?;
        let before = self.hop_method(previous)?;
        let status = self.hops[previous].redirect.as_ref().map_or(307, |r| r.0);
        Some(redirect::method_after(status, &before))
    }

    /// For a preflight: `Access-Control-Request-Method`, when its headers were seen.
    pub fn announced_method(&self) -> Option<String> {
        self.hops[0].request_headers.as_ref().and_then(|h| headers::get(h, "access-control-request-method")).map(Cow::into_owned)
    }

    /// For a preflight: `Access-Control-Request-Headers` as lower-cased, sorted names (`None` when
    /// its headers were not seen; empty when the header is absent).
    pub fn announced_headers(&self) -> Option<Vec<String>> {
        let request_headers = self.hops[0].request_headers.as_ref()?;
        let mut names = match headers::get(request_headers, "access-control-request-headers") {
            None => Vec::new(),
            Some(value) => headers::parse_name_list(&value)
                .unwrap_or_else(|_| value.split(',').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()).collect()),
        };
        crate::order::sort_unique(&mut names);
        Some(names)
    }

    /// The `Origin` header of hop `index`, when its request headers were seen.
    pub fn origin_header(&self, index: usize) -> Option<String> {
        self.hops.get(index)?.request_headers.as_ref().and_then(|h| headers::get(h, "origin")).map(Cow::into_owned)
    }

    /// Applies one event at `time` (its timeStamp, or the session's clock when it had none). The event's
    /// headers are moved in, not copied.
    pub fn apply(&mut self, mut event: Event, time: f64) {
        self.truncated |= event.truncated;
        if self.initiator.is_none() {
            self.initiator = event.initiator.clone();
        }
        if self.document_id.is_none() {
            self.document_id = event.document_id.clone();
        }
        if self.frame_id.is_none() {
            self.frame_id = event.frame_id;
        }
        if self.resource_type.is_none() {
            self.resource_type = event.resource_type.clone();
        }
        if self.document_url.is_none() {
            self.document_url = event.document_url.clone();
        }
        if let Some(m) = event.method.as_deref() {
            let m = method::normalize(m);
            let hop = self.current_mut();
            if hop.method.is_none() {
                hop.method = Some(m.to_owned());
            }
        }
        match event.kind {
            EventKind::BeforeRequest => {
                if !self.saw_before_request && self.hops.len() == 1 {
                    self.saw_before_request = true;
                    self.began = time;
                    self.hops[0].started = time;
                }
            }
            EventKind::BeforeSendHeaders | EventKind::SendHeaders => {
                if let Some(h) = event.request_headers.take() {
                    self.current_mut().request_headers = Some(h);
                }
                if self.role == Role::Undecided {
                    if let Some(h) = &self.hops[0].request_headers {
                        self.role = if headers::get(h, "access-control-request-method").is_some() { Role::Preflight } else { Role::Actual };
                    }
                }
            }
            EventKind::HeadersReceived | EventKind::ResponseStarted | EventKind::Completed => {
                self.record_response(&mut event, time);
            }
            EventKind::BeforeRedirect => {
                // The redirect's headers: the event's, now the hop's response (or, without a status, still the event's).
                self.record_response(&mut event, time);
                let location = event.redirect_url.clone().unwrap_or_default();
                let role = self.role;
                let hop = self.current_mut();
                let status = event.status.or(hop.response.as_ref().map(|r| r.status)).unwrap_or(302);
                let mut redirect_headers = event
                    .response_headers
                    .clone()
                    .or_else(|| hop.response.as_ref().map(|r| r.headers.clone()))
                    .unwrap_or_default();
                if headers::get(&redirect_headers, "location").is_none() {
                    redirect_headers.push(("Location".to_owned(), location.clone()));
                }
                if role == Role::Actual {
                    hop.redirect = Some((status, redirect_headers, location.clone()));
                    // The new hop's method is known from its next event (or predicted by `hop_method`).
                    self.hops.push(Hop::new(location, None, time));
                } else {
                    // A preflight does not follow redirects: its 3xx is the preflight response.
                    hop.response = Some(Response { status, headers: redirect_headers });
                    hop.response_at = Some(time);
                }
            }
            EventKind::ErrorOccurred => {}
        }
        if event.kind.is_terminal() {
            self.outcome = if event.kind == EventKind::Completed { Outcome::Succeeded } else { Outcome::Failed };
            self.error = event.error.clone();
            self.ended = Some(time);
            if self.role == Role::Undecided {
                // An OPTIONS whose headers were never seen: most likely a preflight.
                self.role = Role::Preflight;
            }
        }
    }

    /// Takes the event's response headers when it has a status to file them under.
    fn record_response(&mut self, event: &mut Event, time: f64) {
        let hop = self.current_mut();
        if let Some(line) = &event.status_line {
            hop.status_line = Some(line.clone());
        }
        if let Some(ip) = &event.ip {
            hop.ip = Some(ip.clone());
        }
        let Some(status) = event.status.or(hop.response.as_ref().map(|r| r.status)) else { return };
        match (event.response_headers.take(), hop.response.as_mut()) {
            (Some(h), _) => {
                hop.response = Some(Response { status, headers: h });
            }
            (None, Some(existing)) => existing.status = status,
            (None, None) => hop.response = Some(Response { status, headers: Vec::new() }),
        }
        if hop.response_at.is_none() {
            hop.response_at = Some(time);
        }
    }
}

/// The page's serialized origin for a finished flight: the initiator when it is an http(s)
/// origin or `null`, else the `Origin` header the request or its preflight carried. `None`:
/// not a page request CORS applies to (an extension's, or unknown).
pub fn page_origin(flight: &Flight, preflight: Option<&Flight>) -> Option<String> {
    let from_text = |text: &str| -> Option<String> {
        if text == "null" {
            return Some("null".to_owned());
        }
        let url = ParsedUrl::parse(text).ok()?;
        match &*url.scheme {
            "http" | "https" => url.origin().map(|o| o.serialize()),
            "file" => Some("null".to_owned()),
            _ => None,
        }
    };
    if let Some(initiator) = &flight.initiator {
        return from_text(initiator);
    }
    flight.origin_header(0).or_else(|| preflight.and_then(|p| p.origin_header(0))).and_then(|o| from_text(&o))
}

/// The serialized origin of a document's http(s) URL.
pub fn document_origin(url: &str) -> Option<String> {
    ParsedUrl::parse(url).ok().filter(|u| u.is_http()).and_then(|u| u.origin().map(|o| o.serialize()))
}

/// Whether any hop of the flight leaves the page's origin.
pub fn is_cross_origin(flight: &Flight, page_origin: &str) -> bool {
    page_origin == "null"
        || flight.hops.iter().any(|hop| {
            !ParsedUrl::parse(&hop.url).is_ok_and(|u| u.origin().is_some_and(|o| o.is_serialized_as(page_origin)))
        })
}

/// Resource types that are navigations or otherwise never CORS requests.
pub fn is_untracked_type(resource_type: Option<&str>) -> bool {
    matches!(resource_type, Some("main_frame" | "sub_frame" | "outermost_frame" | "websocket" | "csp_report" | "ping"))
}

/// Whether a finished, cross-origin flight is a CORS request the report should show.
pub fn is_cors_candidate(flight: &Flight, has_preflight: bool) -> bool {
    match flight.resource_type.as_deref() {
        Some("xmlhttprequest" | "font") | None => true,
        // <script crossorigin>, <img crossorigin>, CSS, media: CORS only when the browser sent Origin.
        _ => has_preflight || flight.origin_header(0).is_some(),
    }
}

/// Headers the browser adds by itself that are not CORS-safelisted: DevTools "Disable cache"
/// adds `Cache-Control`/`Pragma: no-cache`, and Chromium may add `Priority`. A script setting
/// them shows up in the preflight's `Access-Control-Request-Headers`.
fn is_browser_added(name: &str, value: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "user-agent" => true,
        "cache-control" | "pragma" => value.trim().eq_ignore_ascii_case("no-cache"),
        "priority" => value.trim_start().starts_with("u="),
        _ => false,
    }
}

/// The headers the page's script could have set, from what the browser reported on the wire.
/// With a preflight, the unsafe ones are exactly its `Access-Control-Request-Headers`; without,
/// browser additions are dropped and the rest kept (the browser's own are safelisted).
pub fn script_headers(sent: &HeaderList, announced: Option<&[String]>) -> HeaderList {
    sent.iter()
        .filter(|(name, value)| {
            if safelist::is_forbidden_request_header(name, value) {
                return false;
            }
            let lower = name.to_ascii_lowercase();
            match announced {
                Some(names) if names.contains(&lower) => true,
                Some(_) => safelist::classify(name, value) == HeaderVerdict::Safelisted && !is_browser_added(name, value),
                None => !is_browser_added(name, value),
            }
        })
        .cloned()
        .collect()
}

/// The CORS-unsafe header names of what a hop sent, after dropping browser additions.
pub fn sent_unsafe_names(sent: &HeaderList) -> Vec<String> {
    safelist::unsafe_headers(&script_headers(sent, None)).1
}

/// A preflight flight as the engine's input.
pub fn engine_preflight(preflight: &Flight) -> Preflight {
    let hop = &preflight.hops[0];
    let net_error = if preflight.outcome == Outcome::Failed { preflight.error.clone() } else { None };
    Preflight {
        request_headers: hop.request_headers.clone().unwrap_or_default(),
        response: hop.response.clone(),
        net_error,
    }
}

/// Resolves a Location value against the URL it came from (webRequest's `redirectUrl` is
/// already absolute; a `Location` header need not be).
pub fn resolve_location(base: &str, location: &str) -> String {
    let location = location.trim();
    let has_scheme = location
        .find(':')
        .is_some_and(|i| i > 0 && location[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)));
    if has_scheme {
        return location.to_owned();
    }
    let Ok(parsed) = ParsedUrl::parse(base) else { return location.to_owned() };
    let Some(origin) = parsed.origin() else { return location.to_owned() };
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}://{rest}", parsed.scheme);
    }
    if location.starts_with('/') {
        return format!("{}{location}", origin.serialize());
    }
    let path = parsed.path_and_query.split('?').next().unwrap_or("/");
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    format!("{}{dir}{location}", origin.serialize())
}

/// Builds the engine's input from a finished actual request and the preflights of its hops.
pub fn build_exchange(flight: &Flight, preflights: &[Option<Flight>], page_origin: &str, page_ip: Option<&str>) -> Exchange {
    let hop0 = &flight.hops[0];
    let preflight0 = preflights.first().and_then(Option::as_ref);
    let announced = preflight0.and_then(Flight::announced_headers);
    let devtools = flight.devtools.as_ref();
    // webRequest's headers are what was sent; a request its preflight stopped was never sent, and only
    // DevTools recorded the headers the page set.
    const NONE_SEEN: &HeaderList = &Vec::new();
    let sent = hop0.request_headers.as_ref().or_else(|| devtools.and_then(|d| d.request_headers.as_ref())).unwrap_or(NONE_SEEN);
    let method = flight.first_method();
    // Without extraHeaders webRequest hides Cookie and Origin; DevTools' record of the same request shows them.
    let was_sent = |name: &str| {
        headers::get(sent, name).is_some()
            || devtools.and_then(|d| d.request_headers.as_ref()).is_some_and(|h| headers::get(h, name).is_some())
    };
    let credentials_mode = if was_sent("cookie") { CredentialsMode::Include } else { CredentialsMode::Unknown };
    let resource_type = flight.resource_type.as_deref();
    let no_cors = resource_type == Some("xmlhttprequest")
        && hop0.request_headers.is_some()
        && !was_sent("origin")
        && preflight0.is_none()
        && (method == "GET" || method == "HEAD");
    let client = match (devtools.and_then(|d| d.resource_type.as_deref()), resource_type) {
        (Some("fetch"), _) => Client::Fetch,
        (Some("xhr"), _) => Client::Xhr,
        (_, Some("script")) => Client::Script,
        (_, Some("font")) => Client::Font,
        _ => Client::Unknown,
    };
    let request = Request {
        method,
        url: hop0.url.clone(),
        origin: page_origin.to_owned(),
        credentials_mode,
        headers: script_headers(sent, announced.as_deref()),
        mode: if no_cors { RequestMode::NoCors } else { RequestMode::Cors },
        redirect_mode: Default::default(),
        client,
        document_url: flight.document_url.clone(),
        initiator_address_space: None,
        target_address_space: None,
        initiator_ip: page_ip.map(str::to_owned),
        target_ip: hop0.ip.clone(),
        secure_context: None,
        declared_target_address_space: None,
        local_network_permission: None,
    };

    let mut redirects = Vec::new();
    for (index, hop) in flight.hops.iter().enumerate() {
        let Some((status, redirect_headers, location)) = &hop.redirect else { continue };
        let next = flight.hops.get(index + 1).map(|next| RedirectHop {
            url: next.url.clone(),
            method: next.method.clone(),
            origin_header: flight.origin_header(index + 1),
            preflight: preflights.get(index + 1).and_then(Option::as_ref).map(engine_preflight),
        });
        redirects.push(Redirect { status: *status, headers: redirect_headers.clone(), location: location.clone(), next });
    }
    let last = flight.current();
    let mut response = last.response.clone();
    // A 3xx the browser did not follow because a check failed: webRequest shows onHeadersReceived
    // and then the error, never onBeforeRedirect. It is a redirect all the same.
    if flight.outcome == Outcome::Failed {
        if let Some(r) = response.as_ref().filter(|r| crate::preflight::is_redirect(r)) {
            let location = headers::get(&r.headers, "location").unwrap_or_default();
            redirects.push(Redirect {
                status: r.status,
                headers: r.headers.clone(),
                location: resolve_location(&last.url, &location),
                next: None,
            });
            response = None;
        }
    }
    Exchange {
        request,
        preflight: preflight0.map(engine_preflight),
        redirects,
        response,
        outcome: flight.outcome,
        net_error: if flight.outcome == Outcome::Failed { flight.error.clone() } else { None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn script_headers_follow_the_preflight() {
        let sent = h(&[
            ("Accept", "*/*"),
            ("Accept-Language", "en-US,en;q=0.9"),
            ("Cache-Control", "no-cache"),
            ("Pragma", "no-cache"),
            ("X-Api-Key", "k"),
            ("Content-Type", "application/json"),
            ("Origin", "http://a"),
        ]);
        let announced = vec!["content-type".to_string(), "x-api-key".to_string()];
        let kept = script_headers(&sent, Some(&announced));
        assert_eq!(kept, h(&[("Accept", "*/*"), ("Accept-Language", "en-US,en;q=0.9"), ("X-Api-Key", "k"), ("Content-Type", "application/json")]));
        assert_eq!(sent_unsafe_names(&sent), vec!["content-type", "x-api-key"]);
        // A script that set Cache-Control itself announces it.
        let kept = script_headers(&sent, Some(&["cache-control".to_string()]));
        assert!(kept.iter().any(|(n, _)| n == "Cache-Control"));
    }

    #[test]
    fn locations_resolve() {
        assert_eq!(resolve_location("http://a:81/x/y?q", "/z"), "http://a:81/z");
        assert_eq!(resolve_location("http://a/x/y", "z"), "http://a/x/z");
        assert_eq!(resolve_location("https://a/x", "//b/c"), "https://b/c");
        assert_eq!(resolve_location("http://a/x", "https://b/"), "https://b/");
    }
}
