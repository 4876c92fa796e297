//! Hostile input to the fix generator: for every registered framework, captured values that try
//! to break out of a string or a configuration line are refused with a clear reason, and values
//! that are merely odd still yield a snippet that contains nothing but validated values.

use cors_lens::fixes::{self, FixError};
use cors_lens::{check, Exchange};

fn exchange(origin: &str, url: &str, headers: &[(&str, &str)]) -> Exchange {
    serde_json::from_value(serde_json::json!({
        "request": {
            "method": "PUT", "url": url, "origin": origin, "credentials_mode": "include",
            "headers": headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
        },
        "preflight": {"request_headers": [], "response": {"status": 404, "headers": []}},
        "outcome": "failed"
    }))
    .unwrap()
}

fn every_fix(exchange: &Exchange) -> Vec<(String, Result<fixes::Fix, FixError>)> {
    match check(exchange) {
        Ok(verdict) => fixes::frameworks().into_iter().map(|f| (f.id.clone(), fixes::fix(exchange, &verdict, &f.id))).collect(),
        // Input the engine itself refuses never reaches a template.
        Err(_) => Vec::new(),
    }
}

#[test]
fn registry_lists_at_least_the_express_templates() {
    let ids: Vec<String> = fixes::frameworks().into_iter().map(|f| f.id).collect();
    assert!(ids.contains(&"express".to_owned()) && ids.contains(&"express5".to_owned()), "{ids:?}");
}

#[test]
fn breakout_attempts_in_the_origin_are_refused() {
    for origin in [
        "https://app.example.com\"; require('child_process').exec('x'); //",
        "https://app.example.com'; DROP",
        "https://evil.com\n    add_header X-Injected yes;",
        "https://evil.com}{",
        "https://bücher.example",
        "https://app.example.com:99999",
    ] {
        for (framework, result) in every_fix(&exchange(origin, "https://api.example.com/x", &[("X-Api-Key", "1")])) {
            match result {
                Err(FixError::Refused(why)) => assert!(!why.is_empty()),
                Ok(fix) => panic!("{framework}: hostile origin {origin:?} produced a snippet:\n{}", fix.snippet),
                Err(other) => panic!("{framework}: unexpected error {other}"),
            }
        }
    }
}

#[test]
fn header_names_that_are_not_tokens_are_refused() {
    for name in ["X-Bad Header", "X-Quote\"", "X-Brace}", "X-Semi;colon"] {
        let results = every_fix(&exchange("https://app.example.com", "https://api.example.com/x", &[(name, "1")]));
        assert!(!results.is_empty());
        for (framework, result) in results {
            assert!(matches!(result, Err(FixError::Refused(_))), "{framework}: {name:?} was not refused");
        }
    }
}

#[test]
fn hundreds_of_headers_get_a_clear_refusal() {
    let names: Vec<String> = (0..300).map(|i| format!("X-Header-{i}")).collect();
    let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
    for (framework, result) in every_fix(&exchange("https://app.example.com", "https://api.example.com/x", &headers)) {
        match result {
            Err(FixError::Refused(why)) => assert!(why.contains("300"), "{framework}: {why}"),
            Ok(_) => panic!("{framework}: 300 headers should be refused"),
            Err(other) => panic!("{framework}: {other}"),
        }
    }
}

#[test]
fn odd_paths_fall_back_to_the_root_and_never_reach_a_snippet() {
    let marker = "INJECTED";
    let url = format!("https://api.example.com/api/$(touch%20{marker})/x;{marker}");
    for (framework, result) in every_fix(&exchange("https://app.example.com", &url, &[("X-Api-Key", "1")])) {
        let fix = result.unwrap_or_else(|e| panic!("{framework}: {e}"));
        assert!(!fix.snippet.contains(marker), "{framework} leaked the path:\n{}", fix.snippet);
        assert!(fix.snippet.contains("https://app.example.com"), "{framework} lost the origin:\n{}", fix.snippet);
    }
}

#[test]
fn every_snippet_names_the_observed_origin_method_and_headers() {
    let ex = exchange("http://127.0.0.1:8001", "http://127.0.0.1:8002/api/submit", &[("Content-Type", "application/json"), ("X-Api-Key", "k")]);
    for (framework, result) in every_fix(&ex) {
        let fix = result.unwrap_or_else(|e| panic!("{framework}: {e}"));
        // Some libraries want methods or header names in lower case, so compare without case.
        let snippet = fix.snippet.to_ascii_lowercase();
        for needle in ["http://127.0.0.1:8001", "put", "x-api-key", "content-type"] {
            assert!(snippet.contains(needle), "{framework} snippet lacks {needle}:\n{}", fix.snippet);
        }
        assert!(fix.snippet.contains("7200"), "{framework} snippet lacks the recommended Max-Age");
        assert!(!fix.placement.is_empty() && !fix.framework_name.is_empty());
    }
}
