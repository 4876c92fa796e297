//! Which response headers script can read on a CORS response (fetch spec §CORS-safelisted
//! response-header name, `Access-Control-Expose-Headers`). Not a failure, but the reason
//! `response.headers.get('X-Total-Count')` returns null on a request that "worked".

use crate::exchange::HeaderList;
use crate::headers;
use crate::verdict::ExposedHeaders;

const SAFELISTED_RESPONSE_HEADERS: [&str; 7] =
    ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];

pub fn exposed_headers(response_headers: &HeaderList, credentials: bool) -> ExposedHeaders {
    // An unparsable Expose-Headers list exposes nothing extra (fetch spec: parsing failure → empty list).
    let listed = headers::get(response_headers, "access-control-expose-headers")
        .and_then(|value| headers::parse_name_list(&value).ok())
        .unwrap_or_default();
    let wildcard = !credentials && listed.iter().any(|n| n == "*");
    let mut readable = Vec::new();
    let mut hidden = Vec::new();
    for (name, _) in response_headers {
        let lower = name.trim().to_ascii_lowercase();
        if lower.starts_with("access-control-") || readable.contains(&lower) || hidden.contains(&lower) {
            continue;
        }
        let is_readable = lower != "set-cookie"
            && lower != "set-cookie2"
            && (SAFELISTED_RESPONSE_HEADERS.contains(&lower.as_str()) || wildcard || listed.contains(&lower));
        if is_readable { readable.push(lower) } else { hidden.push(lower) }
    }
    ExposedHeaders { readable, hidden }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn safelisted_and_listed_are_readable() {
        let e = exposed_headers(
            &h(&[("Content-Type", "a"), ("X-Total-Count", "3"), ("X-Request-Id", "1"), ("Access-Control-Expose-Headers", "x-total-count")]),
            false,
        );
        assert_eq!(e.readable, vec!["content-type", "x-total-count"]);
        assert_eq!(e.hidden, vec!["x-request-id"]);
    }

    #[test]
    fn wildcard_only_without_credentials_and_never_set_cookie() {
        let headers = h(&[("X-A", "1"), ("Set-Cookie", "s=1"), ("Access-Control-Expose-Headers", "*")]);
        assert_eq!(exposed_headers(&headers, false).readable, vec!["x-a"]);
        assert_eq!(exposed_headers(&headers, false).hidden, vec!["set-cookie"]);
        assert_eq!(exposed_headers(&headers, true).hidden, vec!["x-a", "set-cookie"]);
    }
}
