// Two-layer failures: a proxy (nginx) in front of an app whose own CORS configuration is correct, where
// the failure lives in the proxy. Run by the two-layer adapters (adapters/<proxy>-<app>.mjs, which
// export `failures = LAYER_FAILURE_IDS` and `fixWith`, the proxy's framework id), through the same
// runCell() as the nine single-layer failures. Beside the diagnosis, each failure says which layer the
// engine's explanation must name (`answeredBy`: 'proxy' or 'app', which the adapter's `layers` export
// turns into the name the Responder's `answered_by.name` must hold, proven by the response's own
// headers), and `fixedStatus` is what the script must read once fixed ('same': the proxy's own 5xx
// stays what it was; the fix makes it readable instead of a CORS error).
const JSON_BODY = '{"n":1}';
const GET = (url) => ({ method: 'GET', url });

export const LAYER_FAILURES = [
  { id: 'proxy-options-405', blocked: true, answeredBy: 'proxy',
    broken: 'the proxy allows only GET/HEAD/POST/PUT/DELETE and answers OPTIONS 405 itself; the app behind it answers CORS correctly',
    request: (url) => ({ method: 'PUT', headers: [['Content-Type', 'application/json']], body: JSON_BODY, url }),
    // A simple GET never sends OPTIONS: the app's CORS headers reach the page through the proxy.
    worked: [{ name: 'a GET', request: GET }] },
  { id: 'proxy-strips', blocked: true, answeredBy: 'app',
    broken: 'the proxy drops the app\'s Access-Control-Allow-Origin (proxy_hide_header)',
    request: GET, worked: [] },
  { id: 'proxy-duplicates', blocked: true, answeredBy: 'app', otherLayer: true,
    broken: 'the proxy and the app both add Access-Control-Allow-Origin: "contains multiple values"',
    request: GET, worked: [] },
  { id: 'proxy-error-page', blocked: true, answeredBy: 'proxy', fixedStatus: 'same',
    broken: 'the app is down: the proxy answers with its own 5xx page (nginx 502, HAProxy 503), which has no CORS headers',
    request: GET, worked: [] },
];

export const LAYER_FAILURE_IDS = LAYER_FAILURES.map((f) => f.id);
