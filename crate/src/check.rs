//! `check`: walks one exchange in the order the browser does (fetch spec §main fetch, §HTTP fetch,
//! §HTTP-redirect fetch; Chromium `CorsURLLoader`) and stops at the first check that fails:
//! request mode and scheme → Local Network Access → preflight → each redirect → final response.

use std::borrow::Cow;
use std::fmt;

use crate::access_check::check_access;
use crate::browser::Browser;
use crate::console::{self, Blocked};
use crate::error::{CorsError, Failure};
use crate::exchange::{Client, CredentialsMode, Exchange, HeaderList, Outcome, Preflight, RedirectMode, RequestMode, Response};
use crate::explain::{explain, BrowserDifference, FailedAt};
use crate::expose::exposed_headers;
use crate::headers;
use crate::infer;
use crate::local_network::{self, LocalNetwork};
use crate::max_age;
use crate::method;
use crate::network_failure::{self, NetworkFailure};
use crate::origin::{parse_serialized_origin, Origin, ParsedUrl};
use crate::preflight::{self, PreflightAsk, PreflightNeed};
use crate::redirect;
use crate::verdict::{Explanation, ExposedHeaders, MaxAgeByBrowser, Stage, Verdict};
use crate::warning::Warning;

/// Input the engine cannot work with at all, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}

/// Re-runs Chromium's CORS algorithm on `exchange`.
pub fn check(exchange: &Exchange) -> Result<Verdict, InputError> {
    check_as(exchange, Browser::Chromium)
}

/// The net error Chromium gives a preflight it did not follow a redirect of.
const REFUSED_PREFLIGHT_REDIRECT: &str = "net::ERR_INVALID_REDIRECT";

/// What `browser`'s rules decide about an exchange, before anything is worded: whether the request
/// was allowed, and where it was stopped. All a session needs when it keeps an exchange (which to
/// evict first, which preflights succeeded); the verdict's words wait until someone reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub stage: Option<Stage>,
}

/// `browser`'s decision on `exchange`: `check_as`'s `allowed` and `stage`, without the rest of its work.
pub fn decide_as(exchange: &Exchange, browser: Browser) -> Result<Decision, InputError> {
    let request = Parsed::new(exchange)?;
    let decided = decide(exchange, &request, browser);
    Ok(Decision { allowed: decided.allowed, stage: decided.credentials.evaluation.blocked.as_ref().map(|b| b.stage) })
}

/// The run of `browser`'s rules under the credentials mode that explains the outcome, and what it
/// says about the request.
struct Decided<'a> {
    credentials: infer::CredentialsChoice<Evaluation<'a>>,
    /// What stopped a request that failed below CORS.
    network_failure: Option<NetworkFailure>,
    below_cors: bool,
    undetermined: bool,
    allowed: bool,
}

fn decide<'a>(exchange: &'a Exchange, request: &'a Parsed<'a>, browser: Browser) -> Decided<'a> {
    let credentials = infer::credentials(
        exchange,
        |credentials| evaluate(exchange, request, credentials, browser),
        |evaluation| evaluation.blocked.as_ref().map(|b| b.failure.error),
    );
    let evaluation = &credentials.evaluation;
    // A request that failed below CORS (refused, blocked by an extension, ...) is not undetermined:
    // the capture says what happened, and it was not a CORS check.
    // A preflight that failed below HTTP is named the same way.
    let network_failure = match &evaluation.blocked {
        None if exchange.outcome != Outcome::Succeeded => network_failure::classify(exchange, &request.url, request.page_origin.as_ref()),
        Some(b) if b.failure.error == CorsError::PreflightNetworkError => NetworkFailure::from_net_error(&b.failure.failed_parameter),
        _ => None,
    };
    let below_cors = network_failure.is_some() && evaluation.blocked.is_none();
    let undetermined = evaluation.undetermined && network_failure.is_none();
    let allowed = if below_cors {
        false
    } else if undetermined {
        exchange.outcome != Outcome::Failed
    } else {
        evaluation.blocked.is_none()
    };
    Decided { credentials, network_failure, below_cors, undetermined, allowed }
}

