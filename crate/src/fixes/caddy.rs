//! Caddy (Caddyfile): a `header` block for the CORS headers and `respond @cors_preflight 204`.
//! Caddy orders directives itself: `header` runs before every handler, and a `respond` with a named
//! matcher keeps its place among the other `respond` lines, so the preflight is answered before a
//! `respond`-based check or the route. `basicauth` and `forward_auth` run before `respond`, though.
//! With several origins, a named matcher lists them (one `header Origin` line each, which Caddy ORs)
//! and only a matching request gets its own Origin back.

use super::quote;
use super::{FixPlan, Framework, Rendered};

pub(crate) const CADDY: Framework =
    Framework { id: "caddy", name: "Caddy (Caddyfile header + respond)", verified_live: true, language: "caddyfile", render };

fn render(plan: &FixPlan) -> Rendered {
    let field = |name: &str, value: &str| format!("\t{name} {}", quote::caddy(value));
    let mut lines = vec!["@cors_preflight method OPTIONS".to_owned()];
    let mut fields = Vec::new();
    if let [origin] = &plan.origins[..] {
        fields.push(field("Access-Control-Allow-Origin", origin));
    } else {
        lines.push("# Echo the request's Origin when it is one of these (never a list in one header).".to_owned());
        lines.push("@cors_origin {".to_owned());
        lines.extend(plan.origins.iter().map(|o| format!("\theader Origin {}", quote::caddy(o))));
        lines.push("}".to_owned());
        lines.push("header @cors_origin Access-Control-Allow-Origin \"{http.request.header.Origin}\"".to_owned());
    }
    lines.push("header {".to_owned());
    lines.extend(fields);
    lines.push(field("+Vary", "Origin"));
    if plan.credentials {
        lines.push(field("Access-Control-Allow-Credentials", "true"));
    }
    if !plan.methods.is_empty() {
        lines.push(field("Access-Control-Allow-Methods", &plan.methods.join(", ")));
    }
    if !plan.headers.is_empty() {
        lines.push(field("Access-Control-Allow-Headers", &plan.headers.join(", ")));
    }
    if !plan.expose_headers.is_empty() {
        lines.push(field("Access-Control-Expose-Headers", &plan.expose_headers.join(", ")));
    }
    lines.push(field("Access-Control-Max-Age", &plan.max_age.to_string()));
    lines.push("}".to_owned());
    lines.push("# Preflights carry no credentials: answer them before any respond-based check and the route.".to_owned());
    lines.push("respond @cors_preflight 204".to_owned());
    let snippet = lines.join("\n") + "\n";
    let notes = vec![
        "Caddy runs basicauth and forward_auth before respond wherever they stand in the file: if one protects this \
         path, give it a matcher that skips preflights (`@authed not method OPTIONS`, then `basicauth @authed { ... }`)."
            .to_owned(),
        "The header directive also covers error answers such as 401, so the browser reports the real status.".to_owned(),
        "If reverse_proxy's upstream also sends Access-Control-* headers, remove them there (or `header_down \
         -Access-Control-Allow-Origin`): two Access-Control-Allow-Origin headers fail."
            .to_owned(),
    ];
    Rendered {
        placement: format!(
            "Inside the site block (or the `handle` block) that serves {}, above its other respond lines; remove other \
             Access-Control-* header lines there.",
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
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            "@cors_preflight method OPTIONS\n\
             header {\n\
             \tAccess-Control-Allow-Origin \"https://app.example.com\"\n\
             \t+Vary \"Origin\"\n\
             \tAccess-Control-Allow-Credentials \"true\"\n\
             \tAccess-Control-Allow-Methods \"PUT\"\n\
             \tAccess-Control-Allow-Headers \"Content-Type, X-Api-Key\"\n\
             \tAccess-Control-Expose-Headers \"X-Request-Id\"\n\
             \tAccess-Control-Max-Age \"7200\"\n\
             }\n\
             # Preflights carry no credentials: answer them before any respond-based check and the route.\n\
             respond @cors_preflight 204\n"
        );
        assert!(r.placement.contains("serves /api/submit"));
        assert_eq!(r.notes.len(), 3, "the Max-Age note is added by the registry");
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
        // No placeholder inside a value; the only braces are the header block's.
        assert_eq!(r.snippet.matches('{').count(), 1, "{}", r.snippet);
        assert_eq!(outside_literals(&r.snippet, '"').matches('}').count(), 1);
        assert_eq!(r.snippet.lines().count(), render(&sample_plan()).snippet.lines().count());
        // Two origins: the matcher's and the header block's braces, and the one placeholder.
        let r = render(&hostile_origins_plan());
        assert_contained(&r.snippet, '"');
        assert_eq!(r.snippet.matches('{').count(), 3, "{}", r.snippet);
        assert_eq!(outside_literals(&r.snippet, '"').matches('}').count(), 2);
    }
}
