//! Quoting for configuration languages and string literals that [`super::quoted`] does not cover.
//!
//! Plan values are validated tokens and serialized origins, so none of them holds a quote, a
//! backslash, a brace, a semicolon, whitespace or a control character. A few token characters do
//! mean something inside some languages' strings, though: `$` starts an nginx variable, `%` a
//! mod_headers format specifier, `#$` a Ruby interpolation, `$` a PHP one, `'` ends an API
//! Gateway static value. Templates drop values that cannot be written literally (with a note, see
//! [`split_writable`]) and quote the rest with these helpers, which are the second fence: they
//! never let a value end its string, whatever it holds.

/// Keeps the values that `writable` accepts; the others are named in a note for the user.
pub(crate) fn split_writable(values: &[String], writable: impl Fn(&str) -> bool) -> (Vec<String>, Vec<String>) {
    values.iter().cloned().partition(|v| writable(v))
}

/// A note for values that were left out of a snippet.
pub(crate) fn dropped_note(what: &str, dropped: &[String], why: &str) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let names: Vec<String> = dropped.iter().map(|d| format!("'{}'", printable(d))).collect();
    Some(format!("Left out {what} {}: {why}; rename it or configure it by hand.", names.join(", ")))
}

/// Visible ASCII only, for notes and comments: no value can end a line comment early.
pub(crate) fn printable(value: &str) -> String {
    value.chars().filter(|c| c.is_ascii_graphic()).collect()
}

/// "PUT with Content-Type, X-Api-Key from https://app.example.com", for a snippet's summary comment.
pub(crate) fn summary(plan: &super::FixPlan) -> String {
    let list = |values: &[String]| values.iter().map(|v| printable(v)).collect::<Vec<_>>().join(", ");
    let mut text = list(&plan.methods);
    if !plan.headers.is_empty() {
        text.push_str(&format!(" with {}", list(&plan.headers)));
    }
    text.push_str(&format!(" from {}", list(&plan.origins)));
    text
}