/// Re-runs `browser`'s CORS algorithm on `exchange`; the other browsers' rules run on it too, for
/// their console lines and for where they would decide otherwise.
pub fn check_as(exchange: &Exchange, browser: Browser) -> Result<Verdict, InputError> {
    let request = Parsed::new(exchange)?;
    let client = infer::client(exchange);
    let Decided { credentials, network_failure, below_cors, undetermined, allowed } = decide(exchange, &request, browser);
    // The credentials mode is the request's, whoever's rules run: the others use the one found here.
    let included = credentials.inferred.credentials_mode.unwrap_or(exchange.request.credentials_mode) == CredentialsMode::Include;
    let others: Vec<(Browser, Evaluation)> =
        Browser::ALL.into_iter().filter(|&b| b != browser).map(|b| (b, evaluate(exchange, &request, included, b))).collect();
    let mut evaluation = credentials.evaluation;
    let mut warnings = std::mem::take(&mut evaluation.warnings);
    match (exchange.outcome, allowed || below_cors, undetermined) {
        (Outcome::Failed, true, false) => warnings.push(Warning::FailedButChecksPass),
        (Outcome::Succeeded, false, false) => warnings.push(Warning::SucceededButChecksFail),
        _ => {}
    }
    let describe = |b| describe(b, exchange, client.value, &request.lna);
    let blocked_by = |b: Browser| {
        if b == browser {
            evaluation.blocked.as_ref()
        } else {
            others.iter().find(|(other, _)| *other == b).and_then(|(_, e)| e.blocked.as_ref())
        }
    };
    let console = evaluation.blocked.as_ref().map(|_| console::render(|b| blocked_by(b).map(describe)));
    let browser_error = match (browser, evaluation.blocked.as_ref()) {
        (Browser::Firefox, Some(b)) => console::firefox::report(&describe(b)).reason.map(str::to_owned),
        _ => None,
    };
    let differences: Vec<BrowserDifference> = others
        .iter()
        .filter_map(|(other, e)| {
            let error = e.blocked.as_ref().map(|b| b.failure.error);
            let stage = e.blocked.as_ref().map(|b| b.stage);
            (error != evaluation.blocked.as_ref().map(|b| b.failure.error)).then_some(BrowserDifference { browser: *other, error, stage })
        })
        .collect();
    let mut inferred = credentials.inferred;
    if client.assumed {
        inferred.client = Some(client.value);
        inferred.because.push("the capture does not say which API made the request; fetch() was assumed".to_owned());
    }
    let mut verdict = Verdict {
        browser,
        allowed,
        undetermined,
        cors_applies: evaluation.cors_applies,
        preflight_required: evaluation.need.required,
        preflight_reasons: evaluation.need.reasons,
        unsafe_header_names: evaluation.need.unsafe_header_names,
        preflight_observed: evaluation.preflight_observed,
        stage: evaluation.blocked.as_ref().map(|b| b.stage),
        error: evaluation.blocked.as_ref().map(|b| b.failure.error),
        browser_error,
        failed_parameter: evaluation.blocked.as_ref().map(|b| b.failure.failed_parameter.clone()),
        summary: match network_failure {
            Some(failure) => failure.label().to_owned(),
            None => crate::verdict::summary(allowed, undetermined, evaluation.blocked.as_ref().map(|b| (&b.failure, b.response.as_ref().map(|r| r.status)))),
        },
        missing_allowed_headers: evaluation.missing_headers,
        console,
        inferred,
        warnings,
        max_age: evaluation.max_age,
        exposed_headers: evaluation.exposed,
        // Said whenever it is a local network request, so a live probe (exempt from LNA) is judged as the page is.
        local_network: (request.lna.local_network_request || evaluation.blocked.as_ref().is_some_and(|b| b.failure.error.is_local_network_access()))
            .then(|| request.lna.clone()),
        network_failure,
        server_fix: network_failure.is_none() && !evaluation.blocked.as_ref().is_some_and(|b| b.failure.error.is_local_network_access()),
        explanation: Explanation::default(),
    };
    let blocked = evaluation.blocked.as_ref();
    let failed_at = FailedAt {
        response: blocked.and_then(|b| b.response.as_deref()),
        location: blocked.and_then(|b| b.location),
        origin_sent: blocked.map(|b| &*b.origin_sent),
    };
    verdict.explanation = explain(exchange, &request.url, &verdict, &failed_at, &differences);
    Ok(verdict)
}

