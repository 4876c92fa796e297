//! `cors-lens`: the engine on the command line.
//!
//! `cors-lens check FILE|-` prints one verdict as JSON; `--jsonl` reads one exchange per line and
//! prints one verdict per line, in order; `--text` prints it for a person. Malformed input prints
//! an error naming the field and exits with code 2.

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
    use cors_lens::{check, Exchange, Verdict};

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
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match cli.command {
            Command::Check { file, jsonl, text } => {
                let input = match read_input(&file) {
                    Ok(input) => input,
                    Err(e) => {
                        eprintln!("cors-lens: cannot read {}: {e}", file.display());
                        return ExitCode::from(BAD_INPUT);
                    }
                };
                if jsonl {
                    check_lines(&input)
                } else {
                    check_one(&input, text)
                }
            }
        }
    }

    fn read_input(file: &PathBuf) -> io::Result<String> {
        if file.as_os_str() == "-" {
            let mut input = String::new();
            io::stdin().lock().read_to_string(&mut input)?;
            Ok(input)
        } else {
            std::fs::read_to_string(file)
        }
    }

    /// Parses and checks one exchange; the error names the field (`request.url`, `response.status`, ...).
    fn verdict_for(json: &str) -> Result<Verdict, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let exchange: Exchange = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." { format!("invalid exchange: {inner}") } else { format!("invalid exchange at {path}: {inner}") }
        })?;
        check(&exchange).map_err(|e| format!("invalid exchange at {e}"))
    }

    fn check_one(input: &str, text: bool) -> ExitCode {
        match verdict_for(input) {
            Ok(verdict) => {
                let out = if text {
                    render_text(&verdict)
                } else {
                    serde_json::to_string_pretty(&verdict).expect("a verdict always serialises") + "\n"
                };
                print_or_exit(&out)
            }
            Err(message) => {
                eprintln!("cors-lens: {message}");
                ExitCode::from(BAD_INPUT)
            }
        }
    }

    /// One verdict per non-empty line, in order. A bad line yields `{"line": N, "error": "..."}` in
    /// its place, so the other verdicts are kept, and the exit code becomes 2.
    fn check_lines(input: &str) -> ExitCode {
        let mut out = String::new();
        let mut failed = false;
        for (index, line) in input.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let rendered = match verdict_for(line) {
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

    fn render_text(v: &Verdict) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        match (&v.error, v.allowed, v.undetermined) {
            (Some(error), _, _) => line(format!(
                "BLOCKED by CORS at the {} stage: {error}{}",
                v.stage.map(stage_name).unwrap_or("request"),
                v.failed_parameter.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" ('{p}')")).unwrap_or_default()
            )),
            (None, _, true) => line("UNDETERMINED: the capture lacks what is needed to decide.".to_owned()),
            (None, true, _) if !v.cors_applies => line("ALLOWED: CORS does not apply to this request.".to_owned()),
            (None, true, _) => line("ALLOWED: every CORS check passes.".to_owned()),
            (None, false, _) => line("FAILED, but not at a CORS check.".to_owned()),
        }
        if let Some(console) = &v.console {
            line(String::new());
            line("What the browser printed:".to_owned());
            line(format!("  Chromium: {}", console.chromium));
            if let Some(firefox) = &console.firefox {
                line(format!("  Firefox:  {firefox}"));
            }
            if let Some(safari) = &console.safari {
                line(format!("  Safari:   {}", safari.replace('\n', "\n            ")));
            }
        }
        if v.preflight_required {
            line(String::new());
            line(format!("Why a preflight: {}.", v.preflight_reasons.join("; ")));
        }
        for because in &v.inferred.because {
            line(format!("Assumed: {because}."));
        }
        for warning in &v.warnings {
            line(format!("Note: {warning}"));
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
