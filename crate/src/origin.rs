//! URLs and origins, to the extent CORS needs them: scheme, host, port, userinfo, and the
//! origin's serialization `scheme://host[:port]` (fetch spec §origin, HTML §serialization of an
//! origin). Written by hand rather than with the `url` crate because its IDNA tables would
//! dominate the extension's wasm size; captured URLs come from the browser already canonical.

use std::borrow::Cow;

/// Schemes whose URLs have a host and a (default) port: the WHATWG "special" schemes minus file.
pub(crate) fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// Borrows from the text it was parsed from where it can (canonical URLs need no rewriting): a check
/// parses several URLs, and allocations are most of a check's cost in the wasm build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl<'a> {
    /// Lower-cased.
    pub scheme: Cow<'a, str>,
    /// Lower-cased host; IPv6 literals keep their brackets.
    pub host: Cow<'a, str>,
    /// `None` when absent or equal to the scheme's default.
    pub port: Option<u16>,
    pub has_credentials: bool,
    /// Path and query, as written ("/" when empty).
    pub path_and_query: Cow<'a, str>,
}

fn ascii_lowercase(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

impl<'a> ParsedUrl<'a> {
    /// Parses an absolute URL. Errors say what is wrong in plain words.
    pub fn parse(input: &'a str) -> Result<ParsedUrl<'a>, String> {
        // Byte scans throughout (ASCII bytes never occur inside a multi-byte UTF-8 character, so
        // every slice below falls on a character boundary): char iterators are several times
        // slower in the size-optimised wasm build.
        let bytes = input.as_bytes();
        let start = bytes.iter().position(|&b| b > b' ').unwrap_or(bytes.len());
        let end = bytes.iter().rposition(|&b| b > b' ').map_or(start, |i| i + 1);
        let input = &input[start..end];
        // The WHATWG parser (and GURL) drop every ASCII tab and newline anywhere in the input.
        if input.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
            let stripped = input.replace(['\t', '\n', '\r'], "");
            return ParsedUrl::parse(&stripped).map(ParsedUrl::into_owned);
        }
        let colon = input.find(':').ok_or("it has no scheme (expected e.g. https://host/path)")?;
        let scheme = &input[..colon];
        let valid_scheme = scheme.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !valid_scheme {
            return Err(format!("'{scheme}' is not a URL scheme"));
        }
        let scheme = ascii_lowercase(scheme);
        let rest = &input[colon + 1..];
        if default_port(&scheme).is_none() {
            // data:, file:, blob:, chrome-extension: ... carry no origin CORS can match.
            return Ok(ParsedUrl {
                scheme,
                host: Cow::Borrowed(""),
                port: None,
                has_credentials: false,
                path_and_query: Cow::Borrowed(rest),
            });
        }
        let rest = &rest[rest.bytes().position(|b| !matches!(b, b'/' | b'\\')).unwrap_or(rest.len())..];
        let authority_end = rest.bytes().position(|b| matches!(b, b'/' | b'\\' | b'?' | b'#')).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (has_credentials, host_port) = match authority.rfind('@') {
            Some(at) => (true, &authority[at + 1..]),
            None => (false, authority),
        };
        let (host, port_text) = split_host_port(host_port)?;
        if host.is_empty() {
            return Err("it has no host".into());
        }
        // WHATWG forbidden host code points (a stray ':' means a second port, as in `a.com:80:80`).
        let forbidden = |b: u8| b <= b' ' || matches!(b, b'#' | b'%' | b'/' | b':' | b'<' | b'>' | b'?' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|' | b'"');
        if !host.starts_with('[') && host.bytes().any(forbidden) {
            return Err(format!("its host '{host}' contains a character not allowed in a host"));
        }
        let port = match port_text {
            None | Some("") => None,
            Some(text) => {
                let n: u16 = text.parse().map_err(|_| format!("its port '{text}' is not a number from 0 to 65535"))?;
                (Some(n) != default_port(&scheme)).then_some(n)
            }
        };
        let tail = tail.find('#').map_or(tail, |hash| &tail[..hash]);
        let path_and_query = if tail.is_empty() || tail.starts_with('?') {
            Cow::Owned(format!("/{tail}"))
        } else if tail.contains('\\') {
            Cow::Owned(tail.replace('\\', "/"))
        } else {
            Cow::Borrowed(tail)
        };
        Ok(ParsedUrl { scheme, host: ascii_lowercase(host), port, has_credentials, path_and_query })
    }

    /// The same URL, owning its parts.
    pub fn into_owned(self) -> ParsedUrl<'static> {
        ParsedUrl {
            scheme: Cow::Owned(self.scheme.into_owned()),
            host: Cow::Owned(self.host.into_owned()),
            port: self.port,
            has_credentials: self.has_credentials,
            path_and_query: Cow::Owned(self.path_and_query.into_owned()),
        }
    }

    pub fn is_http(&self) -> bool {
        self.scheme == "http" || self.scheme == "https"
    }

    /// Whether two URLs have the same origin (two opaque origins compare equal here, as two
    /// `None`s from [`ParsedUrl::origin`] do).
    pub fn same_origin_as(&self, other: &ParsedUrl<'_>) -> bool {
        self.origin() == other.origin()
    }

    /// Whether this URL's origin is `origin` (an opaque origin never is).
    pub fn has_origin(&self, origin: &Origin) -> bool {
        self.origin().as_ref() == Some(origin)
    }

    /// The tuple origin, borrowing this URL's parts, or `None` for URLs whose origin is opaque
    /// (data:, file:, ...).
    pub fn origin(&self) -> Option<Origin<'_>> {
        default_port(&self.scheme)?;
        Some(Origin { scheme: Cow::Borrowed(&self.scheme), host: Cow::Borrowed(&self.host), port: self.port })
    }

    /// The tuple origin, taking this URL's parts, or `None` when opaque.
    fn into_origin(self) -> Option<Origin<'a>> {
        default_port(&self.scheme)?;
        Some(Origin { scheme: self.scheme, host: self.host, port: self.port })
    }

    /// `host[:port]` as the Host header carries it.
    pub fn host_header(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone().into_owned(),
        }
    }
}