/// What a browser's console message needs about where the walk stopped.
fn describe<'b>(b: &'b BlockedAt<'_>, exchange: &'b Exchange, client: Client, lna: &LocalNetwork) -> Blocked<'b> {
    Blocked {
        failure: &b.failure,
        stage: b.stage,
        client,
        url: b.url,
        redirected_from: b.redirected_from,
        document_url: exchange.request.document_url.as_deref(),
        page_origin: &exchange.request.origin,
        response: b.response.as_deref(),
        location: b.location,
        header_as_written: b.header_as_written.as_deref(),
        target_space: lna.target,
        declared_space: exchange.request.declared_target_address_space,
    }
}

/// The parts of the request that must parse before anything can be said.
struct Parsed<'a> {
    url: ParsedUrl<'a>,
    page_origin: Option<Origin<'a>>,
    /// The page's origin as the `Origin` header carries it ("null" when opaque).
    serialized_origin: Cow<'a, str>,
    method: &'a str,
    /// The script's headers, or names recovered from the observed preflight when they were not captured.
    headers: Cow<'a, HeaderList>,
    headers_from_preflight: bool,
    lna: LocalNetwork,
}

impl<'a> Parsed<'a> {
    fn new(exchange: &'a Exchange) -> Result<Parsed<'a>, InputError> {
        let request = &exchange.request;
        let field_error = |field: &str, message: String| InputError { field: field.to_owned(), message };
        let url = ParsedUrl::parse(&request.url).map_err(|m| field_error("request.url", format!("'{}' is not a valid URL: {m}", request.url)))?;
        let page_origin = parse_serialized_origin(&request.origin).map_err(|m| field_error("request.origin", m))?;
        if request.method.is_empty() || !headers::is_token(&request.method) {
            return Err(field_error("request.method", format!("'{}' is not an HTTP method token", request.method)));
        }
        for (i, redirect) in exchange.redirects.iter().enumerate() {
            if !(300..400).contains(&redirect.status) {
                return Err(field_error(&format!("redirects[{i}].status"), format!("{} is not a redirect status (3xx)", redirect.status)));
            }
        }
        let announced = exchange
            .preflight
            .as_ref()
            .and_then(|p| headers::get(&p.request_headers, "access-control-request-headers"))
            .and_then(|value| headers::parse_name_list(&value).ok())
            .filter(|names| !names.is_empty());
        let (headers, headers_from_preflight) = match announced {
            Some(names) if request.headers.is_empty() => (Cow::Owned(names.into_iter().map(|n| (n, String::new())).collect()), true),
            _ => (Cow::Borrowed(&request.headers), false),
        };
        let serialized_origin = match &page_origin {
            None => Cow::Borrowed("null"),
            Some(origin) if origin.is_serialized_as(&request.origin) => Cow::Borrowed(request.origin.as_str()),
            Some(origin) => Cow::Owned(origin.serialize()),
        };
        let lna = local_network::assess(exchange, &url, page_origin.as_ref());
        Ok(Parsed { url, page_origin, serialized_origin, method: method::normalize(&request.method), headers, headers_from_preflight, lna })
    }

    fn same_origin(&self, url: &ParsedUrl) -> bool {
        self.page_origin.as_ref().is_some_and(|origin| url.has_origin(origin))
    }
}

/// Where the walk stopped and what a browser message needs to describe it.
/// Borrows from the exchange: built for every blocked step of every assumption tried.
struct BlockedAt<'a> {
    failure: Failure,
    stage: Stage,
    url: &'a str,
    redirected_from: Option<&'a str>,
    /// Owned only for a redirect response, which the exchange does not hold as a `Response`.
    response: Option<Cow<'a, Response>>,
    location: Option<&'a str>,
    header_as_written: Option<String>,
    origin_sent: Cow<'a, str>,
}

