//! Next.js (App Router): a proxy (`proxy.js`; `middleware.js` before Next.js 16) answers preflights
//! before any route handler runs, and adds the CORS headers to every other response of the matched
//! paths. A route handler alone cannot do it well: without an `OPTIONS` export Next.js answers
//! OPTIONS itself (204 with `Allow`, no CORS headers), and every handler would have to set the
//! headers on its own responses, its error responses included.

use super::{fetch_api, quoted, FixPlan, Framework, Rendered};

pub(crate) const NEXTJS: Framework =
    Framework { id: "nextjs", name: "Next.js (proxy / middleware)", verified_live: true, language: "javascript", render };

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
    }
}
