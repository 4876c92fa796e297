//! AWS API Gateway. HTTP APIs: the API's `CorsConfiguration` (API Gateway then answers preflights
//! itself and adds the headers to integration responses). REST APIs: an OPTIONS method with a mock
//! integration whose static response parameters carry the headers. Not runnable here:
//! snapshot-tested only.
//!
//! REST static values are written `'value'` inside a YAML string, and have no escape for `'`
//! (a token character): such values are left out with a note. A static value cannot echo one of
//! several origins, so with more than one the mock's mapping template sets the header for a listed
//! Origin (`$context.responseOverride`).

use super::quote::{self, dropped_note, split_writable};
use super::{quoted, quoted_list, FixPlan, Framework, Rendered};

pub(crate) const HTTP_API: Framework =
    Framework { id: "apigateway", name: "AWS API Gateway HTTP API (CORS config)", verified_live: false, language: "json", render: render_http };

pub(crate) const REST_API: Framework = Framework {
    id: "apigateway-rest",
    name: "AWS API Gateway REST API (OPTIONS mock)",
    verified_live: false,
    language: "yaml",
    render: render_rest,
};

fn render_http(plan: &FixPlan) -> Rendered {
    let mut fields = vec![format!("  \"AllowOrigins\": {}", quoted_list(&plan.origins))];
    if !plan.methods.is_empty() {
        fields.push(format!("  \"AllowMethods\": {}", quoted_list(&plan.methods)));
    }
    if !plan.headers.is_empty() {
        fields.push(format!("  \"AllowHeaders\": {}", quoted_list(&plan.headers)));
    }
    if !plan.expose_headers.is_empty() {
        fields.push(format!("  \"ExposeHeaders\": {}", quoted_list(&plan.expose_headers)));
    }
    if plan.credentials {
        fields.push("  \"AllowCredentials\": true".to_owned());
    }
    fields.push(format!("  \"MaxAge\": {}", plan.max_age));
    let snippet = format!("{{\n{}\n}}\n", fields.join(",\n"));
    let notes = vec![
        "API Gateway then answers preflights itself and ignores CORS headers from the integration: remove them there.".to_owned(),
        "An ANY or $default route with an authorizer also catches the preflight (401): add an `OPTIONS /{proxy+}` route \
         without authorizer, or declare explicit methods on the authorized routes."
            .to_owned(),
        "The same fields go in CloudFormation/SAM (CorsConfiguration) or the console's CORS page.".to_owned(),
    ];
    Rendered {
        placement: "Save as cors.json and apply it: `aws apigatewayv2 update-api --api-id YOUR_API_ID --cors-configuration \
                    file://cors.json` (it replaces the API's whole CORS configuration)."
            .to_owned(),
        snippet,
        notes,
    }
}

/// A YAML double-quoted string holding an API Gateway static value: `"'value'"`.
fn static_value(value: &str) -> String {
    quoted(&format!("'{}'", value.replace('\'', "")))
}

