// "Send a live preflight": one OPTIONS from the extension with the page's Origin, Access-Control-Request-Method
// and -Headers, set by a declarativeNetRequest session rule scoped to this extension's own request
// (docs/live-probe.md). No actual request is ever sent. The raw response is read from webRequest listeners that
// exist only while a probe runs (tabId -1: the extension's own requests; they show redirects, which fetch
// hides), with the fetch response as the fallback. What to send and the verdict come from the engine.

const api = globalThis.browser ?? globalThis.chrome;

const PROBE_IDS = [900000, 901000]; // session-rule ids reserved for probes
// The extension's own requests come from its origin's host: the id in Chromium, a per-profile UUID in Firefox
// (moz-extension://<uuid>/), which is not the add-on id.
const OWN_HOST = new URL(api.runtime.getURL('/')).host;
let seq = 0;
const nextId = () => PROBE_IDS[0] + (seq++ % (PROBE_IDS[1] - PROBE_IDS[0]));

// Probes to the same URL run one after another (docs/live-probe.md: one rule per URL at a time).
const chains = new Map();

/** Drop probe rules a previous service-worker instance left behind (session rules outlive the worker). */
export async function sweepProbeRules() {
  if (!api.declarativeNetRequest?.getSessionRules) return;
  try {
    const rules = await api.declarativeNetRequest.getSessionRules();
    const stale = rules.map((r) => r.id).filter((id) => id >= PROBE_IDS[0] && id < PROBE_IDS[1]);
    if (stale.length) await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: stale });
  } catch (e) {
    console.warn('CORS Lens: could not sweep probe rules', e);
  }
}

const OWN_REQUEST_EVENTS = [
  ['onBeforeSendHeaders', ['requestHeaders']],
  ['onSendHeaders', ['requestHeaders']],
  ['onHeadersReceived', ['responseHeaders']],
  ['onBeforeRedirect', ['responseHeaders']],
  ['onCompleted', []],
  ['onErrorOccurred', []],
];

/** Listens to the extension's own OPTIONS to `url` until the returned function is called. */
function watchOwnRequest(url, w) {
  // Match patterns cannot say "this exact URL" (a query, a port, a '*' in it): compare in the listener.
  const filter = { urls: ['<all_urls>'], tabId: -1, types: ['xmlhttprequest'] };
  const added = OWN_REQUEST_EVENTS.map(([event, extra]) => {
    const fn = (d) => { if (d.url === url) observeOwnRequest(event, d, w); };
    if (extra.length) api.webRequest[event].addListener(fn, filter, extra);
    else api.webRequest[event].addListener(fn, filter);
    return [event, fn];
  });
  return () => { for (const [event, fn] of added) api.webRequest[event].removeListener(fn); };
}

function observeOwnRequest(event, d, w) {
  if (d.method !== 'OPTIONS' || w.done) return;
  if (event === 'onSendHeaders' && d.requestHeaders) w.requestHeaders = d.requestHeaders;
  if (event === 'onBeforeSendHeaders' && d.requestHeaders && !w.requestHeaders) w.requestHeaders = d.requestHeaders;
  if ((event === 'onHeadersReceived' || event === 'onBeforeRedirect') && d.statusCode) {
    w.status = d.statusCode;
    w.statusLine = d.statusLine;
    if (d.responseHeaders) w.responseHeaders = d.responseHeaders;
    if (event === 'onBeforeRedirect') { w.location = d.redirectUrl; w.done = true; }
  }
  if (event === 'onCompleted' || event === 'onErrorOccurred') {
    if (d.error) w.error = d.error;
    w.done = true;
  }
}

const FETCH_TIMEOUT_MS = 15000; // a server that never answers must not hold the probe, or its rule, open

// The rule's URL condition: a regular expression that matches this URL only, byte for byte (urlFilter's `*`,
// `^` and `|` are wildcards and anchors there, and it ignores case unless told otherwise).
const escapeRegex = (text) => text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

