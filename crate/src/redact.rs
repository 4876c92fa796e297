//! Redaction of secrets in anything the engine shows or exports: Cookie, Authorization and
//! token-looking values are masked, so verdicts can be pasted into a bug report safely.

pub const MASK: &str = "[redacted]";

/// Whether a header carries credentials or tokens by its name.
pub fn is_sensitive_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(lower.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "set-cookie2")
        || ["token", "secret", "session", "password", "api-key", "apikey", "auth"].iter().any(|w| lower.contains(w))
}

/// The value as it may be shown: masked for sensitive headers, as-is otherwise.
pub fn display_value<'a>(name: &str, value: &'a str) -> &'a str {
    if is_sensitive_header(name) { MASK } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        assert_eq!(display_value("Authorization", "Bearer abc"), MASK);
        assert_eq!(display_value("X-Auth-Token", "abc"), MASK);
        assert_eq!(display_value("x-api-key", "abc"), MASK);
        assert_eq!(display_value("Content-Type", "application/json"), "application/json");
    }
}
