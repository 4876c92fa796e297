//! Which server answered, when it says so: the `Server` and `X-Powered-By` response headers (and
//! Next.js's router headers in `Vary`) name a framework often enough to propose its fix first. Only names that point at one template are used;
//! a proxy or platform name (cloudflare, gunicorn) proposes nothing. An answer a proxy or gateway
//! provably wrote itself (`responder`: nginx's or HAProxy's own error page) proposes that layer's fix.

use serde::{Deserialize, Serialize};

use crate::exchange::{Exchange, Response};
use crate::headers;
use crate::responder;

/// A proposed framework and the header that proposed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// A template id (`fixes::frameworks()`).
    pub framework: String,
    /// Plain words for the user: which header said what.
    pub because: String,
}

/// (header, lower-case word it starts with or contains, template id).
const SIGNS: &[(&str, &str, &str)] = &[
    ("x-powered-by", "next.js", "nextjs"),
    // Next.js's App Router varies every answer, its own OPTIONS reply included, on its router headers.
    ("vary", "next-router-state-tree", "nextjs"),
    ("x-powered-by", "express", "express"),
    ("x-powered-by", "asp.net", "aspnet"),
    ("server", "nginx", "nginx"),
    ("server", "apache", "apache"),
    ("server", "caddy", "caddy"),
    ("server", "uvicorn", "fastapi"),
    ("server", "werkzeug", "flask"),
    ("server", "kestrel", "aspnet"),
    ("server", "microsoft-iis", "aspnet"),
    ("server", "puma", "rack"),
    ("server", "webrick", "rack"),
];

/// (layer name as `responder` gives it, template id): layers whose own answers a template fixes.
const WRITERS: &[(&str, &str)] = &[("nginx", "nginx"), ("HAProxy", "haproxy"), ("Amazon API Gateway", "apigateway")];

/// The framework the server's own headers name (the preflight's response first, then the
/// response's), or `None` when they name none this engine has a template for.
pub fn suggest(exchange: &Exchange) -> Option<Suggestion> {
    let responses: Vec<&Response> =
        exchange.preflight.as_ref().and_then(|p| p.response.as_ref()).into_iter().chain(exchange.response.as_ref()).collect();
    // An answer a proxy or gateway provably wrote itself is fixed there, whatever its Server header says.
    for response in &responses {
        let Some(writer) = responder::identify(response).and_then(|r| r.answered_by) else { continue };
        if let Some((_, id)) = WRITERS.iter().find(|(name, _)| *name == writer.name) {
            return Some(Suggestion {
                framework: (*id).to_owned(),
                because: format!("proposed because {} wrote this answer itself; pick another if it is wrong", writer.name),
            });
        }
    }
    for response in responses {
        for (header, word, id) in SIGNS {
            let Some(value) = headers::get(&response.headers, header) else { continue };
            if value.to_ascii_lowercase().contains(word) {
                let name = match *header {
                    "server" => "Server",
                    "vary" => "Vary",
                    _ => "X-Powered-By",
                };
                return Some(Suggestion {
                    framework: (*id).to_owned(),
                    because: format!("proposed from your server's {name}: {value} header; pick another if it is wrong"),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(headers: &str) -> Exchange {
        answered(200, headers)
    }

    fn answered(status: u16, headers: &str) -> Exchange {
        serde_json::from_str(&format!(
            r#"{{"request": {{"method": "GET", "url": "https://api.example.com/x", "origin": "https://app.example.com"}},
                "response": {{"status": {status}, "headers": {headers}}}, "outcome": "failed"}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_servers_own_headers_propose_a_framework() {
        let s = suggest(&with(r#"[["X-Powered-By", "Express"]]"#)).unwrap();
        assert_eq!(s.framework, "express");
        assert!(s.because.contains("X-Powered-By: Express"), "{}", s.because);
        assert_eq!(suggest(&with(r#"[["Server", "nginx/1.24.0"]]"#)).unwrap().framework, "nginx");
        assert_eq!(suggest(&with(r#"[["Server", "uvicorn"]]"#)).unwrap().framework, "fastapi");
        // Next.js 16's own OPTIONS reply, as the framework matrix captured it.
        let next = suggest(&with(r#"[["vary", "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch"], ["allow", "GET"]]"#));
        assert_eq!(next.unwrap().framework, "nextjs");
        assert_eq!(suggest(&with(r#"[["Server", "cloudflare"]]"#)), None, "a platform names no template");
        assert_eq!(suggest(&with("[]")), None);
        for s in SIGNS {
            assert!(super::super::frameworks().iter().any(|f| f.id == s.2), "{} is a template", s.2);
        }
    }

    #[test]
    fn a_proxys_own_answer_proposes_the_proxy() {
        // HAProxy's own 405 (Debian's 2.6, as the matrix captured it) carries no Server header at all.
        let s = suggest(&answered(405, r#"[["content-length", "146"], ["cache-control", "no-cache"], ["content-type", "text/html"]]"#)).unwrap();
        assert_eq!(s.framework, "haproxy");
        assert!(s.because.contains("HAProxy wrote this answer itself"), "{}", s.because);
        // nginx's own 405 page: proposed as nginx's answer, not merely from its Server header.
        let s = suggest(&answered(405, r#"[["Server", "nginx/1.22.1"], ["Content-Type", "text/html"], ["Content-Length", "157"]]"#)).unwrap();
        assert_eq!(s.framework, "nginx");
        assert!(s.because.contains("nginx wrote this answer itself"), "{}", s.because);
        for (_, id) in WRITERS {
            assert!(super::super::frameworks().iter().any(|f| f.id == *id), "{id} is a template");
        }
    }
}
