//! The input model: one cross-origin exchange as a capture saw it (request, preflight, redirects,
//! final response, outcome). Every field but `request.method`, `request.url` and `request.origin`
//! has a default, and unknown fields are ignored, so partial captures still get a verdict.

use serde::{Deserialize, Serialize};

/// A raw header list: names and values exactly as observed, in order; a name may repeat.
pub type HeaderList = Vec<(String, String)>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Exchange {
    pub request: Request,
    #[serde(default)]
    pub preflight: Option<Preflight>,
    #[serde(default)]
    pub redirects: Vec<Redirect>,
    #[serde(default)]
    pub response: Option<Response>,
    #[serde(default)]
    pub outcome: Outcome,
    /// The request's own network error as the capture reported it (`net::ERR_CONNECTION_REFUSED`,
    /// `net::ERR_BLOCKED_BY_CLIENT`, ...): what failed when it was not a CORS check.
    #[serde(default)]
    pub net_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Request {
    pub method: String,
    pub url: String,
    /// The page's serialized origin, or `"null"` for an opaque one.
    pub origin: String,
    #[serde(default)]
    pub credentials_mode: CredentialsMode,
    /// Headers the page's script set, in order.
    #[serde(default)]
    pub headers: HeaderList,
    #[serde(default)]
    pub mode: RequestMode,
    #[serde(default)]
    pub redirect_mode: RedirectMode,
    #[serde(default)]
    pub client: Client,
    /// The URL of the document that made the request; Chromium names it in some messages.
    /// Defaults to the origin followed by "/".
    #[serde(default)]
    pub document_url: Option<String>,
    /// Local Network Access facts (local_network.rs), each absent when the capture does not know it.
    /// The address spaces as given; otherwise they are read from the IPs, then from the URL's host.
    #[serde(default)]
    pub initiator_address_space: Option<AddressSpace>,
    #[serde(default)]
    pub target_address_space: Option<AddressSpace>,
    /// The IP the page's document came from, and the IP the request connected to.
    #[serde(default)]
    pub initiator_ip: Option<String>,
    #[serde(default)]
    pub target_ip: Option<String>,
    /// Whether the page is a secure context; absent: https, or a loopback host, is.
    #[serde(default)]
    pub secure_context: Option<bool>,
    /// The space the page declared with `fetch(url, {targetAddressSpace})`.
    #[serde(default)]
    pub declared_target_address_space: Option<AddressSpace>,
    /// The page's local network permission; absent: read from the outcome.
    #[serde(default)]
    pub local_network_permission: Option<Permission>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Preflight {
    #[serde(default)]
    pub request_headers: HeaderList,
    /// `None` when the OPTIONS failed below HTTP (connection refused, TLS, ...).
    #[serde(default)]
    pub response: Option<Response>,
    /// The network error the capture reported for a failed OPTIONS, e.g. `net::ERR_CONNECTION_REFUSED`.
    #[serde(default)]
    pub net_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Response {
    pub status: u16,
    #[serde(default)]
    pub headers: HeaderList,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Redirect {
    pub status: u16,
    #[serde(default)]
    pub headers: HeaderList,
    pub location: String,
    #[serde(default)]
    pub next: Option<RedirectHop>,
}

/// What the browser sent after following a redirect, when the capture saw it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RedirectHop {
    pub url: String,
    #[serde(default)]
    pub method: Option<String>,
    /// The `Origin` header the browser sent on the new hop: an origin, `"null"` (tainted), or absent.
    #[serde(default)]
    pub origin_header: Option<String>,
    #[serde(default)]
    pub preflight: Option<Preflight>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialsMode {
    Omit,
    SameOrigin,
    Include,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RequestMode {
    #[default]
    Cors,
    /// XHR with upload listeners (and Chromium's equivalent for streaming bodies).
    CorsWithForcedPreflight,
    NoCors,
    SameOrigin,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectMode {
    #[default]
    Follow,
    Error,
    Manual,
}

/// Which API started the request: it changes only the console wording.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    #[default]
    Fetch,
    Xhr,
    Script,
    Font,
    Unknown,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Failed,
    Succeeded,
    #[default]
    Unknown,
}

/// A permission's state, as the Permissions API names them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    Granted,
    Denied,
    Prompt,
}

/// Address spaces as Local Network Access names them (loopback ⊂ local ⊂ public, most private first).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum AddressSpace {
    Loopback,
    Local,
    Public,
}

impl AddressSpace {
    pub fn name(self) -> &'static str {
        match self {
            AddressSpace::Loopback => "loopback",
            AddressSpace::Local => "local",
            AddressSpace::Public => "public",
        }
    }
}
