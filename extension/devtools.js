// DevTools page: creates the "CORS" panel and forwards HAR entries of the inspected tab to the background,
// summarised as docs/session-api.md ("HAR links in") describes. DevTools sees every preflight
// (`_resourceType: "preflight"`, `_initiator.requestId` = the actual request), which lets the session confirm
// or correct its request <-> preflight match.
const api = globalThis.browser ?? globalThis.chrome;
const tabId = api.devtools.inspectedWindow.tabId;

// Paths are from the extension root (Chrome resolves them against the origin, Firefox against the page).
api.devtools.panels.create('CORS', '/extension/icons/icon-32.png', '/extension/panel.html');

function pairs(list) {
  return (list || []).map((h) => [String(h.name), String(h.value)]);
}

function hasOrigin(headers) {
  return (headers || []).some((h) => String(h.name).toLowerCase() === 'origin');
}

/** HAR entry -> the session's summary; null for entries that cannot concern CORS. */
export function summarize(e) {
  const req = e.request || {};
  const res = e.response || {};
  const resourceType = e._resourceType ?? null;
  // Preflights, and requests that carried an Origin header (every CORS request does); others are noise.
  if (resourceType !== 'preflight' && !hasOrigin(req.headers)) return null;
  return {
    url: req.url,
    method: req.method,
    resource_type: resourceType,
    initiator_type: e._initiator?.type ?? null,
    initiator_request_id: e._initiator?.requestId ?? null,
    started: Date.parse(e.startedDateTime),
    status: res.status ?? 0,
    request_headers: pairs(req.headers),
    response_headers: pairs(res.headers),
  };
}

api.devtools.network.onRequestFinished.addListener((entry) => {
  let summary = null;
  try { summary = summarize(entry); } catch { summary = null; }
  if (!summary) return;
  Promise.resolve().then(() => api.runtime.sendMessage({ type: 'har', tabId, entry: summary })).catch(() => {});
});
