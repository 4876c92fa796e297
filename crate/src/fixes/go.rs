//! Go `net/http` with the standard library only: a `withCORS` middleware wrapped around the
//! outermost handler (outside auth middleware), so it answers a preflight with 204 before the
//! wrapped handler runs. The Origin is echoed only when listed (a map lookup, so one origin or
//! many read the same), with `Vary: Origin` on every answer.

use super::{quoted, FixPlan, Framework, Rendered};

pub(crate) const GO: Framework =
    Framework { id: "go", name: "Go net/http (standard library)", verified_live: true, language: "go", render };

fn render(plan: &FixPlan) -> Rendered {
    let set = |name: &str, value: &str| format!("h.Set(\"{name}\", {})", quoted(value));
    let tabs = |n: usize, line: String| format!("{}{line}", "\t".repeat(n));
    // The headers every answer to an allowed origin carries.
    let mut allowed = Vec::new();
    let mut lines = vec!["// CORS for net/http, standard library only.".to_owned()];
    if plan.any_origin() {
        allowed.push(set("Access-Control-Allow-Origin", "*"));
    } else {
        let origins: Vec<String> = plan.origins.iter().map(|o| format!("{}: true", quoted(o))).collect();
        lines.push(format!("var corsAllowedOrigins = map[string]bool{{{}}}", origins.join(", ")));
        allowed.push("h.Set(\"Access-Control-Allow-Origin\", origin)".to_owned());
        if plan.credentials {
            allowed.push(set("Access-Control-Allow-Credentials", "true"));
        }
    }
    if !plan.expose_headers.is_empty() {
        allowed.push(set("Access-Control-Expose-Headers", &plan.expose_headers.join(", ")));
    }
    let mut preflight = vec![set("Access-Control-Allow-Methods", &plan.methods.join(", "))];
    if !plan.headers.is_empty() {
        preflight.push(set("Access-Control-Allow-Headers", &plan.headers.join(", ")));
    }
    preflight.push(set("Access-Control-Max-Age", &plan.max_age.to_string()));
    lines.push(String::new());
    lines.push("// withCORS answers preflights itself (204) and adds the CORS headers to every other answer.".to_owned());
    lines.push("func withCORS(next http.Handler) http.Handler {".to_owned());
    lines.push("\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {".to_owned());
    lines.push("\t\th := w.Header()".to_owned());
    if plan.any_origin() {
        lines.extend(allowed.into_iter().map(|l| tabs(2, l)));
    } else {
        lines.push("\t\th.Add(\"Vary\", \"Origin\")".to_owned());
        lines.push("\t\tif origin := r.Header.Get(\"Origin\"); corsAllowedOrigins[origin] {".to_owned());
        lines.extend(allowed.into_iter().map(|l| tabs(3, l)));
        lines.push("\t\t}".to_owned());
    }
    lines.push("\t\tif r.Method == http.MethodOptions && r.Header.Get(\"Access-Control-Request-Method\") != \"\" {".to_owned());
    lines.extend(preflight.into_iter().map(|l| tabs(3, l)));
    lines.push("\t\t\tw.WriteHeader(http.StatusNoContent)".to_owned());
    lines.push("\t\t\treturn".to_owned());
    lines.push("\t\t}".to_owned());
    lines.push("\t\tnext.ServeHTTP(w, r)".to_owned());
    lines.push("\t})".to_owned());
    lines.push("}".to_owned());
    let snippet = lines.join("\n") + "\n";
    let notes = vec![
        "Wrap the outermost handler: http.ListenAndServe(addr, withCORS(handler)), outside requireAuth and the mux, so preflights never reach them."
            .to_owned(),
    ];
    Rendered {
        placement: "At package level of the file that starts the server (it needs only net/http); then wrap the handler \
                    you pass to http.ListenAndServe with withCORS, outside every auth middleware, and remove hand-written \
                    Access-Control-* headers."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{any_origin_plan, assert_contained, hostile_plan, minimal_plan, sample_plan};
    use super::*;

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            "// CORS for net/http, standard library only.
var corsAllowedOrigins = map[string]bool{\"https://app.example.com\": true}

// withCORS answers preflights itself (204) and adds the CORS headers to every other answer.
func withCORS(next http.Handler) http.Handler {
\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\th := w.Header()
\t\th.Add(\"Vary\", \"Origin\")
\t\tif origin := r.Header.Get(\"Origin\"); corsAllowedOrigins[origin] {
\t\t\th.Set(\"Access-Control-Allow-Origin\", origin)
\t\t\th.Set(\"Access-Control-Allow-Credentials\", \"true\")
\t\t\th.Set(\"Access-Control-Expose-Headers\", \"X-Request-Id\")
\t\t}
\t\tif r.Method == http.MethodOptions && r.Header.Get(\"Access-Control-Request-Method\") != \"\" {
\t\t\th.Set(\"Access-Control-Allow-Methods\", \"PUT\")
\t\t\th.Set(\"Access-Control-Allow-Headers\", \"Content-Type, X-Api-Key\")
\t\t\th.Set(\"Access-Control-Max-Age\", \"7200\")
\t\t\tw.WriteHeader(http.StatusNoContent)
\t\t\treturn
\t\t}
\t\tnext.ServeHTTP(w, r)
\t})
}
"
        );
        assert_eq!(r.notes.len(), 1, "the Max-Age note is added by the registry");
    }

    #[test]
    fn any_origin_sends_star_without_a_map() {
        let r = render(&any_origin_plan());
        assert!(r.snippet.contains("\t\th.Set(\"Access-Control-Allow-Origin\", \"*\")\n\t\th.Set(\"Access-Control-Expose-Headers\""), "{}", r.snippet);
        assert!(!r.snippet.contains("corsAllowedOrigins") && !r.snippet.contains("Credentials") && !r.snippet.contains("Vary"));
    }

    #[test]
    fn minimal_plan_omits_empty_lists() {
        let r = render(&minimal_plan("DELETE"));
        assert!(!r.snippet.contains("Allow-Headers") && !r.snippet.contains("Expose-Headers") && !r.snippet.contains("Credentials"));
        assert!(r.snippet.contains("h.Set(\"Access-Control-Allow-Methods\", \"DELETE\")"));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
    }
}
