//! CORS-safelisted request headers and the CORS-unsafe request-header names (fetch spec
//! §CORS-safelisted request-header, §CORS-unsafe request-header names), forbidden request
//! headers, and Chromium's extra safelisted names (`services/network/public/cpp/cors/cors.cc`).

use std::borrow::Cow;

use crate::exchange::HeaderList;
use crate::headers;

/// Per-value limit for a safelisted header, in bytes.
pub const MAX_SAFELISTED_VALUE: usize = 128;
/// Limit on the summed values of all safelisted headers, in bytes.
pub const MAX_SAFELISTED_TOTAL: usize = 1024;

/// CORS-unsafe request-header byte: controls other than tab, `"():<>?@[\]{}`, and DEL.
pub fn is_cors_unsafe_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != 0x09) || b"\"():<>?@[\\]{}".contains(&byte) || byte == 0x7F
}

/// Forbidden request headers (fetch spec §forbidden request-header): scripts cannot set them,
/// so they never count as CORS-unsafe.
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    const FORBIDDEN: [&str; 21] = [
        "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
        "connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
        "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
    ];
    let starts_with = |prefix: &str| name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix));
    if FORBIDDEN.iter().any(|f| f.eq_ignore_ascii_case(name)) || starts_with("proxy-") || starts_with("sec-") {
        return true;
    }
    // X-HTTP-Method(-Override) naming a forbidden method is forbidden too.
    ["x-http-method", "x-http-method-override", "x-method-override"].iter().any(|n| n.eq_ignore_ascii_case(name))
        && value.split(',').any(|m| crate::method::is_forbidden(m.trim()))
}

/// Why one header is or is not CORS-safelisted, for the "why a preflight" explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderVerdict {
    Safelisted,
    /// Not a safelisted name at all (e.g. `X-Api-Key`, `Authorization`).
    UnsafeName,
    /// A safelisted name whose value breaks a rule; the text says which.
    UnsafeValue(&'static str),
}

/// The CORS-safelisted request-header check for one (name, value).
pub fn classify(name: &str, value: &str) -> HeaderVerdict {
    let Some(lower) = safelisted_name(name) else {
        return HeaderVerdict::UnsafeName;
    };
    if headers::byte_len(value) > MAX_SAFELISTED_VALUE {
        return HeaderVerdict::UnsafeValue("its value is longer than 128 bytes");
    }
    let bytes = value.as_bytes();
    match lower {
        "accept" => {
            if bytes.iter().any(|&b| is_cors_unsafe_byte(b)) {
                return HeaderVerdict::UnsafeValue("its value contains a CORS-unsafe byte");
            }
        }
        "accept-language" | "content-language" => {
            let ok = |b: &u8| b.is_ascii_alphanumeric() || b" *,-.;=".contains(b);
            if !bytes.iter().all(ok) {
                return HeaderVerdict::UnsafeValue("its value has a byte outside 0-9 A-Z a-z space * , - . ; =");
            }
        }
        "content-type" => {
            if bytes.iter().any(|&b| is_cors_unsafe_byte(b)) {
                return HeaderVerdict::UnsafeValue("its value contains a CORS-unsafe byte");
            }
            match mime_essence(value) {
                None => return HeaderVerdict::UnsafeValue("its value is not a valid MIME type"),
                Some(essence)
                    if !matches!(
                        essence.as_str(),
                        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
                    ) =>
                {
                    return HeaderVerdict::UnsafeValue(
                        "only application/x-www-form-urlencoded, multipart/form-data and text/plain are safelisted",
                    )
                }
                Some(_) => {}
            }
        }
        "range" => {
            if !is_simple_range(value) {
                return HeaderVerdict::UnsafeValue("only a single range bytes=N- or bytes=N-M is safelisted");
            }
        }
        _ => {
            if !is_valid_chromium_extra_value(lower, value) {
                return HeaderVerdict::UnsafeValue("its value is not one Chromium accepts for this client hint");
            }
        }
    }
    HeaderVerdict::Safelisted
}

