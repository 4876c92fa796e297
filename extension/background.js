// CORS Lens background (MV3 service worker in Chrome, event page in Firefox; an ES module in both).
// It observes traffic with webRequest (never blocks or modifies it), feeds every event, in order, to the
// engine's Session (docs/session-api.md), persists the session in storage.session and answers the panel.
// No CORS logic lives here.
import { check, EngineSession, fixes, hasSession, loadEngine, wasmMemoryBytes } from './engine.js';
import { livePreflight, observeOwnRequest, sweepProbeRules } from './probe.js';
import { verifyWithChrome } from './verify.js';

const api = globalThis.browser ?? globalThis.chrome;

// ---- capture: listeners registered synchronously at top level, events queued until the engine is ready ----

// 'extraHeaders' exists only in Chromium, where it is also what makes preflights visible to webRequest.
const EXTRA = api.webRequest.OnBeforeSendHeadersOptions?.EXTRA_HEADERS;
const spec = (...s) => (EXTRA ? [...s, EXTRA] : s);
const FILTER = { urls: ['<all_urls>'] };

const queue = []; // { event, details } | { navigated: tabId }
let session = null; // EngineSession once ready
let engine = null; // the wasm module
let engineError = null;
let ingested = 0; // ops applied since this worker started
let rejected = 0;
let dirtySeq = 0; // bumps on every change; persistedSeq catches up on save
let persistedSeq = 0;
const preserve = new Set(); // tab ids with "preserve log" on

function onEvent(event) {
  return (d) => {
    if (d.tabId < 0) {
      observeOwnRequest(event, d);
      return;
    }
    if (engineError) return; // nothing will ever drain the queue
    if (event === 'onBeforeRequest' && d.type === 'main_frame') queue.push({ navigated: d.tabId });
    queue.push({ event, details: d });
    if (session) drain();
  };
}

const LISTENERS = [
  ['onBeforeRequest', []],
  ['onBeforeSendHeaders', spec('requestHeaders')],
  ['onSendHeaders', spec('requestHeaders')],
  ['onHeadersReceived', spec('responseHeaders')],
  ['onBeforeRedirect', spec('responseHeaders')],
  ['onResponseStarted', []],
  ['onCompleted', []],
  ['onErrorOccurred', []],
];
for (const [event, extra] of LISTENERS) {
  const target = api.webRequest[event];
  if (!target) continue;
  if (extra.length) target.addListener(onEvent(event), FILTER, extra);
  else target.addListener(onEvent(event), FILTER);
}

// ---- ports: "panel:<tabId>" gets {type: "changed"} pings ----

const ports = new Map(); // tabId -> Set<Port>
const pending = new Set(); // tab ids with a ping due
let pingTimer = null;

api.runtime.onConnect.addListener((port) => {
  const m = /^panel:(-?\d+)$/.exec(port.name || '');
  if (!m) return;
  const tabId = Number(m[1]);
  if (!ports.has(tabId)) ports.set(tabId, new Set());
  ports.get(tabId).add(port);
  port.onDisconnect.addListener(() => ports.get(tabId)?.delete(port));
  ready.then(() => { try { port.postMessage({ type: 'changed', tabId }); } catch { /* gone */ } });
});

function notify(tabId) {
  if (tabId == null || !ports.get(tabId)?.size) return;
  pending.add(tabId);
  if (!pingTimer) pingTimer = setTimeout(flushPings, 50);
}

function flushPings() {
  pingTimer = null;
  for (const tabId of pending) {
    for (const port of ports.get(tabId) || []) {
      try { port.postMessage({ type: 'changed', tabId }); } catch { /* disconnected */ }
    }
  }
  pending.clear();
}

// ---- the engine session ----

function drain() {
  let changed = false;
  while (queue.length) {
    const op = queue.shift();
    try {
      if ('navigated' in op) {
        session.navigated(op.navigated, preserve.has(op.navigated));
        notify(op.navigated);
        changed = true;
      } else {
        const r = session.ingest({ ...op.details, event: op.event });
        ingested++;
        if (r && r.changed) {
          changed = true;
          notify(r.tab_id ?? op.details.tabId);
        }
      }
    } catch (e) {
      rejected++;
      if (rejected <= 20) console.warn('CORS Lens: event rejected by the session', op, e);
    }
  }
  if (changed) markDirty();
}

function markDirty() {
  dirtySeq++;
  scheduleSave();
}

// Debounced persistence: 300 ms after the last change, and at least every 2 s under steady traffic.
let saveTimer = null;
let firstDirtyAt = 0;
function scheduleSave() {
  const now = Date.now();
  if (!saveTimer) firstDirtyAt = now;
  clearTimeout(saveTimer);
  const wait = Math.max(0, Math.min(300, firstDirtyAt + 2000 - now));
  saveTimer = setTimeout(save, wait);
}

let saving = Promise.resolve();
function save() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (!session) return saving;
  const seqAtSave = dirtySeq;
  saving = saving.then(async () => {
    try {
      const snapshot = session.snapshot();
      await api.storage.session.set({ session: snapshot, preserve: [...preserve] });
      persistedSeq = Math.max(persistedSeq, seqAtSave);
    } catch (e) {
      console.warn('CORS Lens: could not persist the session', e);
    }
  });
  return saving;
}

const ready = (async () => {
  const [mod, stored] = await Promise.all([
    loadEngine(),
    api.storage.session.get(['session', 'preserve']).catch(() => ({})),
  ]);
  engine = mod;
  for (const t of stored.preserve || []) preserve.add(t);
  if (!hasSession(mod)) throw new Error('The engine package has no Session export (rebuild with ./build.sh).');
  session = new EngineSession(mod, stored.session || null);
  drain();
})().catch((e) => {
  engineError = String(e && e.stack ? e.stack : e);
  queue.length = 0;
  console.error('CORS Lens: engine failed to start', e);
});