/// One run of the algorithm under one assumption about the credentials mode.
struct Evaluation<'a> {
    cors_applies: bool,
    need: PreflightNeed,
    preflight_observed: bool,
    blocked: Option<BlockedAt<'a>>,
    undetermined: bool,
    warnings: Vec<Warning>,
    max_age: Option<MaxAgeByBrowser>,
    exposed: Option<ExposedHeaders>,
    missing_headers: Vec<String>,
}

impl Evaluation<'_> {
    fn new() -> Self {
        Evaluation {
            cors_applies: true,
            need: PreflightNeed::default(),
            preflight_observed: false,
            blocked: None,
            undetermined: false,
            warnings: Vec::new(),
            max_age: None,
            exposed: None,
            missing_headers: Vec::new(),
        }
    }

    fn not_cors(mut self, why: Warning) -> Self {
        self.cors_applies = false;
        self.warnings.push(why);
        self
    }
}

/// The current position in the redirect chain. Borrowed from the request until a redirect
/// changes a part: a check runs once per assumed credentials mode, and copies are the largest
/// cost of a check in the size-optimised wasm build.
struct Hop<'a> {
    url: Cow<'a, ParsedUrl<'a>>,
    url_text: &'a str,
    initial_text: &'a str,
    /// `Origin` as sent on this hop: the page's origin, or "null" once tainted.
    origin_header: Cow<'a, str>,
    method: Cow<'a, str>,
    headers: Cow<'a, HeaderList>,
}

