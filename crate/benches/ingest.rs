//! Native µs per webRequest event through `Session::ingest`, for `./build.sh bench`: the stream the extension
//! bench recorded from real Chromium traffic (webrequest-stream.json: nine kinds of exchange, preflighted,
//! redirected, failing), replayed in copies with fresh request ids, URLs and timestamps into one tab kept at its
//! cap, as tests/bench/extension-bench.mjs replays it into the service worker. Where the wasm figure there is
//! too coarse to say which part of the engine costs what, this one runs under `perf`.
//!
//! Prints the fastest lap's µs per event for the whole path and for the crossing-free parts: validation alone
//! (events of tab -1 stop there) and ingest.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cors_lens::session::{RawEvent, Session};
use serde_json::Value;

const LAP: Duration = Duration::from_millis(250);
const EXCHANGES_PER_LAP: usize = 1000;
const TAB: i64 = 7;

/// The recorded templates: each a tag (in its URLs) and its events, `{event, details}`.
fn templates() -> Vec<(String, Vec<Value>)> {
    let text = include_str!("webrequest-stream.json");
    let all: Vec<Value> = serde_json::from_str(text).expect("webrequest-stream.json is JSON");
    all.into_iter()
        .map(|t| {
            let tag = t["tag"].as_str().expect("a tag").to_owned();
            let events = t["events"].as_array().expect("events").iter().map(|e| {
                let mut d = e["details"].clone();
                d["event"] = e["event"].clone();
                d
            });
            (tag, events.collect())
        })
        .collect()
}

/// Copies of the templates, round-robin: fresh request ids (relative order kept, so a preflight is still its
/// request's id + 1), URLs and timestamps.
struct Copier {
    templates: Vec<(String, Vec<Value>)>,
    next_id: u64,
    clock: f64,
    copy: usize,
}

impl Copier {
    fn next(&mut self, tab: i64) -> Vec<RawEvent> {
        let c = self.copy;
        self.copy += 1;
        let (tag, events) = &self.templates[c % self.templates.len()];
        let id = |e: &Value| {
            e["requestId"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .expect("a request id")
        };
        let min_id = events.iter().map(id).min().unwrap_or(0);
        let max_id = events.iter().map(id).max().unwrap_or(0);
        let time = |e: &Value| e["timeStamp"].as_f64().unwrap_or(0.0);
        let t0 = events.iter().map(time).fold(f64::INFINITY, f64::min);
        let t1 = events.iter().map(time).fold(f64::NEG_INFINITY, f64::max);
        let fresh = format!("{tag}c{c}");
        let out = events
            .iter()
            .map(|e| {
                let mut d = e.clone();
                d["requestId"] = Value::from((self.next_id + id(e) - min_id).to_string());
                d["url"] = Value::from(
                    e["url"]
                        .as_str()
                        .unwrap_or("")
                        .replace(tag.as_str(), &fresh),
                );
                if let Some(r) = e["redirectUrl"].as_str() {
                    d["redirectUrl"] = Value::from(r.replace(tag.as_str(), &fresh));
                }
                d["tabId"] = Value::from(tab);
                d["timeStamp"] = Value::from(self.clock + time(e) - t0);
                serde_json::from_value(d).expect("a webRequest event")
            })
            .collect();
        self.next_id += max_id - min_id + 1;
        self.clock += t1 - t0 + 1.0;
        out
    }
}

/// The fastest of `laps` laps' µs per event, each lap `EXCHANGES_PER_LAP` copies prepared beforehand.
fn per_event(session: &mut Session, copier: &mut Copier, tab: i64, laps: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..laps {
        let events: Vec<RawEvent> = (0..EXCHANGES_PER_LAP)
            .flat_map(|_| copier.next(tab))
            .collect();
        let n = events.len();
        let start = Instant::now();
        for e in events {
            black_box(session.ingest(e).ok());
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    best
}

fn main() {
    let secs: f64 = std::env::var("CORS_LENS_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let mut copier = Copier {
        templates: templates(),
        next_id: 50_000_000,
        clock: 1.8e12,
        copy: 0,
    };
    let mut session = Session::default();
    // Warm-up: the tab filled to its cap, so every new exchange evicts one, as in a long session.
    per_event(&mut session, &mut copier, TAB, 2);
    let laps = ((secs / LAP.as_secs_f64()).ceil() as usize).max(2);
    let ingest = per_event(&mut session, &mut copier, TAB, laps);
    let validate = per_event(&mut session, &mut copier, -1, laps);
    println!(
        "native Session::ingest, recorded webRequest stream ({} kinds of exchange)",
        copier.templates.len()
    );
    println!("  ingest              {ingest:>7.2} µs/event");
    println!("  of which validation {validate:>7.2} µs/event (tab -1: stops after it)");
    println!("RESULT ingest_us_per_event={ingest:.3} validate_us_per_event={validate:.3}");
}