fn render_rest(plan: &FixPlan) -> Rendered {
    let no_quote = |v: &str| !v.contains('\'');
    let (methods, dropped_methods) = split_writable(&plan.methods, no_quote);
    let (headers, dropped_headers) = split_writable(&plan.headers, no_quote);
    let mut params: Vec<(&str, String)> = Vec::new();
    let mut declared = vec!["Access-Control-Allow-Origin"];
    // Mapping-template lines after `application/json: |`, when the origin is echoed.
    let mut template = Vec::new();
    let mut dropped_origins = Vec::new();
    if let [origin] = &plan.origins[..] {
        params.push(("Access-Control-Allow-Origin", origin.clone()));
        declared.clear();
    } else {
        // VTL single-quoted strings do not interpolate; a value that could end one is left out.
        let (origins, dropped) = split_writable(&plan.origins, |v| no_quote(v) && !v.contains('"') && quote::printable(v) == v);
        dropped_origins = dropped;
        if !origins.is_empty() {
            let tests: Vec<String> = origins.iter().map(|o| format!("$origin == '{o}'")).collect();
            template = vec![
                "#set($origin = $input.params('Origin'))".to_owned(),
                format!("#if({})", tests.join(" || ")),
                "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)".to_owned(),
                "#end".to_owned(),
            ];
        }
    }
    params.push(("Vary", "Origin".to_owned()));
    if plan.credentials {
        params.push(("Access-Control-Allow-Credentials", "true".to_owned()));
    }
    if !methods.is_empty() {
        params.push(("Access-Control-Allow-Methods", methods.join(",")));
    }
    if !headers.is_empty() {
        params.push(("Access-Control-Allow-Headers", headers.join(",")));
    }
    params.push(("Access-Control-Max-Age", plan.max_age.to_string()));
    declared.extend(params.iter().map(|(name, _)| *name));
    let declared: Vec<String> = declared.iter().map(|name| format!("            {name}: {{schema: {{type: string}}}}")).collect();
    let mapped: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("              method.response.header.{name}: {}", static_value(value)))
        .collect();
    let mut snippet = format!(
        "paths:\n\
         \x20 {}:\n\
         \x20   options:\n\
         \x20     security: []\n\
         \x20     responses:\n\
         \x20       \"204\":\n\
         \x20         description: CORS preflight\n\
         \x20         headers:\n\
         {}\n\
         \x20     x-amazon-apigateway-integration:\n\
         \x20       type: mock\n\
         \x20       requestTemplates:\n\
         \x20         application/json: '{{\"statusCode\": 204}}'\n\
         \x20       responses:\n\
         \x20         default:\n\
         \x20           statusCode: \"204\"\n\
         \x20           responseParameters:\n\
         {}\n",
        quoted(&plan.path),
        declared.join("\n"),
        mapped.join("\n")
    );
    if !template.is_empty() {
        snippet.push_str("            responseTemplates:\n              application/json: |\n");
        for line in &template {
            snippet.push_str(&format!("                {line}\n"));
        }
    }
    let mut notes = vec![
        "The OPTIONS method needs no authorizer (security: [] / authorizationType NONE): preflights carry no credentials."
            .to_owned(),
        "The actual response must carry Access-Control-Allow-Origin (and Allow-Credentials, Vary: Origin) too: a Lambda \
         proxy integration returns them itself; add them to the gateway responses DEFAULT_4XX and DEFAULT_5XX so \
         authorizer rejections stay readable."
            .to_owned(),
        "Import with `aws apigateway put-rest-api --rest-api-id YOUR_API_ID --mode merge --body fileb://cors.yaml`, then \
         deploy the stage."
            .to_owned(),
    ];
    let why = "API Gateway static values cannot hold a single quote";
    notes.extend(dropped_note("origin", &dropped_origins, "a mapping template string cannot hold it"));
    notes.extend(dropped_note("method", &dropped_methods, why));
    notes.extend(dropped_note("request header", &dropped_headers, why));
    if !plan.expose_headers.is_empty() {
        notes.push(format!(
            "Expose {} from the actual response (Access-Control-Expose-Headers), not from this preflight.",
            plan.expose_headers.join(", ")
        ));
    }
    Rendered {
        placement: format!("In the API's OpenAPI definition, under the {} resource (merge it with the other methods).", plan.path),
        snippet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::quote::testing::{assert_contained, hostile_origins_plan, hostile_plan, sample_plan, two_origin_plan};
    use super::*;

    #[test]
    fn rest_api_echoes_one_of_several_origins_from_its_mapping_template() {
        let r = render_rest(&two_origin_plan());
        assert!(r.snippet.contains("            Access-Control-Allow-Origin: {schema: {type: string}}\n            Vary: {schema: {type: string}}\n"));
        assert!(!r.snippet.contains("method.response.header.Access-Control-Allow-Origin"), "no static origin: {}", r.snippet);
        assert!(
            r.snippet.ends_with(
                r#"              method.response.header.Access-Control-Max-Age: "'7200'"
            responseTemplates:
              application/json: |
                #set($origin = $input.params('Origin'))
                #if($origin == 'https://app.example.com' || $origin == 'https://admin.example:8443')
                #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)
                #end
"#
            ),
            "{}",
            r.snippet
        );
        let json: serde_json::Value = serde_json::from_str(&render_http(&two_origin_plan()).snippet).unwrap();
        assert_eq!(json["AllowOrigins"], serde_json::json!(["https://app.example.com", "https://admin.example:8443"]));
    }

    #[test]
    fn hostile_origins_are_left_out_of_the_mapping_template() {
        let r = render_rest(&hostile_origins_plan());
        assert_contained(&r.snippet, '"');
        // Both hostile origins hold a quote: no template at all, and a note naming them.
        assert!(!r.snippet.contains("responseTemplates"), "{}", r.snippet);
        assert!(r.notes.iter().any(|n| n.starts_with("Left out origin ") && n.contains("mapping template")), "{:?}", r.notes);
    }

    #[test]
    fn snapshot_http_api() {
        let r = render_http(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"{
  "AllowOrigins": ["https://app.example.com"],
  "AllowMethods": ["PUT"],
  "AllowHeaders": ["Content-Type", "X-Api-Key"],
  "ExposeHeaders": ["X-Request-Id"],
  "AllowCredentials": true,
  "MaxAge": 7200
}
"#
        );
        let json: serde_json::Value = serde_json::from_str(&r.snippet).unwrap();
        assert_eq!(json["MaxAge"], 7200);
    }

    #[test]
    fn snapshot_rest_api() {
        let r = render_rest(&sample_plan());
        assert_eq!(
            r.snippet,
            r#"paths:
  "/api/submit":
    options:
      security: []
      responses:
        "204":
          description: CORS preflight
          headers:
            Access-Control-Allow-Origin: {schema: {type: string}}
            Vary: {schema: {type: string}}
            Access-Control-Allow-Credentials: {schema: {type: string}}
            Access-Control-Allow-Methods: {schema: {type: string}}
            Access-Control-Allow-Headers: {schema: {type: string}}
            Access-Control-Max-Age: {schema: {type: string}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 204}'
        responses:
          default:
            statusCode: "204"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
              method.response.header.Vary: "'Origin'"
              method.response.header.Access-Control-Allow-Credentials: "'true'"
              method.response.header.Access-Control-Allow-Methods: "'PUT'"
              method.response.header.Access-Control-Allow-Headers: "'Content-Type,X-Api-Key'"
              method.response.header.Access-Control-Max-Age: "'7200'"
"#
        );
        assert!(r.notes.iter().any(|n| n.contains("Expose X-Request-Id")));
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render_http(&hostile_plan());
        assert_contained(&r.snippet, '"');
        assert!(serde_json::from_str::<serde_json::Value>(&r.snippet).is_ok(), "{}", r.snippet);
        let r = render_rest(&hostile_plan());
        assert_contained(&r.snippet, '"');
        for line in r.snippet.lines().filter(|l| l.contains("method.response.header.")) {
            // Exactly the two quotes of the static value.
            let value = &line[line.find(": ").unwrap() + 2..];
            assert_eq!(value.matches('\'').count(), 2, "{line}");
            assert!(value.starts_with("\"'") && value.ends_with("'\""), "{line}");
        }
        assert!(r.notes.iter().any(|n| n.contains("cannot hold a single quote")));
    }
}
