//! `cors-lens`: the engine on the command line.
//!
//! `cors-lens check FILE|-` prints one verdict as JSON; `--jsonl` reads one exchange per line and
//! prints one verdict per line, in order; `--text` prints it for a person; `--browser` picks whose
//! rules decide (Chromium by default); `--redacted` prints what the extension's export would for the
//! exchange, secrets masked. Malformed input prints an error naming the field and exits with code 2.
//! `cors-lens har FILE|-` reads a HAR file (crate/src/session/har_file.rs, har_listing.rs).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::io::{self, Read, Write};
    use std::path::PathBuf;
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};
    use cors_lens::fixes::{self, Fix};
    use cors_lens::session::{har_file, har_listing, report, ExportFormat};
    use cors_lens::{check_as, Browser, Exchange, Verdict};

    /// Exit code for input the engine cannot read.
    const BAD_INPUT: u8 = 2;

    #[derive(Parser)]
    #[command(name = "cors-lens", version, about = "Why did the browser block this request? Re-runs the browser's CORS checks on a captured exchange.")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Check one exchange (JSON) and print the verdict.
        Check {
            /// The exchange file, or - for standard input.
            file: PathBuf,
            /// Read one exchange per line and print one verdict per line.
            #[arg(long, conflicts_with = "text")]
            jsonl: bool,
            /// Print the verdict for a person instead of JSON.
            #[arg(long)]
            text: bool,
            /// Also print the fix for this server framework (see `cors-lens frameworks`).
            #[arg(long, value_name = "FRAMEWORK", conflicts_with = "jsonl")]
            fix: Option<String>,
            /// Print exactly what the extension's export would for this exchange (JSON; Markdown with
            /// --text): secrets masked by the export policy.
            #[arg(long, conflicts_with_all = ["jsonl", "fix"])]
            redacted: bool,
            #[command(flatten)]
            rules: Rules,
        },
        /// Print the fix for one framework as JSON (for tools; people want `check --text --fix`).
        Fix {
            /// A framework id from `cors-lens frameworks`.
            framework: String,
            /// The exchange file, or - for standard input.
            file: PathBuf,
            #[command(flatten)]
            rules: Rules,
        },
        /// Every cross-origin request of a HAR file (Chrome, Edge, Firefox, Safari): each failure with its
        /// verdict, console line and explanation, and the preflight cost.
        Har {
            /// The HAR file, or - for standard input.
            file: PathBuf,
            /// Print one JSON object per cross-origin request instead of text.
            #[arg(long)]
            jsonl: bool,
            /// Whose CORS rules and wording: chromium, firefox or safari (default: Firefox when the file
            /// says it wrote it, else Chromium).
            #[arg(long, value_name = "BROWSER", value_parser = browser)]
            browser: Option<Browser>,
        },
        /// Send the browser's preflight (and with --actual the request) to a live server and print the
        /// verdict as `check` does; or, with --policy FILE.toml, check a deployed API against its origins.
        #[cfg(feature = "probe")]
        Probe(cors_lens::probe::ProbeArgs),
        /// List the frameworks fixes are generated for, and whether each is verified on a live server.
        Frameworks {
            /// Print JSON instead of a table.
            #[arg(long)]
            json: bool,
        },
    }

    #[derive(clap::Args)]
    struct Rules {
        /// Whose CORS rules decide the verdict: chromium, firefox or safari.
        #[arg(long, value_name = "BROWSER", default_value = "chromium", value_parser = browser)]
        browser: Browser,
    }

    fn browser(name: &str) -> Result<Browser, String> {
        Browser::from_name(name).ok_or_else(|| format!("'{name}' is not chromium, firefox or safari"))
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match cli.command {
            Command::Check { file, jsonl, text, fix, redacted, rules } => {
                let input = match read_input(&file) {
                    Ok(input) => input,
                    Err(code) => return code,
                };
                if redacted {
                    export_one(&input, text)
                } else if jsonl {
                    check_lines(&input, rules.browser)
                } else {
                    check_one(&input, text, fix.as_deref(), rules.browser)
                }
            }
            Command::Fix { framework, file, rules } => {
                let input = match read_input(&file) {
                    Ok(input) => input,
                    Err(code) => return code,
                };
                match parse(&input, rules.browser).and_then(|(exchange, verdict)| fixes::fix(&exchange, &verdict, &framework).map_err(|e| e.to_string())) {
                    Ok(fix) => print_or_exit(&(serde_json::to_string_pretty(&fix).expect("a fix always serialises") + "\n")),
                    Err(message) => {
                        eprintln!("cors-lens: {message}");
                        ExitCode::from(BAD_INPUT)
                    }
                }
            }
            Command::Har { file, jsonl, browser } => har(&file, jsonl, browser),
            #[cfg(feature = "probe")]
            Command::Probe(args) => cors_lens::probe::main(args, &render_text),
            Command::Frameworks { json } => {
                let list = fixes::frameworks();
                let out = if json {
                    serde_json::to_string_pretty(&list).expect("a list always serialises") + "\n"
                } else {
                    let id_width = list.iter().map(|f| f.id.len()).max().unwrap_or(0);
                    let name_width = list.iter().map(|f| f.name.len()).max().unwrap_or(0);
                    // Under a heading per stack, as the engine orders them (the picker's groups).
                    let mut out = String::new();
                    for (i, f) in list.iter().enumerate() {
                        if i == 0 || list[i - 1].group != f.group {
                            out.push_str(&format!("{}{}\n", if i == 0 { "" } else { "\n" }, f.group_name));
                        }
                        let status = if f.verified_live { "verified on a live server" } else { "not verified on a live server" };
                        out.push_str(&format!("  {:<id_width$}  {:<name_width$}  {status}\n", f.id, f.name));
                    }
                    out
                };
                print_or_exit(&out)
            }
        }
    }

    /// `cors-lens har`: the file is streamed, only the parts the engine reads are kept (har_file.rs).
    fn har(file: &PathBuf, jsonl: bool, browser: Option<Browser>) -> ExitCode {
        let read = if file.as_os_str() == "-" {
            har_file::read(io::stdin().lock())
        } else {
            match std::fs::File::open(file) {
                Ok(f) => har_file::read(f),
                Err(e) => {
                    eprintln!("cors-lens: cannot read {}: {e}", file.display());
                    return ExitCode::from(BAD_INPUT);
                }
            }
        };
        let log = match read {
            Ok(log) => log,
            Err(e) => {
                eprintln!("cors-lens: {}: {e}", file.display());
                return ExitCode::from(BAD_INPUT);
            }
        };
        let analysis = har_listing::analyse(log, browser);
        if jsonl {
            print_or_exit(&har_listing::jsonl(&analysis))
        } else {
            let name = if file.as_os_str() == "-" { "(stdin)".to_owned() } else { file.display().to_string() };
            print_or_exit(&har_listing::text(&analysis, &name))
        }
    }

    fn read_input(file: &PathBuf) -> Result<String, ExitCode> {
        let read = if file.as_os_str() == "-" {
            let mut input = String::new();
            io::stdin().lock().read_to_string(&mut input).map(|_| input)
        } else {
            std::fs::read_to_string(file)
        };
        read.map_err(|e| {
            eprintln!("cors-lens: cannot read {}: {e}", file.display());
            ExitCode::from(BAD_INPUT)
        })
    }

    fn verdict_for(json: &str, browser: Browser) -> Result<Verdict, String> {
        parse(json, browser).map(|(_, verdict)| verdict)
    }

    /// Parses and checks one exchange; the error names the field (`request.url`, `response.status`, ...).
    fn parse(json: &str, browser: Browser) -> Result<(Exchange, Verdict), String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let exchange: Exchange = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." { format!("invalid exchange: {inner}") } else { format!("invalid exchange at {path}: {inner}") }
        })?;
        let verdict = check_as(&exchange, browser).map_err(|e| format!("invalid exchange at {e}"))?;
        Ok((exchange, verdict))
    }

    fn check_one(input: &str, text: bool, framework: Option<&str>, browser: Browser) -> ExitCode {
        let checked = parse(input, browser).and_then(|(exchange, verdict)| {
            let fix = match framework {
                // No server snippet where the server is not the cause: the text says what to change instead.
                Some(framework) if verdict.server_fix => Some(fixes::fix(&exchange, &verdict, framework).map_err(|e| e.to_string())?),
                _ => None,
            };
            Ok((verdict, fix))
        });
        match checked {
            Ok((verdict, fix)) => {
                let out = if text {
                    render_text(&verdict, fix.as_ref())
                } else {
                    let mut json = serde_json::to_value(&verdict).expect("a verdict always serialises");
                    if let Some(fix) = fix {
                        json["fix"] = serde_json::to_value(fix).expect("a fix always serialises");
                    }
                    serde_json::to_string_pretty(&json).expect("JSON always serialises") + "\n"
                };
                print_or_exit(&out)
            }
            Err(message) => {
                eprintln!("cors-lens: {message}");
                ExitCode::from(BAD_INPUT)
            }
        }
    }

    /// The export of one exchange, through the session's own path: the panel's report, then the export's
    /// (the extension's rules are Chromium's, so `--browser` does not apply).
    fn export_one(input: &str, markdown: bool) -> ExitCode {
        match parse(input, Browser::Chromium) {
            Ok((exchange, _)) => {
                let format = if markdown { ExportFormat::Markdown } else { ExportFormat::Json };
                print_or_exit(&report::export_text(report::redacted(report::of_exchange(exchange)), format))
            }
            Err(message) => {
                eprintln!("cors-lens: {message}");
                ExitCode::from(BAD_INPUT)
            }
        }
    }

    /// One verdict per non-empty line, in order. A bad line yields `{"line": N, "error": "..."}` in
    /// its place, so the other verdicts are kept, and the exit code becomes 2.
    fn check_lines(input: &str, browser: Browser) -> ExitCode {
        let mut out = String::new();
        let mut failed = false;
        for (index, line) in input.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let rendered = match verdict_for(line, browser) {
                Ok(verdict) => serde_json::to_string(&verdict).expect("a verdict always serialises"),
                Err(message) => {
                    failed = true;
                    eprintln!("cors-lens: line {}: {message}", index + 1);
                    serde_json::json!({ "line": index + 1, "error": message }).to_string()
                }
            };
            out.push_str(&rendered);
            out.push('\n');
        }
        let printed = print_or_exit(&out);
        if failed { ExitCode::from(BAD_INPUT) } else { printed }
    }

    fn print_or_exit(out: &str) -> ExitCode {
        let mut stdout = io::stdout().lock();
        match stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            // A closed pipe (e.g. `| head`) is not an error worth a panic.
            Err(_) => ExitCode::FAILURE,
        }
    }

    fn render_text(v: &Verdict, fix: Option<&Fix>) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        let e = &v.explanation;
        let verdict = match (&v.error, v.allowed, v.undetermined) {
            (Some(error), _, _) => format!("BLOCKED ({error}, {} stage)", v.stage.map(stage_name).unwrap_or("request")),
            (None, _, true) => "UNDETERMINED".to_owned(),
            (None, true, _) => "ALLOWED".to_owned(),
            (None, false, _) => match v.network_failure {
                Some(failure) => format!("FAILED, NOT CORS ({})", failure.label()),
                None => "FAILED (not at a CORS check)".to_owned(),
            },
        };
        line(format!("{verdict}: {}", e.summary));
        if !e.details.is_empty() {
            line(String::new());
            line(e.details.clone());
        }
        if let Some(console) = &v.console {
            line(String::new());
            line("What the browser printed:".to_owned());
            // The browser whose rules decided first; a browser that does not block prints nothing.
            let mut browsers = Browser::ALL;
            browsers.sort_by_key(|&b| b != v.browser);
            for b in browsers {
                let printed = match b {
                    Browser::Chromium => console.chromium.as_deref().map(str::trim_end),
                    Browser::Firefox => console.firefox.as_deref(),
                    Browser::Safari => console.safari.as_deref(),
                };
                if let Some(printed) = printed {
                    line(format!("  {:<9} {}", format!("{}:", b.title()), printed.replace('\n', "\n            ")));
                }
            }
        }
        if let Some(http) = &e.preflight_http {
            line(String::new());
            line("What the browser sent first:".to_owned());
            for request_line in http.request.lines() {
                line(format!("  > {request_line}"));
            }
            match &http.response {
                Some(response) => response.lines().for_each(|l| line(format!("  < {l}"))),
                None => line("  < (no response captured)".to_owned()),
            }
        }
        if v.preflight_required && !v.preflight_reasons.is_empty() {
            line(String::new());
            line("Why this request needed a preflight:".to_owned());
            v.preflight_reasons.iter().for_each(|r| line(format!("  - {r}")));
            if let Some(avoid) = &e.avoid_preflight {
                line(format!("  {avoid}"));
            }
        }
        let warnings: Vec<String> = v.warnings.iter().map(ToString::to_string).collect();
        let notes: Vec<&str> = e
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .chain(e.browser_differences.iter().map(String::as_str))
            .chain(v.inferred.because.iter().map(String::as_str))
            .chain(v.local_network.iter().flat_map(|l| l.because.iter().map(String::as_str)))
            .chain(warnings.iter().map(String::as_str))
            .collect();
        if !notes.is_empty() {
            line(String::new());
            line("Also:".to_owned());
            notes.iter().for_each(|n| line(format!("  - {n}")));
        }
        if let Some(client_fix) = &e.client_fix {
            line(String::new());
            line(format!("Client fix: {client_fix}"));
        }
        if let Some(fix) = fix {
            line(String::new());
            let verified = if fix.verified_live { "verified on a live server" } else { "not verified on a live server" };
            line(format!("Fix for {} ({verified}; changes your {}):", fix.framework_name, fix.layer.words()));
            if let Some(note) = &fix.layer_note {
                line(format!("  {note}"));
            }
            line(format!("  {}", fix.placement));
            line(String::new());
            fix.snippet.lines().for_each(|l| line(format!("    {l}")));
            line(String::new());
            fix.notes.iter().for_each(|n| line(format!("  - {n}")));
            if let Some(other) = &fix.other_layer {
                line(String::new());
                line(format!("And in {}: {}", other.name, other.change));
                if let Some(snippet) = &other.snippet {
                    line(String::new());
                    snippet.lines().for_each(|l| line(format!("    {l}")));
                }
            }
        } else if !v.server_fix {
            line(String::new());
            line("No server fix: this is not decided by the API server's response headers (see the client fix).".to_owned());
        } else if v.error.is_some() {
            line(String::new());
            line("Add --fix FRAMEWORK for the server change (cors-lens frameworks lists them).".to_owned());
        }
        out
    }

    fn stage_name(stage: cors_lens::verdict::Stage) -> &'static str {
        use cors_lens::verdict::Stage;
        match stage {
            Stage::Request => "request",
            Stage::Preflight => "preflight",
            Stage::Response => "response",
            Stage::Redirect => "redirect",
            Stage::RedirectPreflight => "redirect preflight",
        }
    }
}