/// Names Chromium treats as safelisted beyond the spec: client hints and `intervention`.
/// The lower-case spelling of a safelisted header name (the spec's five plus the client hints Chromium
/// adds; sec-ch-* hints are forbidden headers, so only these need listing), or `None`.
pub(crate) fn safelisted_name(name: &str) -> Option<&'static str> {
    const SAFELISTED: [&str; 14] = [
        "accept", "accept-language", "content-language", "content-type", "range",
        "intervention", "device-memory", "dpr", "width", "viewport-width", "rtt", "downlink", "ect", "save-data",
    ];
    SAFELISTED.into_iter().find(|known| known.eq_ignore_ascii_case(name))
}

fn is_valid_chromium_extra_value(lower: &str, value: &str) -> bool {
    match lower {
        "device-memory" | "dpr" | "downlink" => is_simple_decimal(value),
        "width" | "viewport-width" | "rtt" => !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()),
        "ect" => matches!(value, "slow-2g" | "2g" | "3g" | "4g"),
        "save-data" => value.eq_ignore_ascii_case("on"),
        _ => true,
    }
}

/// Chromium's `IsSimilarToDoubleABNF`: digits with an optional `.digits`; no sign, exponent or
/// bare dot (`cors_unittest.cc CheckCorsClientHintsSafelist`).
fn is_simple_decimal(value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match value.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(value),
    }
}

/// Fetch's strict "parse a MIME type" reduced to what the safelist needs: the lower-cased
/// essence, or `None` when the type/subtype are not tokens.
fn mime_essence(value: &str) -> Option<String> {
    let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let (essence, _parameters) = value.split_once(';').unwrap_or((value, ""));
    let (kind, subtype) = essence.split_once('/')?;
    let subtype = subtype.trim_end_matches([' ', '\t', '\r', '\n']);
    if !crate::headers::is_token(kind) || !crate::headers::is_token(subtype) {
        return None;
    }
    Some(format!("{}/{}", kind.to_ascii_lowercase(), subtype.to_ascii_lowercase()))
}

/// Fetch's "simple range header value" with a non-null start: `bytes=N-` or `bytes=N-M`, N ≤ M.
/// Chromium lower-cases the value first, so `BYTES=0-1` passes (`CheckCorsRangeSafelist`).
fn is_simple_range(value: &str) -> bool {
    let value = value.to_ascii_lowercase();
    let Some(spec) = value.strip_prefix("bytes=") else { return false };
    let Some((start, end)) = spec.split_once('-') else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) || !(end.is_empty() || digits(end)) {
        return false;
    }
    if end.is_empty() {
        return true;
    }
    match (start.parse::<u128>(), end.parse::<u128>()) {
        (Ok(s), Ok(e)) => s <= e,
        _ => false,
    }
}

/// A script's repeated `append` of one name reaches the network as one line, values joined with
/// ", " (Chromium `AddHttpHeaderField`), and is judged as that one value. Names keep the first spelling.
fn combine_repeats(headers: &HeaderList) -> Vec<(&str, Cow<'_, str>)> {
    let mut combined: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        match combined.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, all)) => {
                let all = all.to_mut();
                all.push_str(", ");
                all.push_str(value);
            }
            None => combined.push((name, Cow::Borrowed(value))),
        }
    }
    combined
}

/// One header that makes the request non-simple, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeHeader {
    pub name: String,
    pub value: String,
    pub reason: String,
}