fn split_host_port(host_port: &str) -> Result<(&str, Option<&str>), String> {
    if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or("its IPv6 host has no closing ']'")?;
        let after = &host_port[close + 1..];
        let port = after.strip_prefix(':');
        if !after.is_empty() && port.is_none() {
            return Err("unexpected text after its IPv6 host".into());
        }
        return Ok((&host_port[..=close], port));
    }
    Ok(match host_port.rfind(':') {
        Some(i) => (&host_port[..i], Some(&host_port[i + 1..])),
        None => (host_port, None),
    })
}

/// A tuple origin. Opaque origins are represented as `None` where they can occur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    pub scheme: Cow<'a, str>,
    pub host: Cow<'a, str>,
    pub port: Option<u16>,
}

impl Origin<'_> {
    /// HTML's serialization: `scheme://host[:port]`, default port omitted, no trailing slash.
    pub fn serialize(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Whether `text` is exactly this origin's serialization, as the text a browser sends is: then a
    /// check can borrow it instead of serializing again.
    pub fn is_serialized_as(&self, text: &str) -> bool {
        let rest = text.strip_prefix(&*self.scheme).and_then(|r| r.strip_prefix("://")).and_then(|r| r.strip_prefix(&*self.host));
        match (rest, self.port) {
            (Some(rest), None) => rest.is_empty(),
            (Some(rest), Some(port)) => rest.strip_prefix(':').is_some_and(|digits| {
                digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0') && digits.parse() == Ok(port)
            }),
            (None, _) => false,
        }
    }

    /// Whether a context of this origin is potentially trustworthy (a "secure context"):
    /// https/wss, or loopback hosts (Secure Contexts §3.2).
    pub fn is_potentially_trustworthy(&self) -> bool {
        matches!(&*self.scheme, "https" | "wss")
            || self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self.host.starts_with("127.")
            || self.host == "[::1]"
    }
}

