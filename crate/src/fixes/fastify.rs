//! Fastify with `@fastify/cors`. The plugin answers preflights inside its own `onRequest` hook, so
//! it must be registered before any authentication hook: Fastify runs hooks in the order they are
//! added.

use super::node_cors_options::{listed_origins, options, Spelling};
use super::{FixPlan, Framework, Rendered};

pub(crate) const FASTIFY: Framework =
    Framework { id: "fastify", name: "Fastify (@fastify/cors)", verified_live: true, language: "javascript", render };

fn render(plan: &FixPlan) -> Rendered {
    let options = options(plan, &listed_origins(plan), Spelling::CorsPackage);
    let snippet = format!(
        "const cors = require('@fastify/cors');\n\
         // Register before any authentication hook: the plugin answers preflights in its onRequest hook,\n\
         // and preflights never carry credentials.\n\
         fastify.register(cors, {{\n{}\n}});\n",
        options
    );
    let notes = vec![
        "In an ES module, write `import cors from '@fastify/cors'` instead of the require line.".to_owned(),
        if plan.any_origin() {
            "With \"*\" the plugin answers every origin with *.".to_owned()
        } else {
            "With an array the plugin echoes the request's origin when it is listed, and adds Vary: Origin (a single string would be sent to every origin).".to_owned()
        },
    ];
    Rendered {
        placement: "Right after `const fastify = Fastify()`, before any authentication hook or plugin is added and before the routes."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{minimal_plan, sample_plan as plan};
    use super::*;

    #[test]
    fn full_plan() {
        let r = render(&plan());
        assert_eq!(
            r.snippet,
            "const cors = require('@fastify/cors');\n\
             // Register before any authentication hook: the plugin answers preflights in its onRequest hook,\n\
             // and preflights never carry credentials.\n\
             fastify.register(cors, {\n  \
             origin: [\"https://app.example.com\"],\n  \
             methods: [\"PUT\"],\n  \
             allowedHeaders: [\"Content-Type\", \"X-Api-Key\"],\n  \
             credentials: true,\n  \
             exposedHeaders: [\"X-Request-Id\"],\n  \
             maxAge: 7200,\n\
             });\n"
        );
        assert!(r.placement.contains("before any authentication"));
    }

    #[test]
    fn minimal_plan_omits_credentials_and_expose() {
        let r = render(&minimal_plan("GET"));
        assert!(r.snippet.contains("  methods: [\"GET\"],\n  allowedHeaders: [],\n  maxAge: 7200,\n"), "{}", r.snippet);
        assert!(!r.snippet.contains("credentials: true"));
        assert!(!r.snippet.contains("exposedHeaders"));
    }

    #[test]
    fn opaque_origin() {
        let mut p = plan();
        p.origins = vec!["null".to_owned()];
        let r = render(&p);
        assert!(r.snippet.contains("  origin: [\"null\"],\n"));
    }
}
