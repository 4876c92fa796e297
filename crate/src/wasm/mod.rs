//! The WebAssembly binding: plain JS objects in, plain JS objects out (serde-wasm-bindgen, JSON-compatible:
//! maps become objects, `None` becomes `null`), so a verdict from here equals `cors-lens check` as JSON.
//! Nothing CORS lives here; errors on bad input are thrown as JS `Error`s naming the field, as the CLI does.
//! Inputs are read through `from_js` (serde-wasm-bindgen for scalars, with the field path of a problem);
//! results cross through `strings_at_once` (serde-wasm-bindgen, with a value's ASCII strings decoded at once).
//!
//! Measured (./build.sh bench): serde-wasm-bindgen crosses faster than JSON text both ways (JSON.stringify
//! + serde_json in wasm), and faster than header lists read as one `JSON.stringify` text split in wasm
//! (-15% in Chromium and Node). A webRequest event's header lists, though, cross as one text joined in JS
//! (names and values, `from_js::HeaderText`): its crossing CPU x0.81 in the extension bench. A whole event
//! joined the same way (every field a typed token) was slower than field by field: crossing x1.26.

mod allocator;
mod from_js;
mod names;
mod strings_at_once;
mod text_out;

use from_js::from_js;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{Exchange, Verdict};

// The free lists are unsynchronised: only for wasm without threads, which is what ships.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: allocator::SizeClasses = allocator::SizeClasses::new();

/// Re-runs the browser's CORS checks on one exchange (crate/src/exchange.rs as a plain object) and returns
/// the verdict as a plain object, by the rules of `browser` (`"chromium"`, the default, `"firefox"` or
/// `"safari"`). Throws an `Error` naming the field when the exchange is unusable, or an unknown browser.
#[wasm_bindgen]
pub fn check(exchange: JsValue, browser: Option<String>) -> Result<JsValue, JsError> {
    let browser = match browser.as_deref() {
        None => crate::Browser::default(),
        Some(name) => crate::Browser::from_name(name).ok_or_else(|| JsError::new(&format!("unknown browser '{name}'")))?,
    };
    let exchange: Exchange = from_js(exchange).map_err(|e| JsError::new(&e.described("invalid exchange")))?;
    let verdict = crate::check_as(&exchange, browser).map_err(|e| JsError::new(&format!("invalid exchange at {e}")))?;
    to_js(&verdict)
}

/// `check` for an array of exchanges in one call: an array of verdicts, in order. Throws on the first
/// unusable exchange, prefixed with its index (`exchanges[3]: invalid exchange at request.url: ...`).
#[wasm_bindgen(js_name = checkMany)]
pub fn check_many(exchanges: js_sys::Array) -> Result<js_sys::Array, JsError> {
    let out = js_sys::Array::new_with_length(exchanges.length());
    for (i, exchange) in exchanges.iter().enumerate() {
        let verdict = verdict_for(exchange).map_err(|e| JsError::new(&format!("exchanges[{i}]: {e}")))?;
        out.set(i as u32, to_js(&verdict)?);
    }
    Ok(out)
}

/// The server fix for one exchange: `fix(exchange, "nginx")` → `{framework, framework_name,
/// verified_live, language, placement, snippet, notes}`. Throws when the framework is unknown or an
/// observed value cannot be written into a configuration safely.
#[wasm_bindgen]
pub fn fix(exchange: JsValue, framework: &str) -> Result<JsValue, JsError> {
    let (exchange, verdict) = checked(exchange).map_err(|e| JsError::new(&e))?;
    let fix = crate::fixes::fix(&exchange, &verdict, framework).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&fix)
}

/// The framework the server's own `Server` / `X-Powered-By` headers name, `{framework, because}`, or `null`.
#[wasm_bindgen]
pub fn suggest_framework(exchange: JsValue) -> Result<JsValue, JsError> {
    let exchange: Exchange = from_js(exchange).map_err(|e| JsError::new(&e.described("invalid exchange")))?;
    to_js(&crate::fixes::suggest(&exchange))
}

