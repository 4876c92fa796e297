//! Safari's console lines (WebKit `CrossOriginAccessControl.cpp`, `CrossOriginPreflightResultCache.cpp`,
//! `NetworkLoadChecker.cpp`, `ThreadableLoader.cpp`): a description, then
//! "{API} cannot load {url} due to access control checks.", then "Failed to load resource: {description}".
//! Safari checks a preflight's status (a redirect's too) before its Allow-Origin (preflight.rs).

use super::Blocked;
use crate::error::CorsError;
use crate::exchange::Client;
use crate::headers;
use crate::verdict::Stage;

pub fn lines(b: &Blocked) -> Option<String> {
    let description = description(b)?;
    let api = match b.client {
        Client::Fetch | Client::Unknown => "Fetch API cannot load",
        Client::Xhr => "XMLHttpRequest cannot load",
        Client::Script | Client::Font => "Cannot load",
    };
    Some(format!(
        "{description}\n{api} {} due to access control checks.\nFailed to load resource: {description}",
        b.url
    ))
}

fn description(b: &Blocked) -> Option<String> {
    let status = b.response.map(|r| r.status);
    let origin_not_allowed = || {
        format!("Origin {} is not allowed by Access-Control-Allow-Origin. Status code: {}", b.page_origin, status.unwrap_or_default())
    };
    let hint = &b.failure.failed_parameter;
    let response_header = |name: &str| b.response.and_then(|r| headers::get(&r.headers, name)).unwrap_or_default();
    let access = match b.failure.error {
        CorsError::MissingAllowOriginHeader
        | CorsError::PreflightMissingAllowOriginHeader
        | CorsError::InvalidAllowOriginValue
        | CorsError::PreflightInvalidAllowOriginValue
        | CorsError::AllowOriginMismatch
        | CorsError::PreflightAllowOriginMismatch => origin_not_allowed(),
        CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues => {
            "Access-Control-Allow-Origin cannot contain more than one origin.".to_owned()
        }
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.".to_owned()
        }
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".".to_owned()
        }
        CorsError::PreflightInvalidStatus | CorsError::PreflightDisallowedRedirect => {
            format!("Preflight response is not successful. Status code: {}", status.unwrap_or_default())
        }
        CorsError::InvalidAllowMethodsPreflightResponse => {
            format!("Header Access-Control-Allow-Methods has an invalid value: {}", response_header("access-control-allow-methods"))
        }
        CorsError::InvalidAllowHeadersPreflightResponse => {
            format!("Header Access-Control-Allow-Headers has an invalid value: {}", response_header("access-control-allow-headers"))
        }
        CorsError::MethodDisallowedByPreflightResponse => format!("Method {hint} is not allowed by Access-Control-Allow-Methods."),
        CorsError::HeaderDisallowedByPreflightResponse => {
            format!("Request header field {} is not allowed by Access-Control-Allow-Headers.", b.header_as_written.unwrap_or(hint))
        }
        CorsError::RedirectContainsCredentials => {
            let location = b.location.unwrap_or_default();
            return Some(format!(
                "Cross-origin redirection to {location} denied by Cross-Origin Resource Sharing policy: redirection URL {location} has credentials"
            ));
        }
        CorsError::CorsDisabledScheme => "Cross origin requests are only supported for HTTP.".to_owned(),
        CorsError::DisallowedByMode => "Cross origin requests are not allowed when using same-origin fetch mode.".to_owned(),
        CorsError::TooManyRedirects => "Load cannot follow more than 20 redirections".to_owned(),
        CorsError::RedirectModeError => format!("Not allowed to follow a redirection while loading {}", b.url),
        CorsError::InvalidRedirectLocation => {
            "Cross-origin redirection denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme".to_owned()
        }
        CorsError::PreflightNetworkError => "Could not connect to the server.".to_owned(),
        CorsError::NoCorsRedirectModeNotFollow | CorsError::NoCorsMethodNotSafelisted => {
            "TypeError: Load failed".to_owned()
        }
        CorsError::InsecureLocalNetwork | CorsError::InvalidLocalNetworkAccess | CorsError::LocalNetworkAccessPermissionDenied => return None,
    };
    if b.stage == Stage::Redirect {
        if let Some(location) = b.location {
            return Some(format!("Cross-origin redirection to {location} denied by Cross-Origin Resource Sharing policy: {access}"));
        }
    }
    Some(access)
}
