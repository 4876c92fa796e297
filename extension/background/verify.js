// "Verify with Chrome": Chrome's own CORS verdict on a request, through chrome.debugger (optional permission,
// asked for when the user clicks). The inspected page issues the request itself, from an isolated world so
// that page scripts cannot change it; the Fetch domain lets the preflight through and fails the actual request
// the moment Chrome would send it, so the server only ever sees the OPTIONS. Network.loadingFailed then carries
// Chrome's corsErrorStatus. Recipe and pitfalls: docs/live-probe.md.
const api = globalThis.browser ?? globalThis.chrome;

const SETTLE_MS = 150; // ExtraInfo events can trail loadingFailed
const TIMEOUT_MS = 15000; // the page's fetch, preflight included
const COMMAND_TIMEOUT_MS = 5000; // any other CDP command: a hung one must not keep the tab under the debugger

/** CDP reports a URL's `#fragment` apart (`urlFragment`), and a fragment never reaches a server: compare without it. */
export function withoutFragment(url) {
  const at = String(url).indexOf('#');
  return at < 0 ? String(url) : String(url).slice(0, at);
}

/**
 * Runs the request once in tab `tabId` and reports what Chrome decided:
 * { outcome: "passed" | "blocked" | "network_error" | "page_moved" | "not_sent", cors_error, failed_parameter,
 *   error_text, preflight_status, console }.
 * `request`: { url, method, origin, headers: [[name, value]], credentials } (the page's script-set headers).
 */
/** Throws for a request that cannot be re-sent safely: a paused OPTIONS is let through as the preflight, so an
 *  actual request that is an OPTIONS would reach the server. */
export function assertVerifiable(request) {
  if (String(request.method).toUpperCase() === 'OPTIONS') throw new Error('Verify with Chrome cannot re-send an OPTIONS request: it would reach the server');
}

export async function verifyWithChrome(tabId, request) {
  assertVerifiable(request);
  const url = withoutFragment(request.url);
  const target = { tabId };
  const send = (method, params = {}, ms = COMMAND_TIMEOUT_MS) => withTimeout(api.debugger.sendCommand(target, method, params), ms, method);
  const started = Date.now() - 1;
  const state = { ourId: null, failedActual: false, loadingFailed: null, preflightStatus: null, logs: [], preflightIds: new Set() };
  const onEvent = (source, method, p) => {
    if (source.tabId !== tabId) return;
    if (method === 'Fetch.requestPaused') {
      // Every request of the tab pauses here while the window is open. Only the preflight goes on; the actual
      // request reaches this point once the preflight passed and is failed unsent, and so is anything else
      // (a page's own request in the window is failed rather than risk letting ours through under another shape).
      const preflight = p.request.method === 'OPTIONS' && withoutFragment(p.request.url) === url;
      if (!preflight && withoutFragment(p.request.url) === url) state.failedActual = true;
      send(preflight ? 'Fetch.continueRequest' : 'Fetch.failRequest',
        preflight ? { requestId: p.requestId } : { requestId: p.requestId, errorReason: 'BlockedByClient' }).catch(() => {});
    } else if (method === 'Network.requestWillBeSent' && withoutFragment(p.request.url) === url) {
      if (p.initiator?.type === 'preflight') state.preflightIds.add(p.requestId);
      else if (p.request.method !== 'OPTIONS' && !state.ourId) state.ourId = p.requestId;
    } else if (method === 'Network.responseReceived' && state.preflightIds.has(p.requestId)) {
      state.preflightStatus = p.response.status;
    } else if (method === 'Network.loadingFailed' && p.requestId === state.ourId) {
      state.loadingFailed = p;
    } else if (method === 'Log.entryAdded' && p.entry.timestamp >= started && p.entry.text.includes(url)) {
      state.logs.push(p.entry.text); // Log.enable replays older entries: only this request's, from now on
    }
  };
  await withTimeout(api.debugger.attach(target, '1.3'), COMMAND_TIMEOUT_MS, 'attach');
  api.debugger.onEvent.addListener(onEvent);
  try {
    await send('Network.enable');
    await send('Log.enable');
    // A page service worker would make the request itself, out of this tab's Fetch domain: bypass it. And
    // no preflight cache, so the OPTIONS is really sent.
    await send('Network.setBypassServiceWorker', { bypass: true });
    await send('Network.setCacheDisabled', { cacheDisabled: true });
    // Every URL, not a pattern of ours: a pattern that misses the request (a fragment, a normalised spelling)
    // would let the actual request leave with the page's cookies.
    await send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
    const { frameTree } = await send('Page.getFrameTree');
    const { executionContextId } = await send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'cors-lens-verify' });
    const init = { method: request.method, headers: request.headers, credentials: request.credentials, mode: 'cors' };
    const expression = `location.origin !== ${JSON.stringify(request.origin)} ? 'page_moved' : ` +
      `fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then(() => 'sent', (e) => 'rejected')`;
    const { result } = await send('Runtime.evaluate', { contextId: executionContextId, expression, awaitPromise: true, returnByValue: true }, TIMEOUT_MS);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const failed = state.loadingFailed;
    const base = { preflight_status: state.preflightStatus, console: state.logs[0] ?? null };
    if (result?.value === 'page_moved') return { outcome: 'page_moved', ...base };
    if (failed?.corsErrorStatus) {
      return { outcome: 'blocked', cors_error: failed.corsErrorStatus.corsError, failed_parameter: failed.corsErrorStatus.failedParameter ?? '', error_text: failed.errorText, ...base };
    }
    if (state.failedActual) return { outcome: 'passed', ...base };
    if (failed) return { outcome: 'network_error', error_text: failed.errorText, ...base };
    return { outcome: 'not_sent', error_text: result?.value === 'rejected' ? 'fetch() rejected before any request was sent' : null, ...base };
  } finally {
    api.debugger.onEvent.removeListener(onEvent);
    await send('Fetch.disable').catch(() => {});
    await send('Network.setCacheDisabled', { cacheDisabled: false }).catch(() => {});
    await withTimeout(api.debugger.detach(target), COMMAND_TIMEOUT_MS, 'detach').catch(() => {});
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`Chrome did not answer ${what} in time`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}