/// The frameworks `fix` knows, stack by stack: `[{id, name, verified_live, group, group_name}]`.
#[wasm_bindgen]
pub fn frameworks() -> Result<JsValue, JsError> {
    to_js(&crate::fixes::frameworks())
}

/// "Send a live preflight": the `OPTIONS` the browser would send for this exchange,
/// `{url, origin, method, headers}` (crate/src/reprobe.rs).
#[wasm_bindgen]
pub fn probe_request(exchange: JsValue) -> Result<JsValue, JsError> {
    let (exchange, verdict) = checked(exchange).map_err(|e| JsError::new(&e))?;
    to_js(&crate::reprobe::probe_request(&exchange, &verdict))
}

/// The captured exchange with the probe's answer (`{request_headers, status, headers, error}`) as its
/// preflight; `check` on it says whether the preflight passes today. It is for the panel, so it is
/// masked as the panel's report is (masks never change a verdict).
#[wasm_bindgen]
pub fn probe_exchange(exchange: JsValue, answer: JsValue) -> Result<JsValue, JsError> {
    let exchange: Exchange = from_js(exchange).map_err(|e| JsError::new(&e.described("invalid exchange")))?;
    let answer: crate::reprobe::ProbeAnswer = from_js(answer).map_err(|e| JsError::new(&e.described("invalid probe answer")))?;
    let mut probed = crate::reprobe::probe_exchange(&exchange, &answer);
    crate::redact::Secrets::new(crate::redact::Policy::Panel).mask_exchange(&mut probed);
    to_js(&probed)
}

/// "Verify with Chrome": the request the page sends again, `{url, method, origin, headers, credentials}`.
#[wasm_bindgen]
pub fn verify_request(exchange: JsValue) -> Result<JsValue, JsError> {
    let (exchange, verdict) = checked(exchange).map_err(|e| JsError::new(&e))?;
    to_js(&crate::reprobe::verify_request(&exchange, &verdict))
}

/// "Verify with Chrome"'s answer in plain words (`{headline, tone, details}`), beside the engine's
/// verdict on the captured exchange.
#[wasm_bindgen]
pub fn verify_reading(chrome: JsValue, exchange: JsValue) -> Result<JsValue, JsError> {
    let chrome: crate::reprobe::ChromeVerdict = from_js(chrome).map_err(|e| JsError::new(&e.described("invalid verification")))?;
    let verdict = verdict_for(exchange).map_err(|e| JsError::new(&e))?;
    to_js(&crate::reprobe::verify_reading(&chrome, &verdict))
}

/// Text that quotes the captured exchange (Chrome's console line from "Verify with Chrome") as the
/// panel may show it: what the panel masks in that exchange is masked in it too.
#[wasm_bindgen]
pub fn panel_text(exchange: JsValue, text: &str) -> Result<String, JsError> {
    let exchange: Exchange = from_js(exchange).map_err(|e| JsError::new(&e.described("invalid exchange")))?;
    Ok(crate::redact::scrub_for_panel(&exchange, text))
}

/// The size of this instance's linear memory in bytes (it only grows).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// Traps, as a bug or an exhausted memory would: the tests prove the extension survives one.
#[wasm_bindgen]
pub fn trap_for_tests() {
    core::arch::wasm32::unreachable()
}

/// The engine's version (the crate's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

fn verdict_for(exchange: JsValue) -> Result<Verdict, String> {
    checked(exchange).map(|(_, verdict)| verdict)
}

/// Same messages as the CLI's `parse` (src/bin/cors-lens.rs): the field path, then serde's words.
fn checked(exchange: JsValue) -> Result<(Exchange, Verdict), String> {
    let exchange: Exchange = from_js(exchange).map_err(|e| e.described("invalid exchange"))?;
    let verdict = crate::check(&exchange).map_err(|e| format!("invalid exchange at {e}"))?;
    Ok((exchange, verdict))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    strings_at_once::to_js(value).map_err(|e| JsError::new(&format!("cannot return the result: {e}")))
}