impl<'a> Hop<'a> {
    fn blocked(&self, failure: Failure, stage: Stage, response: Option<Cow<'a, Response>>) -> BlockedAt<'a> {
        BlockedAt {
            failure,
            stage,
            url: self.url_text,
            redirected_from: (self.url_text != self.initial_text).then_some(self.initial_text),
            response,
            location: None,
            header_as_written: None,
            origin_sent: self.origin_header.clone(),
        }
    }
}

fn evaluate<'a>(exchange: &'a Exchange, parsed: &'a Parsed, credentials: bool, browser: Browser) -> Evaluation<'a> {
    let request = &exchange.request;
    let mut eval = Evaluation::new();
    let mut hop = Hop {
        url: Cow::Borrowed(&parsed.url),
        url_text: &request.url,
        initial_text: &request.url,
        origin_header: Cow::Borrowed(&*parsed.serialized_origin),
        method: Cow::Borrowed(parsed.method),
        headers: Cow::Borrowed(&*parsed.headers),
    };
    if let Some(failure) = request_stage_failure(exchange, parsed, browser) {
        if failure.error.is_local_network_access() {
            // The preflight the page would have needed once allowed: a live probe can still ask the server.
            eval.need = preflight::need(&hop.method, &hop.headers, request.mode);
        }
        eval.blocked = Some(hop.blocked(failure, Stage::Request, None));
        return eval;
    }
    if request.mode == RequestMode::NoCors {
        return eval.not_cors(Warning::NoCorsMode);
    }
    if parsed.same_origin(&parsed.url) && exchange.redirects.is_empty() {
        return eval.not_cors(Warning::SameOrigin);
    }
    if parsed.url.scheme == "data" {
        return eval.not_cors(Warning::DataUrl);
    }
    if parsed.headers_from_preflight {
        eval.warnings.push(Warning::HeadersFromPreflight);
    }
    let mut cors_flag = !parsed.same_origin(&parsed.url);
    let mut need = preflight::need(&hop.method, &hop.headers, request.mode);
    if let Some(observed) = exchange.preflight.as_ref() {
        preflight::add_announced(&mut need, observed);
    }
    let rules = Rules { credentials, browser, page_origin: &parsed.serialized_origin };
    let passed = !cors_flag || run_preflight(exchange.preflight.as_ref(), &hop, &need, Stage::Preflight, request, &rules, &mut eval);
    eval.need = need;
    if !passed {
        return eval;
    }

    for (index, redirect) in exchange.redirects.iter().enumerate() {
        if cors_flag {
            if let Err(access) = check_access(&redirect.headers, &hop.origin_header, credentials) {
                let mut blocked = hop.blocked(access.on_response(), Stage::Redirect, Some(Cow::Owned(as_response(redirect.status, &redirect.headers))));
                blocked.location = Some(&redirect.location);
                eval.blocked = Some(blocked);
                return eval;
            }
        }
        match request.redirect_mode {
            RedirectMode::Error => {
                eval.blocked = Some(hop.blocked(Failure::new(CorsError::RedirectModeError, ""), Stage::Redirect, None));
                return eval;
            }
            RedirectMode::Manual => {
                eval.warnings.push(Warning::RedirectModeManual);
                return eval;
            }
            RedirectMode::Follow => {}
        }
        let target = match redirect::follow_location(&redirect.location, index + 1, parsed.page_origin.as_ref(), cors_flag) {
            Ok(target) if request.mode == RequestMode::SameOrigin && !parsed.same_origin(&target) => {
                let mut blocked = hop.blocked(Failure::new(CorsError::DisallowedByMode, ""), Stage::Redirect, None);
                blocked.location = Some(&redirect.location);
                eval.blocked = Some(blocked);
                return eval;
            }
            Ok(target) => target,
            Err(failure) => {
                let mut blocked = hop.blocked(failure, Stage::Redirect, Some(Cow::Owned(as_response(redirect.status, &redirect.headers))));
                blocked.location = Some(&redirect.location);
                eval.blocked = Some(blocked);
                return eval;
            }
        };
        if redirect::taints_origin(&hop.url, &target, parsed.page_origin.as_ref()) {
            hop.origin_header = Cow::Borrowed("null");
        }
        let body_dropped = redirect::drops_body(redirect.status, &hop.method);
        let cross_origin = !hop.url.same_origin_as(&target);
        if body_dropped || cross_origin {
            hop.headers.to_mut().retain(|(name, _)| redirect::keeps_header(name, body_dropped, cross_origin));
        }
        hop.method = Cow::Owned(redirect::method_after(redirect.status, &hop.method));
        hop.url = Cow::Owned(target);
        hop.url_text = redirect.next.as_ref().map_or(redirect.location.as_str(), |next| next.url.as_str());
        if let Some(sent) = redirect.next.as_ref().and_then(|next| next.origin_header.as_deref()) {
            if sent != hop.origin_header {
                eval.warnings.push(Warning::OriginAfterRedirect {
                    redirect: index + 1,
                    sent: sent.to_owned(),
                    expected: hop.origin_header.clone().into_owned(),
                });
            }
        }
        cors_flag = cors_flag || !parsed.same_origin(&hop.url) || hop.origin_header == "null";
        if cors_flag {
            let mut need = preflight::need(&hop.method, &hop.headers, request.mode);
            let observed = redirect.next.as_ref().and_then(|next| next.preflight.as_ref());
            if let Some(observed) = observed {
                preflight::add_announced(&mut need, observed);
            }
            if !run_preflight(observed, &hop, &need, Stage::RedirectPreflight, request, &rules, &mut eval) {
                return eval;
            }
        }
    }

    if !cors_flag {
        // Every hop stayed same-origin: response tainting stayed "basic".
        return eval.not_cors(Warning::SameOriginChain);
    }
    let Some(response) = exchange.response.as_ref() else {
        if exchange.outcome != Outcome::Succeeded {
            eval.undetermined = true;
            eval.warnings.push(Warning::NoFinalResponse);
        }
        return eval;
    };
    if let Err(access) = check_access(&response.headers, &hop.origin_header, credentials) {
        eval.blocked = Some(hop.blocked(access.on_response(), Stage::Response, Some(Cow::Borrowed(response))));
        return eval;
    }
    eval.exposed = Some(exposed_headers(&response.headers, credentials));
    eval
}

/// Rejections before anything is sent: request mode, scheme, Local Network Access.
fn request_stage_failure(exchange: &Exchange, parsed: &Parsed, browser: Browser) -> Option<Failure> {
    let request = &exchange.request;
    let same_origin = parsed.same_origin(&parsed.url);
    match request.mode {
        RequestMode::SameOrigin if !same_origin => return Some(Failure::new(CorsError::DisallowedByMode, "")),
        RequestMode::NoCors if !method::is_cors_safelisted(parsed.method) => {
            return Some(Failure::new(CorsError::NoCorsMethodNotSafelisted, parsed.method.to_owned()))
        }
        RequestMode::NoCors if request.redirect_mode != RedirectMode::Follow => {
            return Some(Failure::new(CorsError::NoCorsRedirectModeNotFollow, ""))
        }
        _ => {}
    }
    if request.mode != RequestMode::NoCors && !same_origin && !parsed.url.is_http() && parsed.url.scheme != "data" {
        return Some(Failure::new(CorsError::CorsDisabledScheme, ""));
    }
    // Chromium checks LNA when the connection is made, before the preflight (which it covers too);
    // Firefox and Safari have no such check.
    if browser != Browser::Chromium {
        return None;
    }
    local_network::check(&parsed.lna, request.declared_target_address_space)
}

/// What a preflight is judged by besides the hop: the credentials mode and whose rules.
struct Rules<'a> {
    credentials: bool,
    browser: Browser,
    /// The page's origin as `Origin` carries it.
    page_origin: &'a str,
}

