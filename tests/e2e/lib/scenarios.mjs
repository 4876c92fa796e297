// The CORS failures (and a few successes) a local server can provoke, shared by the console-parity tests of
// the engine (console-parity.test.mjs) and of the extension (extension-console-parity.test.mjs). `unseen`
// says why a capture cannot see a failure at all (the extension must then show no line of its own for it).

/** base + path + query from [[key, value], ...] (repeatable keys allowed). */
export function u(base, p, params = []) {
  const q = new URLSearchParams(params).toString();
  return `${base}${p}${q ? `?${q}` : ''}`;
}

const ECHO = [['acao', 'echo']];
const PUT_X = { method: 'PUT', headers: [['X-Test', '1']] };
const PREFLIGHT_OK = [['acao', 'echo'], ['acam', 'PUT'], ['acah', 'x-test'], ['maxage', '0']];

// Each scenario: id, intent (the CorsError Chromium is expected to report, or null for an allowed request;
// this only checks that the scenario provokes what it is named after), spec(o) -> window.run spec, where
// o = { app, api, other, tag } and `tag` is unique per scenario (defeats the preflight and HTTP caches).
export const SCENARIOS = [
  // ---- allowed ----
  { id: 'ok-simple-get', intent: null, spec: (o) => ({ url: u(o.api, '/ok', [...ECHO, ['t', o.tag]]) }) },
  { id: 'ok-wildcard', intent: null, spec: (o) => ({ url: u(o.api, '/ok', [['acao', '*'], ['t', o.tag]]) }) },
  { id: 'ok-simple-post-text', intent: null,
    spec: (o) => ({ method: 'POST', body: 'x', headers: [['Content-Type', 'text/plain']], url: u(o.api, '/ok', [...ECHO, ['t', o.tag]]) }) },
  { id: 'ok-preflight-put', intent: null, spec: (o) => ({ ...PUT_X, url: u(o.api, '/ok', [...PREFLIGHT_OK, ['t', o.tag]]) }) },
  { id: 'ok-credentials', intent: null,
    spec: (o) => ({ credentials: 'include', url: u(o.api, '/ok', [...ECHO, ['acac', 'true'], ['t', o.tag]]) }) },
  { id: 'ok-authorization-under-wildcard-acah', intent: null,
    spec: (o) => ({ method: 'PUT', headers: [['Authorization', 'Bearer x']],
      url: u(o.api, '/ok', [...ECHO, ['acam', 'PUT'], ['acah', '*'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'ok-redirect-same-origin', intent: null,
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'ok-redirect-tainted-null-echoed', intent: null,
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.other, '/final', [...ECHO, ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'ok-redirect-tainted-null-preflight', intent: null,
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/r', [...PREFLIGHT_OK, ['rstatus', '307'], ['racao', 'echo'], ['t', o.tag],
      ['location', u(o.other, '/final', [...PREFLIGHT_OK, ['t', o.tag]])]]) }) },
  { id: 'ok-acah-case-insensitive', intent: null,
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/ok', [...ECHO, ['acam', 'PUT'], ['acah', 'X-TEST'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'ok-no-cors-opaque', intent: null, spec: (o) => ({ mode: 'no-cors', url: u(o.api, '/opaque', [['t', o.tag]]) }) },
  { id: 'ok-xhr-credentials', intent: null,
    spec: (o) => ({ client: 'xhr', credentials: 'include', url: u(o.api, '/ok', [...ECHO, ['acac', 'true'], ['t', o.tag]]) }) },

  // ---- the CORS check on the actual response ----
  { id: 'missing-acao', intent: 'MissingAllowOriginHeader', spec: (o) => ({ url: u(o.api, '/data', [['t', o.tag]]) }) },
  { id: 'missing-acao-500', intent: 'MissingAllowOriginHeader', spec: (o) => ({ url: u(o.api, '/data', [['status', '500'], ['t', o.tag]]) }) },
  { id: 'multiple-acao-lines', intent: 'MultipleAllowOriginValues', spec: (o) => ({ url: u(o.api, '/data', [...ECHO, ...ECHO, ['t', o.tag]]) }) },
  { id: 'multiple-acao-list', intent: 'MultipleAllowOriginValues',
    spec: (o) => ({ url: u(o.api, '/data', [['acao', `${o.app}, https://b.example`], ['t', o.tag]]) }) },
  { id: 'invalid-acao', intent: 'InvalidAllowOriginValue', spec: (o) => ({ url: u(o.api, '/data', [['acao', '*.example.com'], ['t', o.tag]]) }) },
  { id: 'acao-mismatch-trailing-slash', intent: 'AllowOriginMismatch', spec: (o) => ({ url: u(o.api, '/data', [['acao', `${o.app}/`], ['t', o.tag]]) }) },
  { id: 'acao-empty', intent: 'InvalidAllowOriginValue', spec: (o) => ({ url: u(o.api, '/data', [['acao', ''], ['t', o.tag]]) }) },
  // A control character in the hint: Chromium escapes it (EncodeHint) as \u0009.
  { id: 'acao-mismatch-tab', intent: 'AllowOriginMismatch', spec: (o) => ({ url: u(o.api, '/data', [['acao', 'http://a\tb'], ['t', o.tag]]) }) },
  { id: 'acao-mismatch-null', intent: 'AllowOriginMismatch', spec: (o) => ({ url: u(o.api, '/data', [['acao', 'null'], ['t', o.tag]]) }) },
  { id: 'wildcard-with-credentials', intent: 'WildcardOriginNotAllowed',
    spec: (o) => ({ credentials: 'include', url: u(o.api, '/data', [['acao', '*'], ['t', o.tag]]) }) },
  { id: 'acac-missing', intent: 'InvalidAllowCredentials', spec: (o) => ({ credentials: 'include', url: u(o.api, '/data', [...ECHO, ['t', o.tag]]) }) },
  { id: 'acac-True', intent: 'InvalidAllowCredentials',
    spec: (o) => ({ credentials: 'include', url: u(o.api, '/data', [...ECHO, ['acac', 'True'], ['t', o.tag]]) }) },

  // ---- preflight: CORS check, status, redirect ----
  { id: 'preflight-missing-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'none'], ['t', o.tag]]) }) },
  { id: 'preflight-404-no-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'none'], ['pstatus', '404'], ['t', o.tag]]) }) },
  { id: 'preflight-multiple-acao', intent: 'PreflightMultipleAllowOriginValues',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'echo'], ['pacao', 'echo'], ['t', o.tag]]) }) },
  { id: 'preflight-invalid-acao', intent: 'PreflightInvalidAllowOriginValue',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', '*.example.com'], ['t', o.tag]]) }) },
  { id: 'preflight-acao-mismatch', intent: 'PreflightAllowOriginMismatch',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'http://example.com'], ['t', o.tag]]) }) },
  { id: 'preflight-wildcard-with-credentials', intent: 'PreflightWildcardOriginNotAllowed',
    spec: (o) => ({ ...PUT_X, credentials: 'include', url: u(o.api, '/data', [...PREFLIGHT_OK, ['acac', 'true'], ['pacao', '*'], ['t', o.tag]]) }) },
  { id: 'preflight-acac-missing', intent: 'PreflightInvalidAllowCredentials',
    spec: (o) => ({ ...PUT_X, credentials: 'include', url: u(o.api, '/data', [...PREFLIGHT_OK, ['acac', 'true'], ['pacac', 'none'], ['t', o.tag]]) }) },
  ...[404, 403, 401, 500].map((st) => ({ id: `preflight-status-${st}-with-acao`, intent: 'PreflightInvalidStatus',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pstatus', String(st)], ['t', o.tag]]) }) })),
  { id: 'preflight-redirect', intent: 'PreflightDisallowedRedirect',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['plocation', u(o.api, '/elsewhere', [...PREFLIGHT_OK, ['t', o.tag]])], ['t', o.tag]]) }) },

  // ---- preflight: methods and headers ----
  { id: 'acam-unparsable', intent: 'InvalidAllowMethodsPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'PUT; POST'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'acah-unparsable', intent: 'InvalidAllowHeadersPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'PUT'], ['acah', 'x-test; x-other'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'method-not-allowed', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'GET, POST'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'acam-lowercase-put', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'put'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'method-lowercase-patch', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ method: 'patch', url: u(o.api, '/data', [...ECHO, ['acam', 'PATCH'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'header-not-allowed', intent: 'HeaderDisallowedByPreflightResponse',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'PUT'], ['acah', 'x-other'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'header-content-type-json', intent: 'HeaderDisallowedByPreflightResponse',
    spec: (o) => ({ method: 'POST', body: '{}', headers: [['Content-Type', 'application/json']],
      url: u(o.api, '/data', [...ECHO, ['maxage', '0'], ['t', o.tag]]) }) },

  // ---- redirects ----
  { id: 'redirect-contains-credentials', intent: 'RedirectContainsCredentials',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api.replace('://', '://user:pass@'), '/final', [...ECHO, ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'redirect-missing-acao', intent: 'MissingAllowOriginHeader',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])], ['t', o.tag]]) }) },
  { id: 'redirect-second-hop-missing-acao', intent: 'MissingAllowOriginHeader',
    spec: (o) => ({ url: u(o.api, '/r1', [['racao', 'echo'], ['t', o.tag], ['location',
      u(o.api, '/r2', [['t', o.tag], ['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])]])]]) }) },
  { id: 'redirect-final-missing-acao', intent: 'MissingAllowOriginHeader',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.api, '/final', [['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },
  { id: 'redirect-tainted-origin-mismatch', intent: 'AllowOriginMismatch',
    spec: (o) => ({ url: u(o.api, '/r', [['location', u(o.other, '/final', [['acao', o.app], ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },

  { id: 'redirect-then-preflight-missing-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/r', [...PREFLIGHT_OK, ['rstatus', '307'], ['racao', 'echo'], ['t', o.tag],
      ['location', u(o.api, '/final', [...PREFLIGHT_OK, ['pacao', 'none'], ['t', o.tag]])]]) }) },

  // ---- request mode ----
  { id: 'mode-same-origin', intent: 'DisallowedByMode', unseen: "rejected by the page's fetch() before any request exists: neither webRequest nor DevTools' Network panel records it, only the Console", spec: (o) => ({ mode: 'same-origin', url: u(o.api, '/data', [...ECHO, ['t', o.tag]]) }) },
  { id: 'mode-same-origin-redirected-cross-origin', intent: 'DisallowedByMode',
    unseen: "its request mode ('same-origin') shows in neither webRequest nor DevTools' records, so a capture sees a cross-origin redirect that CORS allowed",
    spec: (o) => ({ mode: 'same-origin', url: u(o.app, '/r', [['location', u(o.api, '/final', [...ECHO, ['t', o.tag]])], ['t', o.tag]]) }) },
  { id: 'no-cors-redirect-manual', intent: 'NoCorsRedirectModeNotFollow', unseen: "rejected by the page's fetch() before any request exists: neither webRequest nor DevTools' Network panel records it, only the Console",
    spec: (o) => ({ mode: 'no-cors', redirect: 'manual', url: u(o.api, '/data', [['t', o.tag]]) }) },

  // ---- XMLHttpRequest ----
  { id: 'xhr-missing-acao', intent: 'MissingAllowOriginHeader', spec: (o) => ({ client: 'xhr', url: u(o.api, '/data', [['t', o.tag]]) }) },
  { id: 'xhr-wildcard-with-credentials', intent: 'WildcardOriginNotAllowed',
    spec: (o) => ({ client: 'xhr', credentials: 'include', url: u(o.api, '/data', [['acao', '*'], ['t', o.tag]]) }) },
  { id: 'xhr-acac-missing', intent: 'InvalidAllowCredentials',
    spec: (o) => ({ client: 'xhr', credentials: 'include', url: u(o.api, '/data', [...ECHO, ['t', o.tag]]) }) },
  { id: 'xhr-preflight-wildcard-with-credentials', intent: 'PreflightWildcardOriginNotAllowed',
    spec: (o) => ({ client: 'xhr', ...PUT_X, credentials: 'include', url: u(o.api, '/data', [...PREFLIGHT_OK, ['acac', 'true'], ['pacao', '*'], ['t', o.tag]]) }) },
  { id: 'xhr-preflight-status-404', intent: 'PreflightInvalidStatus',
    spec: (o) => ({ client: 'xhr', ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pstatus', '404'], ['t', o.tag]]) }) },
  { id: 'xhr-method-not-allowed', intent: 'MethodDisallowedByPreflightResponse',
    spec: (o) => ({ client: 'xhr', ...PUT_X, url: u(o.api, '/data', [...ECHO, ['acam', 'GET'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]]) }) },
  { id: 'xhr-upload-forced-preflight-missing-acao', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ client: 'xhr', method: 'POST', body: 'x', upload: true, headers: [['Content-Type', 'text/plain']],
      url: u(o.api, '/data', [...ECHO, ['pacao', 'none'], ['t', o.tag]]) }) },
  { id: 'xhr-redirect-tainted-origin-mismatch', intent: 'AllowOriginMismatch',
    spec: (o) => ({ client: 'xhr', url: u(o.api, '/r', [['location', u(o.other, '/final', [['acao', o.app], ['t', o.tag]])], ['racao', 'echo'], ['t', o.tag]]) }) },

  // ---- a safelisted name with an unsafe value: preflighted, and stopped by its preflight ----
  { id: 'content-language-unsafe-value', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ headers: [['Content-Language', '@']], url: u(o.api, '/data', [...ECHO, ['pacao', 'none'], ['t', o.tag]]) }) },
  { id: 'accept-unsafe-byte', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ headers: [['Accept', 'text/html(x)']], url: u(o.api, '/data', [...ECHO, ['pacao', 'none'], ['t', o.tag]]) }) },
  { id: 'accept-language-over-128-bytes', intent: 'PreflightMissingAllowOriginHeader',
    spec: (o) => ({ headers: [['Accept-Language', 'en-US,'.repeat(34)]], url: u(o.api, '/data', [...ECHO, ['pacao', 'none'], ['t', o.tag]]) }) },

  // ---- header values are bytes ----
  { id: 'acao-trailing-byte-a0', intent: 'InvalidAllowOriginValue',
    spec: (o) => ({ url: u(o.api, '/data', [['rawhdr', `Access-Control-Allow-Origin:${Buffer.from(`${o.app}\u00a0`, 'latin1').toString('hex')}`], ['t', o.tag]]) }) },
  { id: 'acao-trailing-utf8-nbsp', intent: 'InvalidAllowOriginValue',
    spec: (o) => ({ url: u(o.api, '/data', [['acao', `${o.app}\u00a0`], ['t', o.tag]]) }) },
];

// Where the browsers' rules differ: `intents` says what each browser is expected to report (null: allowed),
// checked by the test of that browser (Firefox: firefox-console-parity.test.mjs).
export const BROWSER_DIFFERENCES = [
  // Firefox checks the redirect's CORS headers before it refuses a redirected preflight.
  { id: 'preflight-redirect-no-acao', intents: { chromium: 'PreflightDisallowedRedirect', firefox: 'PreflightMissingAllowOriginHeader' },
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'none'], ['prstatus', '301'],
      ['plocation', u(o.api, '/elsewhere', [...PREFLIGHT_OK, ['t', o.tag]])], ['t', o.tag]]) }) },
  // After a cross-origin redirect Chromium's second preflight says `Origin: null`, Firefox's the page's origin:
  // a server that allows only null lets Chromium through and stops Firefox.
  { id: 'redirect-preflight-allows-only-null', intents: { chromium: null, firefox: 'PreflightAllowOriginMismatch' },
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/r', [...PREFLIGHT_OK, ['rstatus', '307'], ['racao', 'echo'], ['t', o.tag],
      ['location', u(o.other, '/final', [['acao', 'null'], ['acam', 'PUT'], ['acah', 'x-test'], ['maxage', '0'], ['t', o.tag]])]]) }) },
  // A preflight with a 403 and no CORS headers: Safari reports the status, the others the missing header.
  { id: 'preflight-403-no-acao', intents: { chromium: 'PreflightMissingAllowOriginHeader', firefox: 'PreflightMissingAllowOriginHeader' },
    spec: (o) => ({ ...PUT_X, url: u(o.api, '/data', [...PREFLIGHT_OK, ['pacao', 'none'], ['pstatus', '403'], ['t', o.tag]]) }) },
];