/// The page origin as given in the exchange: a serialized origin or `"null"` (opaque).
/// Returns `Ok(None)` for an opaque origin.
pub fn parse_serialized_origin(text: &str) -> Result<Option<Origin<'_>>, String> {
    if text == "null" {
        return Ok(None);
    }
    let url = ParsedUrl::parse(text)?;
    let has_path = url.path_and_query != "/";
    let origin = url.into_origin().ok_or_else(|| format!("'{text}' has no tuple origin (use \"null\" for an opaque one)"))?;
    if has_path {
        return Err(format!("'{text}' is a URL with a path, not an origin (expected {})", origin.serialize()));
    }
    Ok(Some(origin))
}

/// Whether Chromium's `GURL` would accept an `Access-Control-Allow-Origin` value as a URL. Used
/// only to tell "invalid value" from "mismatch"; the value never becomes a request.
pub fn is_valid_url_for_acao(value: &str) -> bool {
    match ParsedUrl::parse(value) {
        Ok(url) => default_port(&url.scheme).is_none() || !url.host.contains('*'),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_serialization_drops_default_port_and_lowercases() {
        let u = ParsedUrl::parse("HTTPS://API.Example.com:443/a/b?c=1#frag").unwrap();
        assert_eq!(u.origin().unwrap().serialize(), "https://api.example.com");
        assert_eq!(u.path_and_query, "/a/b?c=1");
        let u = ParsedUrl::parse("http://127.0.0.1:8002").unwrap();
        assert_eq!(u.origin().unwrap().serialize(), "http://127.0.0.1:8002");
        assert_eq!(u.path_and_query, "/");
        assert_eq!(u.host_header(), "127.0.0.1:8002");
    }

    #[test]
    fn credentials_and_ipv6_are_recognised() {
        let u = ParsedUrl::parse("https://user:pw@example.com/x").unwrap();
        assert!(u.has_credentials);
        assert_eq!(u.host, "example.com");
        let u = ParsedUrl::parse("http://[::1]:8080/").unwrap();
        assert_eq!(u.origin().unwrap().serialize(), "http://[::1]:8080");
    }

    #[test]
    fn bad_urls_explain_themselves() {
        assert!(ParsedUrl::parse("example.com/x").unwrap_err().contains("scheme"));
        assert!(ParsedUrl::parse("https://host:99999/").unwrap_err().contains("port"));
        assert!(ParsedUrl::parse("http://a.test:8000:80").is_err());
        assert!(ParsedUrl::parse("https://").unwrap_err().contains("no host"));
        // Like the WHATWG parser, extra slashes before a special URL's host are skipped.
        assert_eq!(ParsedUrl::parse("https:///path").unwrap().host, "path");
    }

    #[test]
    fn non_special_schemes_have_opaque_origins() {
        let u = ParsedUrl::parse("file:///etc/passwd").unwrap();
        assert!(u.origin().is_none());
        assert!(!u.is_http());
        assert_eq!(parse_serialized_origin("null"), Ok(None));
        assert!(parse_serialized_origin("https://a.com/path").is_err());
    }

    #[test]
    fn acao_url_validity() {
        assert!(is_valid_url_for_acao("https://a.com/"));
        assert!(!is_valid_url_for_acao("example.com"));
        assert!(!is_valid_url_for_acao("https://*.example.com"));
        assert!(!is_valid_url_for_acao("*.example.com"));
        assert!(is_valid_url_for_acao("http://a\tb"), "tabs are stripped, as GURL does");
    }

    #[test]
    fn serialized_text_is_recognised_exactly() {
        let origin = |text| parse_serialized_origin(text).unwrap().unwrap();
        assert!(origin("https://app.example.com").is_serialized_as("https://app.example.com"));
        assert!(origin("http://127.0.0.1:8002").is_serialized_as("http://127.0.0.1:8002"));
        assert!(!origin("HTTPS://App.Example.com").is_serialized_as("HTTPS://App.Example.com"));
        assert_eq!(origin("HTTPS://App.Example.com").serialize(), "https://app.example.com");
        assert!(!origin("https://app.example.com:443").is_serialized_as("https://app.example.com:443"));
        assert!(!origin("http://h.example:08080").is_serialized_as("http://h.example:08080"));
        assert!(!origin("http://h.example:8080").is_serialized_as("http://h.example:8081"));
        assert!(!origin("http://h.example").is_serialized_as("http://h.example.evil"));
        assert!(!origin("http://h.example:8080").is_serialized_as("http://h.example:+8080"));
    }
}
