//! The headers Chromium puts on the requests of a page's cross-origin call: its preflight
//! (`preflight_controller.cc` CreatePreflightRequest: `Accept: */*`, `Access-Control-Request-Method`,
//! `Access-Control-Request-Headers` lower-cased, sorted and de-duplicated, `Origin`, the `Sec-Fetch-*`
//! metadata, no credentials) and the actual request (the script's headers, fetch's default `Accept`,
//! `Origin`, the same metadata). Which headers need a preflight is the engine's (preflight.rs, safelist.rs).

use crate::exchange::HeaderList;
use crate::origin::ParsedUrl;

/// What the page's script asks for, as the command line gave it.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub url: String,
    /// The page's serialized origin, or `null`.
    pub origin: String,
    pub method: String,
    /// The script's headers, values as the engine holds them (one code point per byte).
    pub headers: HeaderList,
    /// fetch's `credentials: 'include'`; otherwise its default, `same-origin`.
    pub credentials: bool,
}

/// A header as `curl -H` takes it, `Name: value`: the name a token, the value trimmed of HTTP
/// whitespace and held as the engine holds values (one code point per byte of its UTF-8).
pub fn parse_header_line(line: &str) -> Result<(String, String), String> {
    let (name, value) = line.split_once(':').ok_or_else(|| format!("'{line}' is not 'Name: value'"))?;
    let name = name.trim();
    if !crate::headers::is_token(name) {
        return Err(format!("'{name}' is not a header name"));
    }
    let value = crate::headers::from_utf8_text(crate::headers::trim_http_whitespace(value));
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!("the value of {name} has a line break or NUL, which HTTP forbids"));
    }
    Ok((name.to_owned(), value))
}

/// The script's headers as fetch holds them: a name set twice is one line, its values joined by ", "
/// (Headers' append combines them), so the safelist's limits apply to the combined value, as in the browser.
pub fn combine(script: &HeaderList) -> HeaderList {
    let mut headers: HeaderList = Vec::new();
    for (name, value) in script {
        match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, combined)) => {
                combined.push_str(", ");
                combined.push_str(value);
            }
            None => headers.push((name.clone(), value.clone())),
        }
    }
    headers
}

/// Says who sent it: the server's logs should not mistake a probe for a browser.
pub const USER_AGENT: &str = concat!("cors-lens/", env!("CARGO_PKG_VERSION"), " (probe; the browser's CORS requests)");

/// The preflight for a hop: `origin_header` is what `Origin` carries there (`null` once tainted),
/// `unsafe_names` what the engine found CORS-unsafe (already lower-cased, sorted, de-duplicated).
pub fn preflight_headers(url: &str, origin_header: &str, method: &str, unsafe_names: &[String]) -> HeaderList {
    let mut headers = vec![
        ("Accept".to_owned(), "*/*".to_owned()),
        ("Access-Control-Request-Method".to_owned(), method.to_owned()),
    ];
    if !unsafe_names.is_empty() {
        headers.push(("Access-Control-Request-Headers".to_owned(), unsafe_names.join(",")));
    }
    headers.push(("Origin".to_owned(), origin_header.to_owned()));
    headers.extend(metadata(url, origin_header));
    headers
}

/// The actual request on a hop: the script's headers, `Accept: */*` unless the script set one (fetch's
/// default), and `Origin`, which a CORS request carries on every cross-origin hop and on any method
/// but GET and HEAD.
pub fn actual_headers(url: &str, origin_header: &str, method: &str, cross_origin: bool, script: &HeaderList) -> HeaderList {
    let mut headers = script.clone();
    if !script.iter().any(|(name, _)| name.eq_ignore_ascii_case("accept")) {
        headers.push(("Accept".to_owned(), "*/*".to_owned()));
    }
    if cross_origin || !matches!(method, "GET" | "HEAD") {
        headers.push(("Origin".to_owned(), origin_header.to_owned()));
    }
    headers.extend(metadata(url, origin_header));
    headers
}

