//! Redaction of secrets in anything the engine shows or exports, under one of two policies.
//!
//! - [`Policy::Panel`]: the user's own traffic, shown to the user as DevTools' Network panel shows
//!   it, except credentials: the credential headers (`Authorization`, `Cookie`, ... and the names
//!   that say key, token, secret, signature...), query and path parameters named so, values shaped
//!   like a credential (an auth scheme and its token, a JWT, a vendor's key prefix) and a URL's
//!   userinfo. What is masked is kept aside ([`KeptAside`]) for the panel to reveal on a click.
//! - [`Policy::Export`]: what leaves the panel (exports, copies, curl) may end up in a public bug
//!   tracker, so it is an allowlist. Request headers keep their values only where CORS reads them or
//!   they are known to be harmless; every URL-valued header goes through the URL masker; userinfo
//!   and every path parameter are masked; values are percent-decoded before the token test, which
//!   also masks any long word mixing letters and digits.
//!
//! Masks keep the shape CORS reads (a URL keeps its `@`, its scheme, host and port; the headers CORS
//! reads keep their values), and a report's verdict is computed again from the masked exchange, so
//! no text derived from it repeats a secret and no verdict changes (crate/tests/corpus_test.rs).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::exchange::{Exchange, HeaderList};

pub const MASK: &str = "[redacted]";

/// Who will read the masked data: the user in the panel, or anyone the export reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Panel,
    Export,
}

/// A value the panel masked, for it to reveal on a click: `shown` is the masked text as the panel
/// shows it (a header's value, a whole URL), `value` the captured one. `header` names the header it
/// was the value of, or is `None` for a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptAside {
    pub header: Option<String>,
    pub shown: String,
    pub value: String,
}

/// Words of a name, lower-cased: split at anything not a letter or digit and where a lower-case
/// letter meets an upper-case one (`accessToken`, `X-Amz-Signature`, `ASP.NET_SessionId`).
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() || (prev_lower && c.is_ascii_uppercase()) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Words that make a name a secret's wherever they stand in it.
const SECRET_WORDS: &[&str] = &[
    "token", "secret", "password", "passwd", "passcode", "pwd", "session", "sessionid", "jsessionid", "phpsessid", "sessid",
    "cookie", "cookie2", "apikey", "key", "signature", "credential", "credentials", "otp", "totp", "jwt", "auth",
    "authorization", "authtoken", "oauth", "privatekey", "hmac", "csrf", "xsrf", "saml", "samlresponse",
];

/// Names that are a secret's alone but ordinary words inside others (`country_code`, `sidebar`).
const SECRET_NAMES: &[&str] = &["code", "sig", "pass", "sid", "pin", "ticket", "assertion", "nonce"];

/// Whether a header or parameter name says its value is a credential. The headers CORS reads are
/// never secret by name (`Access-Control-Allow-Credentials` is protocol data).
pub fn is_sensitive_header(name: &str) -> bool {
    let name = crate::headers::trim_http_whitespace(name);
    if is_read_by_cors(name) {
        return false;
    }
    SECRET_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) || words(name).iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
}

/// The value as it may be shown: masked for sensitive headers, as-is otherwise.
pub fn display_value<'a>(name: &str, value: &'a str) -> &'a str {
    if is_sensitive_header(name) { MASK } else { value }
}

/// Characters of a token as services write them (base64, base64url, hex, dotted JWTs).
fn token_chars(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_+/=.~".contains(&b))
}

/// Prefixes vendors put on their keys and tokens, each followed by enough token characters.
const VENDOR_PREFIXES: &[&str] = &[
    "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_", "ghp_", "gho_",
    "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "xoxe-", "xapp-",
    "AIza", "ya29.", "1//0", "npm_", "pypi-", "shpat_", "shpss_", "shpca_", "sq0atp-", "sq0csp-", "EAAC", "EAAG",
    "hf_", "sk-", "SG.", "dop_v1_", "doo_v1_", "key-", "ATATT", "sl.", "pat-na1-", "lin_api_", "sntrys_", "glsa_",
    "tskey-", "dapi", "sk.eyJ", "SK", "AC", "xkeysib-", "AccountKey=", "SharedAccessSignature", "-----BEGIN",
];

