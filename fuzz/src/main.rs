//! `cors-lens-fuzz`: a coverage-guided mutational fuzzer for the engine (docs/fuzzing.md).
//!
//!   cors-lens-fuzz [TARGET...] [--inputs N] [--seconds S] [--seed X] [--replay]
//!
//! Each target (check, session, har, fixes; all by default) starts from its seeds and regressions,
//! mutates inputs with a deterministic PRNG and keeps those that reach new coverage. A panic (a
//! property is an assertion) is minimised and written to fuzz/crashes/<target>-<hash>.json, and the run
//! fails. `--replay` runs only the seeds and regressions. One `RESULT fuzz ...` line per target gives
//! the figures.

mod coverage;
mod mutate;
mod seeds;
mod targets;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use coverage::Coverage;
use mutate::Rng;

const MAX_INPUT: usize = 64 * 1024;

struct Options {
    targets: Vec<String>,
    inputs: u64,
    seconds: f64,
    seed: u64,
    replay: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options { targets: Vec::new(), inputs: u64::MAX, seconds: f64::INFINITY, seed: 14, replay: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--inputs" => o.inputs = value("--inputs")?.parse().map_err(|e| format!("--inputs: {e}"))?,
            "--seconds" => o.seconds = value("--seconds")?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--seed" => o.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--replay" => o.replay = true,
            t if targets::TARGETS.contains(&t) => o.targets.push(t.to_owned()),
            other => return Err(format!("unknown argument {other} (targets: {})", targets::TARGETS.join(", "))),
        }
    }
    if o.targets.is_empty() {
        o.targets = targets::TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(o)
}

/// Runs one input; the panic's message when it failed.
fn attempt(target: &str, data: &[u8]) -> Result<(), String> {
    panic::catch_unwind(AssertUnwindSafe(|| targets::run(target, data))).map_err(|e| {
        e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
    })
}

/// The shortest input found that still fails with the same message: chunks removed, halving their size.
fn minimise(target: &str, data: &[u8], message: &str) -> Vec<u8> {
    let same = |d: &[u8]| attempt(target, d).err().is_some_and(|m| m == message);
    let mut best = data.to_vec();
    let mut chunk = best.len() / 2;
    while chunk >= 1 {
        let mut at = 0;
        while at + chunk <= best.len() {
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[at + chunk..]);
            if same(&candidate) { best = candidate } else { at += chunk }
        }
        chunk /= 2;
    }
    best
}

struct Figures {
    inputs: u64,
    corpus: usize,
    features: usize,
    crashes: usize,
    elapsed: Duration,
}

fn fuzz(target: &str, o: &Options, root: &Path, coverage: &mut Coverage, rng: &mut Rng) -> Figures {
    let start = Instant::now();
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut crashes: Vec<String> = Vec::new();
    let mut inputs = 0u64;
    let record = |data: Vec<u8>, message: String, crashes: &mut Vec<String>| {
        let small = minimise(target, &data, &message);
        let hash = small.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3));
        let path = root.join("fuzz/crashes").join(format!("{target}-{hash:016x}.json"));
        let _ = std::fs::create_dir_all(path.parent().expect("a crash file has a folder"));
        let _ = std::fs::write(&path, &small);
        eprintln!("CRASH {target}: {message}\n  minimised to {} bytes: {}", small.len(), path.display());
        crashes.push(message);
    };
    for data in seeds::seeds(target, root) {
        coverage.reset();
        inputs += 1;
        match attempt(target, &data) {
            Ok(()) => {
                coverage.collect();
                corpus.push(data);
            }
            Err(message) => record(data, message, &mut crashes),
        }
    }
    if corpus.is_empty() {
        corpus.push(b"{}".to_vec());
    }
    let deadline = Duration::from_secs_f64(o.seconds.min(1e9));
    while !o.replay && inputs < o.inputs && crashes.len() < 5 {
        // The clock is read every 256 inputs: reading it for each costs more than a small input.
        if inputs % 256 == 0 && start.elapsed() >= deadline {
            break;
        }
        let parent = &corpus[rng.below(corpus.len())];
        let other = &corpus[rng.below(corpus.len())];
        let mut data = parent.clone();
        mutate::mutate(&mut data, other, rng);
        data.truncate(MAX_INPUT);
        coverage.reset();
        inputs += 1;
        match attempt(target, &data) {
            Ok(()) if coverage.collect() > 0 => corpus.push(data),
            Ok(()) => {}
            Err(message) if crashes.contains(&message) => {}
            Err(message) => record(data, message, &mut crashes),
        }
    }
    Figures { inputs, corpus: corpus.len(), features: coverage.features(), crashes: crashes.len(), elapsed: start.elapsed() }
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("cors-lens-fuzz: {e}");
            return ExitCode::from(2);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    // Panics are expected and reported by `attempt`: no message per caught panic.
    panic::set_hook(Box::new(|_| {}));
    let mut coverage = Coverage::new();
    let mut rng = Rng::new(o.seed);
    let mut failed = false;
    let (mut total_inputs, mut total_time) = (0u64, Duration::ZERO);
    for target in &o.targets {
        let f = fuzz(target, &o, &root, &mut coverage, &mut rng);
        println!(
            "RESULT fuzz target={target} inputs={} corpus={} features={} edges={} seconds={:.1} inputs_per_sec={:.0} crashes={}",
            f.inputs,
            f.corpus,
            f.features,
            coverage.edges(),
            f.elapsed.as_secs_f64(),
            f.inputs as f64 / f.elapsed.as_secs_f64().max(1e-9),
            f.crashes
        );
        failed |= f.crashes > 0;
        total_inputs += f.inputs;
        total_time += f.elapsed;
    }
    println!("RESULT fuzz total inputs={total_inputs} seconds={:.1} guided={}", total_time.as_secs_f64(), coverage.edges() > 0);
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
