//! HAProxy (2.2 or later; Debian 12 ships 2.6), without Lua: the request's Origin is kept in a
//! transaction variable when it is listed, a preflight is answered by `http-request return` before
//! any deny or auth rule and before the backend, the backend's own Access-Control-* headers are
//! deleted (one layer answers CORS), and `http-after-response` adds the CORS headers to every
//! answer, HAProxy's own 204, 401 and 5xx pages included (`http-response` never sees those).

use super::quote::{dropped_note, split_writable};
use super::{FixPlan, Framework, Rendered};

pub(crate) const HAPROXY: Framework =
    Framework { id: "haproxy", name: "HAProxy (http-request return, http-after-response)", verified_live: true, language: "haproxy", render };

/// Values are written in single quotes (no escapes, no `${}` expansion) on one line; `%` would start
/// a log-format expression in a header value. A value holding a quote, `%`, a backslash or a control
/// character is left out, with a note.
fn writable(value: &str) -> bool {
    value.chars().all(|c| (' '..='~').contains(&c) && !matches!(c, '\'' | '%' | '\\'))
}

fn quoted(value: &str) -> String {
    format!("'{value}'")
}

fn render(plan: &FixPlan) -> Rendered {
    let (origins, dropped_origins) = split_writable(&plan.origins, writable);
    let (methods, dropped_methods) = split_writable(&plan.methods, writable);
    let (headers, dropped_headers) = split_writable(&plan.headers, writable);
    let (expose, dropped_expose) = split_writable(&plan.expose_headers, writable);
    let any = plan.any_origin();
    let allowed = if any { String::new() } else { " if { var(txn.cors_origin) -m found }".to_owned() };
    let mut lines = vec!["# CORS at the proxy, before any http-request rule that denies or authenticates.".to_owned()];
    if !any && !origins.is_empty() {
        let listed: Vec<String> = origins.iter().map(|o| quoted(o)).collect();
        lines.push(format!("http-request set-var(txn.cors_origin) req.hdr(Origin) if {{ req.hdr(Origin) -m str {} }}", listed.join(" ")));
    }
    let mut preflight = vec![format!("hdr Access-Control-Allow-Methods {}", quoted(&methods.join(", ")))];
    if !headers.is_empty() {
        preflight.push(format!("hdr Access-Control-Allow-Headers {}", quoted(&headers.join(", "))));
    }
    preflight.push(format!("hdr Access-Control-Max-Age {}", quoted(&plan.max_age.to_string())));
    lines.push("# Answer the preflight here: it never reaches auth rules or the backend.".to_owned());
    lines.push(format!(
        "http-request return status 204 {} if METH_OPTIONS {{ req.hdr(Access-Control-Request-Method) -m found }}{}",
        preflight.join(" "),
        if any { "" } else { " { var(txn.cors_origin) -m found }" }
    ));
    lines.push("# One layer answers CORS: drop the backend's own Access-Control-* headers (two Allow-Origin values fail).".to_owned());
    lines.push("http-response del-header Access-Control- -m beg".to_owned());
    lines.push("# http-after-response also reaches HAProxy's own answers: the 204 above, its 401s and its 5xx pages.".to_owned());
    let origin_value = if any { quoted("*") } else { quoted("%[var(txn.cors_origin)]") };
    lines.push(format!("http-after-response set-header Access-Control-Allow-Origin {origin_value}{allowed}"));
    if plan.credentials && !any {
        lines.push(format!("http-after-response set-header Access-Control-Allow-Credentials 'true'{allowed}"));
    }
    if !expose.is_empty() {
        lines.push(format!("http-after-response set-header Access-Control-Expose-Headers {}{allowed}", quoted(&expose.join(", "))));
    }
    if !any {
        lines.push("http-after-response add-header Vary 'Origin'".to_owned());
    }
    let snippet = lines.join("\n") + "\n";
    let why = "HAProxy's single quotes have no escape, and % starts an expression";
    let mut notes = vec![
        "http-request rules run in the order written, frontend before backend: keep these above any http-request deny, auth \
         or return rule, or the preflight meets those first."
            .to_owned(),
    ];
    notes.extend(dropped_note("origin", &dropped_origins, why));
    notes.extend(dropped_note("method", &dropped_methods, why));
    notes.extend(dropped_note("request header", &dropped_headers, why));
    notes.extend(dropped_note("exposed header", &dropped_expose, why));
    Rendered {
        placement: format!(
            "At the top of the frontend that serves {} (before its http-request deny/auth rules), replacing any \
             Access-Control-* rules there.",
            plan.path
        ),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{any_origin_plan, hostile_plan, sample_plan};
    use super::*;

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            "# CORS at the proxy, before any http-request rule that denies or authenticates.
http-request set-var(txn.cors_origin) req.hdr(Origin) if { req.hdr(Origin) -m str 'https://app.example.com' }
# Answer the preflight here: it never reaches auth rules or the backend.
http-request return status 204 hdr Access-Control-Allow-Methods 'PUT' hdr Access-Control-Allow-Headers 'Content-Type, X-Api-Key' hdr Access-Control-Max-Age '7200' if METH_OPTIONS { req.hdr(Access-Control-Request-Method) -m found } { var(txn.cors_origin) -m found }
# One layer answers CORS: drop the backend's own Access-Control-* headers (two Allow-Origin values fail).
http-response del-header Access-Control- -m beg
# http-after-response also reaches HAProxy's own answers: the 204 above, its 401s and its 5xx pages.
http-after-response set-header Access-Control-Allow-Origin '%[var(txn.cors_origin)]' if { var(txn.cors_origin) -m found }
http-after-response set-header Access-Control-Allow-Credentials 'true' if { var(txn.cors_origin) -m found }
http-after-response set-header Access-Control-Expose-Headers 'X-Request-Id' if { var(txn.cors_origin) -m found }
http-after-response add-header Vary 'Origin'
"
        );
        assert_eq!(r.notes.len(), 1, "the Max-Age note is added by the registry");
    }

    #[test]
    fn any_origin_needs_no_variable() {
        let r = render(&any_origin_plan());
        assert!(!r.snippet.contains("txn.cors_origin") && !r.snippet.contains("Vary") && !r.snippet.contains("Credentials"), "{}", r.snippet);
        assert!(r.snippet.contains("http-after-response set-header Access-Control-Allow-Origin '*'\n"));
    }

    #[test]
    fn hostile_values_are_left_out_with_a_note() {
        let r = render(&hostile_plan());
        // Every single-quoted argument closes on the same line, and no value brings its own `%` or `'`.
        for line in r.snippet.lines().filter(|l| !l.starts_with('#')) {
            assert_eq!(line.matches('\'').count() % 2, 0, "{line}");
            assert!(line.matches('%').count() <= 1, "{line}");
        }
        // No origin could be written: none is listed, so no Access-Control-Allow-Origin is ever sent.
        assert!(!r.snippet.contains("set-var"), "{}", r.snippet);
        assert!(r.notes.iter().any(|n| n.starts_with("Left out origin")), "{:?}", r.notes);
        assert!(r.notes.iter().any(|n| n.starts_with("Left out")), "{:?}", r.notes);
    }
}
