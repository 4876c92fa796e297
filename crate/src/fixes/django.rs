//! Django with `django-cors-headers`. Its middleware answers preflights itself, but only when it
//! sits above every middleware that can return a response (authentication, CommonMiddleware), so
//! the snippet moves it to the top of `MIDDLEWARE` whatever the settings had before.

use super::{quoted_list, FixPlan, Framework, Rendered};

pub(crate) const DJANGO: Framework =
    Framework { id: "django", name: "Django (django-cors-headers)", verified_live: true, language: "python", render };

const MIDDLEWARE: &str = "corsheaders.middleware.CorsMiddleware";

fn render(plan: &FixPlan) -> Rendered {
    let mut lines = vec![
        "# CORS (django-cors-headers): its middleware goes first, so preflights are answered before any".to_owned(),
        "# authentication middleware sees them (preflights never carry credentials).".to_owned(),
        "INSTALLED_APPS = [app for app in INSTALLED_APPS if app != \"corsheaders\"] + [\"corsheaders\"]".to_owned(),
        format!("MIDDLEWARE = [\"{MIDDLEWARE}\"] + [m for m in MIDDLEWARE if m != \"{MIDDLEWARE}\"]"),
        if plan.any_origin() {
            "CORS_ALLOW_ALL_ORIGINS = True".to_owned()
        } else {
            format!("CORS_ALLOWED_ORIGINS = {}", quoted_list(&plan.origins))
        },
        format!("CORS_ALLOW_METHODS = {}", quoted_list(&plan.methods)),
        format!("CORS_ALLOW_HEADERS = {}", quoted_list(&plan.headers)),
    ];
    if plan.credentials {
        lines.push("CORS_ALLOW_CREDENTIALS = True".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        lines.push(format!("CORS_EXPOSE_HEADERS = {}", quoted_list(&plan.expose_headers)));
    }
    lines.push(format!("CORS_PREFLIGHT_MAX_AGE = {}", plan.max_age));
    let snippet = lines.join("\n") + "\n";
    let origins_note = if plan.any_origin() {
        "CORS_ALLOW_ALL_ORIGINS keeps your server's *: never combine it with CORS_ALLOW_CREDENTIALS, which would let every origin in with credentials."
    } else {
        "Leave CORS_ALLOW_ALL_ORIGINS unset (False): with it, every origin is allowed, credentials included."
    };
    let notes = vec![
        "Install the package: pip install django-cors-headers.".to_owned(),
        "The lists name only what this request needs; the package's broader defaults are in corsheaders.defaults (default_methods, default_headers) if other requests need them.".to_owned(),
        origins_note.to_owned(),
        "django-cors-headers defaults to a Max-Age of 86400 s; 0 sends none.".to_owned(),
    ];
    Rendered {
        placement: "At the end of settings.py, after INSTALLED_APPS, MIDDLEWARE and any earlier CORS_* settings, which these lines replace."
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
            "# CORS (django-cors-headers): its middleware goes first, so preflights are answered before any\n\
             # authentication middleware sees them (preflights never carry credentials).\n\
             INSTALLED_APPS = [app for app in INSTALLED_APPS if app != \"corsheaders\"] + [\"corsheaders\"]\n\
             MIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\"] + [m for m in MIDDLEWARE if m != \"corsheaders.middleware.CorsMiddleware\"]\n\
             CORS_ALLOWED_ORIGINS = [\"https://app.example.com\"]\n\
             CORS_ALLOW_METHODS = [\"PUT\"]\n\
             CORS_ALLOW_HEADERS = [\"Content-Type\", \"X-Api-Key\"]\n\
             CORS_ALLOW_CREDENTIALS = True\n\
             CORS_EXPOSE_HEADERS = [\"X-Request-Id\"]\n\
             CORS_PREFLIGHT_MAX_AGE = 7200\n"
        );
        assert!(r.placement.contains("settings.py"));
    }

    #[test]
    fn minimal_plan_omits_credentials_and_expose() {
        let r = render(&minimal_plan("GET"));
        assert!(r.snippet.ends_with("CORS_ALLOW_METHODS = [\"GET\"]\nCORS_ALLOW_HEADERS = []\nCORS_PREFLIGHT_MAX_AGE = 7200\n"), "{}", r.snippet);
        assert!(!r.snippet.contains("CORS_ALLOW_CREDENTIALS"));
        assert!(!r.snippet.contains("CORS_EXPOSE_HEADERS"));
    }

    #[test]
    fn opaque_origin() {
        let mut p = plan();
        p.origins = vec!["null".to_owned()];
        assert!(render(&p).snippet.contains("CORS_ALLOWED_ORIGINS = [\"null\"]\n"));
    }
}
