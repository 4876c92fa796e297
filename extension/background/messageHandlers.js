// Answers the extension's own pages (the panel, the devtools page). Every answer about CORS comes from the
// engine; this file only routes messages, checks who sent them and carries out the live re-probes.
import { check, fixes } from './engine.js';
import { currentSession, engineModule, engineReady, engineStartError, engineStats, markDirty, recoveryNotice, save, withSession } from './engineHost.js';
import { captureStats, drain, navigated } from './capture.js';
import { listenerSets } from './listeners.js';
import { isOwnPage, notify, requestBackfill } from './ports.js';
import { livePreflight } from './probe.js';
import { isRecorded, keepsLog, recordingState, setEveryTab, setKeepLog, setRecorded, tabsReady } from './tabsManager.js';
import { assertVerifiable, verifyWithChrome } from './verify.js';

const api = globalThis.browser ?? globalThis.chrome;

/** Answers one message; throws (the caller replies {error}) on bad requests. */
export async function handle(msg) {
  await Promise.all([engineReady, tabsReady]);
  if (!currentSession()) throw new Error(engineStartError() || 'engine not ready');
  drain();
  const tabId = msg.tabId == null ? null : Number(msg.tabId);
  switch (msg.type) {
    case 'export':
      // Without a format: the report itself (what tests and the panel read). With one: the redacted text.
      if (msg.format) return { text: withSession((s) => s.export(tabId, msg.ids ?? null, msg.format)) };
      return withSession((s) => s.report(tabId));
    case 'report':
      return { ...withSession((s) => s.report(tabId)), preserve_log: keepsLog(tabId), recording: recordingState(tabId), capture_notice: recoveryNotice() };
    case 'clear':
      withSession((s) => s.clear(tabId));
      markDirty();
      notify(tabId);
      return { ok: true };
    case 'preserve':
      await setKeepLog(tabId, !!msg.value);
      markDirty();
      return { ok: true, preserve_log: keepsLog(tabId) };
    case 'record':
      await setRecorded(tabId, !!msg.value);
      if (msg.value) requestBackfill(tabId);
      return { recording: recordingState(tabId) };
    case 'settings':
      if (typeof msg.record_every_tab === 'boolean') await setEveryTab(msg.record_every_tab);
      return { recording: recordingState(tabId) };
    case 'har':
      // DevTools keeps recording while the user has stopped: those entries are not the session's.
      if (!isRecorded(tabId)) return { ok: true, changed: false, rejected: 0 };
      return ingestHar(tabId, msg.entries ?? [msg.entry]);
    case 'navigated':
      // The devtools page's word for a navigation, needed only where webRequest does not see the tab's documents.
      if (recordingState(tabId).from_devtools) navigated(tabId);
      return { ok: true };
    case 'import_har':
      return importHar(tabId, msg.text);
    case 'probe':
      return probe(tabId, msg.id);
    case 'verify':
      return verify(tabId, msg.id);
    case 'fix':
      return fixes(engineModule(), msg.exchange, msg.framework ?? null);
    case 'state':
      await save();
      return { ...captureStats(), ...engineStats(), ...listenerSets() };
    default:
      throw new Error(`unknown message type ${msg.type}`);
  }
}

/** DevTools' records of the tab (docs/session-api.md, "HAR entries in"): each live entry, or getHAR()'s backlog. */
function ingestHar(tabId, entries) {
  let changed = false;
  let rejected = 0;
  for (const entry of entries) {
    try {
      const r = withSession((s) => s.ingestHar(tabId, entry));
      changed ||= !!(r && r.changed);
    } catch (e) {
      rejected++;
    }
  }
  if (changed) { markDirty(); notify(tabId); }
  return { ok: true, changed, rejected };
}

/** "Import HAR": the file's text is JSON; what is HAR in it, and what it means, is the engine's (docs/har.md). */
function importHar(tabId, text) {
  let har;
  try {
    har = JSON.parse(String(text));
  } catch (e) {
    throw new Error(`not a HAR file: ${e.message}`);
  }
  const imported = withSession((s) => s.importHar(tabId, har));
  markDirty();
  notify(tabId);
  return imported;
}

/** The exchange the panel names by id, exactly as captured (the panel's own copy is redacted). */
function capturedExchange(tabId, id) {
  const ex = id != null && tabId != null ? withSession((s) => s.exchange(tabId, String(id))) : null;
  if (!ex) throw new Error('that request is no longer in the session');
  return ex;
}

// The live preflight: the OPTIONS the engine says the browser would send, then the engine's verdict on it.
async function probe(tabId, id) {
  const mod = engineModule();
  const captured = capturedExchange(tabId, id);
  const answer = await livePreflight(mod.probe_request(captured));
  // The engine masks its exchange for the panel: what is shown of the answer comes from it.
  const exchange = mod.probe_exchange(captured, answer);
  const sent = exchange.preflight;
  const raw = { ...answer, url: exchange.request.url, request_headers: sent.request_headers, headers: sent.response?.headers ?? [] };
  let verdict = null;
  let verdictError = null;
  try {
    verdict = check(mod, exchange);
  } catch (e) {
    verdictError = String(e && e.message ? e.message : e);
  }
  return { raw, exchange, verdict, verdict_error: verdictError };
}

// "Verify with Chrome": the captured request issued again by the page under chrome.debugger (verify.js), only
// its preflight reaching the server; Chrome's corsErrorStatus beside the engine's verdict on the capture.
async function verify(tabId, id) {
  if (!(await api.permissions.contains({ permissions: ['debugger'] }))) {
    throw new Error('Verify with Chrome needs the debugger permission (asked for when you click it)');
  }
  const mod = engineModule();
  const captured = capturedExchange(tabId, id);
  const verdict = check(mod, captured);
  const request = mod.verify_request(captured);
  assertVerifiable(request);
  // The tab is about to send it again: the session must not take it, or its preflight, for the page's.
  withSession((s) => s.expectOwnRequest(tabId, request.method, request.url, Date.now()));
  markDirty();
  const byChrome = await verifyWithChrome(tabId, request);
  // Chrome's line quotes the URL as sent: the panel shows it with the engine's masks.
  if (byChrome.console) byChrome.console = mod.panel_text(captured, byChrome.console);
  return {
    chrome: byChrome,
    engine: { allowed: verdict.allowed, error: verdict.error, failed_parameter: verdict.failed_parameter ?? '', summary: verdict.summary ?? null },
    reading: mod.verify_reading(byChrome, captured),
  };
}

/** runtime.onMessage: only the extension's own pages are answered. */
export function listenForMessages() {
  api.runtime.onMessage.addListener((msg, sender, reply) => {
    if (!msg || typeof msg.type !== 'string' || !isOwnPage(sender)) return false;
    handle(msg).then(
      (r) => reply(r),
      (e) => reply({ error: String(e && e.message ? e.message : e) }),
    );
    return true;
  });
}
