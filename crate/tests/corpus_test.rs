//! Corpus test: every exchange in `tests/corpus/*.json` was transcribed by hand from a primary
//! source (WHATWG Fetch, web-platform-tests, Chromium unit tests), and each case's `expect` holds
//! what the browser does according to that source. This test runs each exchange through
//! `cors_lens::check`, serialises the verdict to JSON and compares every expected key (a dotted
//! path such as `console.chromium` or `max_age.firefox.seconds`) with the verdict.
//!
//! All mismatches are collected and reported together, so one run shows every disagreement.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

/// One corpus entry.
#[derive(Debug, Clone)]
pub struct Case {
    /// The corpus file the case came from (file name only).
    pub file: String,
    pub name: String,
    pub source: String,
    pub exchange: Value,
    pub expect: Map<String, Value>,
}

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus"))
}

/// Loads every `*.json` file of the corpus directory (sorted by file name), each a JSON array of
/// `{name, source, exchange, expect}` objects. Panics with a precise message on malformed input,
/// since a broken corpus file is a test failure in itself.
pub fn load_corpus() -> Vec<Case> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus"))
            .expect("tests/corpus must exist")
            .map(|entry| entry.expect("readable directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: invalid JSON: {e}"));
        let entries = value
            .as_array()
            .unwrap_or_else(|| panic!("{file}: top level must be an array"));
        for (index, entry) in entries.iter().enumerate() {
            let field = |key: &str| {
                entry
                    .get(key)
                    .unwrap_or_else(|| panic!("{file}[{index}]: missing \"{key}\""))
                    .clone()
            };
            let name = field("name")
                .as_str()
                .unwrap_or_else(|| panic!("{file}[{index}]: name must be a string"))
                .to_string();
            let source = field("source")
                .as_str()
                .unwrap_or_else(|| panic!("{file}: {name}: source must be a string"))
                .to_string();
            let expect = match field("expect") {
                Value::Object(map) => map,
                _ => panic!("{file}: {name}: expect must be an object"),
            };
            cases.push(Case {
                file: file.clone(),
                name,
                source,
                exchange: field("exchange"),
                expect,
            });
        }
    }
    cases
}

/// Follows a dotted path (`a.b.c`) into a JSON value. `None` when some step is missing.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |current, key| current.get(key))
}

/// Keys whose values are lists without a meaningful order: compared as sorted lists.
const UNORDERED_KEYS: [&str; 2] = ["exposed_headers.readable", "exposed_headers.hidden"];

fn matches(key: &str, expected: &Value, actual: Option<&Value>) -> bool {
    let actual = actual.unwrap_or(&Value::Null);
    if UNORDERED_KEYS.contains(&key) {
        if let (Value::Array(e), Value::Array(a)) = (expected, actual) {
            let sorted = |list: &Vec<Value>| {
                let mut items: Vec<String> = list.iter().map(|v| v.to_string()).collect();
                items.sort();
                items
            };
            return sorted(e) == sorted(a);
        }
    }
    expected == actual
}

/// Runs one case; returns `(key, expected, actual)` for every mismatch, or an error line.
fn run_case(case: &Case) -> Result<Vec<(String, Value, Value)>, String> {
    let exchange: cors_lens::Exchange = serde_json::from_value(case.exchange.clone())
        .map_err(|e| format!("exchange does not deserialise: {e}"))?;
    let verdict =
        cors_lens::check(&exchange).map_err(|e| format!("check() returned Err({e:?})"))?;
    let actual =
        serde_json::to_value(&verdict).map_err(|e| format!("verdict does not serialise: {e}"))?;
    let mut mismatches = Vec::new();
    for (key, expected) in &case.expect {
        let found = lookup(&actual, key);
        if !matches(key, expected, found) {
            mismatches.push((
                key.clone(),
                expected.clone(),
                found.cloned().unwrap_or(Value::Null),
            ));
        }
    }
    Ok(mismatches)
}

#[test]
fn corpus_cases_match_their_sources() {
    let cases = load_corpus();
    let mut report = String::new();
    let mut failed_cases = 0;
    for case in &cases {
        match run_case(case) {
            Ok(mismatches) if mismatches.is_empty() => {}
            Ok(mismatches) => {
                failed_cases += 1;
                let _ = writeln!(
                    report,
                    "\n[{}] {}\n  source: {}",
                    case.file, case.name, case.source
                );
                for (key, expected, actual) in mismatches {
                    let _ = writeln!(
                        report,
                        "  {key}:\n    expected: {expected}\n    actual:   {actual}"
                    );
                }
            }
            Err(error) => {
                failed_cases += 1;
                let _ = writeln!(
                    report,
                    "\n[{}] {}\n  source: {}\n  {error}",
                    case.file, case.name, case.source
                );
            }
        }
    }
    assert!(
        failed_cases == 0,
        "{failed_cases} of {} corpus cases disagree with their source:\n{report}",
        cases.len()
    );
}

