//! Cloudflare Workers (module syntax): answer OPTIONS preflights at the top of `fetch`, before the
//! existing handler (and its auth) runs, and add the CORS headers to every other response. The
//! Worker echoes the request's Origin when it is listed, so one template serves one origin or
//! several. Proven in workerd, the Workers runtime, by the framework matrix.

use super::{fetch_api, FixPlan, Framework, Rendered};

pub(crate) const CLOUDFLARE: Framework =
    Framework { id: "cloudflare", name: "Cloudflare Workers", verified_live: true, language: "javascript", render };

fn render(plan: &FixPlan) -> Rendered {
    let snippet = format!(
        "{}\n\
         {}\
         \n\
         export default {{\n\
         \x20 async fetch(request, env, ctx) {{\n\
         \x20   // Preflights carry no credentials: answer them before any auth check.\n\
         \x20   if ({}) {{\n\
         \x20     return new Response(null, {{ status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) }});\n\
         \x20   }}\n\
         \x20   return withCors(request, await handleRequest(request, env, ctx));\n\
         \x20 }},\n\
         }};\n",
        fetch_api::declarations(plan),
        fetch_api::WITH_CORS,
        fetch_api::IS_PREFLIGHT,
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
    use super::super::quote::testing::{assert_contained, hostile_plan, sample_plan};
    use super::*;

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
