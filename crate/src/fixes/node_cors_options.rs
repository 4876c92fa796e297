//! The options object Node's CORS middlewares take (`cors`, which NestJS's `enableCors` wraps,
//! `@fastify/cors`, `hono/cors`, `@koa/cors`): the same settings, spelled one of two ways.

use super::{quoted, quoted_list, FixPlan};

/// How a package names the methods, request headers and exposed headers it allows.
pub(crate) enum Spelling {
    /// `methods`, `allowedHeaders`, `exposedHeaders`: the `cors` package and `@fastify/cors`.
    CorsPackage,
    /// `allowMethods`, `allowHeaders`, `exposeHeaders`: `hono/cors` and `@koa/cors`.
    AllowPrefixed,
}

/// `*` when nothing needs credentials (the packages' own any-origin value; in an array it would be
/// compared as an origin), else the list of origins, each echoed when it is the request's.
pub(crate) fn listed_origins(plan: &FixPlan) -> String {
    if plan.any_origin() {
        quoted("*")
    } else {
        quoted_list(&plan.origins)
    }
}

/// The object's lines, two-space indented, for `origin` (an expression) and the plan's other settings.
pub(crate) fn options(plan: &FixPlan, origin: &str, spelling: Spelling) -> String {
    let (methods, headers, exposed) = match spelling {
        Spelling::CorsPackage => ("methods", "allowedHeaders", "exposedHeaders"),
        Spelling::AllowPrefixed => ("allowMethods", "allowHeaders", "exposeHeaders"),
    };
    let mut lines = vec![
        format!("  origin: {origin},"),
        format!("  {methods}: {},", quoted_list(&plan.methods)),
        format!("  {headers}: {},", quoted_list(&plan.headers)),
    ];
    if plan.credentials {
        lines.push("  credentials: true,".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        lines.push(format!("  {exposed}: {},", quoted_list(&plan.expose_headers)));
    }
    lines.push(format!("  maxAge: {},", plan.max_age));
    lines.join("\n")
}
