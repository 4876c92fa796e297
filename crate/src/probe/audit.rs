//! Running a policy: every endpoint and method probed from each allowed origin (which must pass),
//! each refused origin and each attack origin (which must be blocked); where the answer depends on
//! the origin, `Vary: Origin` must say so (or a shared cache hands one origin's answer to another,
//! which the second origin's probe also catches); and a preflight answer must set
//! `Access-Control-Max-Age` (without it browsers cache it 5 s at most, so nearly every call pays a
//! preflight).

use serde::Serialize;

use crate::browser::Browser;
use crate::exchange::{HeaderList, Response};
use crate::headers;
use crate::max_age;
use crate::verdict::MaxAgeReading;

use super::attacks::attacks;
use super::client::Sender;
use super::policy::{Endpoint, Policy};
use super::request::PageRequest;
use super::walk::{probe, Probe};

/// One check of the policy: a JUnit test case.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub method: String,
    pub url: String,
    /// What is checked, e.g. `refused: https://app.example.com.evil.test (suffix trick)`.
    pub check: String,
    pub outcome: Outcome,
    /// Why it failed, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Evidence: the browser's console line, the headers that were answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Violation,
    /// The probe got no HTTP answer: nothing can be said.
    Error,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Allowed,
    Refused,
    Attack(&'static str),
}

/// The probes of one endpoint and method, each origin with its role.
struct Probed<'a> {
    endpoint: &'a Endpoint,
    method: &'a str,
    probes: Vec<(String, Role, Probe)>,
}

/// Runs the whole policy, in file order.
pub fn run(policy: &Policy, sender: &Sender, browser: Browser) -> Result<Vec<Case>, String> {
    let mut probed = Vec::new();
    for endpoint in &policy.endpoints {
        for method in &endpoint.methods {
            probed.push(Probed { endpoint, method, probes: probe_all(endpoint, method, policy.attacks, sender, browser)? });
        }
    }
    // Which APIs evidently compute Access-Control-Allow-Origin from the origin: they echoed at least two
    // different origins somewhere in the run. Only there does one origin answered with another's echo prove
    // a shared cache (a fixed value that happens to be one allowed origin looks the same).
    let mut echoed: Vec<(String, String)> = Vec::new();
    for p in &probed {
        for (origin, _, found) in &p.probes {
            let answers = [preflight_answer(found), final_answer(found)];
            if answers.iter().flatten().any(|r| acao(&r.headers).as_deref() == Some(origin.as_str())) {
                let api = api_origin(&p.endpoint.url);
                if !echoed.contains(&(api.clone(), origin.clone())) {
                    echoed.push((api, origin.clone()));
                }
            }
        }
    }
    let dynamic = |url: &str| echoed.iter().filter(|(api, _)| *api == api_origin(url)).count() >= 2;
    Ok(probed.iter().flat_map(|p| cases_of(p, dynamic(&p.endpoint.url))).collect())
}

/// The scheme, host and port of an endpoint's URL: the API whose configuration answers it.
fn api_origin(url: &str) -> String {
    crate::origin::ParsedUrl::parse(url).ok().and_then(|u| u.origin().map(|o| o.serialize())).unwrap_or_default()
}

fn probe_all(endpoint: &Endpoint, method: &str, with_attacks: bool, sender: &Sender, browser: Browser) -> Result<Vec<(String, Role, Probe)>, String> {
    let mut origins: Vec<(String, Role)> = endpoint.allowed_origins.iter().map(|o| (o.clone(), Role::Allowed)).collect();
    origins.extend(endpoint.refused_origins.iter().map(|o| (o.clone(), Role::Refused)));
    if with_attacks {
        for allowed in &endpoint.allowed_origins {
            for attack in attacks(allowed, &endpoint.allowed_origins) {
                if !origins.iter().any(|(o, _)| *o == attack.origin) {
                    origins.push((attack.origin, Role::Attack(attack.name)));
                }
            }
        }
    }
    let mut probes = Vec::new();
    for (origin, role) in origins {
        let page = PageRequest { url: endpoint.url.clone(), origin, method: method.to_owned(), headers: endpoint.headers.clone(), credentials: endpoint.credentials };
        let found = probe(&page, sender, browser, endpoint.sends_actual(method)).map_err(|e| format!("{} {}: {e}", method, endpoint.url))?;
        probes.push((page.origin, role, found));
    }
    Ok(probes)
}

/// The checks of one endpoint and method; `dynamic`: its API echoes origins (see [`run`]).
fn cases_of(probed: &Probed, dynamic: bool) -> Vec<Case> {
    let (endpoint, method, probes) = (probed.endpoint, probed.method, &probed.probes);
    let case = |check: String, outcome, message: Option<String>, detail: Option<String>| Case {
        method: method.to_owned(),
        url: endpoint.url.clone(),
        check,
        outcome,
        message,
        detail,
    };
    let mut cases: Vec<Case> = probes.iter().map(|(origin, role, found)| origin_case(origin, *role, found, &case)).collect();
    let reachable: Vec<&(String, Role, Probe)> = probes.iter().filter(|(_, _, p)| !p.network_failed()).collect();
    for (stage, answer) in [("preflight", preflight_answer as fn(&Probe) -> Option<&Response>), ("response", final_answer)] {
        let answers: Vec<(&str, &Response)> = reachable.iter().filter_map(|(o, _, p)| answer(p).map(|r| (o.as_str(), r))).collect();
        if let Some(vary) = vary_case(stage, &answers, dynamic, &case) {
            cases.push(vary);
        }
    }
    let preflights: Vec<(&str, &Response)> =
        reachable.iter().filter(|(_, role, _)| *role == Role::Allowed).filter_map(|(o, _, p)| preflight_answer(p).map(|r| (o.as_str(), r))).collect();
    if !preflights.is_empty() {
        let unset: Vec<String> = preflights
            .iter()
            .filter_map(|(origin, r)| {
                let reading = max_age::read(&r.headers);
                match reading.chromium.reading {
                    MaxAgeReading::Missing => Some(format!("{origin}: not set")),
                    MaxAgeReading::Unparsable => Some(format!("{origin}: '{}' is not a number of seconds", reading.header.unwrap_or_default())),
                    _ => None,
                }
            })
            .collect();
        cases.push(if unset.is_empty() {
            case("Access-Control-Max-Age set on the preflight".to_owned(), Outcome::Passed, None, None)
        } else {
            case(
                "Access-Control-Max-Age set on the preflight".to_owned(),
                Outcome::Violation,
                Some("the preflight answer sets no usable Access-Control-Max-Age, so browsers cache it 5 s at most and preflight nearly every call".to_owned()),
                Some(unset.join("; ")),
            )
        });
    }
    cases
}

