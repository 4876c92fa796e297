//! A probe: the requests the browser would send for one call of the page, sent for real in the
//! browser's order, each answer written into an [`Exchange`] and judged by the engine before the next
//! request goes out, so the walk stops where the browser would. The preflight (when the engine says
//! one is needed); then, when it passed and the actual request is wanted (or none was needed), the
//! actual request, following its redirects as the browser does: each hop is checked, `Origin` turns
//! `null` where the engine's taint rule says so (redirect.rs), the method and headers change as
//! fetch changes them, and a hop that needs a preflight gets its own.

use crate::browser::Browser;
use crate::check::{check_as, InputError};
use crate::exchange::{CredentialsMode, Exchange, HeaderList, Outcome, Preflight, Redirect, RedirectHop, Request, Response};
use crate::headers;
use crate::method;
use crate::origin::{parse_serialized_origin, ParsedUrl};
use crate::preflight;
use crate::redirect;
use crate::safelist;
use crate::verdict::Verdict;

use super::client::{NetError, Received, Sender};
use super::request::{actual_headers, combine, preflight_headers, PageRequest};

/// One request the probe sent, for the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sent {
    pub method: String,
    pub url: String,
    pub headers: HeaderList,
    /// `preflight` or `actual`.
    pub kind: &'static str,
    pub status: Option<u16>,
    pub http_version: Option<String>,
    pub net_error: Option<String>,
    /// The client's own words for a failure below HTTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// What a probe found: the exchange built from what was sent and received, the engine's verdict on
/// it, and the requests in the order they went out.
#[derive(Debug, Clone)]
pub struct Probe {
    pub exchange: Exchange,
    pub verdict: Verdict,
    pub sent: Vec<Sent>,
    /// The preflight passed and the actual request was not sent (no `--actual`).
    pub stopped_after_preflight: bool,
}

impl Probe {
    /// A failure below HTTP (DNS, refused, TLS, timeout): nothing a CORS header decided.
    pub fn network_failed(&self) -> bool {
        self.verdict.network_failure.is_some() || self.sent.iter().any(|s| s.net_error.is_some())
    }

    pub fn blocked(&self) -> bool {
        self.verdict.error.is_some()
    }
}

/// The exchange before anything is sent.
fn exchange_for(page: &PageRequest) -> Exchange {
    Exchange {
        request: Request {
            method: page.method.clone(),
            url: page.url.clone(),
            origin: page.origin.clone(),
            credentials_mode: if page.credentials { CredentialsMode::Include } else { CredentialsMode::SameOrigin },
            headers: combine(&page.headers),
            mode: Default::default(),
            redirect_mode: Default::default(),
            client: Default::default(),
            document_url: None,
            initiator_address_space: None,
            target_address_space: None,
            initiator_ip: None,
            target_ip: None,
            secure_context: None,
            declared_target_address_space: None,
            local_network_permission: None,
        },
        preflight: None,
        redirects: Vec::new(),
        response: None,
        outcome: Outcome::Unknown,
        net_error: None,
    }
}

/// Sends a preflight for one hop and records it.
fn send_preflight(sender: &Sender, url: &str, origin_header: &str, method: &str, unsafe_names: &[String], sent: &mut Vec<Sent>) -> Preflight {
    let request_headers = preflight_headers(url, origin_header, method, unsafe_names);
    let answer = sender.send("OPTIONS", url, &request_headers);
    sent.push(record("OPTIONS", url, &request_headers, "preflight", &answer));
    match answer {
        Ok(received) => Preflight { request_headers, response: Some(Response { status: received.status, headers: received.headers }), net_error: None },
        Err(error) => Preflight { request_headers, response: None, net_error: Some(error.net_error) },
    }
}

fn record(method: &str, url: &str, headers: &HeaderList, kind: &'static str, answer: &Result<Received, NetError>) -> Sent {
    let (status, http_version, net_error, error_message) = match answer {
        Ok(r) => (Some(r.status), Some(r.version.clone()), None, None),
        Err(e) => (None, None, Some(e.net_error.clone()), Some(e.message.clone())),
    };
    Sent { method: method.to_owned(), url: url.to_owned(), headers: headers.clone(), kind, status, http_version, net_error, error_message }
}

/// Whether the walk must stop: the engine found a failure, or a request got no HTTP answer.
fn stops(verdict: &Verdict, sent: &[Sent]) -> bool {
    verdict.error.is_some() || sent.last().is_some_and(|s| s.net_error.is_some())
}

