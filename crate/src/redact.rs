//! Redaction of secrets in anything the engine shows or exports: Cookie, Authorization and
//! token-looking values are masked, so verdicts can be pasted into a bug report safely.
//!
//! Two layers. The engine never echoes a sensitive header's value ([`display_value`]). A report
//! that leaves the engine is redacted at its source, the captured [`Exchange`]: header values and
//! URL query values that look secret are masked ([`Secrets::mask_exchange`]) and the verdict is
//! computed again from the masked exchange, so no text derived from it can repeat a secret. The
//! headers whose values the CORS algorithm reads are never masked by their look, only by their
//! name (none of them has a sensitive name), so masking cannot change the verdict.

use crate::exchange::{Exchange, HeaderList};

pub const MASK: &str = "[redacted]";

/// Whether a header carries credentials or tokens by its name.
pub fn is_sensitive_header(name: &str) -> bool {
    // A case-insensitive search for any of the words, keyed on its first letter, without
    // allocating: this runs for each header of each verdict. ("authorization" and
    // "proxy-authorization" contain "auth"; "set-cookie" and "set-cookie2" contain "cookie".)
    let name = name.as_bytes();
    let at = |rest: &[u8], word: &[u8]| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    (0..name.len()).any(|i| {
        let rest = &name[i..];
        match rest[0].to_ascii_lowercase() {
            b'c' => at(rest, b"cookie"),
            b't' => at(rest, b"token"),
            b's' => at(rest, b"secret") || at(rest, b"session"),
            b'p' => at(rest, b"password"),
            b'a' => at(rest, b"auth") || at(rest, b"api-key") || at(rest, b"apikey"),
            _ => false,
        }
    })
}

/// The value as it may be shown: masked for sensitive headers, as-is otherwise.
pub fn display_value<'a>(name: &str, value: &'a str) -> &'a str {
    if is_sensitive_header(name) { MASK } else { value }
}

/// A value that looks like a credential whatever its header's name: an auth scheme with a
/// token, a JWT, or one long word mixing letters and digits.
pub fn looks_like_token(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if ["bearer ", "basic ", "token ", "digest ", "negotiate ", "hoba "].iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    let token_chars = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_+/=.~".contains(&b));
    if v.starts_with("eyJ") && v.matches('.').count() == 2 && token_chars(v) {
        return true;
    }
    v.len() >= 24
        && token_chars(v)
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && !v.contains("..")
}

/// Headers whose values the CORS algorithm reads (the CORS-safelisted request headers, the
/// `Access-Control-*` family, `Origin`, `Location`, `Vary`), any case. Their values are protocol
/// data, and masking one would change the verdict (`application/vnd.api.v2+json` looks like a token).
fn is_read_by_cors(name: &str) -> bool {
    const PREFIX: &str = "access-control-";
    name.get(..PREFIX.len()).is_some_and(|start| start.eq_ignore_ascii_case(PREFIX))
        || ["origin", "location", "vary"].iter().any(|n| n.eq_ignore_ascii_case(name))
        || crate::safelist::safelisted_name(name).is_some()
}

fn is_sensitive_param(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    is_sensitive_header(&lower)
        || matches!(lower.as_str(), "key" | "sig" | "signature" | "code" | "jwt" | "pass" | "pwd" | "credential" | "credentials")
        || lower.ends_with("_key")
        || lower.ends_with("token")
}

/// The secret values met while masking, so that free text elsewhere (messages that quote a URL)
/// can have them replaced too.
#[derive(Debug, Default)]
pub struct Secrets {
    found: Vec<String>,
    /// What `scrub` replaces: `found` without short values, longest first; rebuilt when it grew.
    replaced: Vec<String>,
    replaced_from: usize,
}

impl Secrets {
    /// Masks, in place, every secret-looking header value and URL query value of the exchange.
    /// Returns whether anything was masked (most exchanges carry no secret).
    pub fn mask_exchange(&mut self, exchange: &mut Exchange) -> bool {
        let found_before = self.found.len();
        let request = &mut exchange.request;
        request.url = self.mask_url(&request.url);
        if let Some(document) = &mut request.document_url {
            *document = self.mask_url(document);
        }
        self.mask_headers(&mut request.headers);
        if let Some(preflight) = &mut exchange.preflight {
            self.mask_preflight(preflight);
        }
        for redirect in &mut exchange.redirects {
            self.mask_headers(&mut redirect.headers);
            redirect.location = self.mask_url(&redirect.location);
            if let Some(next) = &mut redirect.next {
                next.url = self.mask_url(&next.url);
                if let Some(preflight) = &mut next.preflight {
                    self.mask_preflight(preflight);
                }
            }
        }
        if let Some(response) = &mut exchange.response {
            self.mask_headers(&mut response.headers);
        }
        self.found.len() > found_before
    }

