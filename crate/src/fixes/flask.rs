//! Flask with `flask-cors`. The extension adds its headers in an `after_request` hook, so on its own
//! it cannot stop a `before_request` authentication hook from rejecting a preflight (it would only
//! decorate the 401). A small `before_request` hook, registered before authentication, answers
//! preflights with Flask's default OPTIONS response, which flask-cors then completes.

use super::{quoted, FixPlan, Framework, Rendered};

pub(crate) const FLASK: Framework =
    Framework { id: "flask", name: "Flask (flask-cors)", verified_live: true, language: "python", render };

/// flask-cors treats a string holding any of these as a regular expression.
const REGEX_HINTS: &[char] = &['*', '\\', ']', '?', '$', '^', '[', '(', ')'];

/// A literal value for a flask-cors list: a plain string, or an escaped, anchored pattern when
/// flask-cors would otherwise read the string as a regular expression (an IPv6 origin `[::1]`,
/// a header name with `*`, `^` or `$`).
fn literal(value: &str) -> (String, bool) {
    if value.contains(REGEX_HINTS) {
        (format!("re.compile(re.escape({}) + r\"\\Z\", re.IGNORECASE)", quoted(value)), true)
    } else {
        (quoted(value), false)
    }
}

fn list(values: &[String], needs_re: &mut bool) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|v| {
            let (text, re) = literal(v);
            *needs_re |= re;
            text
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn render(plan: &FixPlan) -> Rendered {
    let mut needs_re = false;
    // flask-cors reads "*" as any origin, but in a list every value goes through `literal`.
    let origins = if plan.any_origin() { quoted("*") } else { list(&plan.origins, &mut needs_re) };
    let allow_headers = list(&plan.headers, &mut needs_re);
    let methods: Vec<String> = plan.methods.iter().map(|m| quoted(m)).collect();
    let mut args = vec![
        "    app,".to_owned(),
        format!("    origins={origins},"),
        format!("    methods=[{}],", methods.join(", ")),
        format!("    allow_headers={allow_headers},"),
    ];
    if plan.credentials {
        args.push("    supports_credentials=True,".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        let items: Vec<String> = plan.expose_headers.iter().map(|h| quoted(h)).collect();
        args.push(format!("    expose_headers=[{}],", items.join(", ")));
    }
    args.push(format!("    max_age={},", plan.max_age));
    let imports = if needs_re { "import re\n\n" } else { "" };
    let snippet = format!(
        "{imports}from flask import request\n\
         from flask_cors import CORS\n\
         \n\
         CORS(\n{}\n)\n\
         \n\
         \n\
         @app.before_request\n\
         def answer_cors_preflight():\n    \
         # Preflights never carry credentials: answer them before any authentication hook runs.\n    \
         if request.method == \"OPTIONS\" and \"Access-Control-Request-Method\" in request.headers:\n        \
         return app.make_default_options_response()\n",
        args.join("\n")
    );
    let notes = vec![
        "Install the package: pip install flask-cors.".to_owned(),
        "Flask runs before_request hooks in the order they are registered, so this one must come before any authentication hook; flask-cors adds the Access-Control-* headers to its response.".to_owned(),
        "flask-cors sends no Max-Age by default.".to_owned(),
    ];
    Rendered {
        placement: "Right after `app = Flask(__name__)`, before any `@app.before_request` authentication hook and before the routes."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{minimal_plan, sample_plan as plan};
    use super::*;

    #[test]
    fn full_plan() {
        let r = render(&plan());
        assert_eq!(
            r.snippet,
            "from flask import request\n\
             from flask_cors import CORS\n\
             \n\
             CORS(\n    \
             app,\n    \
             origins=[\"https://app.example.com\"],\n    \
             methods=[\"PUT\"],\n    \
             allow_headers=[\"Content-Type\", \"X-Api-Key\"],\n    \
             supports_credentials=True,\n    \
             expose_headers=[\"X-Request-Id\"],\n    \
             max_age=7200,\n\
             )\n\
             \n\
             \n\
             @app.before_request\n\
             def answer_cors_preflight():\n    \
             # Preflights never carry credentials: answer them before any authentication hook runs.\n    \
             if request.method == \"OPTIONS\" and \"Access-Control-Request-Method\" in request.headers:\n        \
             return app.make_default_options_response()\n"
        );
        assert!(r.placement.contains("before any `@app.before_request`"));
    }

    #[test]
    fn minimal_plan_omits_credentials_and_expose() {
        let r = render(&minimal_plan("GET"));
        assert!(r.snippet.contains("    methods=[\"GET\"],\n    allow_headers=[],\n    max_age=7200,\n)"), "{}", r.snippet);
        assert!(!r.snippet.contains("supports_credentials"));
        assert!(!r.snippet.contains("expose_headers"));
        assert!(!r.snippet.contains("import re\n"));
    }

    #[test]
    fn values_flask_cors_would_read_as_regex_become_anchored_literals() {
        let mut p = plan();
        p.origins = vec!["http://[::1]:8001".to_owned()];
        p.headers = vec!["X-A*".to_owned()];
        let r = render(&p);
        assert!(r.snippet.starts_with("import re\n\n"));
        assert!(r.snippet.contains("origins=[re.compile(re.escape(\"http://[::1]:8001\") + r\"\\Z\", re.IGNORECASE)],"), "{}", r.snippet);
        assert!(r.snippet.contains("allow_headers=[re.compile(re.escape(\"X-A*\") + r\"\\Z\", re.IGNORECASE)],"));
    }

    #[test]
    fn opaque_origin() {
        let mut p = plan();
        p.origins = vec!["null".to_owned()];
        assert!(render(&p).snippet.contains("    origins=[\"null\"],\n"));
    }
}