/// Runs the probe for `page`. An error is input the engine cannot read (a bad URL, origin or method).
pub fn probe(page: &PageRequest, sender: &Sender, browser: Browser, send_actual: bool) -> Result<Probe, InputError> {
    // What fetch() itself refuses or drops would never reach the server from a page: say so, not send it.
    if method::is_forbidden(&page.method) {
        return Err(InputError { field: "method".to_owned(), message: format!("fetch() refuses the method {} (a forbidden method)", page.method) });
    }
    if let Some((name, _)) = page.headers.iter().find(|(name, value)| safelist::is_forbidden_request_header(name, value)) {
        return Err(InputError {
            field: "header".to_owned(),
            message: format!("a page's script cannot set {name} (a forbidden request header: the browser sets or drops it)"),
        });
    }
    let mut exchange = exchange_for(page);
    let mut sent = Vec::new();
    let mut verdict = check_as(&exchange, browser)?;
    let done = |exchange: Exchange, verdict: Verdict, sent: Vec<Sent>, stopped_after_preflight| Ok(Probe { exchange, verdict, sent, stopped_after_preflight });
    // Same-origin, or refused before anything is sent (a scheme CORS does not cover, Local Network Access).
    if !verdict.cors_applies || verdict.error.is_some() {
        return done(exchange, verdict, sent, false);
    }
    if verdict.preflight_required {
        let preflight = send_preflight(sender, &page.url, &page.origin, method::normalize(&page.method), &verdict.unsafe_header_names, &mut sent);
        exchange.preflight = Some(preflight);
        verdict = check_as(&exchange, browser)?;
        if stops(&verdict, &sent) {
            return done(exchange, verdict, sent, false);
        }
        if !send_actual {
            return done(exchange, verdict, sent, true);
        }
    }
    let page_origin = parse_serialized_origin(&page.origin).ok().flatten();
    let mut url = page.url.clone();
    let mut method = method::normalize(&page.method).to_owned();
    let mut script_headers = exchange.request.headers.clone();
    let mut origin_header = page.origin.clone();
    let mut cors_flag = true;
    // One more than fetch's limit, so that the engine, not the probe, reports the 21st redirect.
    for hop in 1..=redirect::MAX_REDIRECTS + 1 {
        let parsed = ParsedUrl::parse(&url).map_err(|message| InputError { field: "url".to_owned(), message })?;
        let cross_origin = !page_origin.as_ref().is_some_and(|o| parsed.has_origin(o));
        let headers = actual_headers(&url, &origin_header, &method, cross_origin || origin_header == "null", &script_headers);
        let answer = sender.send(&method, &url, &headers);
        sent.push(record(&method, &url, &headers, "actual", &answer));
        let received = match answer {
            Ok(received) => received,
            Err(error) => {
                exchange.net_error = Some(error.net_error);
                exchange.outcome = Outcome::Failed;
                verdict = check_as(&exchange, browser)?;
                return done(exchange, verdict, sent, false);
            }
        };
        let location = headers::get(&received.headers, "location").map(|l| l.into_owned());
        let is_redirect = matches!(received.status, 301 | 302 | 303 | 307 | 308);
        let Some(location) = location.filter(|_| is_redirect) else {
            exchange.response = Some(Response { status: received.status, headers: received.headers });
            verdict = check_as(&exchange, browser)?;
            return done(exchange, verdict, sent, false);
        };
        // The engine judges the Location as the browser resolved it, against the hop's URL.
        let target_text = reqwest::Url::parse(&url).and_then(|base| base.join(&location)).map(String::from).unwrap_or(location);
        exchange.redirects.push(Redirect { status: received.status, headers: received.headers, location: target_text.clone(), next: None });
        verdict = check_as(&exchange, browser)?;
        let target = match redirect::follow_location(&target_text, hop, page_origin.as_ref(), cors_flag) {
            Ok(target) if verdict.error.is_none() => target,
            _ => return done(exchange, verdict, sent, false),
        };
        if redirect::taints_origin(&parsed, &target, page_origin.as_ref()) {
            origin_header = "null".to_owned();
        }
        let body_dropped = redirect::drops_body(received.status, &method);
        let target_cross_origin = !parsed.same_origin_as(&target);
        script_headers.retain(|(name, _)| redirect::keeps_header(name, body_dropped, target_cross_origin));
        method = redirect::method_after(received.status, &method);
        cors_flag = cors_flag || !page_origin.as_ref().is_some_and(|o| target.has_origin(o)) || origin_header == "null";
        let need = preflight::need(&method, &script_headers, Default::default());
        let mut next = RedirectHop { url: target_text.clone(), method: Some(method.clone()), origin_header: Some(origin_header.clone()), preflight: None };
        if cors_flag && need.required {
            // Firefox's preflight carries the page's origin even once the request's Origin became null.
            let preflight_origin = if browser == Browser::Firefox { &page.origin } else { &origin_header };
            next.preflight = Some(send_preflight(sender, &target_text, preflight_origin, &method, &need.unsafe_header_names, &mut sent));
        }
        exchange.redirects.last_mut().expect("just pushed").next = Some(next);
        url = target_text;
        if exchange.redirects.last().and_then(|r| r.next.as_ref()).is_some_and(|n| n.preflight.is_some()) {
            verdict = check_as(&exchange, browser)?;
            if stops(&verdict, &sent) {
                return done(exchange, verdict, sent, false);
            }
        }
    }
    done(exchange, verdict, sent, false)
}
