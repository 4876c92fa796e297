//! Go net/http with github.com/rs/cors, wrapped around the outermost handler (outside auth
//! middleware): it answers preflights with 204 before the wrapped handler runs. Not runnable here:
//! snapshot-tested only.

use super::{quoted, FixPlan, Framework, Rendered};

pub(crate) const GO: Framework =
    Framework { id: "go", name: "Go net/http (rs/cors)", verified_live: false, language: "go", render };

fn strings(values: &[String]) -> String {
    format!("[]string{{{}}}", values.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(", "))
}

fn render(plan: &FixPlan) -> Rendered {
    let mut fields: Vec<(&str, String)> = vec![("AllowedOrigins", strings(&plan.origins))];
    if !plan.methods.is_empty() {
        fields.push(("AllowedMethods", strings(&plan.methods)));
    }
    if !plan.headers.is_empty() {
        fields.push(("AllowedHeaders", strings(&plan.headers)));
    }
    if !plan.expose_headers.is_empty() {
        fields.push(("ExposedHeaders", strings(&plan.expose_headers)));
    }
    if plan.credentials {
        fields.push(("AllowCredentials", "true".to_owned()));
    }
    fields.push(("MaxAge", plan.max_age.to_string()));
    // gofmt aligns the values of consecutive key: value lines.
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("\t{:<width$} {v},", format!("{k}:"), width = width)).collect();
    let snippet = format!(
        "import \"github.com/rs/cors\"\n\
         \n\
         c := cors.New(cors.Options{{\n{}\n}})\n\
         // Outermost: preflights are answered before your auth middleware and mux see them.\n\
         handler := c.Handler(requireAuth(mux))\n\
         log.Fatal(http.ListenAndServe(addr, handler))\n",
        body.join("\n")
    );
    let notes = vec![
        "go get github.com/rs/cors; replace requireAuth(mux) with your current handler chain.".to_owned(),
        "rs/cors answers preflights with 204 and adds Vary: Origin (and the Access-Control-Request-* names on preflights)."
            .to_owned(),
    ];
    Rendered {
        placement: "Where the server is started: wrap the handler you pass to ListenAndServe (outside every auth \
                    middleware) with c.Handler; remove hand-written Access-Control-* headers."
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
            "import \"github.com/rs/cors\"

c := cors.New(cors.Options{
\tAllowedOrigins:   []string{\"https://app.example.com\"},
\tAllowedMethods:   []string{\"PUT\"},
\tAllowedHeaders:   []string{\"Content-Type\", \"X-Api-Key\"},
\tExposedHeaders:   []string{\"X-Request-Id\"},
\tAllowCredentials: true,
\tMaxAge:           7200,
})
// Outermost: preflights are answered before your auth middleware and mux see them.
handler := c.Handler(requireAuth(mux))
log.Fatal(http.ListenAndServe(addr, handler))
"
        );
        assert_eq!(r.notes.len(), 2, "the Max-Age note is added by the registry");
    }

    #[test]
    fn alignment_follows_the_longest_key() {
        let mut plan = sample_plan();
        plan.credentials = false;
        plan.expose_headers.clear();
        assert!(render(&plan).snippet.contains("\tMaxAge:         7200,\n"));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
    }
}
