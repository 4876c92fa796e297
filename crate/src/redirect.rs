//! Redirects of a CORS request (fetch spec §HTTP-redirect fetch; Chromium `CorsURLLoader::
//! OnReceiveRedirect` / `FollowRedirect`): the Location rules, the 20-hop limit, the origin taint
//! that turns `Origin` into `null`, and the method rewrite for 301/302/303.

use crate::error::{CorsError, Failure};
use crate::origin::{Origin, ParsedUrl};

/// Fetch's redirect limit.
pub const MAX_REDIRECTS: usize = 20;

/// Validates a redirect target. `hop` counts redirects so far, this one included; `cors_tainted`
/// is true once the request has gone cross-origin (response tainting "cors").
pub fn follow_location<'a>(location: &'a str, hop: usize, request_origin: Option<&Origin>, cors_tainted: bool) -> Result<ParsedUrl<'a>, Failure> {
    if hop > MAX_REDIRECTS {
        return Err(Failure::new(CorsError::TooManyRedirects, ""));
    }
    let target = ParsedUrl::parse(location).map_err(|_| Failure::new(CorsError::InvalidRedirectLocation, location))?;
    if !target.is_http() {
        return Err(Failure::new(CorsError::InvalidRedirectLocation, location));
    }
    // Fetch spec §HTTP-redirect fetch steps 9-10: credentials in a cross-origin target, or in any
    // target once the response is CORS-tainted, are a network error.
    if target.has_credentials && (cors_tainted || target.origin().as_ref() != request_origin) {
        // Chromium's network service reports no failed parameter here.
        return Err(Failure::new(CorsError::RedirectContainsCredentials, ""));
    }
    Ok(target)
}

/// Chromium's taint rule (`CorsURLLoader::FollowRedirect`): a redirect to another origin, from a
/// URL that is itself cross-origin to the request's origin, taints the origin for the rest of
/// the chain, and `Origin: null` is sent from then on.
pub fn taints_origin(from: &ParsedUrl, to: &ParsedUrl, request_origin: Option<&Origin>) -> bool {
    let from_origin = from.origin();
    from_origin != to.origin() && (request_origin.is_none() || from_origin.as_ref() != request_origin)
}

/// The method after a redirect: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET.
pub fn method_after(status: u16, method: &str) -> String {
    let to_get = match status {
        301 | 302 => method == "POST",
        303 => method != "GET" && method != "HEAD",
        _ => false,
    };
    if to_get { "GET".to_owned() } else { method.to_owned() }
}

/// Whether the request's body (and so its body headers) is dropped by the redirect.
pub fn drops_body(status: u16, method_before: &str) -> bool {
    method_after(status, method_before) != method_before
}

/// Whether a request header survives a redirect: the body's headers go when the body does (the
/// method became GET), and Fetch deletes `Authorization` on a cross-origin redirect (HTTP-redirect
/// fetch steps 12-13).
pub fn keeps_header(name: &str, body_dropped: bool, cross_origin: bool) -> bool {
    let body_header = ["content-encoding", "content-language", "content-location", "content-type"].iter().any(|h| name.eq_ignore_ascii_case(h));
    !((body_dropped && body_header) || (cross_origin && name.eq_ignore_ascii_case("authorization")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> ParsedUrl<'_> {
        ParsedUrl::parse(s).unwrap()
    }

    #[test]
    fn taint_only_from_a_cross_origin_url() {
        let page_url = url("https://app.example.com/");
        let page = page_url.origin();
        let page = page.as_ref();
        assert!(!taints_origin(&url("https://app.example.com/a"), &url("https://api.example.com/b"), page));
        assert!(taints_origin(&url("https://api.example.com/a"), &url("https://cdn.example.com/b"), page));
        assert!(!taints_origin(&url("https://api.example.com/a"), &url("https://api.example.com/b"), page));
    }

    #[test]
    fn location_rules() {
        let page_url = url("https://app.example.com/");
        let page = page_url.origin();
        assert_eq!(follow_location("https://u:p@api.example.com/", 1, page.as_ref(), true).unwrap_err().error, CorsError::RedirectContainsCredentials);
        assert_eq!(follow_location("data:text/plain,hi", 1, page.as_ref(), true).unwrap_err().error, CorsError::InvalidRedirectLocation);
        assert_eq!(follow_location("https://api.example.com/", 21, page.as_ref(), true).unwrap_err().error, CorsError::TooManyRedirects);
        assert!(follow_location("https://api.example.com/", 20, page.as_ref(), true).is_ok());
        assert!(follow_location("https://u:p@app.example.com/", 1, page.as_ref(), false).is_ok(), "same-origin, not tainted");
        assert!(follow_location("https://u:p@app.example.com/", 1, page.as_ref(), true).is_err(), "same-origin target, but tainted");
    }

    #[test]
    fn method_rewrites() {
        assert_eq!(method_after(302, "POST"), "GET");
        assert_eq!(method_after(307, "POST"), "POST");
        assert_eq!(method_after(303, "PUT"), "GET");
        assert_eq!(method_after(301, "PUT"), "PUT");
    }
}
