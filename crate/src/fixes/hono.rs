//! Hono with its built-in `hono/cors` middleware (any runtime; the Node adapter is what the matrix
//! runs). Hono runs middleware in the order it is added, and `cors()` answers a preflight itself
//! (204) without calling the next handler, so it must come before any auth middleware.

use super::node_cors_options::{listed_origins, options, Spelling};
use super::{FixPlan, Framework, Rendered};

pub(crate) const HONO: Framework = Framework { id: "hono", name: "Hono (hono/cors)", verified_live: true, language: "javascript", render };

fn render(plan: &FixPlan) -> Rendered {
    let options = options(plan, &listed_origins(plan), Spelling::AllowPrefixed);
    let snippet = format!(
        "import {{ cors }} from \"hono/cors\";\n\
         // Before any auth middleware and the routes: preflights never carry credentials.\n\
         app.use(\"*\", cors({{\n{}\n}}));\n",
        options
    );
    let notes = vec![if plan.any_origin() {
        "With \"*\" the middleware answers every origin with *.".to_owned()
    } else {
        "With an array the middleware echoes the request's origin when it is listed and adds Vary: Origin.".to_owned()
    }];
    Rendered {
        placement: "Right after `const app = new Hono()`, before any authentication middleware and routes (the import with the others)."
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
    fn snapshot() {
        assert_eq!(
            render(&sample_plan()).snippet,
            "import { cors } from \"hono/cors\";\n\
             // Before any auth middleware and the routes: preflights never carry credentials.\n\
             app.use(\"*\", cors({\n  \
             origin: [\"https://app.example.com\"],\n  \
             allowMethods: [\"PUT\"],\n  \
             allowHeaders: [\"Content-Type\", \"X-Api-Key\"],\n  \
             credentials: true,\n  \
             exposeHeaders: [\"X-Request-Id\"],\n  \
             maxAge: 7200,\n\
             }));\n"
        );
    }

    #[test]
    fn minimal_plan_omits_credentials_and_expose() {
        let r = render(&minimal_plan("GET"));
        assert!(r.snippet.contains("  allowMethods: [\"GET\"],\n  allowHeaders: [],\n  maxAge: 7200,\n"), "{}", r.snippet);
        assert!(!r.snippet.contains("credentials: true") && !r.snippet.contains("exposeHeaders"));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        assert_contained(&render(&hostile_plan()).snippet, '"');
    }
}
