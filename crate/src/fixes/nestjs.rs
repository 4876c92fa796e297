//! NestJS: `app.enableCors()`, which registers the `cors` package (platform-express) or
//! `@fastify/cors` (platform-fastify) on the underlying server the moment it is called. Middleware
//! added with `app.use()` before it runs first, so it goes right after the app is created.

use super::node_cors_options::{listed_origins, options, Spelling};
use super::{FixPlan, Framework, Rendered};

pub(crate) const NESTJS: Framework =
    Framework { id: "nestjs", name: "NestJS (app.enableCors)", verified_live: true, language: "typescript", render };

fn render(plan: &FixPlan) -> Rendered {
    let options = options(plan, &listed_origins(plan), Spelling::CorsPackage);
    let snippet = format!(
        "// Before any app.use(): preflights never carry credentials, so they are answered before auth.\n\
         app.enableCors({{\n{}\n}});\n",
        options
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