/// The CORS-unsafe request headers in request order (forbidden ones skipped), and the sorted,
/// lower-cased, de-duplicated names the preflight announces in `Access-Control-Request-Headers`.
pub fn unsafe_headers(headers: &HeaderList) -> (Vec<UnsafeHeader>, Vec<String>) {
    let mut unsafe_list = Vec::new();
    let mut safelisted = Vec::new();
    let mut safelisted_total = 0usize;
    let combined = combine_repeats(headers);
    for (name, value) in &combined {
        if is_forbidden_request_header(name, value) {
            continue;
        }
        match classify(name, value) {
            HeaderVerdict::Safelisted => {
                safelisted_total += headers::byte_len(value);
                safelisted.push((name, value));
            }
            HeaderVerdict::UnsafeName => unsafe_list.push(UnsafeHeader {
                name: (*name).to_owned(),
                value: value.clone().into_owned(),
                reason: "it is not a CORS-safelisted header".into(),
            }),
            HeaderVerdict::UnsafeValue(why) => {
                unsafe_list.push(UnsafeHeader { name: (*name).to_owned(), value: value.clone().into_owned(), reason: why.into() })
            }
        }
    }
    if safelisted_total > MAX_SAFELISTED_TOTAL {
        for (name, value) in safelisted {
            unsafe_list.push(UnsafeHeader {
                name: (*name).to_owned(),
                value: value.clone().into_owned(),
                reason: "the safelisted headers' values add up to more than 1024 bytes".into(),
            });
        }
    }
    let mut names: Vec<String> = unsafe_list.iter().map(|h| h.name.to_ascii_lowercase()).collect();
    crate::order::sort_unique(&mut names);
    (unsafe_list, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn content_type_essence_decides() {
        assert_eq!(classify("Content-Type", "text/plain;charset=UTF-8"), HeaderVerdict::Safelisted);
        assert_eq!(classify("content-type", "Multipart/Form-Data; boundary=x"), HeaderVerdict::Safelisted);
        assert!(matches!(classify("Content-Type", "application/json"), HeaderVerdict::UnsafeValue(_)));
        assert!(matches!(classify("Content-Type", "text/plain; x=\"a\""), HeaderVerdict::UnsafeValue(_)));
        assert!(matches!(classify("Content-Type", "text"), HeaderVerdict::UnsafeValue(_)));
    }

    #[test]
    fn value_rules() {
        assert_eq!(classify("Accept", "*/*"), HeaderVerdict::Safelisted);
        assert!(matches!(classify("Accept", "a(b"), HeaderVerdict::UnsafeValue(_)));
        assert!(matches!(classify("Accept", &"a".repeat(129)), HeaderVerdict::UnsafeValue(_)));
        assert_eq!(classify("Accept", &"a".repeat(128)), HeaderVerdict::Safelisted);
        assert_eq!(classify("Accept-Language", "en-US,en;q=0.9"), HeaderVerdict::Safelisted);
        assert!(matches!(classify("Content-Language", "en_US"), HeaderVerdict::UnsafeValue(_)));
        assert_eq!(classify("Range", "bytes=0-"), HeaderVerdict::Safelisted);
        assert_eq!(classify("Range", "bytes=5-10"), HeaderVerdict::Safelisted);
        assert!(matches!(classify("Range", "bytes=-5"), HeaderVerdict::UnsafeValue(_)));
        assert!(matches!(classify("Range", "bytes=0-1,3-4"), HeaderVerdict::UnsafeValue(_)));
        assert!(matches!(classify("Range", "bytes=10-5"), HeaderVerdict::UnsafeValue(_)));
        assert_eq!(classify("X-Api-Key", "abc"), HeaderVerdict::UnsafeName);
    }

    #[test]
    fn unsafe_names_are_sorted_lowercased_deduplicated_and_skip_forbidden() {
        let (list, names) = unsafe_headers(&h(&[
            ("X-B", "1"),
            ("Content-Type", "application/json"),
            ("x-b", "2"),
            ("Cookie", "a=b"),
            ("Accept", "*/*"),
        ]));
        assert_eq!(names, vec!["content-type", "x-b"]);
        assert_eq!(list.len(), 2, "repeated X-B lines are one header");
    }

    #[test]
    fn total_over_1024_makes_every_safelisted_header_unsafe() {
        let letters = "a".repeat(128);
        let digits = "1".repeat(128);
        let mut headers = h(&[("Accept", &letters), ("Accept-Language", &letters), ("Content-Language", &letters)]);
        for name in ["width", "viewport-width", "rtt", "dpr", "device-memory"] {
            headers.push((name.to_string(), digits.clone()));
        }
        assert!(unsafe_headers(&headers).1.is_empty(), "exactly 1024 bytes is still safelisted");
        headers.push(("downlink".to_string(), "1".to_string()));
        assert_eq!(unsafe_headers(&headers).1.len(), 9);
    }

    #[test]
    fn forbidden_headers() {
        assert!(is_forbidden_request_header("Sec-Fetch-Mode", "cors"));
        assert!(is_forbidden_request_header("Proxy-Authorization", "x"));
        assert!(is_forbidden_request_header("X-HTTP-Method-Override", "TRACE"));
        assert!(!is_forbidden_request_header("X-HTTP-Method-Override", "PATCH"));
        assert!(!is_forbidden_request_header("Authorization", "x"));
    }
}
