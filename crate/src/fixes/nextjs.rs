//! Next.js (App Router), in two forms. The proxy (`proxy.js`; `middleware.js` before Next.js 16)
//! answers preflights before any route handler runs, and adds the CORS headers to every other
//! response of the matched paths. The route handler form is for one route: without an `OPTIONS`
//! export Next.js answers OPTIONS itself (204 with `Allow`, no CORS headers), so the route exports
//! one, and each handler it exports is wrapped so its answers, errors included, carry the headers.

use super::{fetch_api, quoted, FixPlan, Framework, Rendered};

pub(crate) const NEXTJS: Framework =
    Framework { id: "nextjs", name: "Next.js (proxy / middleware)", verified_live: true, language: "javascript", render };

pub(crate) const NEXTJS_ROUTE: Framework = Framework {
    id: "nextjs-route",
    name: "Next.js (route handler)",
    verified_live: true,
    language: "javascript",
    render: render_route,
};

fn render_route(plan: &FixPlan) -> Rendered {
    let snippet = format!(
        "{}\n\
         // Next.js answers OPTIONS itself, without CORS headers, unless the route exports it. No auth here:\n\
         // preflights never carry credentials.\n\
         export function OPTIONS(request) {{\n\
         \x20 return new Response(null, {{ status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) }});\n\
         }}\n\
         \n\
         // Export every handler of this route through it: export const PUT = cors(async (request) => {{ ... }});\n\
         function cors(handler) {{\n\
         \x20 return async (request, context) => withCors(request, await handler(request, context));\n\
         }}\n\
         \n\
         {}",
        fetch_api::declarations(plan),
        fetch_api::WITH_CORS,
    );
    let notes = vec![
        "Every route the page calls needs it; for a whole API, the proxy form (Next.js (proxy / middleware)) does it once.".to_owned(),
        "Remove any other CORS headers for this route (next.config.js `headers()`, a proxy): two Access-Control-Allow-Origin          headers fail like none."
            .to_owned(),
    ];
    Rendered {
        placement: "At the top of the route handler the page calls (e.g. `app/api/items/route.js`), with every exported                     handler wrapped: `export const PUT = cors(yourPut);`."
            .to_owned(),
        snippet,
        notes,
    }
}

fn render(plan: &FixPlan) -> Rendered {
    // The proxy runs only where it must: under the request path's first segment (`/api/:path*`).
    let first = plan.path.trim_start_matches('/').split('/').next().unwrap_or("");
    let matcher = if first.is_empty() {
        String::new()
    } else {
        format!("\n// Only the API's paths go through the proxy.\nexport const config = {{ matcher: {} }};\n", quoted(&format!("/{first}/:path*")))
    };
    let snippet = format!(
        "import {{ NextResponse }} from \"next/server\";\n\
         \n\
         {}\n\
         // Wraps your own proxy (auth, rewrites) if you have one; it never sees a preflight.\n\
         function withCors(handler) {{\n\
         \x20 return async (request, event) => {{\n\
         \x20   // Preflights carry no credentials: answer them before any auth check or route handler.\n\
         \x20   if ({}) {{\n\
         \x20     return new NextResponse(null, {{ status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) }});\n\
         \x20   }}\n\
         \x20   const response = (await handler?.(request, event)) ?? NextResponse.next();\n\
         \x20   for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);\n\
         \x20   response.headers.append(\"Vary\", \"Origin\");\n\
         \x20   allowOrigin(request, response.headers);\n\
         \x20   return response;\n\
         \x20 }};\n\
         }}\n\
         \n\
         // With a proxy of your own: export const proxy = withCors(yourProxy);\n\
         export const proxy = withCors();\n\
         {matcher}",
        fetch_api::declarations(plan),
        fetch_api::IS_PREFLIGHT,
    );
    let notes = vec![
        "Remove any CORS headers set in next.config.js `headers()` or in route handlers for these paths, and any OPTIONS export \
         that answers without them: the proxy answers for all of them."
            .to_owned(),
        "Before Next.js 16 the file is `middleware.js` and the export `middleware`: write `export const middleware = withCors();`."
            .to_owned(),
        "With `trailingSlash: true`, Next.js redirects `/api/x` to `/api/x/` before the proxy runs, and browsers refuse a redirected \
         preflight: call the URL with its trailing slash, or set `skipTrailingSlashRedirect: true`."
            .to_owned(),
    ];
    Rendered {
        placement: "Save as `proxy.js` in the project root, beside `app/` (in `src/` if your app is there). If you already have a \
                    proxy, rename its function and pass it to `withCors` on the export line."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{any_origin_plan, assert_contained, hostile_plan, sample_plan};
    use super::*;

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"import { NextResponse } from "next/server";

const ALLOWED_ORIGINS = ["https://app.example.com"];
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

// Wraps your own proxy (auth, rewrites) if you have one; it never sees a preflight.
function withCors(handler) {
  return async (request, event) => {
    // Preflights carry no credentials: answer them before any auth check or route handler.
    if (request.method === "OPTIONS" && request.headers.has("Access-Control-Request-Method")) {
      return new NextResponse(null, { status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) });
    }
    const response = (await handler?.(request, event)) ?? NextResponse.next();
    for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
    response.headers.append("Vary", "Origin");
    allowOrigin(request, response.headers);
    return response;
  };
}

// With a proxy of your own: export const proxy = withCors(yourProxy);
export const proxy = withCors();

// Only the API's paths go through the proxy.
export const config = { matcher: "/api/:path*" };
"#
        );
    }

    #[test]
    fn a_root_path_matches_everything_and_any_origin_is_kept() {
        let mut plan = any_origin_plan();
        plan.path = "/".to_owned();
        let r = render(&plan);
        assert!(!r.snippet.contains("matcher"), "{}", r.snippet);
        assert!(r.snippet.contains("headers.set(\"Access-Control-Allow-Origin\", \"*\");"), "{}", r.snippet);
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        assert_contained(&render(&hostile_plan()).snippet, '"');
        assert_contained(&render_route(&hostile_plan()).snippet, '"');
    }

    #[test]
    fn the_route_form_exports_options_and_wraps_handlers() {
        let r = render_route(&sample_plan());
        assert!(r.snippet.starts_with("const ALLOWED_ORIGINS = [\"https://app.example.com\"];\n"), "{}", r.snippet);
        assert!(r.snippet.contains("export function OPTIONS(request) {\n  return new Response(null, { status: 204, headers: allowOrigin(request, new Headers(PREFLIGHT_HEADERS)) });\n}\n"), "{}", r.snippet);
        assert!(r.snippet.contains("  return async (request, context) => withCors(request, await handler(request, context));\n"), "{}", r.snippet);
        assert!(r.snippet.ends_with(fetch_api::WITH_CORS), "{}", r.snippet);
    }
}
