//! Apache httpd: mod_headers `Header always set` and a mod_rewrite rule that answers OPTIONS with
//! 204. In server context (a `<VirtualHost>`), mod_rewrite runs in the translate-name phase, before
//! any access, authentication or authorization hook, so the preflight never reaches `Require`.
//! With several origins, `SetEnvIf` on a regex of the literal origins copies the matching Origin
//! into an environment variable that `Header ... env=` sends back.

// Nothing is dropped: `%` is doubled, and no other token character means anything in a quoted
// argument.
use super::quote;
use super::{FixPlan, Framework, Rendered};

pub(crate) const APACHE: Framework =
    Framework { id: "apache", name: "Apache httpd (mod_headers + mod_rewrite)", verified_live: true, language: "apache", render };

fn render(plan: &FixPlan) -> Rendered {
    let set = |name: &str, value: &str| format!("Header always set {name} {}", quote::apache(value));
    let mut lines = vec!["# CORS (a2enmod headers rewrite setenvif). `always` also covers 401/403/5xx answers.".to_owned()];
    if let [origin] = &plan.origins[..] {
        lines.push(set("Access-Control-Allow-Origin", origin));
    } else {
        lines.extend([
            "# Echo the request's Origin when it is one of these (never a list in one header).".to_owned(),
            format!("SetEnvIf Origin {} CORS_ORIGIN=$0", quote::origin_regex(&plan.origins)),
            "Header always set Access-Control-Allow-Origin \"%{CORS_ORIGIN}e\" env=CORS_ORIGIN".to_owned(),
        ]);
    }
    lines.push(format!("Header always merge Vary {}", quote::apache("Origin")));
    if plan.credentials {
        lines.push(set("Access-Control-Allow-Credentials", "true"));
    }
    if !plan.methods.is_empty() {
        lines.push(set("Access-Control-Allow-Methods", &plan.methods.join(", ")));
    }
    if !plan.headers.is_empty() {
        lines.push(set("Access-Control-Allow-Headers", &plan.headers.join(", ")));
    }
    if !plan.expose_headers.is_empty() {
        lines.push(set("Access-Control-Expose-Headers", &plan.expose_headers.join(", ")));
    }
    lines.push(set("Access-Control-Max-Age", &plan.max_age.to_string()));
    lines.extend(
        [
            "# Answer the preflight with 204 before authentication runs.",
            "RewriteEngine On",
            "RewriteCond %{REQUEST_METHOD} =OPTIONS",
            "RewriteRule ^ - [R=204,L]",
        ]
        .map(str::to_owned),
    );
    let snippet = lines.join("\n") + "\n";
    let notes = vec![
        "Inside <Directory>, <Location> or .htaccess, mod_rewrite runs only after authentication (fixup phase): \
         keep the rewrite lines in the <VirtualHost> itself."
            .to_owned(),
        "If the proxied application also sends Access-Control-* headers, remove them there: Header always set does not \
         replace headers the backend sent, and two Access-Control-Allow-Origin headers fail."
            .to_owned(),
    ];
    Rendered {
        placement: format!(
            "In the <VirtualHost> that serves {} (server context, not <Directory>, <Location> or .htaccess), \
             replacing other Access-Control-* Header lines.",
            plan.path
        ),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{
        assert_contained, hostile_origins_plan, hostile_plan, outside_literals, sample_plan,
    };
    use super::*;

    #[test]
    fn hostile_origins_stay_inside_the_regex() {
        let r = render(&hostile_origins_plan());
        assert_contained(&r.snippet, '"');
        let line = r.snippet.lines().find(|l| l.starts_with("SetEnvIf")).unwrap();
        assert!(line.ends_with(")$\" CORS_ORIGIN=$0"), "{line}");
        // The only format specifier is the snippet's own %{CORS_ORIGIN}e.
        let outside = outside_literals(&r.snippet, '"');
        assert_eq!(outside.matches('%').count(), 1, "only %{{REQUEST_METHOD}}");
        assert_eq!(r.snippet.matches("%{").count() - r.snippet.matches("%%{").count(), 2, "{}", r.snippet);
    }

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"# CORS (a2enmod headers rewrite setenvif). `always` also covers 401/403/5xx answers.
Header always set Access-Control-Allow-Origin "https://app.example.com"
Header always merge Vary "Origin"
Header always set Access-Control-Allow-Credentials "true"
Header always set Access-Control-Allow-Methods "PUT"
Header always set Access-Control-Allow-Headers "Content-Type, X-Api-Key"
Header always set Access-Control-Expose-Headers "X-Request-Id"
Header always set Access-Control-Max-Age "7200"
# Answer the preflight with 204 before authentication runs.
RewriteEngine On
RewriteCond %{REQUEST_METHOD} =OPTIONS
RewriteRule ^ - [R=204,L]
"#
        );
        assert!(r.placement.starts_with("In the <VirtualHost> that serves /api/submit"));
        assert_eq!(r.notes.len(), 2, "the Max-Age note is added by the registry");
    }

    #[test]
    fn percent_is_literal() {
        let mut plan = sample_plan();
        plan.headers = vec!["X-%t".to_owned()];
        assert!(render(&plan).snippet.contains("Header always set Access-Control-Allow-Headers \"X-%%t\"\n"));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
        for line in r.snippet.lines().filter(|l| l.starts_with("Header ")) {
            assert!(line.ends_with('"'), "{line}");
            // Every % inside a value is doubled: no format specifier survives.
            let value = &line[line.find('"').unwrap()..];
            assert_eq!(value.replace("%%", "").matches('%').count(), 0, "{line}");
        }
        assert_eq!(outside_literals(&r.snippet, '"').matches('%').count(), 1, "only %{{REQUEST_METHOD}}");
        assert_eq!(r.snippet.lines().count(), render(&sample_plan()).snippet.lines().count());
    }
}
