//! CORS for handlers written against the Fetch API (`Request`, `Response`, `Headers`): Cloudflare
//! Workers and Next.js's proxy and route handlers share these declarations, so all answer
//! preflights with the same headers and echo a listed origin the same way.

use super::{quoted, quoted_list, FixPlan};

/// `ALLOWED_ORIGINS` (unless any origin), `CORS_HEADERS` (every response), `PREFLIGHT_HEADERS`
/// (preflight answers) and `allowOrigin(request, headers)`, which sets Access-Control-Allow-Origin
/// on `headers` and returns them.
pub(crate) fn declarations(plan: &FixPlan) -> String {
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
    format!(
        "{origins}const CORS_HEADERS = {};\n\
         const PREFLIGHT_HEADERS = {{\n{}\n}};\n\
         \n\
         {allow_origin}\
         \x20 return headers;\n\
         }}\n",
        object(&cors),
        preflight.join("\n"),
    )
}

/// `withCors(request, response)`: a copy of `response` with the CORS headers (a fetch handler's
/// response headers may be immutable).
pub(crate) const WITH_CORS: &str = "function withCors(request, response) {\n\
\x20 const r = new Response(response.body, response); // a copy with mutable headers\n\
\x20 for (const [name, value] of Object.entries(CORS_HEADERS)) r.headers.set(name, value);\n\
\x20 r.headers.append(\"Vary\", \"Origin\");\n\
\x20 allowOrigin(request, r.headers);\n\
\x20 return r;\n\
}\n";

/// The test a preflight passes: OPTIONS with Access-Control-Request-Method (a plain OPTIONS is the
/// app's to answer).
pub(crate) const IS_PREFLIGHT: &str = "request.method === \"OPTIONS\" && request.headers.has(\"Access-Control-Request-Method\")";

#[cfg(test)]
mod tests {
    use super::super::quote::testing::minimal_plan;
    use super::*;

    #[test]
    fn nothing_but_the_origin_leaves_an_empty_object() {
        assert!(declarations(&minimal_plan("GET")).contains("const CORS_HEADERS = {};\n"));
    }
}