sweepProbeRules();

api.tabs?.onRemoved?.addListener((tabId) => {
  ready.then(() => {
    if (!session) return;
    session.forgetTab(tabId);
    preserve.delete(tabId);
    markDirty();
  });
});

// ---- messages ----

async function handle(msg) {
  await ready;
  if (!session) throw new Error(engineError || 'engine not ready');
  drain();
  const tabId = msg.tabId == null ? null : Number(msg.tabId);
  switch (msg.type) {
    case 'export':
      // Without a format: the report itself (what tests and the panel read). With one: the redacted text.
      if (msg.format) return { text: session.export(tabId, msg.ids ?? null, msg.format) };
      return session.report(tabId);
    case 'report':
      return { ...session.report(tabId), preserve_log: preserve.has(tabId) };
    case 'clear':
      session.clear(tabId);
      markDirty();
      notify(tabId);
      return { ok: true };
    case 'preserve':
      if (msg.value) preserve.add(tabId); else preserve.delete(tabId);
      markDirty();
      return { ok: true, preserve_log: preserve.has(tabId) };
    case 'har': {
      const r = session.ingestHar(tabId, msg.entry);
      if (r && r.changed) { markDirty(); notify(tabId); }
      return { ok: true, changed: !!(r && r.changed) };
    }
    case 'probe':
      return probe(msg, tabId);
    case 'verify':
      return verify(msg, tabId);
    case 'fix':
      return fixes(engine, msg.exchange, msg.framework ?? null);
    case 'state':
      await save();
      return { ingested, rejected, queued: queue.length, dirtySeq, persistedSeq, engineError, restored: !!session.restored };
    default:
      throw new Error(`unknown message type ${msg.type}`);
  }
}

/** The exchange the panel names by id, exactly as captured (the panel's own copy is redacted), or null. */
function capturedExchange(msg, tabId) {
  return msg.id != null && tabId != null ? session.exchange(tabId, String(msg.id)) : null;
}

// The live preflight: DNR-rewritten OPTIONS, then the engine's verdict on an exchange built from it.
async function probe(msg, tabId) {
  // The exchange as captured when the panel names one: its copy is redacted (secret query values masked).
  const ex = capturedExchange(msg, tabId) || msg.exchange || null;
  const url = msg.url || ex?.request?.url;
  const origin = msg.origin || ex?.request?.origin;
  const method = msg.method || ex?.request?.method;
  const headers = msg.headers ?? (msg.unsafe_header_names || []).join(',');
  if (!url || !origin || !method) throw new Error('probe needs url, origin and method');
  const raw = await livePreflight({ url, origin, method, headers });
  const exchange = {
    request: ex?.request ? { ...ex.request } : { method, url, origin, headers: [] },
    preflight: raw.status == null && raw.error
      ? { request_headers: raw.request_headers, response: null, net_error: raw.error }
      : { request_headers: raw.request_headers, response: { status: raw.status ?? 0, headers: raw.headers } },
    redirects: [],
    response: null,
    outcome: 'unknown',
  };
  let verdict = null;
  let verdictError = null;
  try {
    verdict = check(engine, exchange);
  } catch (e) {
    verdictError = String(e && e.message ? e.message : e);
  }
  return { raw, exchange, verdict, verdict_error: verdictError };
}

// "Verify with Chrome": the captured request issued again by the page under chrome.debugger (verify.js), only
// its preflight reaching the server; Chrome's corsErrorStatus beside the engine's verdict on the capture.
async function verify(msg, tabId) {
  if (!(await api.permissions.contains({ permissions: ['debugger'] }))) {
    throw new Error('Verify with Chrome needs the debugger permission (asked for when you click it)');
  }
  const ex = capturedExchange(msg, tabId);
  if (!ex) throw new Error('that request is no longer in the session');
  const verdict = check(engine, ex);
  const mode = ex.request.credentials_mode;
  const credentials = mode && mode !== 'unknown' ? mode : verdict.inferred?.credentials_mode ?? 'same-origin';
  // A request blocked at its preflight never sent its headers: only their names are known (from the OPTIONS).
  // Each gets a value no safelist accepts (over 128 bytes), so Chrome announces exactly those names again.
  const headers = ex.request.headers.length ? ex.request.headers : (verdict.unsafe_header_names || []).map((n) => [n, 'x'.repeat(129)]);
  const byChrome = await verifyWithChrome(tabId, { url: ex.request.url, method: ex.request.method, origin: ex.request.origin,
    headers, credentials });
  return { chrome: byChrome, engine: { allowed: verdict.allowed, error: verdict.error, failed_parameter: verdict.failed_parameter ?? '' } };
}

api.runtime.onMessage.addListener((msg, sender, reply) => {
  if (!msg || typeof msg.type !== 'string') return false;
  handle(msg).then(
    (r) => reply(r),
    (e) => reply({ error: String(e && e.message ? e.message : e) }),
  );
  return true;
});

// Test hook: the same answers as runtime messages, for harnesses that drive the worker directly; the
// listeners' own entry point and live figures for tests/bench/extension-bench.mjs.
globalThis.__corsLens = {
  handle,
  ready,
  onEvent,
  get session() { return session; },
  get engine() { return engine; },
  stats: () => ({ ingested, rejected, queued: queue.length, wasmMemoryBytes: wasmMemoryBytes() }),
};
