//! Request methods (fetch spec §methods): normalisation, CORS-safelisted and forbidden methods.

/// Fetch's "normalize a method": only these six are upper-cased, so `patch` is sent as `patch`
/// and does not match `PATCH` in `Access-Control-Allow-Methods`.
pub fn normalize(method: &str) -> &str {
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    NORMALIZED.iter().find(|m| m.eq_ignore_ascii_case(method)).map_or(method, |m| m)
}

/// CORS-safelisted method: GET, HEAD or POST, byte-exact (after normalisation).
pub fn is_cors_safelisted(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Forbidden methods: scripts cannot send them at all.
pub fn is_forbidden(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"].iter().any(|m| m.eq_ignore_ascii_case(method))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_six_methods_are_normalised() {
        assert_eq!(normalize("post"), "POST");
        assert_eq!(normalize("dElEtE"), "DELETE");
        assert_eq!(normalize("patch"), "patch");
        assert_eq!(normalize("PATCH"), "PATCH");
    }

    #[test]
    fn safelisted_is_byte_exact() {
        assert!(is_cors_safelisted("GET"));
        assert!(!is_cors_safelisted("get"));
        assert!(!is_cors_safelisted("PUT"));
        assert!(is_forbidden("trace"));
    }
}
