//! FastAPI / Starlette with `CORSMiddleware`. Starlette wraps the app in middleware in reverse
//! order of addition: the middleware added last runs first. So CORS is added after every other
//! middleware, to answer preflights before any authentication middleware sees them.

use super::{quoted_list, FixPlan, Framework, Rendered};

pub(crate) const FASTAPI: Framework = Framework {
    id: "fastapi",
    name: "FastAPI / Starlette (CORSMiddleware)",
    verified_live: true,
    language: "python",
    render,
};

fn render(plan: &FixPlan) -> Rendered {
    let mut args = vec![
        "    CORSMiddleware,".to_owned(),
        format!("    allow_origins={},", quoted_list(&plan.origins)),
        format!("    allow_methods={},", quoted_list(&plan.methods)),
        format!("    allow_headers={},", quoted_list(&plan.headers)),
    ];
    if plan.credentials {
        args.push("    allow_credentials=True,".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        args.push(format!("    expose_headers={},", quoted_list(&plan.expose_headers)));
    }
    args.push(format!("    max_age={},", plan.max_age));
    let snippet = format!(
        "from fastapi.middleware.cors import CORSMiddleware\n\
         \n\
         # Added last so it runs first (Starlette runs the most recently added middleware outermost):\n\
         # preflights are answered before any authentication, since they never carry credentials.\n\
         app.add_middleware(\n{}\n)\n",
        args.join("\n")
    );
    let notes = vec![
        "Remove any other CORS middleware or hand-written Access-Control-* headers, so each response carries one set.".to_owned(),
        "Starlette answers a preflight it does not allow with 400 and the reason in the body (\"Disallowed CORS method\"); the Access-Control-Allow-Headers it sends always includes the CORS-safelisted names.".to_owned(),
        "Starlette's default Max-Age is 600 s.".to_owned(),
    ];
    Rendered {
        placement: "After `app = FastAPI()` and after every other `app.add_middleware(...)` or `@app.middleware(\"http\")` (authentication included), so CORS is the outermost middleware."
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
            "from fastapi.middleware.cors import CORSMiddleware\n\
             \n\
             # Added last so it runs first (Starlette runs the most recently added middleware outermost):\n\
             # preflights are answered before any authentication, since they never carry credentials.\n\
             app.add_middleware(\n    \
             CORSMiddleware,\n    \
             allow_origins=[\"https://app.example.com\"],\n    \
             allow_methods=[\"PUT\"],\n    \
             allow_headers=[\"Content-Type\", \"X-Api-Key\"],\n    \
             allow_credentials=True,\n    \
             expose_headers=[\"X-Request-Id\"],\n    \
             max_age=7200,\n\
             )\n"
        );
        assert!(r.placement.contains("outermost"));
    }

    #[test]
    fn minimal_plan_omits_credentials_and_expose() {
        let r = render(&minimal_plan("DELETE"));
        assert!(r.snippet.contains("    allow_methods=[\"DELETE\"],\n    allow_headers=[],\n    max_age=7200,\n)"), "{}", r.snippet);
        assert!(!r.snippet.contains("allow_credentials"));
        assert!(!r.snippet.contains("expose_headers"));
    }

    #[test]
    fn opaque_origin() {
        let mut p = plan();
        p.origins = vec!["null".to_owned()];
        assert!(render(&p).snippet.contains("    allow_origins=[\"null\"],\n"));
    }
}
