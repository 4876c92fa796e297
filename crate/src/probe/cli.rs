//! `cors-lens probe`: its arguments, and what it prints. One probe prints what `check` prints for the
//! exchange it built (the bin's renderer, passed in), preceded by the requests it sent and followed
//! by what a probe cannot reproduce; `--policy` prints the policy report. Exit codes: 0 allowed (or
//! no violation), 1 blocked (or a violation), 2 bad usage or a network failure, named.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::browser::Browser;
use crate::fixes::{self, Fix};
use crate::verdict::Verdict;

use super::audit::{self, Outcome};
use super::client::{Connect, Sender};
use super::policy;
use super::report;
use super::request::{parse_header_line, PageRequest};
use super::walk::{probe, Probe};

const BLOCKED: u8 = 1;
const BAD_USAGE: u8 = 2;

#[derive(clap::Args, Debug)]
pub struct ProbeArgs {
    /// The URL the page calls (not with --policy).
    #[arg(required_unless_present = "policy", conflicts_with = "policy")]
    url: Option<String>,
    /// The page's origin, e.g. https://app.example.com (or null).
    #[arg(long, required_unless_present = "policy", conflicts_with = "policy")]
    origin: Option<String>,
    /// The page's method.
    #[arg(long, short = 'X', default_value = "GET")]
    method: String,
    /// A header the page's script sets, 'Name: value' (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The page calls with credentials: 'include' (no cookie is sent; the checks use this mode).
    #[arg(long)]
    credentials: bool,
    /// Also send the actual request once its preflight passed (it may change data on the server).
    #[arg(long)]
    actual: bool,
    /// Print the verdict JSON (with the exchange and the requests sent) instead of text.
    #[arg(long)]
    json: bool,
    /// Also print the fix for this server framework (see `cors-lens frameworks`).
    #[arg(long, value_name = "FRAMEWORK")]
    fix: Option<String>,
    /// Check a policy file (TOML) instead of one request.
    #[arg(long, value_name = "FILE.toml")]
    policy: Option<PathBuf>,
    /// The policy report's format.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"], requires = "policy")]
    format: String,
    /// Also write the policy report as JUnit XML to this file.
    #[arg(long, value_name = "FILE", requires = "policy")]
    junit: Option<PathBuf>,
    /// Trust these PEM certificates too (besides the system's roots).
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Do not check the server's certificate.
    #[arg(long, short = 'k')]
    insecure: bool,
    /// Seconds to wait for each request.
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    timeout: f64,
    /// Whose CORS rules decide: chromium, firefox or safari.
    #[arg(long, value_name = "BROWSER", default_value = "chromium", value_parser = browser)]
    browser: Browser,
}

fn browser(name: &str) -> Result<Browser, String> {
    Browser::from_name(name).ok_or_else(|| format!("'{name}' is not chromium, firefox or safari"))
}

/// What a probe is not, said with every text result.
pub const CANNOT_REPRODUCE: [&str; 3] = [
    "cookies: none are sent (--credentials only sets the credentials mode the checks use), so an answer that depends on a session is not seen",
    "Local Network Access: the probe is not a page; whether Chromium lets a public page reach a private address is judged from the URLs only",
    "the preflight cache: every probe sends a fresh preflight, where a browser may reuse one it cached for up to Access-Control-Max-Age",
];

fn usage_error(message: &str) -> ExitCode {
    eprintln!("cors-lens probe: {message}");
    ExitCode::from(BAD_USAGE)
}

/// Runs `cors-lens probe`; `render` is `check --text`'s renderer.
pub fn main(args: ProbeArgs, render: &dyn Fn(&Verdict, Option<&Fix>) -> String) -> ExitCode {
    if !(args.timeout > 0.0 && args.timeout.is_finite() && args.timeout < 86_400.0) {
        return usage_error("--timeout must be a positive number of seconds");
    }
    let connect = Connect { cacert: args.cacert.clone(), insecure: args.insecure, timeout: Duration::from_secs_f64(args.timeout) };
    let sender = match Sender::new(&connect) {
        Ok(sender) => sender,
        Err(message) => return usage_error(&message),
    };
    match &args.policy {
        Some(path) => run_policy(path, &args, &sender),
        None => run_one(&args, &sender, render),
    }
}