    fn mask_preflight(&mut self, preflight: &mut crate::exchange::Preflight) {
        self.mask_headers(&mut preflight.request_headers);
        if let Some(response) = &mut preflight.response {
            self.mask_headers(&mut response.headers);
        }
    }

    pub fn mask_headers(&mut self, headers: &mut HeaderList) {
        for (name, value) in headers.iter_mut() {
            let name = crate::headers::trim_http_whitespace(name);
            let secret = is_sensitive_header(name) || (!is_read_by_cors(name) && looks_like_token(value));
            if !secret || value == MASK {
                continue;
            }
            let value = std::mem::replace(value, MASK.to_owned());
            // The token part of "Bearer xyz", and each cookie's value, may be quoted elsewhere alone.
            if let Some((_, token)) = value.trim().split_once(' ') {
                self.found.push(token.trim().to_owned());
            }
            for cookie in value.split(';') {
                if let Some((_, v)) = cookie.split_once('=') {
                    self.found.push(v.trim().to_owned());
                }
            }
            self.found.push(value);
        }
    }

    /// The URL with sensitive or token-looking query values masked.
    pub fn mask_url(&mut self, url: &str) -> String {
        let Some((head, rest)) = url.split_once('?') else { return url.to_owned() };
        let (query, fragment) = match rest.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (rest, None),
        };
        let mut out = String::with_capacity(url.len());
        out.push_str(head);
        for (i, part) in query.split('&').enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            match part.split_once('=') {
                Some((k, v)) if !v.is_empty() && (is_sensitive_param(k) || looks_like_token(v)) => {
                    self.found.push(v.to_owned());
                    out.push_str(k);
                    out.push('=');
                    out.push_str(MASK);
                }
                _ => out.push_str(part),
            }
        }
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }

    /// Replaces every secret met so far wherever it appears in `text`. Values shorter than 4
    /// characters are too common to replace blindly (they are masked where they were found).
    pub fn scrub(&mut self, text: &mut String) {
        if self.replaced_from != self.found.len() {
            self.replaced = self.found.iter().filter(|s| s.len() >= 4 && *s != MASK).cloned().collect();
            // Longest first, so a value is replaced before any secret it contains.
            self.replaced.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            self.replaced.dedup();
            self.replaced_from = self.found.len();
        }
        for secret in &self.replaced {
            if text.contains(secret.as_str()) {
                *text = text.replace(secret.as_str(), MASK);
            }
        }
    }
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

    #[test]
    fn tokens_are_recognised() {
        assert!(looks_like_token("Bearer abc"));
        assert!(looks_like_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"));
        assert!(looks_like_token("a1b2c3d4e5f6a7b8c9d0e1f2a3"));
        assert!(!looks_like_token("application/json"));
        assert!(!looks_like_token("http://127.0.0.1:8001"));
        assert!(!looks_like_token("content-type,x-api-key"));
        assert!(!looks_like_token("Mon, 27 Nov 2026 06:51:16 GMT"));
        assert!(!looks_like_token("1732690000000"));
    }

    #[test]
    fn urls_lose_secret_parameters() {
        let mut secrets = Secrets::default();
        assert_eq!(
            secrets.mask_url("https://api/x?id=3&access_token=abcd1234&api_key=zz#f"),
            format!("https://api/x?id=3&access_token={MASK}&api_key={MASK}#f")
        );
        assert_eq!(secrets.found, vec!["abcd1234", "zz"]);
        assert_eq!(secrets.mask_url("https://api/x?a&b=&c=1"), "https://api/x?a&b=&c=1");
    }

    #[test]
    fn protocol_values_are_kept_even_when_they_look_like_tokens() {
        let mut headers: HeaderList = vec![
            ("Accept".into(), "application/vnd.github.v3+json".into()),
            ("X-Trace".into(), "a1b2c3d4e5f6a7b8c9d0e1f2a3b4".into()),
            ("Authorization".into(), "Bearer sk-1234".into()),
            ("Cookie".into(), "a=cookie-one; b=cookie-two".into()),
        ];
        let mut secrets = Secrets::default();
        secrets.mask_headers(&mut headers);
        assert_eq!(headers[0].1, "application/vnd.github.v3+json");
        assert!(headers[1..].iter().all(|(_, v)| v == MASK), "{headers:?}");
        let mut text = "GET /?t=sk-1234 cookie-two a1b2c3d4e5f6a7b8c9d0e1f2a3b4".to_owned();
        secrets.scrub(&mut text);
        assert_eq!(text, format!("GET /?t={MASK} {MASK} {MASK}"));
        // A secret containing another is replaced whole, whatever order they were met in.
        let mut secrets = Secrets::default();
        secrets.mask_url("https://api/x?code=abcd&token=abcdefgh");
        let mut text = "abcdefgh".to_owned();
        secrets.scrub(&mut text);
        assert_eq!(text, MASK);
    }
}
