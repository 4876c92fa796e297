//! Ruby: the rack-cors gem's `Rack::Cors` middleware, first in the stack (Rack: the first `use` in
//! config.ru; Rails: `insert_before 0`). It answers preflights itself, before authentication.
//!
//! Strings are single-quoted: a double-quoted Ruby string would interpolate `#$x`, and both `#`
//! and `$` are token characters. rack-cors compares the preflight's method in lower case, so
//! methods are written in lower case (symbols for the standard ones).

use super::quote::{single_quoted, single_quoted_list, summary};
use super::{FixPlan, Framework, Rendered};

pub(crate) const RACK: Framework =
    Framework { id: "rack", name: "Rack / Sinatra (rack-cors)", verified_live: true, language: "ruby", render: render_rack };

pub(crate) const RAILS: Framework =
    Framework { id: "rails", name: "Ruby on Rails (rack-cors)", verified_live: true, language: "ruby", render: render_rails };

fn allow_block(plan: &FixPlan, indent: &str) -> String {
    // rack-cors takes several origins as arguments and echoes the one that matches.
    let origins = plan.origins.iter().map(|o| single_quoted(o)).collect::<Vec<_>>().join(", ");
    let methods: Vec<String> = plan
        .methods
        .iter()
        .map(|m| match m.to_ascii_lowercase().as_str() {
            standard @ ("get" | "head" | "post" | "put" | "patch" | "delete" | "options") => format!(":{standard}"),
            other => single_quoted(other),
        })
        .collect();
    let mut options = vec![format!("methods: [{}]", methods.join(", "))];
    if !plan.headers.is_empty() {
        options.push(format!("headers: {}", single_quoted_list(&plan.headers)));
    }
    if plan.credentials {
        options.push("credentials: true".to_owned());
    }
    if !plan.expose_headers.is_empty() {
        options.push(format!("expose: {}", single_quoted_list(&plan.expose_headers)));
    }
    options.push(format!("max_age: {}", plan.max_age));
    let body = options.iter().map(|o| format!("{indent}    {o}")).collect::<Vec<_>>().join(",\n");
    format!(
        "{indent}# Allows {} (rack-cors matches methods in lower case).\n\
         {indent}allow do\n\
         {indent}  origins {origins}\n\
         {indent}  resource '*',\n\
         {body}\n\
         {indent}end\n",
        summary(plan)
    )
}

fn notes(plan: &FixPlan) -> Vec<String> {
    let mut notes = vec![
        "rack-cors answers preflights itself and adds Vary: Origin to actual responses.".to_owned(),
    ];
    if plan.methods.iter().any(|m| m.to_ascii_uppercase() != *m) {
        notes.push(
            "rack-cors answers Access-Control-Allow-Methods in upper case, and browsers compare extension methods \
             case-sensitively: send the method in upper case from the page."
                .to_owned(),
        );
    }
    notes
}

fn render_rack(plan: &FixPlan) -> Rendered {
    let snippet = format!(
        "# Gemfile: gem 'rack-cors'\n\
         require 'rack/cors'\n\
         \n\
         # First middleware, before any authentication: preflights carry no credentials.\n\
         use Rack::Cors do\n\
         {}end\n",
        allow_block(plan, "  ")
    );
    Rendered {
        placement: "In config.ru, as the first `use`, above authentication middleware and `run`; remove other CORS middleware."
            .to_owned(),
        snippet,
        notes: notes(plan),
    }
}

fn render_rails(plan: &FixPlan) -> Rendered {
    let snippet = format!(
        "# Gemfile: gem 'rack-cors'\n\
         # First middleware of the stack, before Warden/Devise and every other authentication.\n\
         Rails.application.config.middleware.insert_before 0, Rack::Cors do\n\
         {}end\n",
        allow_block(plan, "  ")
    );
    Rendered {
        placement: "In config/initializers/cors.rb (replacing its commented-out example), then restart the server.".to_owned(),
        snippet,
        notes: notes(plan),
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{assert_contained, hostile_plan, sample_plan};
    use super::*;

    #[test]
    fn snapshot_rack() {
        let r = render_rack(&sample_plan());
        assert_eq!(
            r.snippet,
            "# Gemfile: gem 'rack-cors'
require 'rack/cors'

# First middleware, before any authentication: preflights carry no credentials.
use Rack::Cors do
  # Allows PUT with Content-Type, X-Api-Key from https://app.example.com (rack-cors matches methods in lower case).
  allow do
    origins 'https://app.example.com'
    resource '*',
      methods: [:put],
      headers: ['Content-Type', 'X-Api-Key'],
      credentials: true,
      expose: ['X-Request-Id'],
      max_age: 7200
  end
end
"
        );
        assert_eq!(r.notes.len(), 1, "the Max-Age note is added by the registry");
    }

    #[test]
    fn snapshot_rails() {
        let mut plan = sample_plan();
        plan.headers.clear();
        plan.expose_headers.clear();
        plan.credentials = false;
        plan.methods = vec!["PURGE".to_owned()];
        let r = render_rails(&plan);
        assert_eq!(
            r.snippet,
            "# Gemfile: gem 'rack-cors'
# First middleware of the stack, before Warden/Devise and every other authentication.
Rails.application.config.middleware.insert_before 0, Rack::Cors do
  # Allows PURGE from https://app.example.com (rack-cors matches methods in lower case).
  allow do
    origins 'https://app.example.com'
    resource '*',
      methods: ['purge'],
      max_age: 7200
  end
end
"
        );
        assert!(r.placement.starts_with("In config/initializers/cors.rb"));
    }

    #[test]
    fn lower_case_extension_methods_get_a_note() {
        let mut plan = sample_plan();
        plan.methods = vec!["patch".to_owned()];
        assert!(render_rack(&plan).notes.iter().any(|n| n.contains("upper case")));
        assert!(render_rack(&sample_plan()).notes.iter().all(|n| !n.contains("upper case")));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        for r in [render_rack(&hostile_plan()), render_rails(&hostile_plan())] {
            // Comment lines aside, every quote in the snippet is a single-quoted literal's.
            assert_contained(&r.snippet, '\'');
            assert!(!r.snippet.lines().any(|l| l.trim_start().starts_with("pwned")));
        }
    }
}