#[test]
fn corpus_is_large_named_and_sourced() {
    let cases = load_corpus();
    assert!(
        cases.len() >= 200,
        "the corpus must hold at least 200 cases, found {}",
        cases.len()
    );
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for case in &cases {
        if !seen.insert(case.name.as_str()) {
            problems.push(format!("duplicate name {} ({})", case.name, case.file));
        }
        if case.name.is_empty()
            || !case
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            problems.push(format!(
                "name {:?} ({}) is not kebab-case",
                case.name, case.file
            ));
        }
        if case.source.trim().is_empty() {
            problems.push(format!("{} ({}) has no source", case.name, case.file));
        }
        if case.expect.is_empty() {
            problems.push(format!("{} ({}) expects nothing", case.name, case.file));
        }
    }
    assert!(
        problems.is_empty(),
        "corpus problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn corpus_verdicts_are_deterministic() {
    let mut differing = Vec::new();
    for case in load_corpus() {
        let Ok(exchange) = serde_json::from_value::<cors_lens::Exchange>(case.exchange.clone())
        else {
            continue;
        };
        let first = cors_lens::check(&exchange)
            .map(|v| serde_json::to_value(&v).unwrap())
            .map_err(|e| format!("{e:?}"));
        let second = cors_lens::check(&exchange)
            .map(|v| serde_json::to_value(&v).unwrap())
            .map_err(|e| format!("{e:?}"));
        if first != second {
            differing.push(case.name);
        }
    }
    assert!(
        differing.is_empty(),
        "verdicts differ between two runs for: {differing:?}"
    );
}

/// A session keeps each exchange with its browser's decision alone (`check::decide_as`) and makes the
/// verdict when it is read: the two must agree on every exchange, under every browser's rules, or
/// the list's "failed" and the eviction order would disagree with the verdict shown.
#[test]
fn the_decision_alone_agrees_with_the_verdict() {
    use cors_lens::check::decide_as;
    use cors_lens::Browser;
    let mut disagree = Vec::new();
    let mut compared = 0;
    for case in load_corpus() {
        let Ok(exchange) = serde_json::from_value::<cors_lens::Exchange>(case.exchange.clone()) else {
            continue;
        };
        for browser in Browser::ALL {
            match (decide_as(&exchange, browser), cors_lens::check_as(&exchange, browser)) {
                (Ok(d), Ok(v)) if d.allowed == v.allowed && d.stage == v.stage => compared += 1,
                (Err(a), Err(b)) if a == b => compared += 1,
                (d, v) => disagree.push(format!("{} ({browser:?}): decision {d:?}, verdict {:?}", case.name, v.map(|v| (v.allowed, v.stage)))),
            }
        }
    }
    assert!(compared > 1000, "only {compared} comparisons");
    assert!(disagree.is_empty(), "decision and verdict disagree:\n{}", disagree.join("\n"));
}

/// Exports recompute each verdict from the exchange with its secrets masked (crate/src/redact.rs):
/// that must never change what the engine decides. The corpus is full of token-looking values in
/// protocol headers (MIME types, Max-Age, origins), the cases where a careless mask would bite.
#[test]
fn masking_secrets_never_changes_a_verdict() {
    use cors_lens::redact::{Policy, Secrets};
    let mut changed = Vec::new();
    let mut masked_any = 0;
    for case in load_corpus() {
        let Ok(exchange) = serde_json::from_value::<cors_lens::Exchange>(case.exchange.clone()) else {
            continue;
        };
        let decided = |e: &cors_lens::Exchange| {
            cors_lens::check(e).map(|v| (v.allowed, v.error, v.stage, v.preflight_required, v.failed_parameter)).map_err(|e| e.to_string())
        };
        for policy in [Policy::Panel, Policy::Export] {
            let mut masked = exchange.clone();
            let reported = Secrets::new(policy).mask_exchange(&mut masked);
            // Reports reuse the verdict when nothing was masked: the flag must be exact.
            assert_eq!(reported, masked != exchange, "{}: mask_exchange ({policy:?}) says {reported}", case.name);
            masked_any += usize::from(reported);
            if decided(&exchange) != decided(&masked) {
                changed.push(format!("{} ({policy:?})", case.name));
            }
        }
    }
    assert!(masked_any > 0, "no corpus exchange carries a secret: the test would prove nothing");
    assert!(changed.is_empty(), "masking secrets changed the verdict of: {changed:?}");
}
