//! The policy file of `cors-lens probe --policy` (TOML): the endpoints to probe and, for each, the
//! origins that must be allowed and those that must be refused.
//!
//! ```toml
//! allowed_origins = ["https://app.example.com"]
//! refused_origins = ["https://partner-old.example.net"]
//!
//! [[endpoint]]
//! url = "https://api.example.com/items"
//! methods = ["GET", "PUT"]
//! headers = ["Content-Type: application/json"]
//! credentials = true
//! ```

use serde::Deserialize;

use crate::exchange::HeaderList;

use super::request::parse_header_line;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    allowed_origins: Vec<String>,
    #[serde(default)]
    refused_origins: Vec<String>,
    /// Whether to add the classic attack origins for each allowed origin (attacks.rs).
    #[serde(default = "yes")]
    attacks: bool,
    #[serde(alias = "endpoints")]
    endpoint: Vec<EndpointFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointFile {
    url: String,
    #[serde(default = "get")]
    methods: Vec<String>,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    credentials: bool,
    /// Per endpoint, replacing the file's lists.
    allowed_origins: Option<Vec<String>>,
    refused_origins: Option<Vec<String>>,
    /// Send the actual request of a method that needs no preflight; by default only GET and HEAD
    /// are sent, so a policy run changes nothing on the server.
    actual: Option<bool>,
}

fn yes() -> bool {
    true
}

fn get() -> Vec<String> {
    vec!["GET".to_owned()]
}

/// A policy, read and checked.
#[derive(Debug, Clone)]
pub struct Policy {
    pub attacks: bool,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub url: String,
    pub methods: Vec<String>,
    pub headers: HeaderList,
    pub credentials: bool,
    pub allowed_origins: Vec<String>,
    pub refused_origins: Vec<String>,
    pub actual: Option<bool>,
}

impl Endpoint {
    /// Whether the actual request of `method` may be sent when it needs no preflight.
    pub fn sends_actual(&self, method: &str) -> bool {
        self.actual.unwrap_or(matches!(crate::method::normalize(method), "GET" | "HEAD"))
    }
}

/// Reads a policy; the error says what is wrong and where (the TOML parser names the line).
pub fn parse(text: &str) -> Result<Policy, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
    if file.endpoint.is_empty() {
        return Err("the policy lists no [[endpoint]]".to_owned());
    }
    let mut endpoints = Vec::new();
    for (index, e) in file.endpoint.into_iter().enumerate() {
        let at = |message: String| format!("endpoint {} ({}): {message}", index + 1, e.url);
        let headers = e.headers.iter().map(|line| parse_header_line(line)).collect::<Result<HeaderList, String>>().map_err(at)?;
        if e.methods.is_empty() || e.methods.iter().any(|m| !crate::headers::is_token(m)) {
            return Err(at(format!("methods {:?} must be HTTP method names", e.methods)));
        }
        let allowed_origins = e.allowed_origins.clone().unwrap_or_else(|| file.allowed_origins.clone());
        let refused_origins = e.refused_origins.clone().unwrap_or_else(|| file.refused_origins.clone());
        for origin in allowed_origins.iter().chain(&refused_origins) {
            // Exactly as a browser sends it: a trailing slash or a default port is the classic typo.
            match crate::origin::parse_serialized_origin(origin).map_err(|m| at(format!("origin {m}")))? {
                Some(parsed) if parsed.serialize() != *origin => {
                    return Err(at(format!("'{origin}' is not an origin as browsers send it: {}", parsed.serialize())))
                }
                _ => {}
            }
        }
        if allowed_origins.is_empty() && refused_origins.is_empty() {
            return Err(at("no allowed_origins or refused_origins to check".to_owned()));
        }
        endpoints.push(Endpoint { url: e.url, methods: e.methods, headers, credentials: e.credentials, allowed_origins, refused_origins, actual: e.actual });
    }
    Ok(Policy { attacks: file.attacks, endpoints })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_reads_with_defaults_and_per_endpoint_lists() {
        let policy = parse(
            r#"
            allowed_origins = ["https://app.example.com"]
            [[endpoint]]
            url = "https://api.example.com/a"
            [[endpoint]]
            url = "https://api.example.com/b"
            methods = ["PUT"]
            headers = ["X-Api-Key: 1"]
            refused_origins = ["https://old.example.com"]
            "#,
        )
        .unwrap();
        assert!(policy.attacks);
        assert_eq!(policy.endpoints[0].methods, ["GET"]);
        assert_eq!(policy.endpoints[1].headers, [("X-Api-Key".to_owned(), "1".to_owned())]);
        assert_eq!(policy.endpoints[1].refused_origins, ["https://old.example.com"]);
        assert!(policy.endpoints[0].sends_actual("get") && !policy.endpoints[1].sends_actual("POST"));
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse("allowed_origins = [\"https://a.test\"]\n[[endpoint]]\nurl = \"https://x.test\"\nmethod = [\"GET\"]\n").unwrap_err().contains("method"));
        assert!(parse("allowed_origins = [\"https://a.test/x\"]\n[[endpoint]]\nurl = \"https://x.test\"\n").unwrap_err().contains("path"));
        assert!(parse("allowed_origins = [\"https://a.test/\"]\n[[endpoint]]\nurl = \"https://x.test\"\n").unwrap_err().contains("as browsers send it: https://a.test"));
        assert!(parse("allowed_origins = []\n").is_err());
        assert!(parse("[[endpoint]]\nurl = \"https://x.test\"\n").unwrap_err().contains("no allowed_origins"));
    }
}
