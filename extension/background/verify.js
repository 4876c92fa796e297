// "Verify with Chrome": Chrome's own CORS verdict on a request, through chrome.debugger (optional permission,
// asked for when the user clicks). The inspected page issues the request itself, from an isolated world so
// that page scripts cannot change it; the Fetch domain lets the preflight through and fails the actual request
// the moment Chrome would send it, so the server only ever sees the OPTIONS. Network.loadingFailed then carries
// Chrome's corsErrorStatus. Recipe and pitfalls: docs/live-probe.md.
const api = globalThis.browser ?? globalThis.chrome;

const SETTLE_MS = 150; // ExtraInfo events can trail loadingFailed
const TIMEOUT_MS = 15000;

/** The Fetch domain's urlPattern treats `*` and `?` as wildcards (and `\` escapes them). */
const exactPattern = (url) => url.replace(/[\\*?]/g, (c) => `\\${c}`);

/**
 * Runs the request once in tab `tabId` and reports what Chrome decided:
 * { outcome: "passed" | "blocked" | "network_error" | "page_moved" | "not_sent", cors_error, failed_parameter,
 *   error_text, preflight_status, console }.
 * `request`: { url, method, origin, headers: [[name, value]], credentials } (the page's script-set headers).
 */
export async function verifyWithChrome(tabId, request) {
  const target = { tabId };
  const send = (method, params = {}) => api.debugger.sendCommand(target, method, params);
  const started = Date.now() - 1;
  const state = { ourId: null, failedActual: false, loadingFailed: null, preflightStatus: null, logs: [], preflightIds: new Set() };
  const onEvent = (source, method, p) => {
    if (source.tabId !== tabId) return;
    if (method === 'Fetch.requestPaused') {
      // The actual request reaches this point only once the preflight passed: fail it there, unsent.
      const actual = p.request.url === request.url && p.request.method !== 'OPTIONS';
      if (actual) state.failedActual = true;
      send(actual ? 'Fetch.failRequest' : 'Fetch.continueRequest',
        actual ? { requestId: p.requestId, errorReason: 'BlockedByClient' } : { requestId: p.requestId }).catch(() => {});
    } else if (method === 'Network.requestWillBeSent' && p.request.url === request.url) {
      if (p.initiator?.type === 'preflight') state.preflightIds.add(p.requestId);
      else if (p.request.method !== 'OPTIONS' && !state.ourId) state.ourId = p.requestId;
    } else if (method === 'Network.responseReceived' && state.preflightIds.has(p.requestId)) {
      state.preflightStatus = p.response.status;
    } else if (method === 'Network.loadingFailed' && p.requestId === state.ourId) {
      state.loadingFailed = p;
    } else if (method === 'Log.entryAdded' && p.entry.timestamp >= started && p.entry.text.includes(request.url)) {
      state.logs.push(p.entry.text); // Log.enable replays older entries: only this request's, from now on
    }
  };
  await api.debugger.attach(target, '1.3');
  api.debugger.onEvent.addListener(onEvent);
  try {
    await send('Network.enable');
    await send('Log.enable');
    // A page service worker would make the request itself, out of this tab's Fetch domain: bypass it. And
    // no preflight cache, so the OPTIONS is really sent.
    await send('Network.setBypassServiceWorker', { bypass: true });
    await send('Network.setCacheDisabled', { cacheDisabled: true });
    await send('Fetch.enable', { patterns: [{ urlPattern: exactPattern(request.url), requestStage: 'Request' }] });
    const { frameTree } = await send('Page.getFrameTree');
    const { executionContextId } = await send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'cors-lens-verify' });
    const init = { method: request.method, headers: request.headers, credentials: request.credentials, mode: 'cors' };
    const expression = `location.origin !== ${JSON.stringify(request.origin)} ? 'page_moved' : ` +
      `fetch(${JSON.stringify(request.url)}, ${JSON.stringify(init)}).then(() => 'sent', (e) => 'rejected')`;
    const { result } = await withTimeout(send('Runtime.evaluate', { contextId: executionContextId, expression, awaitPromise: true, returnByValue: true }));
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
    await api.debugger.detach(target).catch(() => {});
  }
}

function withTimeout(promise) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('Chrome did not finish the request in time')), TIMEOUT_MS); }),
  ]).finally(() => clearTimeout(timer));
}
