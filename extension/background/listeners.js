// The webRequest listeners, registered only for what is recorded: one set per recorded tab (a `tabId` filter,
// so Chromium does not even wake the worker for other tabs), or one set for every tab when background recording
// is on. While nothing is recorded, no listener is registered and the extension costs what the bare permission
// costs. Observe only: no listener blocks or modifies a request.
const api = globalThis.browser ?? globalThis.chrome;

// 'extraHeaders' exists only in Chromium, where it is also what makes preflights visible to webRequest.
const EXTRA = api.webRequest.OnBeforeSendHeadersOptions?.EXTRA_HEADERS;
const spec = (...s) => (EXTRA ? [...s, EXTRA] : s);

/**
 * Whether DevTools' own records can stand in for webRequest on a tab DevTools is open on: in Chromium they mark
 * each failure and the API, and show what only `extraHeaders` would (docs/capture.md). Firefox's records mark no
 * failure, while its webRequest sees everything at no extra cost.
 */
export const DEVTOOLS_SUFFICES = !!EXTRA;

// Six of webRequest's eight events: onBeforeSendHeaders repeats what onSendHeaders reports (the headers as sent,
// after other extensions changed them), and onResponseStarted what onHeadersReceived and onCompleted do. Every
// event costs Chromium a round trip to the worker, so the two are not listened to.
export const EVENTS = [
  ['onBeforeRequest', []],
  ['onSendHeaders', spec('requestHeaders')],
  ['onHeadersReceived', spec('responseHeaders')],
  ['onBeforeRedirect', spec('responseHeaders')],
  ['onCompleted', []],
  ['onErrorOccurred', []],
];

// A tab DevTools is open on, where its records suffice: only errors, whose names DevTools' records sometimes lack
// (Local Network Access's; crate/src/session/lone_errors.rs). No `extraHeaders`, and an event only when a request
// fails, so a page's requests cost Chromium no round trip to the worker.
const ERRORS_ONLY = [['onErrorOccurred', []]];

const installed = new Map(); // tab id, or 'every' -> { kind, added: [[event, listener]] }

function add(key, kind, listenerFor) {
  const filter = key === 'every' ? { urls: ['<all_urls>'] } : { urls: ['<all_urls>'], tabId: key };
  const added = [];
  for (const [event, extra] of kind === 'errors' ? ERRORS_ONLY : EVENTS) {
    const target = api.webRequest[event];
    if (!target) continue;
    const fn = listenerFor(event, kind);
    if (extra.length) target.addListener(fn, filter, extra);
    else target.addListener(fn, filter);
    added.push([event, fn]);
  }
  installed.set(key, { kind, added });
}

function remove(key) {
  for (const [event, fn] of installed.get(key)?.added || []) api.webRequest[event].removeListener(fn);
  installed.delete(key);
}

/**
 * Makes the registered listeners match `wanted` (tab id or 'every' -> 'full' | 'errors', tabsManager.js's
 * webRequestScope); `listenerFor(event, kind)` makes a fresh listener function (one function cannot be registered twice
 * with different filters). Returns the keys whose full set went.
 */
export function syncListeners(wanted, listenerFor) {
  const stopped = []; // tabs whose full set went: their requests in flight will not finish in webRequest
  for (const [key, { kind }] of [...installed]) {
    if (wanted.get(key) === kind) continue;
    if (kind === 'full') stopped.push(key);
    remove(key);
  }
  for (const [key, kind] of wanted) if (!installed.has(key)) add(key, kind, listenerFor);
  return stopped;
}

/** How many listener sets are registered: full ones, and errors-only ones (none of either while nothing is recorded). */
export function listenerSets() {
  const kinds = [...installed.values()].map((i) => i.kind);
  return { listenerSets: kinds.filter((k) => k === 'full').length, errorListenerSets: kinds.filter((k) => k === 'errors').length };
}
