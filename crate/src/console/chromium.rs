//! Chromium's console line (`third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`,
//! newest generation; renderer-side Fetch API lines from `fetch_manager.cc`):
//! `Access to {kind} at '{url}' [(redirected from '{initial}') ]from origin '{origin}' has been
//! blocked by CORS policy: [Response to preflight request doesn't pass access control check: ]{reason}`

use super::Blocked;
use crate::error::CorsError;
use crate::exchange::{AddressSpace, Client};
use crate::headers;
use crate::verdict::Stage;

const PREFLIGHT_PREFIX: &str = "Response to preflight request doesn't pass access control check: ";
const CORS_ENABLED_SCHEMES: &str = "chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app";

/// `Resource::ResourceTypeToString`, lower-cased when its second letter is lower case.
fn kind(client: Client) -> &'static str {
    match client {
        Client::Fetch | Client::Unknown => "fetch",
        Client::Xhr => "XMLHttpRequest",
        Client::Script => "script",
        Client::Font => "font",
    }
}

/// Newer builds print the hint through `EncodeHint()`, byte by byte: anything outside printable
/// ASCII becomes `\u00XX` (so UTF-8 `ä`, the bytes C3 A4, prints as `\u00C3\u00A4`, and a lone
/// byte A0 as `\u00A0`, as observed in Chromium 156). The hint holds bytes as code points
/// (headers.rs).
fn encode_hint(hint: &str) -> String {
    let mut out = String::with_capacity(hint.len());
    for byte in headers::bytes_of(hint) {
        if (b' '..=b'~').contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("\\u{byte:04X}"));
        }
    }
    out
}

pub fn line(b: &Blocked) -> String {
    let url = b.url;
    let error = b.failure.error;
    let hint = encode_hint(&b.failure.failed_parameter);
    // Chromium prints `unknown` when it could not place the resource (behind a proxy).
    let target_space = b.target_space.map_or("unknown", AddressSpace::name);
    // Checks the renderer makes before anything is sent print a "Fetch API cannot load" line.
    if b.client == Client::Fetch || b.client == Client::Unknown {
        match error {
            // A same-origin request redirected elsewhere is stopped by the frame's loader.
            CorsError::DisallowedByMode if b.stage == Stage::Redirect => {
                let (document_url, slash) = b.document_url.map_or((b.page_origin, "/"), |d| (d, ""));
                return format!(
                    "Unsafe attempt to load URL {} from frame with URL {document_url}{slash}. Domains, protocols and ports must match.\n",
                    b.location.unwrap_or(url),
                )
            }
            CorsError::DisallowedByMode => {
                return format!(
                    "Fetch API cannot load {url}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {}.",
                    b.page_origin
                )
            }
            CorsError::CorsDisabledScheme => {
                let scheme = url.split(':').next().unwrap_or("");
                return format!("Fetch API cannot load {url}. URL scheme \"{scheme}\" is not supported.");
            }
            CorsError::NoCorsRedirectModeNotFollow => {
                return format!("Fetch API cannot load {url}. Request mode is \"no-cors\" but the redirect mode is not \"follow\".")
            }
            _ => {}
        }
    }
    let fetch_suffix = if b.client == Client::Fetch || b.client == Client::Unknown {
        " Have the server send the header with a valid value."
    } else {
        ""
    };
    let xhr_suffix = if b.client == Client::Xhr {
        " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
    } else {
        ""
    };
    let reason = match error {
        // Failures Chromium does not report as CORS errors surface as the plain network error.
        CorsError::PreflightNetworkError => {
            let net_error = if hint.is_empty() { "net::ERR_FAILED" } else { &hint };
            return format!("Failed to load resource: {net_error}");
        }
        CorsError::TooManyRedirects => return "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS".to_owned(),
        CorsError::InvalidRedirectLocation => return "Failed to load resource: net::ERR_UNSAFE_REDIRECT".to_owned(),
        CorsError::RedirectModeError => return "Failed to load resource: net::ERR_FAILED".to_owned(),
        CorsError::NoCorsMethodNotSafelisted => {
            return format!("TypeError: Failed to execute 'fetch' on 'Window': '{hint}' is unsupported in no-cors mode.")
        }
        CorsError::MissingAllowOriginHeader | CorsError::PreflightMissingAllowOriginHeader => {
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_owned()
        }
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => format!(
            "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed.{fetch_suffix}"
        ),
        CorsError::InvalidAllowOriginValue | CorsError::PreflightInvalidAllowOriginValue => {
            format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'.{fetch_suffix}")
        }
        CorsError::AllowOriginMismatch | CorsError::PreflightAllowOriginMismatch => format!(
            "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin.{fetch_suffix}"
        ),
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => format!(
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.{xhr_suffix}"
        ),
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must be 'true' when the request's credentials mode is 'include'.{xhr_suffix}"
        ),
        CorsError::PreflightInvalidStatus => "It does not have HTTP ok status.".to_owned(),
        CorsError::PreflightDisallowedRedirect => "Redirect is not allowed for a preflight request.".to_owned(),
        CorsError::InvalidAllowMethodsPreflightResponse => {
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned()
        }
        CorsError::InvalidAllowHeadersPreflightResponse => {
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned()
        }
        CorsError::MethodDisallowedByPreflightResponse => {
            format!("Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response.")
        }
        CorsError::HeaderDisallowedByPreflightResponse => {
            format!("Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response.")
        }
        CorsError::RedirectContainsCredentials => format!(
            "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests."
        ),
        CorsError::DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_owned(),
        CorsError::CorsDisabledScheme => format!("Cross origin requests are only supported for protocol schemes: {CORS_ENABLED_SCHEMES}."),
        CorsError::NoCorsRedirectModeNotFollow => "Redirect is not allowed for a no-cors request.".to_owned(),
        CorsError::InsecureLocalNetwork => {
            format!("The request client is not a secure context and the resource is in more-private address space `{target_space}`.")
        }
        CorsError::InvalidLocalNetworkAccess => format!(
            "Request had a target IP address space of `{}` yet the resource is in address space `{target_space}`.",
            b.declared_space.map_or("unknown", AddressSpace::name)
        ),
        CorsError::LocalNetworkAccessPermissionDenied => {
            format!("Permission was denied for this request to access the `{target_space}` address space.")
        }
    };
    let prefix = if error.has_preflight_prefix() { PREFLIGHT_PREFIX } else { "" };
    let redirected = b.redirected_from.map(|initial| format!("(redirected from '{initial}') ")).unwrap_or_default();
    format!(
        "Access to {} at '{url}' {redirected}from origin '{}' has been blocked by CORS policy: {prefix}{reason}",
        kind(b.client),
        b.page_origin
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_escaped_like_encode_hint() {
        assert_eq!(encode_hint("a\u{1}\u{C3}\u{A4}"), "a\\u0001\\u00C3\\u00A4");
        assert_eq!(encode_hint("https://a.com\u{A0}"), "https://a.com\\u00A0");
        assert_eq!(encode_hint("https://a.com, https://b.com"), "https://a.com, https://b.com");
    }
}
