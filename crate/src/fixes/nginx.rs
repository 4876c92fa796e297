//! nginx: `add_header ... always` in the location that serves the API, and `return 204` for
//! OPTIONS. `return` runs in nginx's rewrite phase, before the access phase where `auth_basic`,
//! `auth_request`, `allow`/`deny` and `limit_except` run, and before `proxy_pass`: the preflight
//! never reaches authentication or the application. With several origins, a `set` in an `if` on a
//! regex of the literal origins picks the request's Origin; add_header sends nothing for an empty
//! value, so other origins get no Access-Control-Allow-Origin.

use super::quote::{self, dropped_note, split_writable};
use super::{FixPlan, Framework, Rendered};

pub(crate) const NGINX: Framework =
    Framework { id: "nginx", name: "nginx (add_header)", verified_live: true, language: "nginx", render };

/// The app's CORS headers nginx hides, so that only its own reach the browser.
const PROXIED_CORS_HEADERS: [&str; 6] = [
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
];

/// nginx cannot escape `$` in a string: a value holding one would read a variable.
fn writable(value: &str) -> bool {
    !value.contains('$')
}

fn render(plan: &FixPlan) -> Rendered {
    let mut notes = Vec::new();
    let (methods, dropped_methods) = split_writable(&plan.methods, writable);
    let (headers, dropped_headers) = split_writable(&plan.headers, writable);
    let (expose, dropped_expose) = split_writable(&plan.expose_headers, writable);

    let add = |name: &str, value: &str| format!("add_header {name} {} always;", quote::nginx(value));
    let mut lines = vec!["# CORS: `always` also puts these headers on 401/403/5xx answers.".to_owned()];
    let mut dropped_origins = Vec::new();
    if let [origin] = &plan.origins[..] {
        lines.push(add("Access-Control-Allow-Origin", origin));
    } else {
        // A `$` in a regex would end it early; no serialized origin has one.
        let (origins, dropped) = split_writable(&plan.origins, writable);
        dropped_origins = dropped;
        lines.extend([
            "# Echo the request's Origin when it is one of these (never a list in one header).".to_owned(),
            "set $cors_origin \"\";".to_owned(),
            format!("if ($http_origin ~ {}) {{", quote::origin_regex(&origins)),
            "    set $cors_origin $http_origin;".to_owned(),
            "}".to_owned(),
            "add_header Access-Control-Allow-Origin $cors_origin always;".to_owned(),
        ]);
    }
    lines.push(add("Vary", "Origin"));
    if plan.credentials {
        lines.push(add("Access-Control-Allow-Credentials", "true"));
    }
    if !methods.is_empty() {
        lines.push(add("Access-Control-Allow-Methods", &methods.join(", ")));
    }
    if !headers.is_empty() {
        lines.push(add("Access-Control-Allow-Headers", &headers.join(", ")));
    }
    if !expose.is_empty() {
        lines.push(add("Access-Control-Expose-Headers", &expose.join(", ")));
    }
    lines.push(add("Access-Control-Max-Age", &plan.max_age.to_string()));
    lines.push("# One layer answers CORS: drop the proxied app's own Access-Control-* headers (two Allow-Origin values fail).".to_owned());
    lines.extend(PROXIED_CORS_HEADERS.iter().map(|name| format!("proxy_hide_header {name};")));
    lines.push("# Answer the preflight here: the rewrite phase runs before auth_basic/auth_request and proxy_pass.".to_owned());
    lines.push("if ($request_method = OPTIONS) {".to_owned());
    lines.push("    return 204;".to_owned());
    lines.push("}".to_owned());
    let snippet = lines.join("\n") + "\n";

    notes.push(
        "nginx inherits add_header from an outer block only when a block has none of its own: keep these lines in the \
         location itself, and repeat other add_header lines of the server block (e.g. Strict-Transport-Security) here."
            .to_owned(),
    );
    notes.push(
        "Do not put add_header lines inside the `if` block: that would drop the ones above from the 204.".to_owned(),
    );
    let why = "nginx has no escape for $ in a string";
    notes.extend(dropped_note("origin", &dropped_origins, why));
    notes.extend(dropped_note("method", &dropped_methods, why));
    notes.extend(dropped_note("request header", &dropped_headers, why));
    notes.extend(dropped_note("exposed header", &dropped_expose, why));
    Rendered {
        placement: format!(
            "At the top of the `location` block that serves {}, replacing any Access-Control-* add_header lines there.",
            plan.path
        ),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{
        assert_contained, hostile_origins_plan, hostile_plan, outside_literals, sample_plan,
    };
    use super::*;

    #[test]
    fn hostile_origins_stay_inside_the_regex() {
        let r = render(&hostile_origins_plan());
        assert_contained(&r.snippet, '"');
        // The origin with `$` is left out and named; the other cannot end the regex or add an alternative.
        assert!(r.notes.iter().any(|n| n.starts_with("Left out origin 'https://a.example\"")), "{:?}", r.notes);
        let regex_line = r.snippet.lines().find(|l| l.starts_with("if ($http_origin")).unwrap();
        assert_eq!(regex_line, r#"if ($http_origin ~ "^(https://b\.example\'\)\;pwned\(\'\"\)\+pwned\+\(\"\|pwned\)pwned)$") {"#);
    }

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"# CORS: `always` also puts these headers on 401/403/5xx answers.
add_header Access-Control-Allow-Origin "https://app.example.com" always;
add_header Vary "Origin" always;
add_header Access-Control-Allow-Credentials "true" always;
add_header Access-Control-Allow-Methods "PUT" always;
add_header Access-Control-Allow-Headers "Content-Type, X-Api-Key" always;
add_header Access-Control-Expose-Headers "X-Request-Id" always;
add_header Access-Control-Max-Age "7200" always;
# One layer answers CORS: drop the proxied app's own Access-Control-* headers (two Allow-Origin values fail).
proxy_hide_header Access-Control-Allow-Origin;
proxy_hide_header Access-Control-Allow-Credentials;
proxy_hide_header Access-Control-Allow-Methods;
proxy_hide_header Access-Control-Allow-Headers;
proxy_hide_header Access-Control-Expose-Headers;
proxy_hide_header Access-Control-Max-Age;
# Answer the preflight here: the rewrite phase runs before auth_basic/auth_request and proxy_pass.
if ($request_method = OPTIONS) {
    return 204;
}
"#
        );
        assert_eq!(r.placement, "At the top of the `location` block that serves /api/submit, replacing any Access-Control-* add_header lines there.");
        assert_eq!(r.notes.len(), 2, "the Max-Age note is added by the registry");
    }

    #[test]
    fn minimal_plan_omits_empty_lists_and_credentials() {
        let mut plan = sample_plan();
        plan.headers.clear();
        plan.expose_headers.clear();
        plan.credentials = false;
        plan.origins = vec!["null".to_owned()];
        let r = render(&plan);
        // (proxy_hide_header names every Access-Control-* header whatever the plan.)
        let added = |name: &str| r.snippet.contains(&format!("add_header {name}"));
        assert!(!added("Access-Control-Allow-Headers"));
        assert!(!added("Access-Control-Expose-Headers"));
        assert!(!added("Access-Control-Allow-Credentials"));
        assert!(r.snippet.contains("add_header Access-Control-Allow-Origin \"null\" always;"));
    }

    #[test]
    fn dollar_values_are_dropped_with_a_note() {
        let mut plan = sample_plan();
        plan.headers.push("X-$host".to_owned());
        let r = render(&plan);
        assert!(!r.snippet.contains("host"));
        assert!(r.notes.iter().any(|n| n.contains("'X-$host'") && n.contains("no escape for $")));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
        // No variable inside any string, and the only `$` outside strings is $request_method.
        let outside = outside_literals(&r.snippet, '"');
        assert_eq!(r.snippet.matches('$').count(), 1, "{}", r.snippet);
        assert_eq!(outside.matches('$').count(), 1);
        // Every directive line keeps its shape: one quoted argument, then `always;`.
        for line in r.snippet.lines().filter(|l| l.starts_with("add_header")) {
            assert!(line.ends_with("\" always;"), "{line}");
        }
        assert_eq!(r.snippet.lines().count(), render(&sample_plan()).snippet.lines().count());
    }
}
