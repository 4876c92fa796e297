//! A policy run's results for people (text: the violations, then a count), for tools (JSON) and for CI
//! (JUnit XML: one test case per check, a `<failure>` per violation, an `<error>` where no HTTP
//! answer came back).

use serde::Serialize;

use super::audit::{Case, Outcome};

#[derive(Serialize)]
struct Summary<'a> {
    policy: &'a str,
    checks: usize,
    violations: usize,
    errors: usize,
    cases: &'a [Case],
}

fn count(cases: &[Case], outcome: Outcome) -> usize {
    cases.iter().filter(|c| c.outcome == outcome).count()
}

pub fn text(policy: &str, cases: &[Case]) -> String {
    let mut out = String::new();
    for c in cases.iter().filter(|c| c.outcome != Outcome::Passed) {
        let tag = if c.outcome == Outcome::Violation { "VIOLATION" } else { "ERROR" };
        out.push_str(&format!("{tag}  {} {}  {}\n", c.method, c.url, c.check));
        if let Some(message) = &c.message {
            out.push_str(&format!("    {message}\n"));
        }
        if let Some(detail) = &c.detail {
            out.push_str(&format!("    {detail}\n"));
        }
    }
    let (violations, errors) = (count(cases, Outcome::Violation), count(cases, Outcome::Error));
    out.push_str(&format!("{policy}: {} checks, {violations} violations, {errors} errors\n", cases.len()));
    out
}

pub fn json(policy: &str, cases: &[Case]) -> String {
    let summary = Summary { policy, checks: cases.len(), violations: count(cases, Outcome::Violation), errors: count(cases, Outcome::Error), cases };
    serde_json::to_string_pretty(&summary).expect("a report always serialises") + "\n"
}

/// XML 1.0 text: the five escapes, and the control characters XML cannot carry at all dropped.
fn escape(text: &str) -> String {
    text.chars()
        .filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
        .fold(String::with_capacity(text.len()), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
            out
        })
}

pub fn junit(policy: &str, cases: &[Case]) -> String {
    let (violations, errors) = (count(cases, Outcome::Violation), count(cases, Outcome::Error));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"cors-lens policy\" tests=\"{}\" failures=\"{violations}\" errors=\"{errors}\">\n", cases.len()));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{violations}\" errors=\"{errors}\">\n",
        escape(policy),
        cases.len()
    ));
    for c in cases {
        let classname = escape(&format!("{} {}", c.method, c.url));
        out.push_str(&format!("    <testcase classname=\"{classname}\" name=\"{}\"", escape(&c.check)));
        let element = match c.outcome {
            Outcome::Passed => {
                out.push_str("/>\n");
                continue;
            }
            Outcome::Violation => "failure",
            Outcome::Error => "error",
        };
        out.push_str(">\n");
        let message = escape(c.message.as_deref().unwrap_or_default());
        out.push_str(&format!("      <{element} message=\"{message}\">{}</{element}>\n", escape(c.detail.as_deref().unwrap_or_default())));
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_escapes_what_xml_cannot_carry() {
        let cases = [Case {
            method: "GET".into(),
            url: "https://api.test/?a=1&b=<2>".into(),
            check: "refused: null".into(),
            outcome: Outcome::Violation,
            message: Some("it's \"allowed\"".into()),
            detail: Some("Access-Control-Allow-Origin: a\u{1}b".into()),
        }];
        let xml = junit("p.toml", &cases);
        assert!(xml.contains("a=1&amp;b=&lt;2&gt;") && xml.contains("it&apos;s &quot;allowed&quot;") && xml.contains(">Access-Control-Allow-Origin: ab<"), "{xml}");
        assert!(xml.contains("failures=\"1\""));
        assert!(text("p.toml", &cases).ends_with("p.toml: 1 checks, 1 violations, 0 errors\n"));
    }
}
