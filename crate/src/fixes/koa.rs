//! Koa with `@koa/cors`. The package takes one origin string or a function, never a list, so the
//! template lists the origins and echoes a listed one from a function; an unlisted origin gets no
//! CORS headers. Registered before any auth middleware: it answers preflights (204) itself.

use super::node_cors_options::{listed_origins, options, Spelling};
use super::{quoted_list, FixPlan, Framework, Rendered};

pub(crate) const KOA: Framework = Framework { id: "koa", name: "Koa (@koa/cors)", verified_live: true, language: "javascript", render };

fn render(plan: &FixPlan) -> Rendered {
    let (origins, origin) = if plan.any_origin() {
        (String::new(), listed_origins(plan))
    } else {
        (
            format!(
                "// Echo the request's Origin when it is listed (never a list in one header).\n\
                 const ALLOWED_ORIGINS = {};\n",
                quoted_list(&plan.origins)
            ),
            "(ctx) => (ALLOWED_ORIGINS.includes(ctx.get(\"Origin\")) ? ctx.get(\"Origin\") : \"\")".to_owned(),
        )
    };
    let options = options(plan, &origin, Spelling::AllowPrefixed);
    let snippet = format!(
        "const cors = require(\"@koa/cors\");\n\
         {origins}\
         // Before any auth middleware and the router: preflights never carry credentials.\n\
         app.use(cors({{\n{}\n}}));\n",
        options
    );
    let notes = vec![
        "In an ES module, write `import cors from \"@koa/cors\"` instead of the require line.".to_owned(),
        "@koa/cors always adds Vary: Origin, and keeps the CORS headers on error responses (keepHeadersOnError), so the page can read a 401."
            .to_owned(),
    ];
    Rendered {
        placement: "Right after `const app = new Koa()`, before any authentication middleware and the router.".to_owned(),
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
        assert_eq!(
            render(&sample_plan()).snippet,
            "const cors = require(\"@koa/cors\");\n\
             // Echo the request's Origin when it is listed (never a list in one header).\n\
             const ALLOWED_ORIGINS = [\"https://app.example.com\"];\n\
             // Before any auth middleware and the router: preflights never carry credentials.\n\
             app.use(cors({\n  \
             origin: (ctx) => (ALLOWED_ORIGINS.includes(ctx.get(\"Origin\")) ? ctx.get(\"Origin\") : \"\"),\n  \
             allowMethods: [\"PUT\"],\n  \
             allowHeaders: [\"Content-Type\", \"X-Api-Key\"],\n  \
             credentials: true,\n  \
             exposeHeaders: [\"X-Request-Id\"],\n  \
             maxAge: 7200,\n\
             }));\n"
        );
    }

    #[test]
    fn any_origin_is_the_string() {
        let r = render(&any_origin_plan());
        assert!(r.snippet.contains("  origin: \"*\",\n") && !r.snippet.contains("ALLOWED_ORIGINS"), "{}", r.snippet);
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        assert_contained(&render(&hostile_plan()).snippet, '"');
    }
}
