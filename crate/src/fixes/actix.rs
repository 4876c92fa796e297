//! Actix Web with the actix-cors crate. `App::wrap` makes the last registered middleware the
//! outermost, so `.wrap(cors())` after the auth middleware answers preflights before auth runs.

use super::{quoted, quoted_list, FixPlan, Framework, Rendered};

pub(crate) const ACTIX: Framework =
    Framework { id: "actix", name: "Actix Web (actix-cors)", verified_live: true, language: "rust", render };

fn render(plan: &FixPlan) -> Rendered {
    // One call per origin: actix-cors echoes the request's origin when it is one of them. It refuses
    // `*` there; `send_wildcard` keeps the literal `*` the server sent.
    let mut calls: Vec<String> = if plan.any_origin() {
        vec![".allow_any_origin()".to_owned(), ".send_wildcard()".to_owned()]
    } else {
        plan.origins.iter().map(|o| format!(".allowed_origin({})", quoted(o))).collect()
    };
    if !plan.methods.is_empty() {
        calls.push(format!(".allowed_methods({})", quoted_list(&plan.methods)));
    }
    if !plan.headers.is_empty() {
        calls.push(format!(".allowed_headers({})", quoted_list(&plan.headers)));
    }
    if !plan.expose_headers.is_empty() {
        calls.push(format!(".expose_headers({})", quoted_list(&plan.expose_headers)));
    }
    if plan.credentials {
        calls.push(".supports_credentials()".to_owned());
    }
    calls.push(format!(".max_age({})", plan.max_age));
    let body: Vec<String> = calls.iter().map(|c| format!("        {c}")).collect();
    let snippet = format!(
        "use actix_cors::Cors;\n\
         \n\
         fn cors() -> Cors {{\n    Cors::default()\n{}\n}}\n\
         \n\
         // The last `.wrap(...)` is the outermost middleware: it answers preflights before your auth runs.\n\
         // HttpServer::new(|| App::new().wrap(auth).wrap(cors()).service(...))\n",
        body.join("\n")
    );
    let notes = vec![
        "Cargo.toml: actix-cors = \"0.7\".".to_owned(),
        "Cors::default() allows nothing until configured; it answers preflights with 200 and adds Vary: Origin, \
         Access-Control-Request-Method, Access-Control-Request-Headers."
            .to_owned(),
        "Call cors() inside the HttpServer::new closure: each worker builds its own middleware.".to_owned(),
    ];
    Rendered {
        placement: "Add the function next to your HttpServer setup and register it with the App's last `.wrap(cors())`, \
                    after the auth middleware; remove other CORS middleware."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{assert_contained, hostile_plan, sample_plan};
    use super::*;

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"use actix_cors::Cors;

fn cors() -> Cors {
    Cors::default()
        .allowed_origin("https://app.example.com")
        .allowed_methods(["PUT"])
        .allowed_headers(["Content-Type", "X-Api-Key"])
        .expose_headers(["X-Request-Id"])
        .supports_credentials()
        .max_age(7200)
}

// The last `.wrap(...)` is the outermost middleware: it answers preflights before your auth runs.
// HttpServer::new(|| App::new().wrap(auth).wrap(cors()).service(...))
"#
        );
        assert_eq!(r.notes.len(), 3, "the Max-Age note is added by the registry");
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
        assert!(!r.snippet.lines().any(|l| l.trim_start().starts_with("pwned")));
    }
}
