//! The origins an attacker can get a page from, for each origin a policy allows: the classic ways a
//! server's origin check goes wrong (reflecting anything, `null` allowed for sandboxed iframes and
//! `file:`, the scheme ignored, an unanchored suffix or prefix match, a whole domain trusted).

use crate::origin::ParsedUrl;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attack {
    pub origin: String,
    /// What it tries, in a few words.
    pub name: &'static str,
}

/// The attack origins for `allowed` that `allowed_list` does not itself allow.
pub fn attacks(allowed: &str, allowed_list: &[String]) -> Vec<Attack> {
    let Ok(url) = ParsedUrl::parse(allowed) else { return Vec::new() };
    if !url.is_http() {
        return Vec::new();
    }
    let port = url.port.map(|p| format!(":{p}")).unwrap_or_default();
    let host = &url.host;
    let other_scheme = if url.scheme == "https" { "http" } else { "https" };
    let is_ip = host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let mut list = vec![
        Attack { origin: "null".to_owned(), name: "null origin (sandboxed iframe, file:)" },
        Attack { origin: format!("{other_scheme}://{host}{port}"), name: "other scheme" },
        Attack { origin: format!("{}://{host}.evil.test{port}", url.scheme), name: "suffix trick" },
    ];
    if !is_ip {
        list.push(Attack { origin: format!("{}://evil-{host}{port}", url.scheme), name: "prefix trick" });
        let parent = match host.split_once('.') {
            Some((_, rest)) if rest.contains('.') => rest.to_owned(),
            _ => host.to_string(),
        };
        list.push(Attack { origin: format!("{}://evil.{parent}{port}", url.scheme), name: "sibling subdomain" });
    }
    list.retain(|a| !allowed_list.contains(&a.origin));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classic_attacks() {
        let origins: Vec<String> = attacks("https://app.example.com", &[]).into_iter().map(|a| a.origin).collect();
        assert_eq!(
            origins,
            ["null", "http://app.example.com", "https://app.example.com.evil.test", "https://evil-app.example.com", "https://evil.example.com"]
        );
        let apex: Vec<String> = attacks("http://example.com:8080", &[]).into_iter().map(|a| a.origin).collect();
        assert_eq!(apex[4], "http://evil.example.com:8080");
        assert_eq!(attacks("http://127.0.0.1:3000", &[]).len(), 3);
        let both = ["https://app.example.com".to_owned(), "http://app.example.com".to_owned()];
        assert!(!attacks("https://app.example.com", &both).iter().any(|a| a.origin == "http://app.example.com"));
        assert!(attacks("null", &[]).is_empty());
    }
}
