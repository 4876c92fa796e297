//! Tomcat 10 (Jakarta EE): Tomcat's own `org.apache.catalina.filters.CorsFilter`, declared in
//! WEB-INF/web.xml with its `filter-mapping` first, since filters run in the order of their
//! mappings: it answers a preflight itself, before any authentication filter, and adds the CORS
//! headers (and `Vary: Origin`) to the other answers. Every init-param is set: Tomcat's defaults
//! (Max-Age 1800, a fixed header list) are not what the plan says.

use super::{FixPlan, Framework, Rendered};

pub(crate) const TOMCAT: Framework =
    Framework { id: "tomcat", name: "Tomcat 10 (CorsFilter)", verified_live: true, language: "xml", render };

/// XML character data: the five predefined entities, and control characters dropped (XML 1.0 cannot hold most of them).
fn xml(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn param(name: &str, value: &str) -> String {
    format!("  <init-param>\n    <param-name>{name}</param-name>\n    <param-value>{}</param-value>\n  </init-param>", xml(value))
}

fn render(plan: &FixPlan) -> Rendered {
    // CorsFilter splits every list on commas; no token or origin holds one.
    let mut params = vec![
        param("cors.allowed.origins", &plan.origins.join(",")),
        param("cors.allowed.methods", &plan.methods.join(",")),
        param("cors.allowed.headers", &plan.headers.join(",")),
    ];
    if !plan.expose_headers.is_empty() {
        params.push(param("cors.exposed.headers", &plan.expose_headers.join(",")));
    }
    // Tomcat refuses to start with `*` and credentials, so `*` is only ever written without them.
    params.push(param("cors.support.credentials", if plan.credentials && !plan.any_origin() { "true" } else { "false" }));
    params.push(param("cors.preflight.maxage", &plan.max_age.to_string()));
    let snippet = format!(
        "<!-- CORS: this filter-mapping first, so preflights are answered before any auth filter. -->\n\
         <filter>\n  <filter-name>CorsFilter</filter-name>\n  <filter-class>org.apache.catalina.filters.CorsFilter</filter-class>\n{}\n</filter>\n\
         <filter-mapping>\n  <filter-name>CorsFilter</filter-name>\n  <url-pattern>/*</url-pattern>\n</filter-mapping>\n",
        params.join("\n")
    );
    let notes = vec![
        "CorsFilter answers a request from an origin it does not list with 403, and a preflight with 200 and no body.".to_owned(),
        "Spring Security or another auth filter mapped earlier would still see the preflight first: keep this mapping above theirs."
            .to_owned(),
    ];
    Rendered {
        placement: "In WEB-INF/web.xml inside <web-app>, above every other <filter-mapping>, replacing any CORS filter or \
                    hand-set Access-Control-* headers."
            .to_owned(),
        snippet,
        notes,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::quote::testing::{any_origin_plan, hostile_plan, sample_plan};
    use super::*;

    #[test]
    fn snapshot() {
        let r = render(&sample_plan());
        assert_eq!(
            r.snippet,
            "<!-- CORS: this filter-mapping first, so preflights are answered before any auth filter. -->
<filter>
  <filter-name>CorsFilter</filter-name>
  <filter-class>org.apache.catalina.filters.CorsFilter</filter-class>
  <init-param>
    <param-name>cors.allowed.origins</param-name>
    <param-value>https://app.example.com</param-value>
  </init-param>
  <init-param>
    <param-name>cors.allowed.methods</param-name>
    <param-value>PUT</param-value>
  </init-param>
  <init-param>
    <param-name>cors.allowed.headers</param-name>
    <param-value>Content-Type,X-Api-Key</param-value>
  </init-param>
  <init-param>
    <param-name>cors.exposed.headers</param-name>
    <param-value>X-Request-Id</param-value>
  </init-param>
  <init-param>
    <param-name>cors.support.credentials</param-name>
    <param-value>true</param-value>
  </init-param>
  <init-param>
    <param-name>cors.preflight.maxage</param-name>
    <param-value>7200</param-value>
  </init-param>
</filter>
<filter-mapping>
  <filter-name>CorsFilter</filter-name>
  <url-pattern>/*</url-pattern>
</filter-mapping>
"
        );
        assert_eq!(r.notes.len(), 2, "the Max-Age note is added by the registry");
    }

    #[test]
    fn any_origin_never_claims_credentials() {
        let r = render(&any_origin_plan());
        assert!(r.snippet.contains("<param-value>*</param-value>"));
        assert!(r.snippet.contains("<param-name>cors.support.credentials</param-name>\n    <param-value>false</param-value>"));
    }

    /// Whether any markup (a tag, a comment) holds `pwned`: a value that became markup.
    pub(crate) fn markup_holds_pwned(snippet: &str) -> bool {
        snippet.split('<').skip(1).any(|tag| tag.split('>').next().unwrap_or("").contains("pwned"))
    }

    #[test]
    fn hostile_plan_stays_character_data() {
        let r = render(&hostile_plan());
        // No value opens or closes an element or an attribute: every <, > and " in the snippet is the template's.
        assert!(!markup_holds_pwned(&r.snippet), "{}", r.snippet);
        assert!(!r.snippet.contains('"'));
        assert_eq!(xml("a<b>&\"c'\n"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