/// `Sec-Fetch-Site`, `-Mode` and `-Dest` of a fetch() from the page, its `User-Agent`, and `Referer`
/// under the default policy (strict-origin-when-cross-origin: the page's origin, none on a downgrade
/// from https to http).
fn metadata(url: &str, origin_header: &str) -> HeaderList {
    let mut headers = vec![
        ("Sec-Fetch-Site".to_owned(), fetch_site(url, origin_header).to_owned()),
        ("Sec-Fetch-Mode".to_owned(), "cors".to_owned()),
        ("Sec-Fetch-Dest".to_owned(), "empty".to_owned()),
        ("User-Agent".to_owned(), USER_AGENT.to_owned()),
    ];
    let downgrade = origin_header.starts_with("https:") && url.starts_with("http:");
    if origin_header != "null" && !downgrade {
        headers.push(("Referer".to_owned(), format!("{origin_header}/")));
    }
    headers
}

/// `Sec-Fetch-Site` for a request to `url` from `origin_header`. Same-site is approximated by the
/// last two labels of the host and the scheme (no Public Suffix List here), so `a.co.uk` and `b.co.uk`
/// read as same-site where a browser says cross-site; no CORS check reads this header.
fn fetch_site(url: &str, origin_header: &str) -> &'static str {
    let (Ok(target), Ok(page)) = (ParsedUrl::parse(url), ParsedUrl::parse(origin_header)) else { return "cross-site" };
    if target.same_origin_as(&page) {
        return "same-origin";
    }
    let site = |host: &str| -> String {
        if host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return host.to_owned();
        }
        let labels: Vec<&str> = host.rsplit('.').take(2).collect();
        labels.into_iter().rev().collect::<Vec<_>>().join(".")
    };
    if target.scheme == page.scheme && site(&target.host) == site(&page.host) {
        "same-site"
    } else {
        "cross-site"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(headers: &HeaderList) -> Vec<&str> {
        headers.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn a_preflight_carries_what_chromium_sends_and_no_credentials() {
        let h = preflight_headers("https://api.example.com/x", "https://app.example.com", "PUT", &["content-type".into(), "x-a".into()]);
        assert_eq!(h[0], ("Accept".into(), "*/*".into()));
        assert_eq!(h[2], ("Access-Control-Request-Headers".into(), "content-type,x-a".into()));
        assert!(names(&h).contains(&"Sec-Fetch-Mode"));
        assert!(!names(&h).iter().any(|n| n.eq_ignore_ascii_case("cookie") || n.eq_ignore_ascii_case("authorization")));
        let simple = preflight_headers("https://api.example.com/x", "null", "DELETE", &[]);
        assert!(!names(&simple).contains(&"Access-Control-Request-Headers"));
        assert!(!names(&simple).contains(&"Referer"), "an opaque origin sends no referrer");
    }

    #[test]
    fn header_lines_as_curl_takes_them() {
        assert_eq!(parse_header_line("Content-Type:  application/json ").unwrap(), ("Content-Type".into(), "application/json".into()));
        assert!(parse_header_line("no colon").is_err());
        assert!(parse_header_line("Bad Name: x").is_err());
    }

    #[test]
    fn fetch_site_and_origin_on_the_actual_request() {
        assert_eq!(fetch_site("https://api.example.com/", "https://app.example.com"), "same-site");
        assert_eq!(fetch_site("http://api.example.com/", "https://app.example.com"), "cross-site");
        assert_eq!(fetch_site("http://127.0.0.1:81/", "http://127.0.0.1:80"), "same-site");
        assert_eq!(fetch_site("https://app.example.com/a", "https://app.example.com"), "same-origin");
        let script = vec![("Accept".to_owned(), "application/json".to_owned())];
        let same = actual_headers("https://app.example.com/a", "https://app.example.com", "GET", false, &script);
        assert_eq!(names(&same).iter().filter(|n| n.eq_ignore_ascii_case("accept")).count(), 1);
        assert!(!names(&same).contains(&"Origin"));
        assert!(names(&actual_headers("https://api.example.com/a", "https://app.example.com", "GET", true, &script)).contains(&"Origin"));
        let twice = vec![("X-B".to_owned(), "1".to_owned()), ("x-b".to_owned(), "2".to_owned())];
        assert_eq!(combine(&twice), [("X-B".to_owned(), "1, 2".to_owned())]);
    }
}
