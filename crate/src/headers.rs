//! Raw header lists as captured: case-insensitive lookup, combining repeated lines the way
//! Fetch's "get" does (values joined with ", "), HTTP whitespace trimming, and the `#token`
//! list syntax used by `Access-Control-Allow-Methods` / `-Headers` / `-Expose-Headers`.
//!
//! Header values are bytes (fetch spec §header value: a byte sequence). The engine holds them as
//! text in which each code point U+0000–U+00FF stands for one byte, as a JSON or JS string can
//! carry them; [`bytes_of`] and [`byte_len`] read them back as bytes, and [`from_utf8_text`] turns
//! a capture's UTF-8-decoded value (webRequest's `value`) into that form.

use std::borrow::Cow;

use crate::exchange::HeaderList;

/// HTTP whitespace around a field value (fetch spec §HTTP whitespace byte: tab, space; CR and LF
/// cannot survive a parsed response but may appear in hand-written input).
/// Byte scans: char-based trimming is several times slower in the size-optimised wasm build.
pub fn trim_http_whitespace(value: &str) -> &str {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = value.as_bytes();
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(start, |i| i + 1);
    &value[start..end]
}

/// The values of every line named `name` (ASCII case-insensitive), trimmed, in order.
pub fn values<'a, 'n>(headers: &'a HeaderList, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
    headers
        .iter()
        .filter(move |(n, _)| trim_http_whitespace(n).eq_ignore_ascii_case(name))
        .map(|(_, v)| trim_http_whitespace(v))
}

/// Fetch's "get": all lines named `name` combined with ", ", or `None` when there is none. Borrowed
/// when there is one line, as there nearly always is (allocations dominate a check's cost in wasm).
pub fn get<'a>(headers: &'a HeaderList, name: &str) -> Option<Cow<'a, str>> {
    let mut combined: Option<Cow<'a, str>> = None;
    for value in values(headers, name) {
        match combined.as_mut() {
            None => combined = Some(Cow::Borrowed(value)),
            Some(all) => {
                let all = all.to_mut();
                all.push_str(", ");
                all.push_str(value);
            }
        }
    }
    combined
}

/// How many separate lines named `name` there are (Firefox reports two ACAO lines differently
/// from one line holding a list).
pub fn count(headers: &HeaderList, name: &str) -> usize {
    values(headers, name).count()
}

/// The bytes a header value stands for: a code point up to U+00FF is one byte; anything above
/// (hand-written input, never a capture) is taken as its UTF-8 bytes.
pub fn bytes_of(value: &str) -> impl Iterator<Item = u8> + '_ {
    value.chars().flat_map(|c| {
        let mut buf = [0u8; 4];
        let n = match u8::try_from(u32::from(c)) {
            Ok(byte) => {
                buf[0] = byte;
                1
            }
            Err(_) => c.encode_utf8(&mut buf).len(),
        };
        buf.into_iter().take(n)
    })
}

/// How many bytes a header value stands for (see [`bytes_of`]).
pub fn byte_len(value: &str) -> usize {
    if value.is_ascii() {
        return value.len();
    }
    value.chars().map(|c| if u32::from(c) <= 0xFF { 1 } else { c.len_utf8() }).sum()
}

/// A value a capture decoded from UTF-8 (webRequest's `value`), as the bytes it came from: one
/// code point per byte.
pub fn from_utf8_text(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    text.bytes().map(char::from).collect()
}

/// RFC 9110 `tchar`.
pub fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// RFC 9110 `token`: one or more tchars.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// Parses a `#token` list as Chromium and Firefox do: split on commas, trim whitespace, ignore
/// empty elements. `Err` carries the first element that is not a token.
pub fn parse_token_list(value: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    for element in value.split(',') {
        let element = trim_http_whitespace(element);
        if element.is_empty() {
            continue;
        }
        if !is_token(element) {
            return Err(element.to_owned());
        }
        items.push(element.to_owned());
    }
    Ok(items)
}

/// A header-name list, lower-cased, e.g. for `Access-Control-Allow-Headers`.
pub fn parse_name_list(value: &str) -> Result<Vec<String>, String> {
    parse_token_list(value).map(|names| names.into_iter().map(|n| n.to_ascii_lowercase()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn get_combines_repeated_lines_case_insensitively() {
        let h = list(&[("Vary", "Origin"), ("X", "1"), ("vary", " Accept ")]);
        assert_eq!(get(&h, "VARY").as_deref(), Some("Origin, Accept"));
        assert_eq!(count(&h, "vary"), 2);
        assert_eq!(get(&h, "missing"), None);
    }

    #[test]
    fn empty_value_is_present_not_absent() {
        let h = list(&[("Access-Control-Allow-Origin", "")]);
        assert_eq!(get(&h, "access-control-allow-origin").as_deref(), Some(""));
    }

    #[test]
    fn token_lists_ignore_empty_elements_and_reject_non_tokens() {
        assert_eq!(parse_token_list(" GET, ,POST,"), Ok(vec!["GET".into(), "POST".into()]));
        assert_eq!(parse_token_list("GET; POST"), Err("GET; POST".into()));
        assert_eq!(parse_token_list("GET POST"), Err("GET POST".into()));
        assert_eq!(parse_token_list("\"GET\""), Err("\"GET\"".into()));
        assert_eq!(parse_name_list("X-Api-Key, Content-Type"), Ok(vec!["x-api-key".into(), "content-type".into()]));
        assert_eq!(parse_token_list(""), Ok(vec![]));
    }
}
