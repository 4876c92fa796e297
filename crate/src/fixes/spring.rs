//! Spring Boot: a `CorsConfigurationSource` bean, used by Spring Security through `http.cors(...)`
//! so that its `CorsFilter` answers preflights before authentication. Not runnable here: the
//! template is snapshot-tested only.

use super::{quoted, FixPlan, Framework, Rendered};

pub(crate) const SPRING: Framework =
    Framework { id: "spring", name: "Spring Boot (CorsConfigurationSource)", verified_live: false, language: "java", render };

/// `List.of("a", "b")`.
fn list_of(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| quoted(v)).collect();
    format!("List.of({})", items.join(", "))
}

fn render(plan: &FixPlan) -> Rendered {
    let mut config = vec![format!("config.setAllowedOrigins({});", list_of(&plan.origins))];
    if !plan.methods.is_empty() {
        config.push(format!("config.setAllowedMethods({});", list_of(&plan.methods)));
    }
    if !plan.headers.is_empty() {
        config.push(format!("config.setAllowedHeaders({});", list_of(&plan.headers)));
    }
    if !plan.expose_headers.is_empty() {
        config.push(format!("config.setExposedHeaders({});", list_of(&plan.expose_headers)));
    }
    if plan.credentials {
        config.push("config.setAllowCredentials(true);".to_owned());
    }
    config.push(format!("config.setMaxAge({}L);", plan.max_age));
    let config: Vec<String> = config.iter().map(|c| format!("    {c}")).collect();
    let snippet = format!(
        "import java.util.List;\n\
         import org.springframework.context.annotation.Bean;\n\
         import org.springframework.security.config.Customizer;\n\
         import org.springframework.web.cors.CorsConfiguration;\n\
         import org.springframework.web.cors.CorsConfigurationSource;\n\
         import org.springframework.web.cors.UrlBasedCorsConfigurationSource;\n\
         \n\
         @Bean\n\
         CorsConfigurationSource corsConfigurationSource() {{\n\
         \x20   CorsConfiguration config = new CorsConfiguration();\n\
         {}\n\
         \x20   UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();\n\
         \x20   source.registerCorsConfiguration(\"/**\", config);\n\
         \x20   return source;\n\
         }}\n\
         \n\
         // In your SecurityFilterChain bean, before authorizeHttpRequests: the CorsFilter then answers\n\
         // preflights ahead of authentication.\n\
         // http.cors(Customizer.withDefaults());\n",
        config.join("\n")
    );
    let notes = vec![
        "Without Spring Security, register the same values in a WebMvcConfigurer's addCorsMappings \
         (registry.addMapping(\"/**\").allowedOrigins(...).allowedMethods(...)...) instead of the bean."
            .to_owned(),
        "Remove @CrossOrigin annotations and other CorsFilter beans for these paths, so one configuration decides."
            .to_owned(),
        "Spring adds Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers.".to_owned(),
    ];
    Rendered {
        placement: "The bean in a @Configuration class (e.g. next to your SecurityFilterChain), and \
                    `http.cors(Customizer.withDefaults())` in the SecurityFilterChain."
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
            r#"import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

@Bean
CorsConfigurationSource corsConfigurationSource() {
    CorsConfiguration config = new CorsConfiguration();
    config.setAllowedOrigins(List.of("https://app.example.com"));
    config.setAllowedMethods(List.of("PUT"));
    config.setAllowedHeaders(List.of("Content-Type", "X-Api-Key"));
    config.setExposedHeaders(List.of("X-Request-Id"));
    config.setAllowCredentials(true);
    config.setMaxAge(7200L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", config);
    return source;
}

// In your SecurityFilterChain bean, before authorizeHttpRequests: the CorsFilter then answers
// preflights ahead of authentication.
// http.cors(Customizer.withDefaults());
"#
        );
        assert_eq!(r.notes.len(), 3, "the Max-Age note is added by the registry");
    }

    #[test]
    fn hostile_plan_stays_inside_strings() {
        let r = render(&hostile_plan());
        assert_contained(&r.snippet, '"');
        // Java turns \u escapes into characters before it reads strings: none may appear.
        assert!(!r.snippet.contains("\\u"));
    }
}
