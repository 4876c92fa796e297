//! NestJS: `app.enableCors()`, which registers the `cors` package (platform-express) or
//! `@fastify/cors` (platform-fastify) on the underlying server the moment it is called. Middleware
//! added with `app.use()` before it runs first, so it goes right after the app is created.

use super::{quoted, quoted_list, FixPlan, Framework, Rendered};

pub(crate) const NESTJS: Framework =
    Framework { id: "nestjs", name: "NestJS (app.enableCors)", verified_live: true, language: "typescript", render };

fn render(plan: &FixPlan) -> Rendered {
    // `*` is the packages' own any-origin value; in an array it would be compared as an origin.
    let origin = if plan.any_origin() { quoted("*") } else { quoted_list(&plan.origins) };
    let mut options = vec![
        format!("  origin: {origin},"),
        format!("  methods: {},", quoted_list(&plan.methods)),
        format!("  allowedHeaders: {},", quoted_list(&plan.headers)),
    ];
    if plan.credentials {
        options.push("  credentials: true,".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        options.push(format!("  exposedHeaders: {},", quoted_list(&plan.expose_headers)));
    }
    options.push(format!("  maxAge: {},", plan.max_age));
    let snippet = format!(
        "// Before any app.use(): preflights never carry credentials, so they are answered before auth.\n\
         app.enableCors({{\n{}\n}});\n",
        options.join("\n")
    );
    let notes = vec![
        "Guards and interceptors never see a preflight: enableCors answers OPTIONS before routing.".to_owned(),
        "Or pass the same options as `cors` to NestFactory.create(AppModule, { cors: { ... } }).".to_owned(),
    ];
    Rendered {
        placement: "In `main.ts`, right after `const app = await NestFactory.create(AppModule);`, before any `app.use(...)` and \
                    `app.listen(...)`."
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
        assert_eq!(
            render(&sample_plan()).snippet,
            "// Before any app.use(): preflights never carry credentials, so they are answered before auth.\n\
             app.enableCors({\n  \
             origin: [\"https://app.example.com\"],\n  \
             methods: [\"PUT\"],\n  \
             allowedHeaders: [\"Content-Type\", \"X-Api-Key\"],\n  \
             credentials: true,\n  \
             exposedHeaders: [\"X-Request-Id\"],\n  \
             maxAge: 7200,\n\
             });\n"
        );
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        assert_contained(&render(&hostile_plan()).snippet, '"');
    }
}
