//! Cloudflare Workers (module syntax): answer OPTIONS preflights at the top of `fetch`, before the
//! existing handler (and its auth) runs, and add the CORS headers to every other response. The
//! Worker echoes the request's Origin when it is listed, so one template serves one origin or
//! several. Not runnable here: snapshot-tested only.

use super::{quoted, quoted_list, FixPlan, Framework, Rendered};

pub(crate) const CLOUDFLARE: Framework =
    Framework { id: "cloudflare", name: "Cloudflare Workers", verified_live: false, language: "javascript", render };

fn render(plan: &FixPlan) -> Rendered {
    let entry = |name: &str, value: String| format!("  {}: {value},", quoted(name));
    let mut cors = Vec::new();
    if plan.credentials {
        cors.push(entry("Access-Control-Allow-Credentials", quoted("true")));
    }
    if !plan.expose_headers.is_empty() {
        cors.push(entry("Access-Control-Expose-Headers", quoted(&plan.expose_headers.join(", "))));
    }
    let mut preflight = vec!["  ...CORS_HEADERS,".to_owned()];
    if !plan.methods.is_empty() {
        preflight.push(entry("Access-Control-Allow-Methods", quoted(&plan.methods.join(", "))));
    }
    if !plan.headers.is_empty() {
        preflight.push(entry("Access-Control-Allow-Headers", quoted(&plan.headers.join(", "))));
    }
    preflight.push(entry("Access-Control-Max-Age", quoted(&plan.max_age.to_string())));
    preflight.push(entry("Vary", quoted("Origin")));
    let origins = if plan.any_origin() { String::new() } else { format!("const ALLOWED_ORIGINS = {};\n", quoted_list(&plan.origins)) };
    let allow_origin = if plan.any_origin() {
        "// Any origin, as your server allowed (never with credentials).\n\
         function allowOrigin(request, headers) {\n\
         \x20 headers.set(\"Access-Control-Allow-Origin\", \"*\");\n"
    } else {
        "// Echo the request's Origin when it is listed (never a list in one header).\n\
         function allowOrigin(request, headers) {\n\
         \x20 const origin = request.headers.get(\"Origin\");\n\
         \x20 if (ALLOWED_ORIGINS.includes(origin)) headers.set(\"Access-Control-Allow-Origin\", origin);\n"
    };
    let object = |entries: &[String]| if entries.is_empty() { "{}".to_owned() } else { format!("{{\n{}\n}}", entries.join("\n")) };
    let snippet = format!(
        "{}const CORS_HEADERS = {};\n\
         const PREFLIGHT_HEADERS = {{\n{}\n}};\n\
         \n\
         {}\
         \x20 return headers;\n\
         }}\n\
         \n\
         function withCors(request, response) {{\n\
         \x20 const r = new Response(response.body, response); // a copy with mutable headers\n\
         \x20 for (const [name, value] of Object.entries(CORS_HEADERS)) r.headers.set(name, value);\n\
         \x20 r.headers.append(\"Vary\", \"Origin\");\n\
         \x20 allowOrigin(request, r.headers);\n\
         \x20 return r;\n\
         }}\n\
         \n\
         export default {{\n\
         \x20 async fetch(request, env, ctx) {{\n\
         \x20   // Preflights carry no credentials: answer them before any auth check.\n\
         \x20   if (request.method === \"OPTIONS\" && request.headers.has(\"Access-Control-Request-Method\")) {{\n\
         \x20     return new Response(null, {{ status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) }});\n\
         \x20   }}\n\
         \x20   return withCors(request, await handleRequest(request, env, ctx));\n\
         \x20 }},\n\
         }};\n",
        origins,
        object(&cors),
        preflight.join("\n"),
        allow_origin
    );
    let notes = vec![
        "Responses your handler returns for failed auth go through withCors too, so the page can read their status."
            .to_owned(),
    ];
    Rendered {
        placement: "Replace the Worker's `export default { fetch }` with this, and rename your existing fetch function to \
                    `handleRequest(request, env, ctx)`."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{assert_contained, hostile_plan, minimal_plan, sample_plan};
    use super::*;

    #[test]
    fn nothing_but_the_origin_leaves_an_empty_object() {
        let r = render(&minimal_plan("GET"));
        assert!(r.snippet.contains("const CORS_HEADERS = {};\n"), "{}", r.snippet);
    }

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"const ALLOWED_ORIGINS = ["https://app.example.com"];
const CORS_HEADERS = {
  "Access-Control-Allow-Credentials": "true",
  "Access-Control-Expose-Headers": "X-Request-Id",
};
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  "Access-Control-Allow-Methods": "PUT",
  "Access-Control-Allow-Headers": "Content-Type, X-Api-Key",
  "Access-Control-Max-Age": "7200",
  "Vary": "Origin",
};

// Echo the request's Origin when it is listed (never a list in one header).
function allowOrigin(request, headers) {
  const origin = request.headers.get("Origin");
  if (ALLOWED_ORIGINS.includes(origin)) headers.set("Access-Control-Allow-Origin", origin);
  return headers;
}

function withCors(request, response) {
  const r = new Response(response.body, response); // a copy with mutable headers
  for (const [name, value] of Object.entries(CORS_HEADERS)) r.headers.set(name, value);
  r.headers.append("Vary", "Origin");
  allowOrigin(request, r.headers);
  return r;
}

export default {
  async fetch(request, env, ctx) {
    // Preflights carry no credentials: answer them before any auth check.
    if (request.method === "OPTIONS" && request.headers.has("Access-Control-Request-Method")) {
      return new Response(null, { status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) });
    }
    return withCors(request, await handleRequest(request, env, ctx));
  },
};
"#
        );
        assert_eq!(r.notes.len(), 1, "the Max-Age note is added by the registry");
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
    }
}