/** The regexFilter matching exactly `href`, or throws when Chrome cannot express it (too long for its RE2 limits). */
async function exactRegex(href) {
  const regex = `^${escapeRegex(href)}$`;
  const verdict = await api.declarativeNetRequest.isRegexSupported?.({ regex, isCaseSensitive: true });
  if (verdict && !verdict.isSupported) throw new Error(`This URL cannot be probed: Chrome cannot match it exactly (${verdict.reason}).`);
  return regex;
}

/**
 * The engine's ProbeRequest { url, request_headers: [[name, value]] (the preflight's own headers) } ->
 * { url, request_headers: [[n, v]], status, status_line, headers: [[n, v]], redirected, location, error,
 *   duration_ms, source: 'webRequest'|'fetch' }
 */
export function livePreflight(opts) {
  const prev = chains.get(opts.url) || Promise.resolve();
  const run = prev.catch(() => {}).then(() => probeOnce(opts));
  chains.set(opts.url, run);
  run.finally(() => { if (chains.get(opts.url) === run) chains.delete(opts.url); });
  return run;
}

async function probeOnce({ url, request_headers: preflightHeaders }) {
  const parsed = new URL(url);
  if (!/^https?:$/.test(parsed.protocol)) throw new Error('Only http(s) URLs can be probed.');
  parsed.hash = ''; // never sent, and not part of the URL the rule sees
  const href = parsed.href;
  const regexFilter = await exactRegex(href);
  const id = nextId();
  const requestHeaders = preflightHeaders.map(([name, value]) => ({ header: name.toLowerCase(), operation: 'set', value }));
  await api.declarativeNetRequest.updateSessionRules({
    removeRuleIds: [id],
    addRules: [{
      id,
      priority: 1,
      action: { type: 'modifyHeaders', requestHeaders },
      condition: {
        regexFilter,
        isUrlFilterCaseSensitive: true,
        tabIds: [-1], // the extension's own requests: no tab's request can match
        requestMethods: ['options'],
        initiatorDomains: [OWN_HOST],
        resourceTypes: ['xmlhttprequest'],
      },
    }],
  });
  const w = {}; // { requestHeaders, status, statusLine, responseHeaders, location, error, done }
  const unwatch = watchOwnRequest(href, w);
  const t0 = performance.now();
  const out = { url: href, request_headers: null, status: null, status_line: null, headers: [], redirected: false,
    location: null, error: null, duration_ms: null, source: null };
  try {
    let resp = null;
    try {
      // credentials omitted and default cache mode: a real preflight has no cookies and no cache headers.
      resp = await fetch(href, { method: 'OPTIONS', credentials: 'omit', redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      await resp.arrayBuffer().catch(() => {});
    } catch (e) {
      out.error = String(e && e.message ? e.message : e);
    }
    out.duration_ms = Math.round((performance.now() - t0) * 10) / 10;
    // webRequest's onCompleted may trail the fetch promise by a tick.
    for (let i = 0; i < 20 && !w.done && w.status == null && !w.error; i++) await new Promise((r) => setTimeout(r, 10));
    if (w.status != null) {
      out.source = 'webRequest';
      out.status = w.status;
      out.status_line = w.statusLine || null;
      out.headers = (w.responseHeaders || []).map((h) => [h.name, h.value ?? latin1(h.binaryValue)]);
      out.location = w.location || null;
      out.redirected = !!w.location || (w.status >= 300 && w.status < 400);
    } else if (resp) {
      out.source = 'fetch';
      out.status = resp.type === 'opaqueredirect' ? null : resp.status;
      out.redirected = resp.type === 'opaqueredirect';
      out.headers = [...resp.headers];
    }
    if (w.error && !out.error) out.error = w.error;
    if (w.requestHeaders) out.request_headers = w.requestHeaders.map((h) => [h.name, h.value ?? latin1(h.binaryValue)]);
    else out.request_headers = preflightHeaders;
    return out;
  } finally {
    unwatch();
    await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: [id] }).catch(() => {});
  }
}

function latin1(bytes) {
  return bytes ? String.fromCharCode(...bytes) : '';
}