/// A value shaped like a credential whatever its name: an auth scheme and its token, a JWT, or a
/// vendor's key prefix followed by a long token. Nothing here matches a UUID, a hash, a slug or a
/// timestamp, so the panel can mask it without hiding the user's own ids.
pub fn looks_like_credential(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let schemes = ["bearer ", "basic ", "token ", "digest ", "negotiate ", "hoba ", "aws4-hmac-sha256 ", "sharedkey ", "mac ", "dpop "];
    // A scheme and one token, or its parameters (`Digest username=…, response=…`); not a sentence that
    // starts with the word ("token bucket rate limiting").
    let credentials = |rest: &str| !rest.is_empty() && (!rest.contains(' ') || rest.contains('='));
    if schemes.iter().any(|p| lower.starts_with(p) && credentials(v[p.len()..].trim())) {
        return true;
    }
    if v.starts_with("eyJ") && v.matches('.').count() == 2 && token_chars(v) {
        return true;
    }
    VENDOR_PREFIXES.iter().any(|p| {
        v.strip_prefix(p).is_some_and(|rest| {
            // Prefixes that are also ordinary words or letters (Twilio's SK and AC, Mailgun's key-, Databricks'
            // dapi) only with the 32 hex digits that follow them.
            let hex_only = matches!(*p, "SK" | "AC" | "key-" | "dapi");
            let long = if hex_only { rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()) } else { rest.len() >= 16 };
            long && (p.starts_with('-') || p.ends_with('=') || *p == "SharedAccessSignature" || token_chars(rest))
        })
    })
}

/// A value that looks like a credential or a token: [`looks_like_credential`], or one long word
/// mixing letters and digits (the export's test; it also matches ids, which the export may hide).
pub fn looks_like_token(value: &str) -> bool {
    let v = value.trim();
    looks_like_credential(v)
        || (v.len() >= 24
            && token_chars(v)
            && v.bytes().any(|b| b.is_ascii_digit())
            && v.bytes().any(|b| b.is_ascii_alphabetic())
            && !v.contains(".."))
}

/// `%XX` sequences decoded (`+` too, as a form encodes a space), invalid UTF-8 replaced: tokens are
/// tested as the server will read them (`AKIA...%2F20260101%2F...`).
pub fn percent_decoded(text: &str) -> Cow<'_, str> {
    if !text.contains(['%', '+']) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
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

