//! The `chrome.webRequest` event model: the `details` object a listener received, plus `"event"`
//! (the event name). Parsing is tolerant of what Chromium adds or omits (unknown fields are
//! ignored, every field but the identity ones is optional) and strict about what it needs: an
//! event that cannot be placed (no request id, no tab, an unknown event name) is rejected whole.
//!
//! Secrets are dropped on the way in: `Cookie` and `Set-Cookie` values are never stored (only the
//! fact that a cookie was sent matters), nor are the forbidden request headers the browser adds
//! (`sec-*`, `User-Agent`, `Referer`...), which a script cannot set.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::exchange::HeaderList;
use crate::headers::{self, trim_http_whitespace};
use crate::redact::MASK;
use crate::safelist;

use super::bounds;

/// The eight observable `webRequest` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    BeforeRequest,
    BeforeSendHeaders,
    SendHeaders,
    HeadersReceived,
    BeforeRedirect,
    ResponseStarted,
    Completed,
    ErrorOccurred,
}

impl EventKind {
    pub fn parse(name: &str) -> Option<EventKind> {
        Some(match name {
            "onBeforeRequest" => EventKind::BeforeRequest,
            "onBeforeSendHeaders" => EventKind::BeforeSendHeaders,
            "onSendHeaders" => EventKind::SendHeaders,
            "onHeadersReceived" => EventKind::HeadersReceived,
            "onBeforeRedirect" => EventKind::BeforeRedirect,
            "onResponseStarted" => EventKind::ResponseStarted,
            "onCompleted" => EventKind::Completed,
            "onErrorOccurred" => EventKind::ErrorOccurred,
            _ => return None,
        })
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, EventKind::Completed | EventKind::ErrorOccurred)
    }
}

/// One header as webRequest gives it: `{name, value}` or `{name, binaryValue: [bytes]}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawHeader {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub binary_value: Option<Vec<f64>>,
}

impl RawHeader {
    /// The name, and the value as bytes, one code point per byte (headers.rs): webRequest gives `value`
    /// decoded from UTF-8, and `binaryValue` when the bytes are not UTF-8. Taken, not copied: an ASCII
    /// value (nearly all) is already its bytes.
    fn into_pair(self) -> (String, String) {
        let value = match (self.value, self.binary_value) {
            (Some(v), _) if v.is_ascii() => v,
            (Some(v), _) => headers::from_utf8_text(&v),
            (None, Some(bytes)) => bytes.iter().map(|&b| char::from((b as i64).clamp(0, 255) as u8)).collect(),
            (None, None) => String::new(),
        };
        (self.name, value)
    }
}

/// A header list as webRequest gives it: its own type so that the wasm binding can read the whole list
/// in one crossing (crate/src/wasm/from_js.rs), where read header by header it was most of an event's
/// crossing into wasm.
#[derive(Debug, Clone, Default)]
pub struct RawHeaders(pub Vec<RawHeader>);

/// The name the wasm binding recognises the list by.
pub const RAW_HEADERS: &str = "RawHeaders";

impl<'de> Deserialize<'de> for RawHeaders {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> serde::de::Visitor<'de> for List {
            type Value = RawHeaders;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of headers")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<RawHeaders, D::Error> {
                Vec::deserialize(d).map(RawHeaders)
            }
        }
        d.deserialize_newtype_struct(RAW_HEADERS, List)
    }
}

/// The fields only a request's first event needs to give (webRequest's names): a flight keeps the first
/// value it saw of each (`Flight::apply`; a redirect's new URL comes from `redirectUrl`), so a reader may
/// leave them out of the events of a request in flight (`Session::in_flight`), as the wasm binding does:
/// reading them again was a fifth of each event's crossing into wasm.
pub const KEPT_FROM_FIRST_EVENT: [&str; 6] = ["url", "frameId", "documentId", "initiator", "type", "documentUrl"];

/// The listener's `details`, as received. Field names are webRequest's (camelCase).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawEvent {
    pub event: String,
    /// Required (an event without one is rejected), though a reader may set it after reading it itself.
    #[serde(default, deserialize_with = "id_text")]
    pub request_id: String,
    /// Required in a request's first event (`KEPT_FROM_FIRST_EVENT`).
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub method: Option<String>,
    pub tab_id: f64,
    #[serde(default)]
    pub frame_id: Option<f64>,
    #[serde(default)]
    pub document_id: Option<String>,
    #[serde(default)]
    pub initiator: Option<String>,
    #[serde(default, rename = "type")]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub time_stamp: Option<f64>,
    #[serde(default)]
    pub request_headers: Option<RawHeaders>,
    #[serde(default)]
    pub response_headers: Option<RawHeaders>,
    #[serde(default)]
    pub status_code: Option<f64>,
    #[serde(default)]
    pub status_line: Option<String>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub from_cache: Option<bool>,
    #[serde(default)]
    pub ip: Option<String>,
    /// Firefox's webRequest has it; Chromium's does not.
    #[serde(default)]
    pub document_url: Option<String>,
    /// Not webRequest's: the extension sets it when webRequest watches only errors on the tab, since
    /// DevTools' records report its requests (lone_errors.rs).
    #[serde(default)]
    pub errors_only: bool,
}