/// Runs the preflight step for one hop. Returns false when the walk must stop (the preflight failed).
fn run_preflight<'a>(
    observed: Option<&'a Preflight>,
    hop: &Hop<'a>,
    need: &PreflightNeed,
    stage: Stage,
    request: &crate::exchange::Request,
    rules: &Rules<'a>,
    eval: &mut Evaluation<'a>,
) -> bool {
    if !need.required {
        return true;
    }
    let Some(observed) = observed else {
        eval.warnings.push(Warning::PreflightNotCaptured);
        return true;
    };
    eval.preflight_observed = true;
    if let Some(sent) = headers::get(&observed.request_headers, "access-control-request-method") {
        if sent != hop.method {
            eval.warnings.push(Warning::AnnouncedMethodDiffers { announced: sent.into_owned(), method: hop.method.clone().into_owned() });
        }
    }
    let Some(response) = observed.response.as_ref() else {
        let net_error = observed.net_error.clone().unwrap_or_default();
        // Chromium's Local Network Access stopped it before it left: the other browsers, which have no
        // such check, would have sent it, and there is no answer to judge it by.
        if rules.browser != Browser::Chromium && net_error == local_network::BLOCKED_NET_ERROR {
            return true;
        }
        // Chromium's mark of a preflight whose redirect it refused; DevTools' record of it may lack the 3xx.
        if rules.browser == Browser::Chromium && net_error == REFUSED_PREFLIGHT_REDIRECT {
            eval.blocked = Some(hop.blocked(Failure::new(CorsError::PreflightDisallowedRedirect, ""), stage, None));
            return false;
        }
        eval.blocked = Some(hop.blocked(Failure::new(CorsError::PreflightNetworkError, net_error), stage, None));
        return false;
    };
    eval.max_age = Some(max_age::read(&response.headers));
    // Firefox sends the page's origin on every preflight, also after a redirect that turned the
    // request's `Origin` into null (its preflight channel carries the loading principal's origin).
    let origin = if rules.browser == Browser::Firefox { Cow::Borrowed(rules.page_origin) } else { hop.origin_header.clone() };
    let ask = PreflightAsk {
        method: &hop.method,
        unsafe_header_names: &need.unsafe_header_names,
        origin: &origin,
        credentials: rules.credentials,
        forced: request.mode == RequestMode::CorsWithForcedPreflight,
    };
    match preflight::evaluate_as(response, &ask, rules.browser) {
        Ok(pass) => {
            eval.warnings.extend(pass.warnings);
            true
        }
        Err(failed) => {
            let mut blocked = hop.blocked(failed.failure, stage, Some(Cow::Borrowed(response)));
            blocked.origin_sent = origin;
            if blocked.failure.error == CorsError::HeaderDisallowedByPreflightResponse {
                blocked.header_as_written = need
                    .unsafe_headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(&blocked.failure.failed_parameter))
                    .map(|h| h.name.clone());
            }
            if failed.missing_headers.len() > 1 {
                eval.warnings.push(Warning::SeveralHeadersNotAllowed(failed.missing_headers.clone()));
            }
            eval.missing_headers = failed.missing_headers;
            eval.blocked = Some(blocked);
            false
        }
    }
}

fn as_response(status: u16, headers: &HeaderList) -> Response {
    Response { status, headers: headers.clone() }
}
