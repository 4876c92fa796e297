// The webRequest listeners, registered only for what is recorded: one set per recorded tab (a `tabId` filter,
// so Chromium does not even wake the worker for other tabs), or one set for every tab when background recording
// is on. While nothing is recorded, no listener is registered and the extension costs what the bare permission
// costs. Observe only: no listener blocks or modifies a request.
const api = globalThis.browser ?? globalThis.chrome;

// 'extraHeaders' exists only in Chromium, where it is also what makes preflights visible to webRequest.
const EXTRA = api.webRequest.OnBeforeSendHeadersOptions?.EXTRA_HEADERS;
const spec = (...s) => (EXTRA ? [...s, EXTRA] : s);

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

const installed = new Map(); // tab id, or 'every' -> [[event, listener]]

function add(key, listenerFor) {
  const filter = key === 'every' ? { urls: ['<all_urls>'] } : { urls: ['<all_urls>'], tabId: key };
  const added = [];
  for (const [event, extra] of EVENTS) {
    const target = api.webRequest[event];
    if (!target) continue;
    const fn = listenerFor(event);
    if (extra.length) target.addListener(fn, filter, extra);
    else target.addListener(fn, filter);
    added.push([event, fn]);
  }
  installed.set(key, added);
}

function remove(key) {
  for (const [event, fn] of installed.get(key) || []) api.webRequest[event].removeListener(fn);
  installed.delete(key);
}

/**
 * Makes the registered listeners match `scope` ('every', or the recorded tab ids); `listenerFor(event)` makes a
 * fresh listener function (one function cannot be registered twice with different filters).
 */
export function syncListeners(scope, listenerFor) {
  const want = new Set(scope === 'every' ? ['every'] : scope);
  for (const key of [...installed.keys()]) if (!want.has(key)) remove(key);
  for (const key of want) if (!installed.has(key)) add(key, listenerFor);
}

/** How many listener sets are registered (0 while nothing is recorded). */
export function listenerSets() {
  return installed.size;
}
