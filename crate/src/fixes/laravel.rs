//! Laravel: config/cors.php, read by the framework's global HandleCors middleware, which answers
//! preflights before route middleware such as auth:sanctum. Not runnable here: snapshot-tested only.
//!
//! PHP strings are single-quoted: double quotes would interpolate `$x`, and `$` is a token character.

use super::quote::single_quoted_list;
use super::{FixPlan, Framework, Rendered};

pub(crate) const LARAVEL: Framework =
    Framework { id: "laravel", name: "Laravel (config/cors.php)", verified_live: false, language: "php", render };

fn render(plan: &FixPlan) -> Rendered {
    let path = match plan.path.trim_start_matches('/') {
        "" => "*".to_owned(),
        p => p.to_owned(),
    };
    let snippet = format!(
        "<?php\n\
         \n\
         return [\n\
         \x20   'paths' => {},\n\
         \x20   'allowed_methods' => {},\n\
         \x20   'allowed_origins' => {},\n\
         \x20   'allowed_origins_patterns' => [],\n\
         \x20   'allowed_headers' => {},\n\
         \x20   'exposed_headers' => {},\n\
         \x20   'max_age' => {},\n\
         \x20   'supports_credentials' => {},\n\
         ];\n",
        single_quoted_list(&[path]),
        single_quoted_list(&plan.methods),
        single_quoted_list(&plan.origins),
        single_quoted_list(&plan.headers),
        single_quoted_list(&plan.expose_headers),
        plan.max_age,
        plan.credentials,
    );
    let notes = vec![
        "Laravel 11+: create the file with `php artisan config:publish cors`; then `php artisan config:clear` if the \
         configuration is cached."
            .to_owned(),
        "Widen 'paths' (e.g. 'api/*') to cover the other routes the page calls.".to_owned(),
        "Remove CORS headers set by hand in controllers or other middleware, so HandleCors alone decides.".to_owned(),
    ];
    Rendered {
        placement: "Replace config/cors.php with this (HandleCors is global middleware in Laravel 9+).".to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{assert_contained, hostile_plan, outside_literals, sample_plan};
    use super::*;

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            "<?php

return [
    'paths' => ['api/submit'],
    'allowed_methods' => ['PUT'],
    'allowed_origins' => ['https://app.example.com'],
    'allowed_origins_patterns' => [],
    'allowed_headers' => ['Content-Type', 'X-Api-Key'],
    'exposed_headers' => ['X-Request-Id'],
    'max_age' => 7200,
    'supports_credentials' => true,
];
"
        );
        assert_eq!(r.notes.len(), 3, "the Max-Age note is added by the registry");
    }

    #[test]
    fn root_path_is_a_wildcard_and_no_credentials_is_false() {
        let mut plan = sample_plan();
        plan.path = "/".to_owned();
        plan.credentials = false;
        let r = render(&plan);
        assert!(r.snippet.contains("'paths' => ['*'],"));
        assert!(r.snippet.contains("'supports_credentials' => false,"));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '\'');
        let outside = outside_literals(&r.snippet, '\'');
        assert!(!outside.contains('"'), "no double-quoted (interpolating) string: {}", r.snippet);
    }
}
