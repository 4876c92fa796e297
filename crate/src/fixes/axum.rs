//! Axum with tower-http's `CorsLayer`. The layer added last wraps everything added before it, so
//! adding `cors()` with the last `.layer(...)` puts it outside the auth layer: it answers
//! preflights itself (they never reach auth or the router's 405) and decorates every response.
//!
//! Values are Rust string literals ([`quoted`]); header names are lower-cased because
//! `HeaderName::from_static` accepts only lower case.

use super::quote::summary;
use super::{quoted, FixPlan, Framework, Rendered};

pub(crate) const AXUM: Framework =
    Framework { id: "axum", name: "Axum (tower-http CorsLayer)", verified_live: true, language: "rust", render };

const STANDARD_METHODS: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

fn method(m: &str) -> String {
    if STANDARD_METHODS.contains(&m) {
        format!("Method::{m}")
    } else {
        format!("Method::from_bytes(b{}).unwrap()", quoted(m))
    }
}

fn header_names(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| format!("HeaderName::from_static({})", quoted(&n.to_ascii_lowercase()))).collect();
    format!("[{}]", items.join(", "))
}

fn render(plan: &FixPlan) -> Rendered {
    // A list, even of one: CorsLayer then echoes the request's origin when it is listed.
    let origins: Vec<String> = plan.origins.iter().map(|o| format!("HeaderValue::from_static({})", quoted(o))).collect();
    let allow_origin = if plan.any_origin() { "AllowOrigin::any()".to_owned() } else { format!("AllowOrigin::list([{}])", origins.join(", ")) };
    let uses_names = !plan.headers.is_empty() || !plan.expose_headers.is_empty();
    let mut http_imports = Vec::new();
    if uses_names {
        http_imports.push("HeaderName");
    }
    http_imports.push("HeaderValue");
    if !plan.methods.is_empty() {
        http_imports.push("Method");
    }
    let mut calls = vec![format!(".allow_origin({allow_origin})")];
    if !plan.methods.is_empty() {
        let methods: Vec<String> = plan.methods.iter().map(|m| method(m)).collect();
        calls.push(format!(".allow_methods([{}])", methods.join(", ")));
    }
    if !plan.headers.is_empty() {
        calls.push(format!(".allow_headers({})", header_names(&plan.headers)));
    }
    if plan.credentials {
        calls.push(".allow_credentials(true)".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        calls.push(format!(".expose_headers({})", header_names(&plan.expose_headers)));
    }
    calls.push(format!(".max_age(Duration::from_secs({}))", plan.max_age));
    let body: Vec<String> = calls.iter().map(|c| format!("        {c}")).collect();
    let snippet = format!(
        "use std::time::Duration;\n\
         \n\
         use axum::http::{{{}}};\n\
         use tower_http::cors::{{AllowOrigin, CorsLayer}};\n\
         \n\
         // Allows {} (HeaderName::from_static takes lower case).\n\
         fn cors() -> CorsLayer {{\n    CorsLayer::new()\n{}\n}}\n\
         \n\
         // The last `.layer(...)` is the outermost: it answers preflights before your auth layer runs.\n\
         // let app = Router::new().route(...).layer(auth).layer(cors());\n",
        http_imports.join(", "),
        summary(plan),
        body.join("\n")
    );
    let notes = vec![
        "Cargo.toml: tower-http = { version = \"0.6\", features = [\"cors\"] }.".to_owned(),
        "CorsLayer answers preflights with 200 and the headers, and adds Vary: origin, access-control-request-method, \
         access-control-request-headers."
            .to_owned(),
        "A `route_layer` or a layer added after `.layer(cors())` runs before it: keep cors() last.".to_owned(),
    ];
    Rendered {
        placement: "Add the function to the module that builds your Router, and apply it with the Router's last \
                    `.layer(cors())`, after the auth layer; remove other CORS layers."
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
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

// Allows PUT with Content-Type, X-Api-Key from https://app.example.com (HeaderName::from_static takes lower case).
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list([HeaderValue::from_static("https://app.example.com")]))
        .allow_methods([Method::PUT])
        .allow_headers([HeaderName::from_static("content-type"), HeaderName::from_static("x-api-key")])
        .allow_credentials(true)
        .expose_headers([HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(7200))
}

// The last `.layer(...)` is the outermost: it answers preflights before your auth layer runs.
// let app = Router::new().route(...).layer(auth).layer(cors());
"#
        );
        assert_eq!(r.notes.len(), 3, "the Max-Age note is added by the registry");
    }

    #[test]
    fn extension_methods_and_no_headers() {
        let mut plan = sample_plan();
        plan.methods = vec!["PURGE".to_owned()];
        plan.headers.clear();
        plan.expose_headers.clear();
        plan.credentials = false;
        let r = render(&plan);
        assert!(r.snippet.contains("use axum::http::{HeaderValue, Method};\n"));
        assert!(r.snippet.contains(".allow_methods([Method::from_bytes(b\"PURGE\").unwrap()])\n"));
        assert!(!r.snippet.contains("allow_headers") && !r.snippet.contains("allow_credentials"));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
        assert!(!r.snippet.lines().any(|l| l.trim_start().starts_with("pwned")));
    }
}
