//! The two masking policies against a corpus of realistic secrets and non-secrets
//! (`redaction_corpus.json`, fake values in each vendor's format): every secret is masked in every
//! output (the panel's report, its copies and curl, the JSON and Markdown exports, and
//! `cors-lens check --redacted`, which prints the export through the same path), every non-secret is
//! shown in the panel exactly as captured, and no mask changes a verdict.

use std::io::Write;
use std::process::{Command, Stdio};

use cors_lens::session::report::{self, Report};
use cors_lens::session::ExportFormat;
use cors_lens::{check, Exchange};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Corpus {
    secrets: Vec<Entry>,
    non_secrets: Vec<Entry>,
}

/// Where a value sits (`kind`: header, query, path_param, path_segment, userinfo, fragment,
/// location), under which name, and, for a URL, how it is written there when percent-encoded (`raw`).
#[derive(Deserialize)]
struct Entry {
    kind: String,
    name: Option<String>,
    value: String,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default, alias = "what")]
    vendor: String,
}

fn corpus() -> Corpus {
    serde_json::from_str(include_str!("redaction_corpus.json")).expect("the corpus reads")
}

const API: &str = "https://api.example.test";
const PAGE: &str = "https://app.example.test";

/// A preflighted PUT the server allows, carrying the entry where it says.
fn exchange_with(entry: &Entry) -> Exchange {
    let name = entry.name.as_deref().unwrap_or("");
    let written = entry.raw.as_deref().unwrap_or(&entry.value);
    let mut url = format!("{API}/v1/items/42?lang=en");
    let mut headers = vec![json!(["Content-Type", "application/json"]), json!(["X-Test", "1"])];
    let mut response = json!({"status": 200, "headers": [["Access-Control-Allow-Origin", PAGE], ["Content-Type", "application/json"]]});
    let mut redirects = json!([]);
    match entry.kind.as_str() {
        "header" => headers.push(json!([name, entry.value])),
        "query" => url.push_str(&format!("&{name}={written}")),
        "path_param" => url = format!("{API}/v1/items;{name}={written}/42?lang=en"),
        "path_segment" => url = format!("{API}/v1/files/{written}?lang=en"),
        "userinfo" => url = format!("https://{name}:{written}@api.example.test/v1/items/42"),
        "fragment" => url.push_str(&format!("#{name}={written}&token_type=bearer")),
        "location" => {
            let location = format!("{API}/v2/items/42?{name}={written}&state=af0ifjsldkj");
            redirects = json!([{"status": 302, "location": location,
                "headers": [["Location", location], ["Access-Control-Allow-Origin", PAGE]]}]);
        }
        other => panic!("unknown kind {other}"),
    }
    let names: Vec<String> = headers.iter().skip(1).map(|h| h[0].as_str().unwrap().to_ascii_lowercase()).collect();
    let x = json!({
        "request": {"method": "PUT", "url": url, "origin": PAGE, "headers": headers, "credentials_mode": "omit"},
        "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", names.join(",")]],
            "response": {"status": 204, "headers": [["Access-Control-Allow-Origin", PAGE], ["Access-Control-Allow-Methods", "PUT"],
                ["Access-Control-Allow-Headers", names.join(", ")]]}},
        "redirects": redirects,
        "response": response.take(),
    });
    serde_json::from_value(x).expect("a valid exchange")
}

/// The panel's report as the panel receives it, without what it keeps aside for a click.
fn panel_text(panel: &Report) -> String {
    let mut shown = panel.clone();
    for e in &mut shown.exchanges {
        e.kept_aside.clear();
    }
    serde_json::to_string(&shown).unwrap()
}

/// The forms a secret may take in an output: as given, as written in the URL, percent-decoded, and
/// the long pieces of a header value (the token after `Bearer`, each cookie's value).
fn forms(entry: &Entry) -> Vec<String> {
    let mut forms = vec![entry.value.clone()];
    forms.extend(entry.raw.clone());
    forms.extend(entry.value.split([' ', ';', ',']).map(|p| p.split_once('=').map_or(p, |(_, v)| v).trim_matches('"').to_owned()).filter(|p| p.len() >= 16));
    forms.retain(|f| f.len() >= 6);
    forms
}

