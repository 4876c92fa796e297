//! ASP.NET Core: a named CORS policy (`AddCors`) and `UseCors` after `UseRouting` and before
//! `UseAuthentication`/`UseAuthorization`, so the CORS middleware answers preflights (204) before
//! authentication runs. Not runnable here: snapshot-tested only.

use super::{quoted, FixPlan, Framework, Rendered};

pub(crate) const ASPNET: Framework =
    Framework { id: "aspnet", name: "ASP.NET Core (AddCors/UseCors)", verified_live: false, language: "csharp", render };

fn args(values: &[String]) -> String {
    values.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(", ")
}

fn render(plan: &FixPlan) -> Rendered {
    let mut calls = vec![if plan.any_origin() { ".AllowAnyOrigin()".to_owned() } else { format!(".WithOrigins({})", args(&plan.origins)) }];
    if !plan.methods.is_empty() {
        calls.push(format!(".WithMethods({})", args(&plan.methods)));
    }
    if !plan.headers.is_empty() {
        calls.push(format!(".WithHeaders({})", args(&plan.headers)));
    }
    if !plan.expose_headers.is_empty() {
        calls.push(format!(".WithExposedHeaders({})", args(&plan.expose_headers)));
    }
    if plan.credentials {
        calls.push(".AllowCredentials()".to_owned());
    }
    calls.push(format!(".SetPreflightMaxAge(TimeSpan.FromSeconds({}))", plan.max_age));
    let last = calls.len() - 1;
    let calls: Vec<String> = calls
        .iter()
        .enumerate()
        .map(|(i, c)| format!("        {c}{}", if i == last { "));" } else { "" }))
        .collect();
    let snippet = format!(
        "// Program.cs, before builder.Build():\n\
         builder.Services.AddCors(options =>\n\
         \x20   options.AddPolicy(\"ApiCors\", policy => policy\n\
         {}\n\
         \n\
         // After builder.Build(): after UseRouting, before authentication, authorization and the endpoints.\n\
         app.UseRouting();\n\
         app.UseCors(\"ApiCors\");\n\
         app.UseAuthentication();\n\
         app.UseAuthorization();\n",
        calls.join("\n")
    );
    let notes = vec![
        "The CORS middleware answers preflights with 204 itself; a UseCors after UseAuthentication lets auth reject them."
            .to_owned(),
        "Endpoints with [DisableCors] or a different [EnableCors] policy override this one.".to_owned(),
    ];
    Rendered {
        placement: "In Program.cs: AddCors with the other service registrations, UseCors between UseRouting and \
                    UseAuthentication (keep your existing UseRouting/UseAuthentication/UseAuthorization lines, once each)."
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
            r#"// Program.cs, before builder.Build():
builder.Services.AddCors(options =>
    options.AddPolicy("ApiCors", policy => policy
        .WithOrigins("https://app.example.com")
        .WithMethods("PUT")
        .WithHeaders("Content-Type", "X-Api-Key")
        .WithExposedHeaders("X-Request-Id")
        .AllowCredentials()
        .SetPreflightMaxAge(TimeSpan.FromSeconds(7200))));

// After builder.Build(): after UseRouting, before authentication, authorization and the endpoints.
app.UseRouting();
app.UseCors("ApiCors");
app.UseAuthentication();
app.UseAuthorization();
"#
        );
        assert_eq!(r.notes.len(), 2, "the Max-Age note is added by the registry");
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
    }
}