fn run_one(args: &ProbeArgs, sender: &Sender, render: &dyn Fn(&Verdict, Option<&Fix>) -> String) -> ExitCode {
    let headers = match args.headers.iter().map(|h| parse_header_line(h)).collect::<Result<Vec<_>, _>>() {
        Ok(headers) => headers,
        Err(message) => return usage_error(&message),
    };
    let (Some(url), Some(origin)) = (args.url.clone(), args.origin.clone()) else { return usage_error("a URL and --origin are needed") };
    let page = PageRequest { url, origin, method: args.method.clone(), headers, credentials: args.credentials };
    let found = match probe(&page, sender, args.browser, args.actual) {
        Ok(found) => found,
        Err(e) => return usage_error(&e.to_string()),
    };
    let fix = match &args.fix {
        Some(framework) if found.verdict.server_fix && found.blocked() => match fixes::fix(&found.exchange, &found.verdict, framework) {
            Ok(fix) => Some(fix),
            Err(e) => return usage_error(&e.to_string()),
        },
        _ => None,
    };
    let out = if args.json { json(&found, fix.as_ref()) } else { text(&found, fix.as_ref(), render) };
    print!("{out}");
    if found.network_failed() {
        let failure = found.verdict.network_failure.map(|f| f.label()).unwrap_or("no HTTP answer");
        let sent = found.sent.iter().rev().find(|s| s.net_error.is_some());
        let said = sent.and_then(|s| s.error_message.as_deref()).unwrap_or_default();
        eprintln!("cors-lens probe: network failure, not CORS: {failure} ({}): {said}", sent.and_then(|s| s.net_error.as_deref()).unwrap_or_default());
        ExitCode::from(BAD_USAGE)
    } else if found.blocked() {
        ExitCode::from(BLOCKED)
    } else {
        ExitCode::SUCCESS
    }
}

fn json(found: &Probe, fix: Option<&Fix>) -> String {
    let mut json = serde_json::to_value(&found.verdict).expect("a verdict always serialises");
    json["exchange"] = serde_json::to_value(&found.exchange).expect("an exchange always serialises");
    json["probe"] = serde_json::json!({
        "sent": found.sent,
        "actual_sent": found.sent.iter().any(|s| s.kind == "actual"),
        "cannot_reproduce": CANNOT_REPRODUCE,
    });
    if let Some(fix) = fix {
        json["fix"] = serde_json::to_value(fix).expect("a fix always serialises");
    }
    serde_json::to_string_pretty(&json).expect("JSON always serialises") + "\n"
}

fn text(found: &Probe, fix: Option<&Fix>, render: &dyn Fn(&Verdict, Option<&Fix>) -> String) -> String {
    let request = &found.exchange.request;
    let mut out = format!("Probe: {} {} from {} ({}'s rules)\n", request.method, request.url, request.origin, found.verdict.browser.title());
    if found.sent.is_empty() {
        out.push_str(if found.verdict.cors_applies {
            "  nothing sent: the browser refuses this request before sending it\n"
        } else {
            "  nothing sent: CORS does not apply to this request\n"
        });
    }
    for s in &found.sent {
        let answer = match (s.status, &s.net_error) {
            (Some(status), _) => format!("{status} ({})", s.http_version.as_deref().unwrap_or("HTTP")),
            (None, Some(error)) => format!("no answer: {error}"),
            (None, None) => "no answer".to_owned(),
        };
        out.push_str(&format!("  sent {} {} {} -> {answer}\n", s.kind, s.method, s.url));
    }
    if found.stopped_after_preflight {
        out.push_str(&format!(
            "  The preflight passes. The actual {} was not sent, so the CORS check on its response is undetermined\n  (--actual sends it; it may change data on the server).\n",
            request.method
        ));
    }
    out.push('\n');
    out.push_str(&render(&found.verdict, fix));
    out.push_str("\nWhat a probe cannot reproduce:\n");
    for note in CANNOT_REPRODUCE {
        out.push_str(&format!("  - {note}\n"));
    }
    out
}

fn run_policy(path: &PathBuf, args: &ProbeArgs, sender: &Sender) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return usage_error(&format!("cannot read {}: {e}", path.display())),
    };
    let policy = match policy::parse(&text) {
        Ok(policy) => policy,
        Err(message) => return usage_error(&format!("{}: {message}", path.display())),
    };
    let cases = match audit::run(&policy, sender, args.browser) {
        Ok(cases) => cases,
        Err(message) => return usage_error(&message),
    };
    let name = path.display().to_string();
    let out = if args.format == "json" { report::json(&name, &cases) } else { report::text(&name, &cases) };
    print!("{out}");
    if let Some(junit) = &args.junit {
        if let Err(e) = std::fs::write(junit, report::junit(&name, &cases)) {
            return usage_error(&format!("cannot write {}: {e}", junit.display()));
        }
    }
    if cases.iter().any(|c| c.outcome == Outcome::Violation) {
        ExitCode::from(BLOCKED)
    } else if cases.iter().any(|c| c.outcome == Outcome::Error) {
        ExitCode::from(BAD_USAGE)
    } else {
        ExitCode::SUCCESS
    }
}