fn decided(x: &Exchange) -> impl PartialEq + std::fmt::Debug {
    let v = check(x).unwrap();
    (v.allowed, v.error, v.stage, v.preflight_required, v.failed_parameter, v.unsafe_header_names)
}

#[test]
fn the_corpus_is_large_enough() {
    let c = corpus();
    assert!(c.secrets.len() >= 100 && c.non_secrets.len() >= 100, "{} secrets, {} non-secrets", c.secrets.len(), c.non_secrets.len());
}

#[test]
fn every_secret_is_masked_in_every_output_and_kept_aside_for_the_panel() {
    let mut leaks = Vec::new();
    for entry in corpus().secrets {
        let exchange = exchange_with(&entry);
        let panel = report::redacted(report::of_exchange(exchange.clone()));
        let outputs = [
            ("panel", panel_text(&panel)),
            ("JSON export", report::export_text(panel.clone(), ExportFormat::Json)),
            ("Markdown export", report::export_text(panel.clone(), ExportFormat::Markdown)),
        ];
        for (output, text) in &outputs {
            for form in forms(&entry) {
                if text.contains(&form) {
                    leaks.push(format!("{} ({} {:?}) in the {output}: {form}", entry.vendor, entry.kind, entry.name));
                }
            }
        }
        let written = entry.raw.as_deref().unwrap_or(&entry.value);
        if !panel.exchanges[0].kept_aside.iter().any(|k| k.value.contains(written)) {
            leaks.push(format!("{} ({}): not kept aside for the panel to reveal", entry.vendor, entry.kind));
        }
        let e = &panel.exchanges[0];
        assert_eq!(decided(&exchange), decided(e.exchange.as_ref().unwrap()), "{}: the panel's mask changed the verdict", entry.vendor);
        let exported: Report = serde_json::from_str(&outputs[1].1).unwrap();
        assert_eq!(decided(&exchange), decided(exported.exchanges[0].exchange.as_ref().unwrap()), "{}: the export's mask changed the verdict", entry.vendor);
    }
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
}

#[test]
fn every_non_secret_is_shown_in_the_panel_as_captured() {
    let mut hidden = Vec::new();
    for entry in corpus().non_secrets {
        let exchange = exchange_with(&entry);
        let panel = report::redacted(report::of_exchange(exchange.clone()));
        let e = &panel.exchanges[0];
        if e.exchange.as_ref() != Some(&exchange) || e.url != exchange.request.url || !e.kept_aside.is_empty() {
            hidden.push(format!("{} ({} {:?}): {}", entry.vendor, entry.kind, entry.name, entry.value));
        }
        let exported: Report = serde_json::from_str(&report::export_text(panel.clone(), ExportFormat::Json)).unwrap();
        assert_eq!(decided(&exchange), decided(exported.exchanges[0].exchange.as_ref().unwrap()), "{}: the export's mask changed the verdict", entry.vendor);
    }
    assert!(hidden.is_empty(), "{} non-secrets masked in the panel:\n{}", hidden.len(), hidden.join("\n"));
}

/// `cors-lens check --redacted` prints what the export would, byte for byte (JSON, and Markdown with --text).
#[test]
fn the_cli_prints_the_export() {
    let entries = corpus();
    for entry in entries.secrets.iter().step_by(9) {
        let exchange = exchange_with(entry);
        let input = serde_json::to_string(&exchange).unwrap();
        for (args, format) in [(&["check", "--redacted", "-"][..], ExportFormat::Json), (&["check", "--redacted", "--text", "-"][..], ExportFormat::Markdown)] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_cors-lens")).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success());
            let printed = String::from_utf8(out.stdout).unwrap();
            assert_eq!(printed, report::export_text(report::redacted(report::of_exchange(exchange.clone())), format));
            assert!(forms(entry).iter().all(|f| !printed.contains(f.as_str())), "{}: {printed}", entry.vendor);
        }
    }
}