/// `requestId` is a decimal string in Chromium; accept a number too.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(f64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Number(n) => format!("{n}"),
    })
}

/// Why an event was rejected. Nothing already captured changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError(pub String);

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rejected webRequest event: {}", self.0)
    }
}

impl std::error::Error for EventError {}

/// A validated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub request_id: String,
    pub url: String,
    pub method: Option<String>,
    pub tab_id: i64,
    pub frame_id: Option<i64>,
    pub document_id: Option<String>,
    pub initiator: Option<String>,
    pub resource_type: Option<String>,
    pub time_stamp: Option<f64>,
    pub request_headers: Option<HeaderList>,
    pub response_headers: Option<HeaderList>,
    pub status: Option<u16>,
    pub status_line: Option<String>,
    pub redirect_url: Option<String>,
    pub error: Option<String>,
    pub from_cache: Option<bool>,
    /// The IP the request connected to (webRequest's `ip`, on a response).
    pub ip: Option<String>,
    pub document_url: Option<String>,
    /// A URL or header was cut, or headers dropped, to keep the session bounded (bounds.rs).
    pub truncated: bool,
    pub errors_only: bool,
}

fn integer(value: f64, field: &str) -> Result<i64, EventError> {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 9.0e15 {
        Ok(value as i64)
    } else {
        Err(EventError(format!("{field} must be an integer, got {value}")))
    }
}

impl RawEvent {
    pub fn validate(self) -> Result<Event, EventError> {
        let kind = EventKind::parse(&self.event).ok_or_else(|| EventError(format!("unknown event name '{}'", self.event)))?;
        if self.request_id.is_empty() {
            return Err(EventError("requestId is empty".into()));
        }
        let tab_id = integer(self.tab_id, "tabId")?;
        let frame_id = self.frame_id.map(|f| integer(f, "frameId")).transpose()?;
        let time_stamp = match self.time_stamp {
            Some(t) if !t.is_finite() => return Err(EventError("timeStamp must be a finite number".into())),
            other => other,
        };
        let status = match self.status_code {
            None => None,
            Some(code) => {
                let code = integer(code, "statusCode")?;
                Some(u16::try_from(code).map_err(|_| EventError(format!("statusCode {code} is out of range")))?)
            }
        };
        if kind == EventKind::BeforeRedirect && self.redirect_url.as_deref().is_none_or(str::is_empty) {
            return Err(EventError("onBeforeRedirect without redirectUrl".into()));
        }
        let method = self.method.filter(|m| !m.is_empty());
        let mut truncated = false;
        let mut url = self.url;
        truncated |= bounds::clip(&mut url, bounds::MAX_TEXT_BYTES);
        let mut clip_text = |text: Option<String>| {
            text.map(|mut t| {
                truncated |= bounds::clip(&mut t, bounds::MAX_TEXT_BYTES);
                t
            })
        };
        let (redirect_url, document_url, status_line, error, initiator, document_id, resource_type) = (
            clip_text(self.redirect_url),
            clip_text(self.document_url),
            clip_text(self.status_line),
            clip_text(self.error),
            clip_text(self.initiator),
            clip_text(self.document_id),
            clip_text(self.resource_type),
        );
        let request_id = clip_text(Some(self.request_id)).unwrap_or_default();
        let mut clip_list = |list: Option<HeaderList>| {
            list.map(|mut l| {
                truncated |= bounds::clip_headers(&mut l);
                l
            })
        };
        let request_headers = clip_list(self.request_headers.map(|h| keep_request_headers(h.0)));
        let response_headers = clip_list(self.response_headers.map(|h| keep_response_headers(h.0)));
        Ok(Event {
            kind,
            request_id,
            url,
            method: method.map(|mut m| {
                truncated |= bounds::clip(&mut m, bounds::MAX_TEXT_BYTES);
                m
            }),
            tab_id,
            frame_id,
            document_id: document_id.filter(|d| !d.is_empty()),
            initiator: initiator.filter(|i| !i.is_empty()),
            resource_type,
            time_stamp,
            request_headers,
            response_headers,
            status,
            status_line,
            redirect_url,
            error,
            from_cache: self.from_cache,
            ip: self.ip.filter(|ip| !ip.is_empty()),
            document_url,
            truncated,
            errors_only: self.errors_only,
        })
    }
}