fn preflight_answer(probe: &Probe) -> Option<&Response> {
    probe.exchange.preflight.as_ref().and_then(|p| p.response.as_ref())
}

fn final_answer(probe: &Probe) -> Option<&Response> {
    probe.exchange.response.as_ref()
}

/// Whether an origin was treated as the policy says.
fn origin_case(origin: &str, role: Role, found: &Probe, case: &dyn Fn(String, Outcome, Option<String>, Option<String>) -> Case) -> Case {
    let check = match role {
        Role::Allowed => format!("allowed: {origin}"),
        Role::Refused => format!("refused: {origin}"),
        Role::Attack(name) => format!("refused: {origin} ({name})"),
    };
    let v = &found.verdict;
    if found.network_failed() {
        let what = found.sent.iter().rev().find_map(|s| s.error_message.clone().map(|m| format!("{} ({m})", s.net_error.clone().unwrap_or_default())));
        return case(check, Outcome::Error, Some(format!("no HTTP answer: {}", v.summary)), what);
    }
    let console = v.console.as_ref().and_then(|c| c.chromium.clone()).map(|l| l.trim_end().to_owned());
    match (role, found.blocked()) {
        (Role::Allowed, false) | (Role::Refused | Role::Attack(_), true) => case(check, Outcome::Passed, None, None),
        (Role::Allowed, true) => case(check, Outcome::Violation, Some(format!("this origin must be allowed, and the browser blocks it: {}", v.summary)), console),
        (_, false) => {
            let answered = answered_acao(found);
            let how = if found.stopped_after_preflight { "its preflight passes" } else { "the browser lets the page read the response" };
            case(check, Outcome::Violation, Some(format!("this origin must be refused, and {how}")), answered)
        }
    }
}

/// The CORS headers that let a refused origin in, as evidence.
fn answered_acao(found: &Probe) -> Option<String> {
    let response = final_answer(found).or_else(|| preflight_answer(found))?;
    let lines: Vec<String> = response
        .headers
        .iter()
        .filter(|(n, _)| n.to_ascii_lowercase().starts_with("access-control-allow-"))
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    Some(lines.join("; "))
}

fn acao(headers: &HeaderList) -> Option<String> {
    headers::get(headers, "access-control-allow-origin").map(|v| v.into_owned())
}

/// Whether `Vary` names `Origin` (or is `*`).
fn varies_on_origin(headers: &HeaderList) -> bool {
    headers::values(headers, "vary").flat_map(|v| v.split(',')).map(str::trim).any(|v| v.eq_ignore_ascii_case("origin") || v == "*")
}

/// `Vary: Origin` wherever `Access-Control-Allow-Origin` changes with the origin; and, where the API echoes
/// origins (`dynamic`), no origin answered with another probed origin's echo (what a cache shared between
/// origins does).
fn vary_case(stage: &str, answers: &[(&str, &Response)], dynamic: bool, case: &dyn Fn(String, Outcome, Option<String>, Option<String>) -> Case) -> Option<Case> {
    if answers.is_empty() {
        return None;
    }
    let check = format!("Vary: Origin on the {stage}");
    let values: Vec<Option<String>> = answers.iter().map(|(_, r)| acao(&r.headers)).collect();
    let echoed: Vec<&str> = answers.iter().zip(&values).filter(|((o, _), v)| v.as_deref() == Some(*o)).map(|((o, _), _)| *o).collect();
    let crossed: Vec<String> = answers
        .iter()
        .zip(&values)
        .filter(|_| dynamic)
        .filter_map(|((o, _), v)| v.as_deref().filter(|v| *v != *o && echoed.contains(v)).map(|v| format!("{o} was answered {v}")))
        .collect();
    if !crossed.is_empty() {
        return Some(case(
            check,
            Outcome::Violation,
            Some("one origin was answered with another origin's Access-Control-Allow-Origin: a cache shared between origins without Vary: Origin".to_owned()),
            Some(crossed.join("; ")),
        ));
    }
    let depends = values.iter().any(|v| *v != values[0]);
    let unvaried: Vec<&str> =
        answers.iter().zip(&values).filter(|((_, r), v)| v.is_some() && !varies_on_origin(&r.headers)).map(|((o, _), _)| *o).collect();
    if depends && !unvaried.is_empty() {
        return Some(case(
            check,
            Outcome::Violation,
            Some(format!(
                "Access-Control-Allow-Origin depends on the origin, and the {stage} has no Vary: Origin: a cache may hand one origin's answer to another"
            )),
            Some(format!("no Vary: Origin for {}", unvaried.join(", "))),
        ));
    }
    Some(case(check, Outcome::Passed, None, None))
}