/// A double-quoted PCRE (nginx `if`, Apache `SetEnvIf`) matching exactly one of `origins`:
/// `"^(https://a\.example|https://b\.example)$"`. Every character but letters, digits, `:`, `/`
/// and `-` is backslash-escaped, which makes it literal in the regex and keeps a quote inside the
/// string in both configuration languages; control characters and backslashes (which no origin
/// has) are dropped.
pub(crate) fn origin_regex(origins: &[String]) -> String {
    let alternatives: Vec<String> = origins
        .iter()
        .map(|origin| {
            let mut out = String::new();
            for c in origin.chars().filter(|c| c.is_ascii_graphic() && *c != '\\') {
                if !(c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-')) {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        })
        .collect();
    format!("\"^({})$\"", alternatives.join("|"))
}

/// `value` between `quote`s: the quote and backslashes are backslash-escaped, control characters
/// dropped, and `special` may rewrite (or drop, with "") the characters a language gives meaning to.
pub(crate) fn escaped(value: &str, quote: char, special: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push(quote);
    for c in value.chars() {
        match special(c) {
            Some(rewritten) => out.push_str(rewritten),
            None if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            None if c.is_control() => {}
            None => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An nginx double-quoted string. nginx has no escape for `$` (it would start a variable), so
/// `$` is removed here; templates drop values with `$` before they get this far.
pub(crate) fn nginx(value: &str) -> String {
    escaped(value, '"', |c| (c == '$').then_some(""))
}

/// An Apache httpd double-quoted argument to `Header set`: `%` is a mod_headers format character
/// and is doubled.
pub(crate) fn apache(value: &str) -> String {
    escaped(value, '"', |c| (c == '%').then_some("%%"))
}

/// A Caddyfile double-quoted token. Braces would start a placeholder and are removed (no valid
/// plan value has them).
pub(crate) fn caddy(value: &str) -> String {
    escaped(value, '"', |c| matches!(c, '{' | '}').then_some(""))
}

/// A single-quoted literal for Ruby and PHP, where double quotes would interpolate (`#$x`, `$x`).
/// Inside single quotes only `\'` and `\\` are escapes in both languages.
pub(crate) fn single_quoted(value: &str) -> String {
    escaped(value, '\'', |_| None)
}

/// `['a', 'b']` with [`single_quoted`] items.
pub(crate) fn single_quoted_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| single_quoted(v)).collect();
    format!("[{}]", items.join(", "))
}

/// Plans for template tests: an ordinary one, and one whose every value tries to break out of its
/// string (such a plan cannot come out of [`super::plan`], but templates must hold even so).
#[cfg(test)]
pub(crate) mod testing {
    use super::super::FixPlan;

    pub(crate) fn sample_plan() -> FixPlan {
        FixPlan {
            origins: vec!["https://app.example.com".to_owned()],
            methods: vec!["PUT".to_owned()],
            headers: vec!["Content-Type".to_owned(), "X-Api-Key".to_owned()],
            credentials: true,
            max_age: 7200,
            expose_headers: vec!["X-Request-Id".to_owned()],
            path: "/api/submit".to_owned(),
        }
    }

    /// The sample plan for a server that also allows a second origin, as [`super::super::plan`]
    /// makes it when the captured Access-Control-Allow-Origin named `https://admin.example`.
    pub(crate) fn two_origin_plan() -> FixPlan {
        FixPlan { origins: vec!["https://app.example.com".to_owned(), "https://admin.example:8443".to_owned()], ..sample_plan() }
    }

    /// The sample plan for a server that answered `*` to a request without credentials.
    pub(crate) fn any_origin_plan() -> FixPlan {
        FixPlan { origins: vec!["*".to_owned()], credentials: false, ..sample_plan() }
    }

    /// The smallest plan: one method, no headers, no credentials, nothing exposed.
    pub(crate) fn minimal_plan(method: &str) -> FixPlan {
        FixPlan {
            methods: vec![method.to_owned()],
            headers: Vec::new(),
            credentials: false,
            expose_headers: Vec::new(),
            ..sample_plan()
        }
    }

    /// Each value ends its string, then writes `pwned`: a correct template keeps every `pwned`
    /// inside a string literal.
    pub(crate) fn hostile_plan() -> FixPlan {
        let evil = |prefix: &str| -> Vec<String> {
            [
                "\"; pwned \"", "'; pwned '", "$pwned", "#$pwned", "#{pwned}", "%{pwned}e", "{pwned}", "`pwned`",
                "\\\"pwned", "\npwned: 1", "\r\nX-pwned: 1", "*/pwned/*", "' + pwned + '", "\" + pwned + \"",
            ]
            .iter()
            .map(|e| format!("{prefix}{e}"))
            .collect()
        };
        FixPlan {
            origins: vec!["https://a.example\" always; pwned \"$host'{pwned}\npwned".to_owned()],
            methods: evil("PUT"),
            headers: evil("X-A"),
            credentials: true,
            max_age: 7200,
            expose_headers: evil("X-E"),
            path: "/a\";pwned\n".to_owned(),
        }
    }

    /// [`hostile_plan`] with a second origin: templates take their several-origin path.
    pub(crate) fn hostile_origins_plan() -> FixPlan {
        let mut plan = hostile_plan();
        plan.origins.push("https://b.example'); pwned('\") + pwned + (\"|pwned)\r\npwned".to_owned());
        plan
    }

    /// The text outside string literals delimited by `quote` (with backslash escapes), comment
    /// lines (`#`, `//`) left out.
    pub(crate) fn outside_literals(snippet: &str, quote: char) -> String {
        let mut out = String::new();
        for line in snippet.lines() {
            let t = line.trim_start();
            if t.starts_with('#') || t.starts_with("//") {
                continue;
            }
            let mut inside = false;
            let mut escaped = false;
            for c in line.chars() {
                if inside {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == quote {
                        inside = false;
                    }
                } else if c == quote {
                    inside = true;
                } else {
                    out.push(c);
                }
            }
            assert!(!inside, "unterminated string literal in line: {line}");
            out.push('\n');
        }
        out
    }

    /// Asserts that no `pwned` escaped its string literal.
    pub(crate) fn assert_contained(snippet: &str, quote: char) {
        let outside = outside_literals(snippet, quote);
        assert!(!outside.contains("pwned"), "a value broke out of its string:\n{snippet}\n--- outside literals ---\n{outside}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_strings_cannot_end_early_or_interpolate() {
        assert_eq!(nginx("https://a.example"), "\"https://a.example\"");
        assert_eq!(nginx("a\"; return 200 \"x"), "\"a\\\"; return 200 \\\"x\"");
        assert_eq!(nginx("X-$host\n"), "\"X-host\"");
        assert_eq!(nginx("a\\"), "\"a\\\\\"");
    }

    #[test]
    fn apache_strings_double_percent() {
        assert_eq!(apache("X-%{FOO}e"), "\"X-%%{FOO}e\"");
        assert_eq!(apache("a\" env=x"), "\"a\\\" env=x\"");
    }

    #[test]
    fn caddy_strings_drop_placeholders() {
        assert_eq!(caddy("X-{env.SECRET}"), "\"X-env.SECRET\"");
        assert_eq!(caddy("a\"\nrespond 200"), "\"a\\\"respond 200\"");
    }

    #[test]
    fn single_quotes_escape() {
        assert_eq!(single_quoted("X-#$0"), "'X-#$0'");
        assert_eq!(single_quoted("a'b\\"), "'a\\'b\\\\'");
        assert_eq!(single_quoted_list(&["a".into(), "b'".into()]), "['a', 'b\\'']");
    }

    #[test]
    fn origin_regexes_are_literal_and_anchored() {
        let origins = ["https://app.example.com".to_owned(), "http://[::1]:8001".to_owned()];
        assert_eq!(origin_regex(&origins), r#""^(https://app\.example\.com|http://\[::1\]:8001)$""#);
        // A quote stays inside the string, a `|` cannot add an alternative, a newline is dropped.
        assert_eq!(origin_regex(&["a\"|b\n\\".to_owned()]), r#""^(a\"\|b)$""#);
    }

    #[test]
    fn dropped_values_are_named() {
        let (keep, drop) = split_writable(&["A".into(), "B$".into()], |v| !v.contains('$'));
        assert_eq!(keep, vec!["A".to_owned()]);
        assert_eq!(dropped_note("header", &drop, "nginx cannot escape $").unwrap(), "Left out header 'B$': nginx cannot escape $; rename it or configure it by hand.");
        assert_eq!(dropped_note("header", &[], "x"), None);
    }
}