/// Cookie values are never kept, from webRequest or DevTools: that a cookie was sent is what the checks read.
pub(super) fn is_cookie(name: &str) -> bool {
    ["cookie", "cookie2"].iter().any(|n| n.eq_ignore_ascii_case(trim_http_whitespace(name)))
}

pub(super) fn is_set_cookie(name: &str) -> bool {
    ["set-cookie", "set-cookie2"].iter().any(|n| n.eq_ignore_ascii_case(trim_http_whitespace(name)))
}

/// Request headers worth keeping: everything a script could have set, plus the browser-set ones
/// the session reads (`Origin`, the preflight's `Access-Control-Request-*`, and `Cookie`, whose
/// value is replaced by the mask).
fn keep_request_headers(raw: Vec<RawHeader>) -> HeaderList {
    const READ_BY_THE_SESSION: [&str; 3] = ["origin", "access-control-request-method", "access-control-request-headers"];
    raw.into_iter()
        .filter_map(|h| {
            let bare_name = trim_http_whitespace(&h.name);
            if READ_BY_THE_SESSION.iter().any(|n| n.eq_ignore_ascii_case(bare_name)) {
                return Some(h.into_pair());
            }
            if is_cookie(bare_name) {
                return Some((h.name, MASK.to_owned()));
            }
            if "user-agent".eq_ignore_ascii_case(bare_name) {
                return None;
            }
            let (name, value) = h.into_pair();
            (!safelist::is_forbidden_request_header(&name, &value)).then_some((name, value))
        })
        .collect()
}

/// Response headers are all kept (the CORS checks read them), except `Set-Cookie` values.
fn keep_response_headers(raw: Vec<RawHeader>) -> HeaderList {
    raw.into_iter()
        .map(|h| {
            let (name, value) = h.into_pair();
            let value = if is_set_cookie(&name) { MASK.to_owned() } else { value };
            (name, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Event, EventError> {
        let raw: RawEvent = serde_json::from_str(json).map_err(|e| EventError(e.to_string()))?;
        raw.validate()
    }

    #[test]
    fn tolerant_of_extra_and_missing_fields() {
        let e = parse(r#"{"event":"onBeforeRequest","requestId":"9","url":"http://a/","tabId":3,"frameType":"outermost_frame","timeStamp":1.5}"#).unwrap();
        assert_eq!(e.kind, EventKind::BeforeRequest);
        assert_eq!(e.tab_id, 3);
        assert_eq!(e.method, None);
        let e = parse(r#"{"event":"onCompleted","requestId":12,"url":"http://a/","tabId":3,"statusCode":204}"#).unwrap();
        assert_eq!(e.request_id, "12");
        assert_eq!(e.status, Some(204));
    }

    #[test]
    fn rejects_what_cannot_be_placed() {
        assert!(parse(r#"{"event":"onAuthRequired","requestId":"1","url":"http://a/","tabId":1}"#).is_err());
        assert!(parse(r#"{"event":"onCompleted","url":"http://a/","tabId":1}"#).is_err());
        assert!(parse(r#"{"event":"onCompleted","requestId":"1","url":"http://a/","tabId":1.5}"#).is_err());
        assert!(parse(r#"{"event":"onCompleted","requestId":"1","url":"http://a/","tabId":1,"statusCode":70000}"#).is_err());
        assert!(parse(r#"{"event":"onBeforeRedirect","requestId":"1","url":"http://a/","tabId":1}"#).is_err());
        assert!(parse(r#"{"event":"onCompleted","requestId":"1","url":"http://a/","tabId":"x"}"#).is_err());
    }

    #[test]
    fn headers_binary_values_and_secrets() {
        let e = parse(
            r#"{"event":"onSendHeaders","requestId":"1","url":"http://a/","tabId":1,"requestHeaders":[
                {"name":"X-Bin","binaryValue":[104,233]},{"name":"Cookie","value":"sid=secret"},
                {"name":"User-Agent","value":"UA"},{"name":"sec-fetch-mode","value":"cors"},
                {"name":"Origin","value":"http://o"},{"name":"X-Api-Key","value":"k"}]}"#,
        )
        .unwrap();
        let h = e.request_headers.unwrap();
        assert_eq!(
            h,
            vec![
                ("X-Bin".to_string(), "hé".to_string()),
                ("Cookie".to_string(), MASK.to_string()),
                ("Origin".to_string(), "http://o".to_string()),
                ("X-Api-Key".to_string(), "k".to_string()),
            ]
        );
    }
}