// -------------------------------------------------------------------------------------------------
// Session: the capture side's model (crate/src/session/, contract in docs/session-api.md). The service
// worker forwards every webRequest event to one `Session` and asks it for reports.

/// A capture session: webRequest events in, per-tab reports out.
#[wasm_bindgen(js_name = Session)]
pub struct WasmSession {
    inner: crate::session::Session,
}

fn tab(tab_id: f64) -> Result<i64, JsError> {
    if tab_id.is_finite() && tab_id.fract() == 0.0 && tab_id.abs() < 9.0e15 {
        Ok(tab_id as i64)
    } else {
        Err(JsError::new(&format!("tab id must be an integer, got {tab_id}")))
    }
}

#[wasm_bindgen(js_class = Session)]
impl WasmSession {
    /// `new Session()` or `new Session({max_exchanges_per_tab: 500})`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmSession, JsError> {
        let config = if options.is_undefined() || options.is_null() {
            crate::session::SessionConfig::default()
        } else {
            from_js(options).map_err(|e| JsError::new(&e.described("invalid session options")))?
        };
        Ok(WasmSession { inner: crate::session::Session::new(config) })
    }

    /// One webRequest `details` object plus `event` (the event name). Returns the id of the tab whose
    /// report changed, or `undefined`: a number, not `{tab_id, changed}`, since building that object
    /// took a few percent of every event (CDP profile of tests/bench/extension-bench.mjs). Throws on a
    /// malformed event, which changes nothing.
    pub fn ingest(&mut self, event: JsValue) -> Result<Option<f64>, JsError> {
        // The request id, read first: an event of a request in flight leaves out what only its first event
        // needed. Neither is read again below.
        let request_id = names::get(event.unchecked_ref::<js_sys::Object>(), "requestId").as_string();
        let in_flight = request_id.as_deref().is_some_and(|id| self.inner.in_flight(id));
        let absent: [&'static [&'static str]; 2] = [
            if request_id.is_some() { &["requestId"] } else { &[] },
            if in_flight { &crate::session::event::KEPT_FROM_FIRST_EVENT } else { &[] },
        ];
        let mut raw: crate::session::RawEvent =
            from_js::from_js_leaving_out(event, absent).map_err(|e| JsError::new(&e.described("rejected webRequest event")))?;
        if let Some(id) = request_id {
            raw.request_id = id;
        }
        let result = self.inner.ingest(raw).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(result.tab_id.filter(|_| result.changed).map(|tab| tab as f64))
    }

    /// One HAR entry from the devtools page, in HAR's own shape (bodies left out), read as a HAR file's
    /// entries are. Returns `{tab_id, changed}`.
    pub fn ingest_har(&mut self, tab_id: f64, entry: JsValue) -> Result<JsValue, JsError> {
        let raw: crate::session::har_file::RawEntry =
            from_js(entry).map_err(|e| JsError::new(&e.described("rejected HAR entry")))?;
        let entry = crate::session::har_file::live_entry(raw).ok_or_else(|| JsError::new("rejected HAR entry: no URL or startedDateTime"))?;
        let result = self.inner.ingest_har(tab(tab_id)?, entry).map_err(|e| JsError::new(&e.to_string()))?;
        to_js(&result)
    }

    /// "Import HAR": every request of a HAR document (the parsed file, `{log: {entries: [...]}}`) added to
    /// tab `tab_id`, marked as imported. Returns `{creator, browser, entries, skipped, added, notes}`;
    /// throws naming where the document stops being HAR.
    pub fn import_har(&mut self, tab_id: f64, har: JsValue) -> Result<JsValue, JsError> {
        let document: crate::session::har_file::HarDocument =
            from_js(har).map_err(|e| JsError::new(&e.described("not a HAR file")))?;
        to_js(&self.inner.import_har(tab(tab_id)?, document.log))
    }

    /// "Verify with Chrome" is about to have tab `tab_id` send `method url` (at `now`, ms since the
    /// epoch): that request and its preflight are the extension's, not the page's.
    pub fn expect_own_request(&mut self, tab_id: f64, method: &str, url: &str, now: f64) -> Result<(), JsError> {
        self.inner.expect_own_request(tab(tab_id)?, method, url, now);
        Ok(())
    }

    /// The tab's report (docs/session-api.md) as a plain object, redacted: what the panel shows.
    pub fn report(&self, tab_id: f64) -> Result<JsValue, JsError> {
        to_js(&self.inner.redacted_report(tab(tab_id)?, None))
    }

    /// The report as exported (masked by the export policy, crate/src/redact.rs) as text: `format` is
    /// "json" or "markdown"; `ids` an array of exchange ids, or null for all.
    pub fn export(&self, tab_id: f64, ids: JsValue, format: &str) -> Result<String, JsError> {
        let format = crate::session::ExportFormat::parse(format)
            .ok_or_else(|| JsError::new(&format!("unknown export format '{format}' (json or markdown)")))?;
        let ids: Option<Vec<String>> = if ids.is_undefined() || ids.is_null() {
            None
        } else {
            Some(from_js(ids).map_err(|e| JsError::new(&e.described("exchange ids")))?)
        };
        let report = crate::session::report::exported(self.inner.redacted_report(tab(tab_id)?, ids.as_deref()));
        match format {
            crate::session::ExportFormat::Markdown => Ok(crate::session::report::markdown(&report)),
            // JSON text from the JS object: the browser's own JSON.stringify, no second serde format in wasm.
            crate::session::ExportFormat::Json => js_sys::JSON::stringify_with_replacer_and_space(&to_js(&report)?, &JsValue::NULL, &JsValue::from(2))
                .map(String::from)
                .map_err(|_| JsError::new("cannot write the report as JSON")),
        }
    }

    /// One exchange exactly as captured (unredacted), for the live re-probe; `null` when unknown.
    pub fn exchange(&self, tab_id: f64, id: &str) -> Result<JsValue, JsError> {
        to_js(&self.inner.exchange(tab(tab_id)?, id))
    }

    /// A top-frame navigation: the tab's history is dropped unless `preserve_log`.
    pub fn navigated(&mut self, tab_id: f64, preserve_log: bool) -> Result<(), JsError> {
        self.inner.navigated(tab(tab_id)?, preserve_log);
        Ok(())
    }

    pub fn clear(&mut self, tab_id: f64) -> Result<(), JsError> {
        self.inner.clear(tab(tab_id)?);
        Ok(())
    }

    pub fn forget_tab(&mut self, tab_id: f64) -> Result<(), JsError> {
        self.inner.forget_tab(tab(tab_id)?);
        Ok(())
    }

    /// webRequest stopped watching the tab: its requests in flight go (`Session::stop_watching`).
    pub fn stop_watching(&mut self, tab_id: f64) -> Result<(), JsError> {
        self.inner.stop_watching(tab(tab_id)?);
        Ok(())
    }

    /// Drops the oldest exchanges until a snapshot takes about `bytes` at most; returns how many went.
    pub fn shrink_to(&mut self, bytes: f64) -> f64 {
        self.inner.shrink_to(bytes.max(0.0) as usize) as f64
    }

    /// Everything needed to resume (in-flight requests included), as JSON text for `storage.session`.
    /// Written here as text: built as a JS object (one crossing per field, then `JSON.stringify`) a
    /// snapshot of 1,000 exchanges took 5 to 18 times longer (571 ms against 105 and 31 ms in the bench), and the
    /// worker saves one every 2 s under traffic. The text goes to JS piece by piece (text_out.rs).
    pub fn snapshot(&self) -> js_sys::JsString {
        let mut text = text_out::JsText::default();
        self.inner.write_snapshot(&mut text).expect("a session always serialises");
        text.finish()
    }

    /// `Session.restore(snapshot)`: the session a `snapshot()` came from.
    pub fn restore(snapshot: JsValue) -> Result<WasmSession, JsError> {
        let session: crate::session::Session =
            from_js(snapshot).map_err(|e| JsError::new(&e.described("unusable snapshot")))?;
        session.resume().map(|inner| WasmSession { inner }).map_err(|e| JsError::new(&e.to_string()))
    }
}