/// Headers whose value is a URL: masked as URLs are, by both policies.
fn is_url_valued(name: &str) -> bool {
    ["location", "content-location", "referer"].iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Request headers the export keeps, besides those CORS reads: standard headers that carry no
/// credential and that the explanation or a re-sent request needs to make sense.
fn is_harmless_request_header(name: &str) -> bool {
    const HARMLESS: &[&str] = &[
        "accept-encoding", "accept-charset", "cache-control", "pragma", "user-agent", "dnt", "priority", "connection",
        "content-length", "host", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
        "upgrade-insecure-requests", "x-requested-with", "te", "content-encoding", "content-disposition", "expect",
    ];
    let lower = name.to_ascii_lowercase();
    HARMLESS.contains(&lower.as_str()) || lower.starts_with("sec-fetch-") || lower.starts_with("sec-ch-")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// The secret values met while masking, so that free text elsewhere (messages that quote a URL)
/// can have them replaced too, and (panel policy) what was kept aside for the panel to reveal.
#[derive(Debug)]
pub struct Secrets {
    policy: Policy,
    found: Vec<String>,
    /// What `scrub` replaces: `found` without short values, longest first; rebuilt when it grew.
    replaced: Vec<String>,
    replaced_from: usize,
    kept: Vec<KeptAside>,
}

impl Secrets {
    pub fn new(policy: Policy) -> Secrets {
        Secrets { policy, found: Vec::new(), replaced: Vec::new(), replaced_from: 0, kept: Vec::new() }
    }

    /// What the panel policy masked since the last call, for the panel to reveal (none for exports).
    pub fn take_kept_aside(&mut self) -> Vec<KeptAside> {
        std::mem::take(&mut self.kept)
    }

    /// Masks, in place, every secret header value and URL part of the exchange, by this policy.
    /// Returns whether anything was masked (most exchanges carry no secret).
    pub fn mask_exchange(&mut self, exchange: &mut Exchange) -> bool {
        let found_before = self.found.len();
        let request = &mut exchange.request;
        self.mask_url_in_place(&mut request.url);
        if let Some(document) = &mut request.document_url {
            self.mask_url_in_place(document);
        }
        self.mask_side(&mut request.headers, Side::Request);
        if let Some(preflight) = &mut exchange.preflight {
            self.mask_preflight(preflight);
        }
        for redirect in &mut exchange.redirects {
            self.mask_side(&mut redirect.headers, Side::Response);
            self.mask_url_in_place(&mut redirect.location);
            if let Some(next) = &mut redirect.next {
                self.mask_url_in_place(&mut next.url);
                if let Some(preflight) = &mut next.preflight {
                    self.mask_preflight(preflight);
                }
            }
        }
        if let Some(response) = &mut exchange.response {
            self.mask_side(&mut response.headers, Side::Response);
        }
        self.found.len() > found_before
    }

    fn mask_preflight(&mut self, preflight: &mut crate::exchange::Preflight) {
        self.mask_side(&mut preflight.request_headers, Side::Request);
        if let Some(response) = &mut preflight.response {
            self.mask_side(&mut response.headers, Side::Response);
        }
    }

    fn mask_url_in_place(&mut self, url: &mut String) {
        let masked = self.mask_url(url);
        if masked != *url {
            *url = masked;
        }
    }

    /// Masks response headers (the only kind outside an exchange the report holds).
    pub fn mask_headers(&mut self, headers: &mut HeaderList) {
        self.mask_side(headers, Side::Response);
    }

    fn mask_side(&mut self, headers: &mut HeaderList, side: Side) {
        for (name, value) in headers.iter_mut() {
            let name = crate::headers::trim_http_whitespace(name);
            if value == MASK {
                continue;
            }
            if is_url_valued(name) {
                let masked = self.mask_url(value);
                if masked != *value {
                    self.keep_aside(Some(name), &masked, value);
                    *value = masked;
                }
                continue;
            }
            let decoded = percent_decoded(value);
            let secret = is_sensitive_header(name)
                || (!is_read_by_cors(name)
                    && match self.policy {
                        Policy::Panel => looks_like_credential(&decoded),
                        Policy::Export => {
                            (side == Side::Request && !is_harmless_request_header(name)) || looks_like_token(&decoded)
                        }
                    });
            if !secret {
                continue;
            }
            let value = std::mem::replace(value, MASK.to_owned());
            self.keep_aside(Some(name), MASK, &value);
            // The token part of "Bearer xyz", and each cookie's value, may be quoted elsewhere alone.
            if let Some((_, token)) = value.trim().split_once(' ') {
                self.found.push(token.trim().to_owned());
            }
            for cookie in value.split(';') {
                if let Some((_, v)) = cookie.split_once('=') {
                    self.found.push(v.trim().to_owned());
                }
            }
            self.remember(&value);
        }
    }

    fn keep_aside(&mut self, header: Option<&str>, shown: &str, value: &str) {
        if self.policy == Policy::Panel {
            let kept = KeptAside { header: header.map(str::to_owned), shown: shown.to_owned(), value: value.to_owned() };
            // The same URL is met several times per exchange (its request, the report's row, the replay).
            if !self.kept.contains(&kept) {
                self.kept.push(kept);
            }
        }
    }

    /// A masked value, and its percent-decoded form, for `scrub`.
    fn remember(&mut self, value: &str) {
        if let Cow::Owned(decoded) = percent_decoded(value) {
            self.found.push(decoded);
        }
        self.found.push(value.to_owned());
    }

    /// The URL with its secret parts masked, by this policy: userinfo, path parameters
    /// (`;jsessionid=`), path segments shaped like a credential, query values and, where a fragment
    /// holds parameters (OAuth's `#access_token=`), fragment values. Its scheme, host, port and `@`
    /// stay, as CORS reads them. The panel policy keeps the original aside for a whole URL.
    pub fn mask_url(&mut self, url: &str) -> String {
        let before = self.found.len();
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (url, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let mut out = String::with_capacity(url.len());
        // The authority where the engine's URL parser finds it (crate/src/origin.rs): after a special
        // scheme's colon and any slashes, up to the path. A mask elsewhere could land in a host.
        let (head, start, path) = match rest.find(':') {
            Some(colon) if crate::origin::default_port(&rest[..colon].to_ascii_lowercase()).is_some() => {
                let start = colon + 1 + rest[colon + 1..].bytes().take_while(|b| matches!(b, b'/' | b'\\')).count();
                let end = rest[start..].find(['/', '\\']).map_or(rest.len(), |i| start + i);
                (&rest[..end], start, &rest[end..])
            }
            _ => ("", 0, rest),
        };
        match head.rfind('@') {
            Some(at) => {
                self.remember(&head[start..at]);
                if let Some((_, password)) = head[start..at].split_once(':') {
                    self.remember(password);
                }
                out.push_str(&head[..start]);
                out.push_str(MASK);
                out.push_str(&head[at..]);
            }
            None => out.push_str(head),
        }
        for (i, segment) in path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            let (plain, params) = match segment.split_once(';') {
                Some((p, params)) => (p, Some(params)),
                None => (segment, None),
            };
            if !plain.is_empty() && looks_like_credential(&percent_decoded(plain)) {
                self.remember(plain);
                out.push_str(MASK);
            } else {
                out.push_str(plain);
            }
            if let Some(params) = params {
                out.push(';');
                self.mask_params(params, ';', true, &mut out);
            }
        }
        if let Some(query) = query {
            out.push('?');
            self.mask_params(query, '&', false, &mut out);
        }
        if let Some(fragment) = fragment {
            out.push('#');
            if fragment.contains('=') {
                self.mask_params(fragment, '&', false, &mut out);
            } else {
                out.push_str(fragment);
            }
        }
        if self.found.len() > before {
            self.keep_aside(None, &out, url);
            out
        } else {
            // Nothing masked: the URL exactly as captured (no re-assembly can change a byte).
            url.to_owned()
        }
    }

    /// `k=v` pairs joined by `separator`, with secret values masked; `path` parameters are all
    /// masked by the export policy.
    fn mask_params(&mut self, params: &str, separator: char, path: bool, out: &mut String) {
        for (i, part) in params.split(separator).enumerate() {
            if i > 0 {
                out.push(separator);
            }
            match part.split_once('=') {
                Some((k, v)) if !v.is_empty() && self.secret_param(k, v, path) => {
                    self.remember(v);
                    out.push_str(k);
                    out.push('=');
                    out.push_str(MASK);
                }
                _ => out.push_str(part),
            }
        }
    }

    fn secret_param(&self, key: &str, value: &str, path: bool) -> bool {
        if value == MASK {
            return false;
        }
        let key = percent_decoded(key);
        let value = percent_decoded(value);
        is_sensitive_header(&key)
            || match self.policy {
                Policy::Panel => looks_like_credential(&value),
                Policy::Export => path || looks_like_token(&value),
            }
    }

    /// Replaces every secret met so far wherever it appears in `text`. Values shorter than 6
    /// characters are too common to replace blindly (they are masked where they were found).
    pub fn scrub(&mut self, text: &mut String) {
        if self.replaced_from != self.found.len() {
            self.replaced = self.found.iter().filter(|s| s.len() >= 6 && *s != MASK).cloned().collect();
            // Longest first, so a value is replaced before any secret it contains.
            crate::order::sort_by(&mut self.replaced, |a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
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

/// Text that quotes a captured exchange (the console line Chrome printed for it) as the panel may show
/// it: every value the panel masks in that exchange replaced.
pub fn scrub_for_panel(exchange: &Exchange, text: &str) -> String {
    let mut secrets = Secrets::new(Policy::Panel);
    secrets.mask_exchange(&mut exchange.clone());
    let mut text = text.to_owned();
    secrets.scrub(&mut text);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        assert_eq!(display_value("Authorization", "Bearer abc"), MASK);
        assert_eq!(display_value("X-Auth-Token", "abc"), MASK);
        assert_eq!(display_value("x-api-key", "abc"), MASK);
        assert_eq!(display_value("Ocp-Apim-Subscription-Key", "abc"), MASK);
        assert_eq!(display_value("X-Signature", "abc"), MASK);
        assert_eq!(display_value("Content-Type", "application/json"), "application/json");
        assert_eq!(display_value("Access-Control-Allow-Credentials", "true"), "true");
        assert_eq!(display_value("Keep-Alive", "timeout=5"), "timeout=5");
        assert_eq!(display_value("X-Author", "ann"), "ann");
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
        assert!(looks_like_credential("AKIAIOSFODNN7EXAMPLE"));
        assert!(!looks_like_credential("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(!looks_like_credential("q3-2026-regional-sales-report-v2"));
        assert!(!looks_like_credential("key-features-of-the-2026-release"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decoded("a%2Fb+c%zz%4"), "a/b c%zz%4");
        assert_eq!(percent_decoded("%41"), "A");
        assert_eq!(percent_decoded("plain"), "plain");
    }

    #[test]
    fn urls_lose_secret_parameters() {
        let mut secrets = Secrets::new(Policy::Export);
        assert_eq!(
            secrets.mask_url("https://api/x?id=3&access_token=abcd1234&api_key=zz#f"),
            format!("https://api/x?id=3&access_token={MASK}&api_key={MASK}#f")
        );
        assert_eq!(secrets.found, vec!["abcd1234", "zz"]);
        assert_eq!(secrets.mask_url("https://api/x?a&b=&c=1"), "https://api/x?a&b=&c=1");
        assert_eq!(
            secrets.mask_url("https://u:pw@api.test/a;jsessionid=XYZ/b;v=2?passwd=p&otp=123456#access_token=t&x=1"),
            format!("https://{MASK}@api.test/a;jsessionid={MASK}/b;v={MASK}?passwd={MASK}&otp={MASK}#access_token={MASK}&x=1")
        );
        // With one slash the parser reads `;jsessionid=A` as the host: a mask there would make the URL unreadable.
        assert_eq!(secrets.mask_url("https:/;jsessionid=A/api.example.com/items"), "https:/;jsessionid=A/api.example.com/items");
    }

    #[test]
    fn a_line_chrome_printed_loses_what_the_panel_masks() {
        let exchange: Exchange = serde_json::from_value(serde_json::json!({"request": {"method": "GET",
            "url": "https://ann:pa55word@api.test/x?access_token=tok-123456&id=7", "origin": "https://app.test"}}))
        .unwrap();
        let line = "Access to fetch at 'https://ann:pa55word@api.test/x?access_token=tok-123456&id=7' from origin 'https://app.test' has been blocked";
        assert_eq!(
            scrub_for_panel(&exchange, line),
            format!("Access to fetch at 'https://{MASK}@api.test/x?access_token={MASK}&id=7' from origin 'https://app.test' has been blocked")
        );
    }

    #[test]
    fn the_panel_keeps_ids_and_reveals_what_it_masked() {
        let mut secrets = Secrets::new(Policy::Panel);
        let url = "https://api.test/o/0f8fad5b-d9cb-469f-a165-70867728950e?ref=q3-2026-regional-sales-report-v2&v=a1b2c3d4e5f6a7b8c9d0e1f2a3";
        assert_eq!(secrets.mask_url(url), url);
        let masked = secrets.mask_url("https://api.test/x;v=2?token=abc&id=7");
        assert_eq!(masked, format!("https://api.test/x;v=2?token={MASK}&id=7"));
        let kept = secrets.take_kept_aside();
        assert_eq!(kept, vec![KeptAside { header: None, shown: masked, value: "https://api.test/x;v=2?token=abc&id=7".into() }]);
    }

    #[test]
    fn protocol_values_are_kept_even_when_they_look_like_tokens() {
        let mut headers: HeaderList = vec![
            ("Accept".into(), "application/vnd.github.v3+json".into()),
            ("X-Trace".into(), "a1b2c3d4e5f6a7b8c9d0e1f2a3b4".into()),
            ("Authorization".into(), "Bearer sk-1234".into()),
            ("Cookie".into(), "a=cookie-one; b=cookie-two".into()),
        ];
        let mut secrets = Secrets::new(Policy::Export);
        secrets.mask_headers(&mut headers);
        assert_eq!(headers[0].1, "application/vnd.github.v3+json");
        assert!(headers[1..].iter().all(|(_, v)| v == MASK), "{headers:?}");
        let mut text = "GET /?t=sk-1234 cookie-two a1b2c3d4e5f6a7b8c9d0e1f2a3b4".to_owned();
        secrets.scrub(&mut text);
        assert_eq!(text, format!("GET /?t={MASK} {MASK} {MASK}"));
        // A secret containing another is replaced whole, whatever order they were met in.
        let mut secrets = Secrets::new(Policy::Export);
        secrets.mask_url("https://api/x?code=abcdef&token=abcdefgh");
        let mut text = "abcdefgh".to_owned();
        secrets.scrub(&mut text);
        assert_eq!(text, MASK);
    }
}
